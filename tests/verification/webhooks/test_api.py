"""The webhooks API: desk admins only; secrets shown once; the log and the commands."""

import pytest
from rest_framework.test import APIClient

from verification.webhooks import services
from verification.webhooks.models import Delivery, Subscription

pytestmark = pytest.mark.django_db

PERSONAS = ("anonymous", "outsider", "annotator", "reviewer", "publisher", "desk_admin")


def _subscription(receiver):
    return services.subscription_create(
        name="CMS", target_url=receiver.url(), events=["fact.published"]
    )


ROUTES = [
    ("get", "/api/v1/webhooks/subscriptions/", None),
    (
        "post",
        "/api/v1/webhooks/subscriptions/",
        {
            "name": "Chat",
            "target_url": "https://chat.example.org/hook",
            "events": ["fact.published"],
        },
    ),
    ("get", "/api/v1/webhooks/subscriptions/{id}/", None),
    ("patch", "/api/v1/webhooks/subscriptions/{id}/", {"name": "Renamed"}),
    ("post", "/api/v1/webhooks/subscriptions/{id}/secret/", None),
    ("post", "/api/v1/webhooks/subscriptions/{id}/test/", None),
    ("get", "/api/v1/webhooks/subscriptions/{id}/deliveries/", None),
    ("post", "/api/v1/webhooks/deliveries/{delivery}/redeliver/", None),
    ("delete", "/api/v1/webhooks/subscriptions/{id}/", None),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("method", "path", "body"), ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES])
def test_only_desk_admins_may_manage_webhooks(
    request, persona, method, path, body, receiver, roles, django_capture_on_commit_callbacks
):
    subscription = _subscription(receiver)
    event = services.subscription_send_test(subscription=subscription)
    client = APIClient()
    if persona != "anonymous":
        client.force_authenticate(request.getfixturevalue(persona))
    url = path.format(id=subscription.pk, delivery=event.webhook_id)
    with django_capture_on_commit_callbacks(execute=False):
        response = getattr(client, method)(url, body, format="json")
    if persona == "desk_admin":
        assert response.status_code in (200, 201, 202, 204), response.content
    else:
        assert response.status_code in (401, 403), response.content
    if persona in ("outsider", "annotator", "reviewer", "publisher"):
        assert response.json() == {"detail": "Only desk admins can manage webhooks."}


def test_the_secret_is_shown_when_made_and_not_in_later_reads(desk_admin):
    client = APIClient()
    client.force_authenticate(desk_admin)
    made = client.post(
        "/api/v1/webhooks/subscriptions/",
        {
            "name": "Chat",
            "target_url": "https://chat.example.org/hook",
            "events": ["fact.retracted", "fact.published", "fact.published"],
            "payload_format": "slack",
        },
        format="json",
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["secret"].startswith("whsec_")
    assert body["events"] == ["fact.published", "fact.retracted"]
    assert body["payload_format"] == "slack" and body["is_active"] is True
    read = client.get(f"/api/v1/webhooks/subscriptions/{body['id']}/").json()
    assert "secret" not in read
    assert Subscription.objects.get(pk=body["id"]).created_by == desk_admin


@pytest.mark.parametrize(
    ("target_url", "events", "field", "reason"),
    [
        ("http://127.0.0.1:9/hook", ["fact.published"], "target_url", "internal"),
        ("http://cms.internal/hook", ["fact.published"], "target_url", "local host name"),
        ("https://chat.example.org/", ["fact.deleted"], "events", "not a valid choice"),
        ("https://chat.example.org/", [], "events", "empty"),
        ("ftp://chat.example.org/", ["fact.published"], "target_url", "only http and https"),
    ],
)
def test_a_bad_subscription_is_a_400_naming_the_field(
    desk_admin, target_url, events, field, reason
):
    client = APIClient()
    client.force_authenticate(desk_admin)
    response = client.post(
        "/api/v1/webhooks/subscriptions/",
        {"name": "X", "target_url": target_url, "events": events},
        format="json",
    )
    assert response.status_code == 400
    assert reason in str(response.json()[field])


def test_turning_a_disabled_subscription_back_on_clears_why_it_was_off(desk_admin, receiver):
    subscription = _subscription(receiver)
    Subscription.objects.filter(pk=subscription.pk).update(
        is_active=False, disabled_reason="The receiver answered 410 Gone", consecutive_failures=4
    )
    client = APIClient()
    client.force_authenticate(desk_admin)
    response = client.patch(
        f"/api/v1/webhooks/subscriptions/{subscription.pk}/", {"is_active": True}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["is_active"] is True
    assert response.json()["disabled_reason"] == ""
    assert response.json()["consecutive_failures"] == 0


def test_the_delivery_log_lists_each_try_with_status_latency_and_excerpt(desk_admin, receiver):
    subscription = _subscription(receiver)
    receiver.secret = subscription.secret
    receiver.script.append((500, b"<b>try later</b>"))
    delivery = services.subscription_send_test(subscription=subscription)
    services.delivery_attempt(delivery_id=str(delivery.pk))
    client = APIClient()
    client.force_authenticate(desk_admin)

    log = client.get(f"/api/v1/webhooks/subscriptions/{subscription.pk}/deliveries/").json()

    [entry] = log["results"]
    assert entry["delivery"] == delivery.webhook_id
    assert entry["event_type"] == "webhook.test"
    assert entry["status_code"] == 500
    assert entry["response_excerpt"] == "<b>try later</b>"
    assert entry["latency_ms"] >= 0
    assert entry["next_retry_at"] is not None
    assert entry["delivery_status"] == "pending"


def test_redeliver_through_the_api_sends_the_same_id_again(
    desk_admin, receiver, django_capture_on_commit_callbacks
):
    subscription = _subscription(receiver)
    receiver.secret = subscription.secret
    delivery = services.subscription_send_test(subscription=subscription)
    services.delivery_attempt(delivery_id=str(delivery.pk))
    client = APIClient()
    client.force_authenticate(desk_admin)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(f"/api/v1/webhooks/deliveries/{delivery.webhook_id}/redeliver/")
    assert response.status_code == 202
    assert response.json()["delivery"] == delivery.webhook_id
    assert len(queued) == 1
    assert Delivery.objects.get(pk=delivery.pk).status == "pending"
    services.delivery_attempt(delivery_id=str(delivery.pk))
    assert [r["headers"]["webhook-id"] for r in receiver.requests] == [delivery.webhook_id] * 2


def test_the_delivery_log_and_subscription_list_take_the_same_queries_for_more_rows(
    desk_admin, receiver
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    subscription = _subscription(receiver)
    receiver.secret = subscription.secret
    client = APIClient()
    client.force_authenticate(desk_admin)

    def queries(path: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        return len(captured)

    def more(count: int) -> None:
        for _ in range(count):
            delivery = services.subscription_send_test(subscription=subscription)
            services.delivery_attempt(delivery_id=str(delivery.pk))
            services.subscription_create(
                name="Chat", target_url=receiver.url("/chat"), events=["fact.published"]
            )

    log = f"/api/v1/webhooks/subscriptions/{subscription.pk}/deliveries/"
    more(2)
    queries(log)  # the first request also loads the user's permissions
    few = (queries(log), queries("/api/v1/webhooks/subscriptions/"))
    more(8)
    assert (queries(log), queries("/api/v1/webhooks/subscriptions/")) == few
