"""Back up the whole desk into one file, and restore it: the database and MEDIA_ROOT's files.

The file is a gzip'd tar: manifest.json (format, database kind, applied migrations, SHA-256 of
every other member), the database, and media/ (archived snapshots' bytes and uploaded files).

Consistent while the desk runs: the database is copied first, in one snapshot (SQLite's online
backup API; pg_dump's single transaction on PostgreSQL), then the files. Files are written
before the rows that name them commit and are never changed afterwards, so every file the copied
database names is already there when the files are copied.

Restore checks everything before it changes anything: the manifest, every member's checksum,
that this code knows every migration the backup's database had (a backup from a newer schema
is refused), and the database kind. Then it swaps the staged media folder in and replaces the
database in one transaction (SQLite's backup API into the live file; on PostgreSQL one psql
transaction that drops and recreates the schema and loads the dump); if the database step fails
the old media folder is put back, so a restore happens entirely or not at all.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = "factdesk-backup"
VERSION = 1
MANIFEST = "manifest.json"
MEDIA = "media"
_CHUNK = 1024 * 1024


class BackupRefused(Exception):
    """The file cannot be restored here; nothing was changed. The message says why."""


@dataclass
class BackupReport:
    path: Path
    database: str
    files: int
    migrations: int
    bytes: int = 0


@dataclass
class RestoreReport:
    database: str
    files: int
    older_schema: list[str] = field(default_factory=list)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _vendor() -> str:
    return connection.vendor  # "sqlite" or "postgresql"


def _pg_conninfo() -> tuple[list[str], dict[str, str]]:
    """psql/pg_dump arguments and environment for the default database (password in env)."""
    db = connection.settings_dict
    args = ["--dbname", db["NAME"]]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            args += [option, str(db[key])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def _applied(db_path: Path | None = None) -> dict[str, list[str]]:
    """Applied migrations by app: from a SQLite file when given, else the live database."""
    if db_path is not None:
        with sqlite3.connect(db_path) as copy:
            rows = copy.execute("SELECT app, name FROM django_migrations").fetchall()
    else:
        rows = MigrationRecorder(connection).migration_qs.values_list("app", "name")
    applied: dict[str, list[str]] = {}
    for app, name in sorted(rows):
        applied.setdefault(app, []).append(name)
    return applied


def _dump_database(workdir: Path) -> tuple[str, Path, dict[str, list[str]]]:
    if _vendor() == "sqlite":
        target = workdir / "database.sqlite3"
        source = sqlite3.connect(connection.settings_dict["NAME"])
        copy = sqlite3.connect(target)
        try:
            # One step (pages=-1): a consistent copy of the database as of one moment, while the
            # desk's other processes go on reading and writing.
            source.backup(copy)
        finally:
            copy.close()
            source.close()
        return "sqlite", target, _applied(target)
    if _vendor() == "postgresql":
        target = workdir / "database.sql"
        applied = _applied()
        args, env = _pg_conninfo()
        subprocess.run(  # noqa: S603 - fixed argv, no shell
            ["pg_dump", "--format=plain", "--no-owner", "--no-privileges", "--file", str(target)]
            + args,
            env=env,
            check=True,
            capture_output=True,
        )
        return "postgresql", target, applied
    raise BackupRefused(f"Backups support SQLite and PostgreSQL, not {_vendor()}.")


def backup_create(*, out: Path) -> BackupReport:
    """Write the whole desk to `out` (replaced only once the new file is complete)."""
    out = Path(out).resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".backup-") as tmp:
        workdir = Path(tmp)
        vendor, database, applied = _dump_database(workdir)
        # Files after the database: see the module docstring.
        files = {}
        if media_root.is_dir():
            for path in sorted(media_root.rglob("*")):
                if path.is_file() and not path.is_symlink():
                    files[f"{MEDIA}/{path.relative_to(media_root).as_posix()}"] = path
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "created_at": timezone.now().isoformat(),
            "database": vendor,
            "database_member": database.name,
            "migrations": applied,
            "sha256": {database.name: _sha256(database)}
            | {name: _sha256(path) for name, path in files.items()},
        }
        (workdir / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
        partial = workdir / "backup.tar.gz"
        with tarfile.open(partial, "w:gz", compresslevel=6) as archive:
            archive.add(workdir / MANIFEST, arcname=MANIFEST)
            archive.add(database, arcname=database.name)
            for name, path in files.items():
                archive.add(path, arcname=name)
        os.replace(partial, out)
    return BackupReport(
        path=out,
        database=vendor,
        files=len(files),
        migrations=sum(len(names) for names in applied.values()),
        bytes=out.stat().st_size,
    )


def _read_manifest(archive: tarfile.TarFile) -> dict:
    try:
        member = archive.getmember(MANIFEST)
        manifest = json.loads(archive.extractfile(member).read())
    except (KeyError, ValueError, AttributeError):
        raise BackupRefused("This is not a Factdesk backup (no readable manifest.json).") from None
    if manifest.get("format") != FORMAT:
        raise BackupRefused("This is not a Factdesk backup (wrong format in manifest.json).")
    if manifest.get("version") != VERSION:
        raise BackupRefused(
            f"This backup has format version {manifest.get('version')}; this Factdesk reads "
            f"version {VERSION}. Restore it with the Factdesk version that made it."
        )
    return manifest


def _schema_check(manifest: dict) -> list[str]:
    """Refuse a backup from a newer schema; return the migrations it lacks (an older one)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    in_backup = {(app, name) for app, names in manifest["migrations"].items() for name in names}
    unknown = sorted(in_backup - known)
    if unknown:
        names = ", ".join(f"{app}.{name}" for app, name in unknown[:5])
        raise BackupRefused(
            "This backup comes from a newer version of Factdesk: its database has migrations "
            f"this code does not know ({names}). Upgrade Factdesk first, then restore."
        )
    return sorted(f"{app}.{name}" for app, name in known - in_backup)


def _stage(archive: tarfile.TarFile, manifest: dict, staging: Path) -> None:
    """Extract every member into `staging` and check it against the manifest's checksum."""
    expected = manifest["sha256"]
    seen = set()
    for member in archive.getmembers():
        if member.name == MANIFEST:
            continue
        if member.name not in expected or not member.isfile():
            raise BackupRefused(f"The backup holds {member.name!r}, not in its manifest.")
        # The "data" filter refuses absolute paths, "..", links and device files.
        archive.extract(member, staging, filter="data")
        if _sha256(staging / member.name) != expected[member.name]:
            raise BackupRefused(f"{member.name} in the backup is damaged (checksum mismatch).")
        seen.add(member.name)
    missing = sorted(set(expected) - seen)
    if missing:
        raise BackupRefused(f"The backup is incomplete: {', '.join(missing[:5])} missing.")


def _restore_sqlite(staged: Path) -> None:
    with sqlite3.connect(staged) as check:
        if check.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupRefused("The database in the backup fails SQLite's integrity check.")
    connections.close_all()
    source = sqlite3.connect(staged)
    live = sqlite3.connect(connection.settings_dict["NAME"], timeout=60)
    try:
        # Replaces the live database's pages in one write transaction: readers in the desk's
        # other processes see either the old desk or the restored one.
        source.backup(live)
    finally:
        live.close()
        source.close()


def _restore_postgresql(staged: Path, workdir: Path) -> None:
    prelude = workdir / "prelude.sql"
    prelude.write_text("DROP SCHEMA public CASCADE;\nCREATE SCHEMA public;\n")
    args, env = _pg_conninfo()
    connections.close_all()
    done = subprocess.run(  # noqa: S603 - fixed argv, no shell
        ["psql", "--no-psqlrc", "--quiet", "--single-transaction", "-v", "ON_ERROR_STOP=1"]
        + args
        + ["--file", str(prelude), "--file", str(staged)],
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise BackupRefused(f"psql could not load the dump: {done.stderr.strip()}")


def backup_restore(*, path: Path) -> RestoreReport:
    """Replace this desk's database and media with the backup's, entirely or not at all."""
    path = Path(path)
    media_root = Path(settings.MEDIA_ROOT)
    media_root.parent.mkdir(parents=True, exist_ok=True)
    try:
        archive = tarfile.open(path, "r:gz")
    except (OSError, tarfile.TarError) as error:
        raise BackupRefused(f"Cannot read {path}: {error}") from None
    with archive, tempfile.TemporaryDirectory(dir=media_root.parent, prefix=".restore-") as tmp:
        staging = Path(tmp)
        manifest = _read_manifest(archive)
        if manifest["database"] != _vendor():
            raise BackupRefused(
                f"This backup holds a {manifest['database']} database; this desk runs on "
                f"{_vendor()}. Restore it into a desk configured with the same kind."
            )
        older = _schema_check(manifest)
        _stage(archive, manifest, staging)
        staged_db = staging / manifest["database_member"]
        staged_media = staging / MEDIA
        staged_media.mkdir(exist_ok=True)
        # Swap the media folder in (a rename on one file system), keeping the old one until the
        # database step has succeeded.
        previous = media_root.parent / f".media-before-restore-{uuid.uuid4().hex[:8]}"
        had_media = media_root.exists()
        if had_media:
            os.replace(media_root, previous)
        os.replace(staged_media, media_root)
        try:
            if manifest["database"] == "sqlite":
                _restore_sqlite(staged_db)
            else:
                _restore_postgresql(staged_db, staging)
        except BaseException:
            shutil.rmtree(media_root, ignore_errors=True)
            if had_media:
                os.replace(previous, media_root)
            raise
        if had_media:
            shutil.rmtree(previous, ignore_errors=True)
    return RestoreReport(
        database=manifest["database"],
        files=sum(1 for name in manifest["sha256"] if name.startswith(f"{MEDIA}/")),
        older_schema=older,
    )
