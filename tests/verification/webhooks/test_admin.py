"""The webhook admin: desk admins add receivers, read the log (escaped), redeliver, test."""

import pytest
from django.urls import reverse

from verification.webhooks import services
from verification.webhooks.models import Delivery, Subscription

pytestmark = pytest.mark.django_db


def test_a_desk_admin_adds_a_subscription_in_the_admin_and_sees_its_secret(
    client, desk_admin, receiver
):
    client.force_login(desk_admin)
    response = client.post(
        reverse("admin:webhooks_subscription_add"),
        {
            "name": "CMS",
            "target_url": receiver.url(),
            "events": ["fact.published", "fact.retracted"],
            "payload_format": "standard",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content
    subscription = Subscription.objects.get()
    assert subscription.events == ["fact.published", "fact.retracted"]
    assert subscription.created_by == desk_admin
    page = client.get(reverse("admin:webhooks_subscription_change", args=[subscription.pk]))
    assert subscription.secret in page.content.decode()


def test_the_admin_refuses_an_internal_target_with_the_reason(client, desk_admin, settings):
    settings.FACTDESK_WEBHOOK_ALLOWED_HOSTS = []
    client.force_login(desk_admin)
    response = client.post(
        reverse("admin:webhooks_subscription_add"),
        {
            "name": "Intranet",
            "target_url": "http://192.168.1.20/hook",
            "events": ["fact.published"],
            "payload_format": "standard",
        },
    )
    assert response.status_code == 200
    assert "refused: address 192.168.1.20 is internal" in response.content.decode()
    assert Subscription.objects.count() == 0


def test_a_receivers_answer_is_shown_escaped_never_as_html(
    client, desk_admin, subscription, receiver
):
    receiver.script.append((500, b"<script>alert('x')</script>"))
    delivery = services.subscription_send_test(subscription=subscription)
    services.delivery_attempt(delivery_id=str(delivery.pk))
    client.force_login(desk_admin)
    for url in (
        reverse("admin:webhooks_subscription_change", args=[subscription.pk]),
        reverse("admin:webhooks_deliveryattempt_changelist"),
        reverse("admin:webhooks_delivery_change", args=[delivery.pk]),
    ):
        html = client.get(url).content.decode()
        assert "<script>alert(" not in html, url
        assert "&lt;script&gt;alert(" in html, url


def test_a_disabled_subscription_says_why_in_the_admin_list(client, desk_admin, subscription):
    Subscription.objects.filter(pk=subscription.pk).update(
        is_active=False, disabled_reason="The receiver answered 410 Gone: it no longer wants these."
    )
    client.force_login(desk_admin)
    html = client.get(reverse("admin:webhooks_subscription_changelist")).content.decode()
    assert "off: The receiver answered 410 Gone" in html


def test_send_test_event_and_redeliver_actions_queue_deliveries(
    client, desk_admin, subscription, receiver, django_capture_on_commit_callbacks
):
    client.force_login(desk_admin)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(
            reverse("admin:webhooks_subscription_changelist"),
            {"action": "send_test_event", "_selected_action": [subscription.pk]},
        )
    assert response.status_code == 302
    delivery = Delivery.objects.get(subscription=subscription)
    assert delivery.event.type == "webhook.test" and len(queued) == 1
    services.delivery_attempt(delivery_id=str(delivery.pk))
    assert receiver.requests[0]["signature_ok"]

    with django_capture_on_commit_callbacks(execute=False) as queued:
        client.post(
            reverse("admin:webhooks_delivery_changelist"),
            {"action": "redeliver", "_selected_action": [str(delivery.pk)]},
        )
    assert len(queued) == 1
    services.delivery_attempt(delivery_id=str(delivery.pk))
    assert [r["headers"]["webhook-id"] for r in receiver.requests] == [delivery.webhook_id] * 2


def test_reviewers_cannot_see_the_webhook_admin(client, reviewer, subscription):
    client.force_login(reviewer)
    response = client.get(reverse("admin:webhooks_subscription_change", args=[subscription.pk]))
    assert response.status_code in (302, 403)
