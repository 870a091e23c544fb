"""Paths under /api/: the root lists the endpoints; a path that matches none is a JSON 404."""

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize(
    "path", ["/api/v1/facts/abc/", "/api/v1/nonexistent/", "/api/v2/", "/api/v1/facts/1/nope/"]
)
def test_a_path_matching_no_endpoint_is_a_json_404(path, debug, settings):
    settings.DEBUG = debug
    response = APIClient().get(path, HTTP_ACCEPT="text/html")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"] == (
        f"No API endpoint at {path}; the endpoints are listed at /api/v1/."
    )


def test_an_unknown_fact_id_is_still_drfs_own_404():
    response = APIClient().get("/api/v1/facts/999999/")
    assert response.status_code == 404
    assert response.json() == {"detail": "No published fact with this id."}


def test_a_missing_trailing_slash_is_still_redirected():
    response = APIClient().get("/api/v1/facts")
    assert response.status_code == 301
    assert response["Location"] == "/api/v1/facts/"


def test_paths_outside_the_api_keep_djangos_404_page():
    response = APIClient().get("/nowhere/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_the_api_root_lists_the_endpoints_to_anyone():
    response = APIClient().get("/api/v1/")
    assert response.status_code == 200
    endpoints = response.json()
    assert endpoints["facts"] == "http://testserver/api/v1/facts/"
    assert endpoints["claims"] == "http://testserver/api/v1/claims/"
    assert endpoints["schema"] == "http://testserver/api/schema/"
    for url in endpoints.values():
        assert APIClient().get(url.removeprefix("http://testserver")).status_code != 404
