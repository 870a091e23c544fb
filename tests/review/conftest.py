"""The claim waiting in the queue that the workflow tests use, for the review tests."""

from tests.workflow.conftest import checked_claim  # noqa: F401
