"""Fixtures of the tests that run real worker processes on a throwaway Redis."""

import pytest

from tests.integration.processes import ThrowawayRedis, stop_worker


@pytest.fixture
def broker(tmp_path):
    """A Redis server of this test's own, so a test may kill or restart it."""
    redis = ThrowawayRedis(tmp_path)
    redis.start()
    yield redis
    redis.stop()


@pytest.fixture
def workers():
    """Worker processes the test appends; each is stopped at the end."""
    started = []
    yield started
    for process in started:
        stop_worker(process)
