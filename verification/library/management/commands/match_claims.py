"""manage.py match_claims --jsonl IN --out OUT: the library's best matches for each text."""

import json
import sys
import time

from django.core.management.base import BaseCommand, CommandError

from verification.library.matching import library_match


class Command(BaseCommand):
    help = (
        "Match texts against the whole library (desk facts and earlier fact-checks). IN lines: "
        '{"id", "text"}; OUT lines: {"id", "matches": [{"url", "score"}, ...]} best first, the '
        "format ../shared/claimmatch/score.py reads."
    )

    def add_arguments(self, parser):
        parser.add_argument("--jsonl", required=True, metavar="IN")
        parser.add_argument("--out", required=True, metavar="OUT")
        parser.add_argument("--limit", type=int, default=5)

    def handle(self, *args, jsonl, out, limit, **options):
        started, count = time.monotonic(), 0
        try:
            source = open(jsonl, encoding="utf-8")  # noqa: SIM115 - closed below
        except OSError as error:
            raise CommandError(f"{jsonl}: {error.strerror}") from error
        with source, open(out, "w", encoding="utf-8") as sink:
            for number, line in enumerate(source, start=1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                    query_id, text = row["id"], str(row["text"])
                except (json.JSONDecodeError, KeyError, TypeError) as error:
                    raise CommandError(
                        f"{jsonl} line {number}: not an {{id, text}} object"
                    ) from error
                matches = library_match(text, limit=limit, min_score=0.0)
                sink.write(
                    json.dumps(
                        {
                            "id": query_id,
                            "matches": [
                                {"url": m.url or f"fact:{m.pk}", "score": m.score, "kind": m.kind}
                                for m in matches
                            ],
                        },
                        ensure_ascii=False,
                    )
                    + "\n"
                )
                count += 1
        elapsed = time.monotonic() - started
        sys.stderr.write(f"{count} texts matched in {elapsed:.1f} s\n")
