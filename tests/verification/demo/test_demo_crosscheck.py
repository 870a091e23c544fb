"""The demo gives the cross-check real work: every distortion in the follow-up is caught."""

import pytest

from verification.checks.services import check_run_execute
from verification.demo.loader import FOLLOW_UP_CLAIMS, demo_load
from verification.models import CheckRun

pytestmark = pytest.mark.django_db


def test_the_follow_up_distortions_are_refuted_and_the_faithful_claims_supported(tmp_path):
    demo_load(password_file=tmp_path / "accounts.txt", submit=True)
    for run in CheckRun.objects.all():
        check_run_execute(run_id=str(run.run_id))
    by_quote = {run.claim.quote_exact: run for run in CheckRun.objects.select_related("claim")}
    for spec in FOLLOW_UP_CLAIMS:
        run = by_quote[spec.quote]
        expected = "supports" if spec.faithful else "refutes"
        assert run.stance == expected, (spec.quote, run.stance)
        conflicts = run.findings.filter(outcome="conflicts")
        assert conflicts.exists() != spec.faithful, [f.message for f in run.findings.all()]
