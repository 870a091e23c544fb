"""Cross-check a claim against source files, or a whole JSONL file of records.

manage.py crosscheck --claim "Turnout was 56%." --source article.txt [--json]
manage.py crosscheck --jsonl dev.jsonl --out pred.jsonl
"""

from __future__ import annotations

import datetime
import json
import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from verification.engine import ClaimInput, SourceInput, crosscheck


class RecordError(ValueError):
    """A JSONL line that is not a usable record."""


def _date(value, where: str) -> datetime.date | None:
    """An optional ISO date ("2024-03-01"); relative dates in the text are read against it."""
    if value in (None, ""):
        return None
    try:
        return datetime.date.fromisoformat(str(value)[:10])
    except ValueError:
        raise RecordError(f"{where} is not an ISO date (YYYY-MM-DD): {str(value)[:40]!r}") from None


def _record(line: str) -> tuple[str, ClaimInput, list[SourceInput]]:
    try:
        r = json.loads(line)
    except json.JSONDecodeError as e:
        raise RecordError(f"not valid JSON ({e.msg} at character {e.pos + 1})") from None
    if not isinstance(r, dict):
        raise RecordError("not a JSON object")
    rid, claim, sources = r.get("id"), r.get("claim"), r.get("sources")
    if not isinstance(rid, str) or not rid:
        raise RecordError("'id' is missing or not a string")
    if not isinstance(claim, str):
        raise RecordError(f"record {rid}: 'claim' is missing or not a string")
    if not isinstance(sources, list):
        raise RecordError(f"record {rid}: 'sources' is missing or not a list")
    parsed = []
    for k, s in enumerate(sources):
        if not isinstance(s, dict) or not isinstance(s.get("text"), str):
            raise RecordError(f"record {rid}: sources[{k}] has no 'text' string")
        sid = s.get("id", f"s{k}")
        date = _date(s.get("date"), f"record {rid}: sources[{k}].date")
        parsed.append(
            SourceInput(id=str(sid), text=s["text"], title=str(s.get("title") or ""), date=date)
        )
    # Only id, claim(_date) and sources reach the engine: label, gold_evidence and meta are
    # answers.
    claim_date = _date(r.get("claim_date"), f"record {rid}: claim_date")
    return rid, ClaimInput(text=claim, claim_date=claim_date), parsed


class Command(BaseCommand):
    help = "Cross-check a claim against sources (readable report or JSON), or a JSONL batch."

    def add_arguments(self, parser):
        parser.add_argument("--claim", help="the claim text")
        parser.add_argument(
            "--source",
            action="append",
            default=[],
            metavar="FILE",
            help="a UTF-8 text file to check against (repeatable)",
        )
        parser.add_argument("--quote", help="the quoted words, if the claim quotes someone")
        parser.add_argument("--speaker", help="who the claim says spoke the quote")
        parser.add_argument(
            "--claim-date",
            metavar="YYYY-MM-DD",
            help="when the claim was made: 'last year' in it is read against this date",
        )
        parser.add_argument("--json", action="store_true", help="print the result as JSON")
        parser.add_argument("--jsonl", metavar="IN", help="records in the eval gold format")
        parser.add_argument("--out", metavar="PRED", help="where --jsonl writes predictions")
        parser.add_argument("--max-evidence", type=int, default=5)

    def handle(self, *args, **opts):
        if opts["jsonl"]:
            if not opts["out"]:
                raise CommandError("--jsonl needs --out PRED.jsonl")
            return self._batch(Path(opts["jsonl"]), Path(opts["out"]), opts["max_evidence"])
        if not opts["claim"] or not opts["source"]:
            raise CommandError(
                "give --claim and at least one --source FILE, or --jsonl IN --out OUT"
            )
        sources = []
        for k, name in enumerate(opts["source"]):
            try:
                text = Path(name).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as e:
                raise CommandError(f"cannot read source {name}: {e}") from None
            sources.append(SourceInput(id=f"s{k}", text=text, title=name))
        try:
            claim_date = _date(opts["claim_date"], "--claim-date")
        except RecordError as e:
            raise CommandError(str(e)) from None
        claim = ClaimInput(
            text=opts["claim"],
            quote=opts["quote"],
            speaker=opts["speaker"],
            claim_date=claim_date,
        )
        result = crosscheck(claim, sources, max_evidence=opts["max_evidence"])
        if opts["json"]:
            self.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
            return
        names = {s.id: s.title for s in sources}
        self.stdout.write(f"Stance: {result.stance} (confidence {result.confidence:.2f})")
        self.stdout.write("\nEvidence:")
        for i, e in enumerate(result.evidence, 1):
            snippet = " ".join(e.text.split())
            snippet = snippet if len(snippet) <= 200 else snippet[:197] + "..."
            self.stdout.write(
                f"  {i}. {names[e.source_id]} [{e.start}:{e.end}] "
                f"score {e.score:.2f}\n     {snippet}"
            )
        self.stdout.write("\nFindings:")
        for f in result.findings:
            self.stdout.write(f"  [{f.kind} / {f.outcome}] {f.message}")
        if not result.findings:
            self.stdout.write("  (none)")

    def _batch(self, path: Path, out: Path, max_evidence: int) -> None:
        try:
            with path.open(encoding="utf-8") as f:
                total = sum(1 for _ in f)
        except (OSError, UnicodeDecodeError) as e:
            raise CommandError(f"cannot read {path}: {e}") from None
        done = skipped = 0
        started = time.perf_counter()
        last_report = 0.0
        interactive = sys.stderr.isatty()
        try:
            fin = path.open(encoding="utf-8")
            fout = out.open("w", encoding="utf-8")
        except OSError as e:
            raise CommandError(str(e)) from None
        with fin, fout:
            for lineno, line in enumerate(fin, 1):
                if not line.strip():
                    continue
                try:
                    rid, claim, sources = _record(line)
                except RecordError as e:
                    # Malformed lines are reported and skipped; the rest of the file still runs.
                    skipped += 1
                    lead = "\n" if interactive else ""
                    self.stderr.write(f"{lead}{path}:{lineno}: {e}; line skipped")
                    continue
                result = crosscheck(claim, sources, max_evidence=max_evidence)
                d = result.to_dict()
                fout.write(
                    json.dumps(
                        {
                            "id": rid,
                            "stance": result.stance,
                            "confidence": d["confidence"],
                            "evidence": [
                                {
                                    "source": e.source_id,
                                    "start": e.start,
                                    "end": e.end,
                                    "score": e.score,
                                }
                                for e in result.evidence
                            ],
                            "findings": d["findings"],
                            "engine_version": result.engine_version,
                        },
                        ensure_ascii=False,
                    )
                    + "\n"
                )
                done += 1
                now = time.perf_counter()
                if now - last_report >= (0.5 if interactive else 10.0) or lineno == total:
                    last_report = now
                    rate = done / max(now - started, 1e-9)
                    msg = f"{lineno}/{total} lines, {rate:.0f} records/s"
                    if interactive:
                        self.stderr.write(f"\r{msg}", ending="")
                        self.stderr.flush()
                    else:
                        self.stderr.write(msg)
        seconds = time.perf_counter() - started
        if interactive:
            self.stderr.write("")
        self.stdout.write(
            f"{done} records in {seconds:.1f} s ({done / max(seconds, 1e-9):.1f} records/s)"
            f", {skipped} malformed lines skipped, predictions in {out}"
        )
        if skipped:
            raise CommandError(f"{skipped} malformed line(s) in {path} were skipped (see above)")
