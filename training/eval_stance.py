"""Run the exported stance model alone over a gold file and write score.py predictions.

    python training/eval_stance.py ../shared/eval/dev/fm2_dev.jsonl var/stance_eval/fm2.pred.jsonl
    python ../shared/eval/score.py ../shared/eval/dev/fm2_dev.jsonl var/stance_eval/fm2.pred.jsonl

Reads only `id`, `claim` and `sources` of each record. A short single-sentence source is one
passage. A longer source is split into sentences (new lines, or . ! ? before a capital), the
`--candidates` best by BM25 are scored by the model, and passages are ranked by the model's
1 - P(not_enough_info). The stance comes from the best passage, or from the two best passages
joined when that pair is judged more decisively (claims that need two sentences).
"""

import argparse
import json
import math
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from verification.engine.stance_model import load  # noqa: E402

SENTENCE_END = re.compile(r"\n|(?<=[.!?])\s+(?=[^a-z\s])")
WORD = re.compile(r"\w+")
STOP = set(
    "a an the of in on at to for from by with and or but is are was were be been being it its "
    "this that these those as he she they them his her their has have had not no do does did "
    "which who whom what when where why how than then so such there here into about over after "
    "before also only".split()
)
SINGLE_PASSAGE_CHARS = 600


def sentences(text: str) -> list[tuple[int, int]]:
    """Spans (start, end) of the non-empty sentences of `text`, whitespace trimmed."""
    spans, start = [], 0
    for match in SENTENCE_END.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return _trimmed(text, spans)


def sentences_of_lines(text: str) -> list[tuple[int, int]]:
    """Spans of the non-blank lines of `text`, whitespace trimmed."""
    spans, start = [], 0
    for line in text.split("\n"):
        spans.append((start, start + len(line)))
        start += len(line) + 1
    return _trimmed(text, spans)


def _trimmed(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans with surrounding white space removed; empty ones dropped."""
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def terms(text: str) -> list[str]:
    return [w for w in WORD.findall(text.lower()) if w not in STOP]


def bm25_rank(claim: str, passages: list[str], k1: float = 1.5, b: float = 0.75) -> list[int]:
    docs = [terms(p) for p in passages]
    avg = sum(map(len, docs)) / max(1, len(docs))
    df = Counter(t for d in docs for t in set(d))
    n = len(docs)
    query = set(terms(claim))
    scores = []
    for i, doc in enumerate(docs):
        tf = Counter(doc)
        score = 0.0
        for t in query:
            if t in tf:
                idf = math.log(1 + (n - df[t] + 0.5) / (df[t] + 0.5))
                score += (
                    idf * tf[t] * (k1 + 1) / (tf[t] + k1 * (1 - b + b * len(doc) / max(1e-9, avg)))
                )
        scores.append((-score, i))
    return [i for _, i in sorted(scores)]


def plan(record: dict, candidates: int) -> list[tuple[str, int, int, str]]:
    """Candidate passages (source id, start, end, text) for one record."""
    out = []
    for source in record["sources"]:
        text = source["text"]
        if len(text) <= SINGLE_PASSAGE_CHARS and "\n" not in text:
            spans = [(0, len(text))] if text.strip() else []
        elif "\n" in text:
            # Line-structured sources (one sentence or paragraph per line): lines are the
            # units, and only an overlong line is cut into sentences.
            spans = []
            for s, e in sentences_of_lines(text):
                if e - s <= SINGLE_PASSAGE_CHARS:
                    spans.append((s, e))
                else:
                    spans.extend((s + a, s + b) for a, b in sentences(text[s:e]))
        else:
            spans = sentences(text)
        out.extend((source["id"], s, e, text[s:e]) for s, e in spans)
    if len(out) > candidates:
        keep = bm25_rank(record["claim"], [p[3] for p in out])[:candidates]
        out = [out[i] for i in sorted(keep)]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", type=Path)
    parser.add_argument("pred", type=Path)
    parser.add_argument("--artifact-dir", type=Path, default=None)
    parser.add_argument("--candidates", type=int, default=20, help="passages per record after BM25")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument(
        "--no-pair", action="store_true", help="do not try the two best passages joined"
    )
    args = parser.parse_args()

    model = (
        load(args.artifact_dir, threads=args.threads)
        if args.artifact_dir
        else load(threads=args.threads)
    )
    if model is None:
        raise SystemExit("stance model artifact not available (see the log line above)")
    records = [json.loads(line) for line in args.gold.open(encoding="utf-8")]
    started = time.time()
    plans = [plan(r, args.candidates) for r in records]
    pairs = [(r["claim"], p[3]) for r, ps in zip(records, plans, strict=True) for p in ps]
    probs = model.predict(pairs)

    # Second pass: the two best passages joined, in source order, for multi-passage records.
    ranked_all, second = [], []
    cursor = 0
    for r, ps in zip(records, plans, strict=True):
        scored = list(zip(ps, probs[cursor : cursor + len(ps)], strict=True))
        cursor += len(ps)
        scored.sort(key=lambda x: x[1]["not_enough_info"])
        ranked_all.append(scored)
        if len(scored) >= 2 and not args.no_pair:
            top = sorted(scored[:2], key=lambda x: (x[0][0], x[0][1]))
            second.append((r["claim"], " ".join(x[0][3] for x in top)))
        else:
            second.append(None)
    joined = model.predict([p for p in second if p is not None])
    joined_iter = iter(joined)

    args.pred.parent.mkdir(parents=True, exist_ok=True)
    with args.pred.open("w", encoding="utf-8") as out:
        for r, scored, pair in zip(records, ranked_all, second, strict=True):
            if not scored:
                final = {"supports": 0.0, "refutes": 0.0, "not_enough_info": 1.0}
            else:
                final = scored[0][1]
                if pair is not None:
                    both = next(joined_iter)
                    if both["not_enough_info"] < final["not_enough_info"]:
                        final = both
            stance = max(final, key=final.get)
            evidence = [
                {
                    "source": p[0],
                    "start": p[1],
                    "end": p[2],
                    "score": round(1 - pr["not_enough_info"], 4),
                }
                for p, pr in scored[:5]
            ]
            out.write(
                json.dumps(
                    {
                        "id": r["id"],
                        "stance": stance,
                        "confidence": round(final[stance], 4),
                        "probabilities": final,
                        "evidence": evidence,
                    }
                )
                + "\n"
            )
    elapsed = time.time() - started
    print(
        f"{len(records)} records, {len(pairs) + len(joined)} pairs in {elapsed:.1f}s "
        f"({(len(pairs) + len(joined)) / elapsed:.0f} pairs/s)"
    )


if __name__ == "__main__":
    main()
