"""`manage.py backup` and `manage.py restore`: the whole desk round-trips, byte for byte."""

import hashlib
import io
import json
import shutil
import tarfile
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from annotations.models import Claim, Source
from annotations.services import source_add_file
from tests.desk import desk_build
from verification.models import Fact, SourceSnapshot
from verification.operations.backup import BackupRefused, backup_create, backup_restore
from verification.sources.archive import source_archive


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def _fill(roles) -> None:
    desk = desk_build(facts=3)
    claim = Claim.objects.get(pk=desk.draft)
    upload = SimpleUploadedFile("report.txt", b"The report says 58 million.", "text/plain")
    source_archive(source=source_add_file(claim=claim, uploaded=upload, user=None))


def _api_answers(client) -> dict[str, bytes]:
    paths = ["/api/v1/facts/"]
    for fact_id in Fact.objects.order_by("pk").values_list("pk", flat=True):
        paths += [f"/api/v1/facts/{fact_id}/", f"/api/v1/facts/{fact_id}/claimreview/"]
    answers = {}
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        answers[path] = response.content
    return answers


def _snapshot_hashes() -> dict[str, tuple[str, str]]:
    """Each snapshot's recorded SHA-256 and that of its stored bytes; each upload's SHA-256."""
    hashes = {}
    for snapshot in SourceSnapshot.objects.order_by("pk"):
        on_disk = _sha256(snapshot.raw.path) if snapshot.raw else ""
        hashes[f"snapshot {snapshot.pk}"] = (snapshot.sha256, on_disk)
    for source in Source.objects.exclude(file="").order_by("pk"):
        hashes[f"upload {source.pk}"] = (source.file.name, _sha256(source.file.path))
    return hashes


def _sha256(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@pytest.mark.django_db(transaction=True)
def test_a_desk_backed_up_wiped_and_restored_answers_byte_for_byte_the_same(
    client, media, roles, tmp_path
):
    _fill(roles)
    before = _api_answers(client)
    snapshots = _snapshot_hashes()
    assert len(before) == 7
    stored = [pair for key, pair in snapshots.items() if key.startswith("snapshot") and pair[1]]
    assert stored and all(recorded == on_disk for recorded, on_disk in stored)
    assert any(key.startswith("upload") for key in snapshots)

    out = tmp_path / "desk.tar.gz"
    call_command("backup", "--out", str(out))
    call_command("flush", "--noinput")
    shutil.rmtree(media)
    assert Fact.objects.count() == 0
    call_command("restore", str(out), "--noinput")

    assert _api_answers(client) == before
    assert _snapshot_hashes() == snapshots


@pytest.mark.django_db(transaction=True)
def test_a_backup_from_a_newer_schema_is_refused_and_nothing_changes(media, roles, tmp_path):
    _fill(roles)
    out = tmp_path / "desk.tar.gz"
    backup_create(out=out)
    newer = tmp_path / "newer.tar.gz"
    with tarfile.open(out) as original, tarfile.open(newer, "w:gz") as copy:
        for member in original.getmembers():
            data = original.extractfile(member).read()
            if member.name == "manifest.json":
                manifest = json.loads(data)
                manifest["migrations"]["verification"].append("9999_from_the_future")
                data = json.dumps(manifest).encode()
                member.size = len(data)
            copy.addfile(member, io.BytesIO(data))
    Claim.objects.filter(pk=Claim.objects.order_by("pk").first().pk).delete()
    claims, files = Claim.objects.count(), sorted(p.name for p in media.rglob("*"))

    with pytest.raises(BackupRefused, match="verification.9999_from_the_future"):
        backup_restore(path=newer)

    assert Claim.objects.count() == claims
    assert sorted(p.name for p in media.rglob("*")) == files


@pytest.mark.django_db(transaction=True)
def test_a_damaged_backup_is_refused_before_anything_is_replaced(media, roles, tmp_path):
    _fill(roles)
    out = tmp_path / "desk.tar.gz"
    backup_create(out=out)
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(out) as original, tarfile.open(damaged, "w:gz") as copy:
        for member in original.getmembers():
            data = original.extractfile(member).read()
            if member.name.startswith("media/"):
                data = data[:-1] + b"!"
            copy.addfile(member, io.BytesIO(data))
    facts = Fact.objects.count()
    Fact.objects.all().delete()

    with pytest.raises(CommandError, match="damaged"):
        call_command("restore", str(damaged), "--noinput")
    assert Fact.objects.count() == 0 != facts


@pytest.mark.django_db(transaction=True)
def test_a_backup_taken_while_files_are_being_archived_holds_every_file_its_database_names(
    media, roles, tmp_path
):
    import threading

    from django.db import connection, connections

    _fill(roles)
    claim = Claim.objects.order_by("pk").first()
    stop = threading.Event()
    written = []

    def archive_uploads() -> None:
        try:
            n = 0
            while not stop.is_set():
                n += 1
                body = f"Upload {n}: the bridge cost {n} million euros.".encode()
                upload = SimpleUploadedFile(f"u{n}.txt", body, "text/plain")
                source_archive(source=source_add_file(claim=claim, uploaded=upload, user=None))
                written.append(n)
        finally:
            connections.close_all()

    writer = threading.Thread(target=archive_uploads)
    writer.start()
    try:
        while len(written) < 3:
            time.sleep(0.05)
        out = tmp_path / "live.tar.gz"
        backup_create(out=out)
        during = len(written)
    finally:
        stop.set()
        writer.join()
    assert during >= 3

    named = _files_named_in_backup(out, tmp_path, connection.vendor)
    with tarfile.open(out) as archive:
        members = set(archive.getnames())
    assert len(named) >= 3
    assert [name for name in named if f"media/{name}" not in members] == []


def _files_named_in_backup(out: Path, tmp_path: Path, vendor: str) -> list[str]:
    """The uploaded and archived files that the backup's own copy of the database names."""
    import sqlite3

    with tarfile.open(out) as archive:
        if vendor == "sqlite":
            archive.extract("database.sqlite3", tmp_path, filter="data")
        else:
            archive.extract("database.sql", tmp_path, filter="data")
    if vendor != "sqlite":
        # pg_dump's plain format: the names stand in the COPY rows of the two tables.
        dump = (tmp_path / "database.sql").read_text(encoding="utf-8")
        candidates = list(Source.objects.exclude(file="").values_list("file", flat=True))
        candidates += list(SourceSnapshot.objects.exclude(raw="").values_list("raw", flat=True))
        return [n for n in candidates if f"\t{n}\t" in dump or f"\t{n}\n" in dump]
    copy = sqlite3.connect(tmp_path / "database.sqlite3")
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    queries = (
        "SELECT file FROM annotations_source WHERE file != ''",
        "SELECT raw FROM verification_sourcesnapshot WHERE raw != ''",
    )
    named = [row[0] for query in queries for row in copy.execute(query)]
    copy.close()
    return named
