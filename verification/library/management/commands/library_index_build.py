"""manage.py library_index_build: write the HNSW snapshot every process loads its vectors from."""

import time

from django.core.management.base import BaseCommand

from verification.library import vectors


class Command(BaseCommand):
    help = (
        "Write an HNSW snapshot of every vector of the library (fact-checks and desk facts) "
        "under the data directory. Processes load it instead of reading every vector from the "
        "database, and read only what changed since. Worth it past about 200,000 vectors."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        meta = vectors.snapshot_build()
        self.stdout.write(
            f"{meta['count']} vectors in {meta['file']} ({time.monotonic() - started:.1f} s)"
        )
