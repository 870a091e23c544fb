"""manage.py import_claimreviews PATH_OR_URL...: ClaimReview JSON-LD or JSON Lines."""

import os
import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from verification.library import feeds, services
from verification.library.claimreview import read_lines, read_records
from verification.sources import fetching


class _Progress:
    """A one-line progress bar on stderr, redrawn at most ten times a second."""

    def __init__(self, name: str, total: int | None, stream) -> None:
        self.name, self.total, self.stream = name, total, stream
        self.done, self.started, self.drawn = 0, time.monotonic(), 0.0
        self.live = stream.isatty() if hasattr(stream, "isatty") else False

    def __call__(self, count: int) -> None:
        self.done += count
        now = time.monotonic()
        if self.live and (now - self.drawn > 0.1 or self.done == self.total):
            self.drawn = now
            rate = self.done / max(now - self.started, 1e-6)
            if self.total:
                filled = int(30 * self.done / self.total)
                bar = "#" * filled + "-" * (30 - filled)
                line = f"{self.name} [{bar}] {self.done}/{self.total} ({rate:.0f}/s)"
            else:
                line = f"{self.name}: {self.done} records ({rate:.0f}/s)"
            self.stream.write("\r" + line[:120])
            self.stream.flush()

    def close(self) -> None:
        if self.live:
            self.stream.write("\n")


class Command(BaseCommand):
    help = (
        "Import schema.org ClaimReview records (JSON-LD: one object, a list, an @graph, a "
        "DataFeed; or JSON Lines) from files or web addresses. Upserts by url; bad records are "
        "reported with their line and skipped; exits 1 if any record was refused."
    )

    def add_arguments(self, parser):
        parser.add_argument("sources", nargs="+", metavar="PATH_OR_URL")
        parser.add_argument(
            "--no-embed",
            action="store_true",
            help="Leave the vectors to the Celery workers instead of computing them here.",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=_cores(),
            help="Threads computing vectors (default: one per core; the writes overlap them).",
        )

    def handle(self, *args, sources, no_embed=False, threads=None, **options):
        if threads is not None and threads < 1:
            raise CommandError("--threads must be at least 1.")
        refused = 0
        started = time.monotonic()
        totals = services.ImportReport()
        for source in sources:
            try:
                items, total = self._items(source)
            except (OSError, fetching.FetchError) as error:
                reason = getattr(error, "reason", None) or str(error)
                raise CommandError(f"{source}: {reason}") from error
            progress = _Progress(Path(source).name or source, total, sys.stderr)
            report = services.factchecks_import(
                items=items,
                embed=not no_embed,
                progress=progress,
                encode_threads=threads or _cores(),
            )
            progress.close()
            for problem in report.refused:
                self.stderr.write(f"{source}: {problem} (skipped)")
            refused += len(report.refused)
            totals.created += report.created
            totals.updated += report.updated
            totals.unchanged += report.unchanged
        elapsed = time.monotonic() - started
        imported = totals.created + totals.updated
        self.stdout.write(
            f"{totals.created} created, {totals.updated} updated, {totals.unchanged} unchanged, "
            f"{refused} refused in {elapsed:.1f} s ({imported / max(elapsed, 1e-6):.0f} written/s)"
        )
        if refused:
            sys.exit(1)

    def _items(self, source: str):
        if source.startswith(("http://", "https://")):
            body = feeds.url_read(source).body
            items = list(read_records(body, name=source))
            return iter(items), len(items)
        path = Path(source)
        if path.suffix.lower() in {".jsonl", ".ndjson"}:
            with path.open("rb") as counting:
                total = sum(1 for line in counting if line.strip())
            return _lines(path), total
        items = list(read_records(path.read_bytes(), name=source))
        return iter(items), len(items)


def _cores() -> int:
    """The cores this process may run on (a container's CPU set, not the whole machine's)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _lines(path: Path):
    with path.open(encoding="utf-8", errors="replace") as lines:
        yield from read_lines(lines)
