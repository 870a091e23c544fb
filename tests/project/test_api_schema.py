"""The OpenAPI schema is valid, warning-free, committed up to date, and the docs need no CDN."""

import os
import subprocess
import sys

import pytest

from tests import paths

ROOT = paths.ROOT


def test_the_committed_schema_is_current_and_generates_without_warnings(tmp_path):
    generated = tmp_path / "schema.yml"
    # Integer ranges in the schema follow the database backend; the committed schema is
    # generated with the embedded default (SQLite), so compare like with like.
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["FACTDESK_DATA_DIR"] = str(tmp_path / "var")
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "spectacular",
            "--validate",
            "--fail-on-warn",
            "--file",
            str(generated),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    committed = (ROOT / "schema.yml").read_text(encoding="utf-8")
    assert generated.read_text(encoding="utf-8") == committed, (
        "schema.yml is stale: run `.venv/bin/python manage.py spectacular --file schema.yml`"
    )


@pytest.mark.django_db
def test_the_interactive_docs_load_their_assets_from_this_server(client):
    page = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in page
    assert "cdn" not in page.lower()
    assert "https://" not in page.split("<body", 1)[-1].split("url:")[0]


CONFLICTING_OPERATIONS = [
    ("/api/v1/claims/", "post"),
    ("/api/v1/claims/{id}/", "delete"),
    ("/api/v1/claims/{id}/sources/", "post"),
    ("/api/v1/claims/{id}/submit/", "post"),
    ("/api/v1/claims/{id}/checks/", "post"),
    ("/api/v1/claims/{id}/release/", "post"),
    ("/api/v1/claims/{id}/review/", "post"),
    ("/api/v1/claims/{id}/publish/", "post"),
    ("/api/v1/facts/{id}/retract/", "post"),
]


@pytest.mark.parametrize(("path", "method"), CONFLICTING_OPERATIONS)
def test_every_command_that_can_answer_409_declares_it_with_the_shared_error(path, method):
    import yaml

    schema = yaml.safe_load((ROOT / "schema.yml").read_text(encoding="utf-8"))
    conflict = schema["paths"][path][method]["responses"]["409"]
    body = conflict["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/Error"}
    assert schema["components"]["schemas"]["Error"]["required"] == ["detail"]
