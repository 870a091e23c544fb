"""Beat rebuilds the HNSW snapshot past the exact-search size, once enough vectors changed."""

import fcntl
import json

import numpy as np
import pytest
from django.conf import settings as django_settings

from verification.library import encoding, services, snapshots, tasks, vectors
from verification.library.claimreview import ClaimReviewRecord
from verification.library.models import FactCheck

pytestmark = pytest.mark.django_db

CLAIMS = [
    "The Valmora bridge cost 58 million euros",
    "Kestrel county unemployment doubled in a year",
    "Orlin tuition fees rose by 12 percent",
    "Diesel imports from Norvania fell to a record low",
    "The Halden reservoir is empty for the first time",
    "Teachers in Brisk earn less than bus drivers",
    "Marsh ferry fares tripled after the strike",
    "The Ostrava tunnel was built in four months",
    "Half of Tarn's hospitals closed their maternity wards",
    "The Lune river flooded eleven villages",
]


def _import(numbers) -> None:
    services.factchecks_import(
        items=[
            ClaimReviewRecord(url=f"https://checks.example.org/s/{n}", claim_reviewed=CLAIMS[n])
            for n in numbers
        ]
    )


@pytest.fixture
def policy(settings, monkeypatch):
    """Snapshots from 5 vectors, rebuilt after 3 changes: the production rule, scaled down."""
    monkeypatch.setattr(vectors, "EXACT_LIMIT", 5)
    settings.FACTDESK_LIBRARY_SNAPSHOT_CHANGES = 3
    return vectors.snapshot_dir()


def _search(text: str) -> list[int]:
    vector = encoding.encode([text])[0]
    return [pk for kind, pk, _score in vectors.index().search(vector, limit=3)]


def test_a_library_searched_exactly_gets_no_snapshot(policy):
    _import(range(4))
    check = snapshots.snapshot_refresh()
    assert (check.outcome, check.vectors) == ("skipped", 4)
    assert check.reason == "4 vectors are searched exactly (snapshots from 5)"
    assert not (policy / "meta.json").exists()
    assert snapshots.last_check()["outcome"] == "skipped"


def test_past_the_size_a_snapshot_is_built_and_processes_search_it_with_later_changes(policy):
    _import(range(6))
    check = snapshots.snapshot_refresh()
    assert (check.outcome, check.reason, check.vectors) == ("built", "no snapshot yet", 6)
    meta = json.loads((policy / "meta.json").read_text())
    assert meta["count"] == 6 and (policy / meta["file"]).exists()
    vectors.index_reset()
    vectors.index().refresh(force=True)
    assert vectors.index()._base.ntotal == 6  # noqa: SLF001 - loaded from the snapshot
    bridge = FactCheck.objects.get(claim_reviewed=CLAIMS[0])
    assert _search(CLAIMS[0])[0] == bridge.pk
    _import([6])  # after the snapshot: served from the exact part
    ferry = FactCheck.objects.get(claim_reviewed=CLAIMS[6])
    assert _search(CLAIMS[6])[0] == ferry.pk


def test_it_is_rebuilt_only_once_enough_vectors_changed_and_old_files_go(policy):
    _import(range(6))
    first = snapshots.snapshot_refresh()
    assert first.outcome == "built"
    _import([6, 7])
    check = snapshots.snapshot_refresh()
    assert (check.outcome, check.changed) == ("skipped", 2)
    assert check.reason == "2 vectors changed since the snapshot (rebuilt from 3)"
    _import([8])
    check = snapshots.snapshot_refresh()
    assert (check.outcome, check.vectors, check.changed) == ("built", 9, 3)
    _import([9])
    services.factchecks_import(  # re-worded claims change their vectors too
        items=[
            ClaimReviewRecord(url=f"https://checks.example.org/s/{n}", claim_reviewed="Reworded")
            for n in (0, 1)
        ]
    )
    check = snapshots.snapshot_refresh()
    assert (check.outcome, check.changed) == ("built", 3)
    files = sorted(policy.glob("vectors-*.faiss"))
    assert len(files) == 2  # the third build removed the first: the current one and the one before
    assert json.loads((policy / "meta.json").read_text())["file"] == files[-1].name


def test_a_snapshot_of_another_encoder_is_rebuilt(policy):
    _import(range(6))
    snapshots.snapshot_refresh()
    meta = json.loads((policy / "meta.json").read_text())
    (policy / "meta.json").write_text(json.dumps({**meta, "model": "an older encoder"}))
    check = snapshots.snapshot_refresh()
    assert (check.outcome, check.reason) == ("built", "the snapshot was made with another encoder")


def test_a_second_build_while_one_runs_is_skipped(policy):
    _import(range(6))
    policy.mkdir(parents=True, exist_ok=True)
    with (policy / snapshots.LOCK_FILE).open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        check = snapshots.snapshot_refresh()
    assert (check.outcome, check.reason) == ("skipped", "another build is running")
    assert not (policy / "meta.json").exists()


def test_a_failed_build_is_recorded_and_the_old_snapshot_kept(policy, monkeypatch):
    _import(range(6))
    snapshots.snapshot_refresh()
    before = (policy / "meta.json").read_text()
    _import(range(6, 10))

    def full_disk(**options):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(vectors, "snapshot_build", full_disk)
    check = snapshots.snapshot_refresh()
    assert check.outcome == "failed"
    assert "No space left on device" in check.reason
    assert snapshots.last_check()["outcome"] == "failed"
    assert (policy / "meta.json").read_text() == before


def test_beat_runs_the_task_and_the_task_runs_the_rebuild(policy):
    entry = django_settings.CELERY_BEAT_SCHEDULE["library-index-snapshot"]
    assert entry["task"] == "verification.library.tasks.index_snapshot_refresh_task"
    assert entry["task"] == tasks.index_snapshot_refresh_task.name
    _import(range(6))
    assert tasks.index_snapshot_refresh_task() == "built"
    assert tasks.index_snapshot_refresh_task() == "skipped"


def test_metrics_show_the_snapshot_and_beats_last_look(policy, client, settings):
    settings.FACTDESK_METRICS_ALLOW = []
    settings.FACTDESK_METRICS_TOKEN = "s3cret-scrape-token"

    def scrape() -> list[str]:
        response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-scrape-token")
        return response.content.decode().splitlines()

    lines = scrape()
    assert "factdesk_library_snapshot_vectors 0.0" in lines
    assert not any('snapshot_checked_timestamp_seconds{outcome="' in line for line in lines)
    _import(range(6))
    snapshots.snapshot_refresh()
    lines = scrape()
    assert "factdesk_library_snapshot_vectors 6.0" in lines
    built = [ln for ln in lines if ln.startswith("factdesk_library_snapshot_built_timestamp")]
    assert float(built[0].split()[-1]) > 1.7e9
    assert any(
        line.startswith('factdesk_library_snapshot_checked_timestamp_seconds{outcome="built"}')
        for line in lines
    )


def test_the_snapshot_scores_match_the_exact_search(policy):
    _import(range(8))
    snapshots.snapshot_refresh()
    vectors.index_reset()
    query = encoding.encode([CLAIMS[3]])[0]
    found = vectors.index().search(query, limit=1)[0]
    stored = FactCheck.objects.get(pk=found[1])
    assert stored.claim_reviewed == CLAIMS[3]
    assert np.isclose(found[2], float(encoding.from_bytes(stored.embedding) @ query), atol=0.05)


@pytest.mark.django_db(transaction=True)
def test_a_process_keeps_searching_while_it_loads_a_new_snapshot_beside_its_index(policy):
    _import(range(6))
    snapshots.snapshot_refresh()
    vectors.index_reset()
    first = vectors.index()
    first.refresh(force=True)
    assert first._base.ntotal == 6  # noqa: SLF001
    _import(range(6, 9))
    assert snapshots.snapshot_refresh().outcome == "built"
    ferry = FactCheck.objects.get(claim_reviewed=CLAIMS[6])
    # This search notices the new snapshot, starts loading it and is answered by `first`.
    assert _search(CLAIMS[6])[0] == ferry.pk
    assert first.replacing is not None
    first.replacing.join(timeout=60)
    current = vectors.index()
    assert current is not first
    assert current._base.ntotal == 9  # noqa: SLF001
    assert _search(CLAIMS[6])[0] == ferry.pk
