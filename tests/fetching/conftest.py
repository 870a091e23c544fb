"""Fetch-test fixtures; the local server and loopback guard are in tests/conftest.py."""

from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "fetching"
