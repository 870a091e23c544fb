"""After `make run`, the demo account adds colleagues and gives them roles in the admin."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from verification.demo.loader import demo_load

pytestmark = pytest.mark.django_db


def test_the_demo_account_adds_a_colleague_and_gives_them_a_role(client, tmp_path):
    demo_load(password_file=tmp_path / "accounts.txt", submit=False)
    demo = get_user_model().objects.get(username="demo")
    assert not demo.is_superuser
    client.force_login(demo)
    assert 'href="/admin/auth/user/"' in client.get("/admin/").content.decode()

    created = client.post(
        "/admin/auth/user/add/",
        {
            "username": "carla",
            "usable_password": "true",
            "password1": "a long pass phrase 42",
            "password2": "a long pass phrase 42",
        },
    )
    assert created.status_code == 302, created.content.decode()
    carla = get_user_model().objects.get(username="carla")
    reviewer = Group.objects.get(name="reviewer")
    changed = client.post(
        f"/admin/auth/user/{carla.pk}/change/",
        {
            "username": "carla",
            "is_active": "on",
            "is_staff": "on",
            "groups": [reviewer.pk],
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00:00",
        },
    )
    assert changed.status_code == 302, changed.content.decode()
    carla.refresh_from_db()
    assert carla.is_staff
    assert list(carla.groups.values_list("name", flat=True)) == ["reviewer"]


def test_demo2_does_not_manage_users(client, tmp_path):
    demo_load(password_file=tmp_path / "accounts.txt", submit=False)
    client.force_login(get_user_model().objects.get(username="demo2"))
    assert client.get("/admin/auth/user/").status_code == 403
