"""The import encodes the next batch while it writes this one, in several threads if asked."""

import threading

import numpy as np
import pytest

from verification.library import encoding, services
from verification.library.claimreview import ClaimReviewRecord, RecordProblem
from verification.library.models import FactCheck

pytestmark = pytest.mark.django_db


def _record(n: int, claim: str | None = None) -> ClaimReviewRecord:
    return ClaimReviewRecord(
        url=f"https://checks.example.org/p/{n}",
        claim_reviewed=claim or f"Claim {n}: the Valmora harbour moved {n} tonnes of grain",
        headline=f"Harbour figures, part {n}",
    )


@pytest.fixture
def small_batches(monkeypatch):
    monkeypatch.setattr(services, "IMPORT_BATCH", 4)


def test_every_row_gets_its_own_vector_whatever_the_number_of_threads(small_batches, word_encoder):
    records = [_record(n) for n in range(23)]
    seen = []
    report = services.factchecks_import(items=records, progress=seen.append, encode_threads=3)
    assert (report.created, report.updated, report.unchanged, report.refused) == (23, 0, 0, [])
    assert sum(seen) == 23
    assert seen == [4, 4, 4, 4, 4, 3]
    for record in records:
        stored = FactCheck.objects.get(url=record.url)
        expected = word_encoder.encode([services.factcheck_text(record)])[0]
        assert np.allclose(encoding.from_bytes(stored.embedding), expected)
        assert stored.indexed_at is not None
        assert stored.embedding_model == "test-words"


def test_encoding_runs_outside_the_thread_that_writes(small_batches, monkeypatch):
    threads = set()
    encode = encoding.encode

    def recording(texts):
        threads.add(threading.current_thread().name)
        return encode(texts)

    monkeypatch.setattr(encoding, "encode", recording)
    services.factchecks_import(items=[_record(n) for n in range(9)])
    assert threads and threading.current_thread().name not in threads
    assert all(name.startswith("library-encode") for name in threads)


def test_a_url_in_two_neighbouring_batches_is_written_once_the_later_record_winning(
    small_batches, word_encoder
):
    first = [_record(n) for n in range(4)]
    again = _record(2, "Claim 2 reworded: the Valmora harbour moved no grain at all")
    second = [_record(10), again, RecordProblem("line 7", "not JSON"), _record(11)]
    report = services.factchecks_import(items=first + second, encode_threads=2)
    assert (report.created, report.updated, len(report.refused)) == (6, 1, 1)
    assert FactCheck.objects.count() == 6
    stored = FactCheck.objects.get(url=again.url)
    assert stored.claim_reviewed == again.claim_reviewed
    expected = word_encoder.encode([services.factcheck_text(again)])[0]
    assert np.allclose(encoding.from_bytes(stored.embedding), expected)


def test_importing_twice_in_small_batches_changes_nothing(small_batches):
    records = [_record(n) for n in range(10)]
    services.factchecks_import(items=records, encode_threads=2)
    before = list(FactCheck.objects.order_by("id").values_list("id", "updated_at", "indexed_at"))
    report = services.factchecks_import(items=records, encode_threads=2)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 10)
    after = list(FactCheck.objects.order_by("id").values_list("id", "updated_at", "indexed_at"))
    assert after == before


def test_an_encoder_failure_stops_the_import_and_says_why(small_batches, monkeypatch):
    def broken(texts):
        raise RuntimeError("artifact missing")

    monkeypatch.setattr(encoding, "encode", broken)
    with pytest.raises(RuntimeError, match="artifact missing"):
        services.factchecks_import(items=[_record(n) for n in range(6)])
    assert FactCheck.objects.count() == 0


def test_the_command_refuses_fewer_than_one_thread(tmp_path):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    path = tmp_path / "checks.jsonl"
    path.write_text("")
    with pytest.raises(CommandError, match="--threads must be at least 1"):
        call_command("import_claimreviews", str(path), "--threads", "0")
