"""Score the cross-check engine on every dev file and print the README's results table.

    make eval            # or: .venv/bin/python bench/eval_dev.py [--eval-dir ../shared/eval]

Runs `manage.py crosscheck --jsonl` on each file of EVAL/dev, scores it with EVAL/score.py, and
prints one Markdown table, plus the number check's precision on VitaminC real claims with a digit.
Dev files are for measuring only: nothing here feeds back into the engine.
"""

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FILES = [
    "vitaminc_real_dev",
    "vitaminc_synthetic_dev",
    "wice_dev",
    "fever_symmetric_v02_dev",
    "fm2_dev",
]


def run(eval_dir: Path, name: str, out_dir: Path) -> tuple[dict, Path]:
    gold, pred = eval_dir / "dev" / f"{name}.jsonl", out_dir / f"{name}.pred.jsonl"
    subprocess.run(
        [sys.executable, "manage.py", "crosscheck", "--jsonl", str(gold), "--out", str(pred)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    scored = subprocess.run(
        [sys.executable, str(eval_dir / "score.py"), str(gold), str(pred), "--json"],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(scored.stdout), pred


def number_mismatch_precision(gold: Path, pred: Path) -> tuple[float, float, int]:
    """Precision and recall of 'number conflicts' findings against gold refutes, digit claims."""
    labels = {}
    for line in gold.open(encoding="utf-8"):
        record = json.loads(line)
        if re.search(r"\d", record["claim"]):
            labels[record["id"]] = record["label"]
    flagged = set()
    for line in pred.open(encoding="utf-8"):
        record = json.loads(line)
        if record["id"] in labels and any(
            f["kind"] == "number" and f["outcome"] == "conflicts"
            for f in record.get("findings", [])
        ):
            flagged.add(record["id"])
    refutes = {i for i, label in labels.items() if label == "refutes"}
    precision = len(flagged & refutes) / len(flagged) if flagged else 0.0
    recall = len(flagged & refutes) / len(refutes) if refutes else 0.0
    return precision, recall, len(flagged)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--eval-dir", type=Path, default=ROOT.parent / "shared" / "eval")
    args = parser.parse_args()
    if not (args.eval_dir / "score.py").exists():
        sys.exit(f"No evaluation data at {args.eval_dir}: pass --eval-dir.")
    print("| dev file | accuracy | macro-F1 | ev R@1 | ev R@5 | FEVER score | ECE |")
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for name in FILES:
            score, pred = run(args.eval_dir, name, Path(tmp))
            print(
                f"| {name} | {score['accuracy']:.3f} | {score['macro_f1']:.3f} | "
                f"{score['evidence']['recall@1']:.3f} | "
                f"{score['evidence']['recall@5']:.3f} | {score['fever_score']:.3f} | "
                f"{score['calibration']['ece_10bins']:.3f} |"
            )
            if name == "vitaminc_real_dev":
                kept = number_mismatch_precision(args.eval_dir / "dev" / f"{name}.jsonl", pred)
        precision, recall, flagged = kept
        print(
            f"\nNumber mismatch findings on VitaminC real claims with a digit: {flagged} flagged, "
            f"precision {precision:.3f} against gold refutes, recall {recall:.3f}."
        )


if __name__ == "__main__":
    main()
