"""Machine checks: submitting a claim, running a check run (archive, cross-check, store evidence
and findings), retries and the sweeper that recovers stuck runs."""
