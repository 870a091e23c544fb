"""Failed admin sign-ins are throttled by account and by address, with a cool-off."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


@pytest.fixture
def demo():
    user = UserFactory(username="demo", is_staff=True)
    user.set_password(PASSWORD)
    user.save()
    return user


def sign_in(username: str, password: str, address: str = "203.0.113.7"):
    """One sign-in on the admin's page from `address`, as a fresh browser would."""
    return Client(REMOTE_ADDR=address).post(
        "/admin/login/?next=/admin/", {"username": username, "password": password}
    )


def signed_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == "/admin/"


def test_the_right_password_is_refused_after_25_wrong_ones_during_the_cool_off(demo):
    answers = [sign_in("demo", f"guess {n}").status_code for n in range(25)]
    response = sign_in("demo", PASSWORD)

    assert answers[:9] == [200] * 9  # the sign-in page again, saying the password is wrong
    assert answers[9:] == [429] * 16  # the tenth failure pauses
    assert response.status_code == 429
    assert "signing in is paused for 15 minutes" in response.content.decode()
    assert not signed_in(response)


def test_the_account_signs_in_again_once_the_cool_off_has_passed(demo):
    for n in range(12):
        sign_in("demo", f"guess {n}")
    assert sign_in("demo", PASSWORD).status_code == 429

    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16)
    )

    assert signed_in(sign_in("demo", PASSWORD))


def test_an_account_under_attack_is_paused_from_every_address(demo):
    for n in range(10):
        sign_in("demo", f"guess {n}", address=f"198.51.100.{n}")

    assert sign_in("demo", PASSWORD, address="192.0.2.1").status_code == 429


def test_an_address_guessing_at_many_accounts_is_paused_for_all_of_them(demo):
    for n in range(10):
        sign_in(f"someone{n}", "password1")

    assert sign_in("demo", PASSWORD).status_code == 429
    assert signed_in(sign_in("demo", PASSWORD, address="192.0.2.1"))


def test_a_few_mistakes_do_not_pause_and_a_success_forgets_them(demo):
    for n in range(9):
        sign_in("demo", f"guess {n}")
    assert signed_in(sign_in("demo", PASSWORD))
    for n in range(9):
        sign_in("demo", f"guess {n}")
    assert signed_in(sign_in("demo", PASSWORD))


def test_a_desk_admin_lifts_the_pause_from_the_access_attempts_page(demo, client):
    for n in range(10):
        sign_in("demo", f"guess {n}")
    assert sign_in("demo", PASSWORD).status_code == 429
    from verification.demo.loader import desk_admin_ensure

    admin = UserFactory(username="deskadmin", is_staff=True)
    admin.groups.add(desk_admin_ensure())
    client.force_login(admin)

    listed = client.get("/admin/axes/accessattempt/")
    attempt = AccessAttempt.objects.get()
    lifted = client.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"},
    )

    assert listed.status_code == 200 and "demo" in listed.content.decode()
    assert lifted.status_code == 302
    assert signed_in(sign_in("demo", PASSWORD))


def test_behind_a_trusted_proxy_the_address_is_the_one_the_proxy_saw(demo, settings):
    settings.FACTDESK_TRUSTED_PROXY_COUNT = 1
    for n in range(10):
        Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.7").post(
            "/admin/login/", {"username": f"someone{n}", "password": "password1"}
        )

    other = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 192.0.2.1").post(
        "/admin/login/?next=/admin/", {"username": "demo", "password": PASSWORD}
    )
    assert signed_in(other)


def test_guessing_the_old_password_on_the_password_change_page_is_paused_too(demo):
    browser = Client(REMOTE_ADDR="203.0.113.7")
    browser.force_login(demo)

    def change(old: str):
        return browser.post(
            "/admin/password_change/",
            {
                "old_password": old,
                "new_password1": "A new pass 12345",
                "new_password2": "A new pass 12345",
            },
        )

    answers = [change(f"guess {n}").status_code for n in range(12)]
    refused = change(PASSWORD)

    assert answers[:9] == [200] * 9
    assert answers[9:] == [429] * 3
    assert refused.status_code == 429
    demo.refresh_from_db()
    assert demo.check_password(PASSWORD)


def test_the_password_change_page_still_changes_the_password(demo):
    browser = Client(REMOTE_ADDR="203.0.113.7")
    browser.force_login(demo)

    response = browser.post(
        "/admin/password_change/",
        {
            "old_password": PASSWORD,
            "new_password1": "A new pass 12345",
            "new_password2": "A new pass 12345",
        },
    )

    assert response.status_code == 302 and response["Location"] == "/admin/password_change/done/"
    demo.refresh_from_db()
    assert demo.check_password("A new pass 12345")
