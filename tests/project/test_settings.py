"""Settings come from the environment and fail at start with one line naming the variable."""

import os
import subprocess
import sys

import pytest

from tests import paths

ROOT = paths.ROOT
PRODUCTION = {
    "FACTDESK_ENV": "production",
    "SECRET_KEY": "k" * 20 + "0123456789abcdefghijklmnopqrstuvwxyz!@#$%^&*()",
    "ALLOWED_HOSTS": "facts.example.org",
}


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("FACTDESK_", "DEBUG"))}
    clean.pop("SECRET_KEY", None)
    clean.pop("ALLOWED_HOSTS", None)
    clean["FACTDESK_DATA_DIR"] = str(ROOT / "var" / "settings-test")
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("DEBUG", "maybe", "DEBUG='maybe' is not a boolean"),
        (
            "FACTDESK_LEASE_MINUTES",
            "thirty",
            "FACTDESK_LEASE_MINUTES='thirty' is not a whole number",
        ),
        ("FACTDESK_ENV", "staging", "FACTDESK_ENV='staging' must be one of"),
        ("FACTDESK_FETCH_TIMEOUT_SECONDS", "-1", "below the minimum"),
    ],
)
def test_a_malformed_setting_stops_start_with_a_message_naming_the_variable(
    variable, value, expected
):
    result = _manage("check", **{variable: value})
    assert result.returncode != 0
    assert expected in result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = dict(PRODUCTION)
    env.pop("SECRET_KEY")
    result = _manage("check", **env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set when FACTDESK_ENV=production" in result.stderr


def test_production_refuses_to_start_with_debug_on():
    result = _manage("check", DEBUG="1", **PRODUCTION)
    assert result.returncode != 0
    assert "DEBUG must be off" in result.stderr


def test_deploy_check_is_clean_with_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_an_unreachable_database_gives_one_line_naming_database_url():
    result = _manage("preflight", DATABASE_URL="postgres://nobody@127.0.0.1:9/nowhere")
    assert result.returncode != 0
    assert result.stderr.strip().startswith("CommandError: DATABASE_URL: cannot reach the database")
    assert "Traceback" not in result.stderr
