"""The review queue: leases, verdicts, evidence chosen by people, and the reviewer's admin pages."""
