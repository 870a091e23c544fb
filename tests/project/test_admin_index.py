"""The admin shows the desk's records to staff with a role, and nothing to those without."""

import pytest

pytestmark = pytest.mark.django_db


def test_admin_index_lists_the_desk_sections(client, annotator):
    client.force_login(annotator)
    page = client.get("/admin/").content.decode()
    for section in ("Articles", "Claims", "Sources", "Check runs", "Reviews", "Facts"):
        assert section in page


def test_outsider_without_a_role_sees_no_desk_sections(client, outsider):
    client.force_login(outsider)
    page = client.get("/admin/").content.decode()
    assert "Claims" not in page
