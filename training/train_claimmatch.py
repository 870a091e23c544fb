"""Fine-tune the claim-matching encoder and train its cross-encoder re-ranker (plain PyTorch).

    python training/train_claimmatch.py --base-dir BASE --data-dir ../shared/claimmatch \
        --out-dir var/claimmatch_train [--tiny]

Self-contained (PyTorch + transformers + safetensors only) so that it runs as one prepared
job on a lent GPU as well as on the CPUs here. Never reads dev.jsonl: settings are picked on
a fixed split of train.jsonl (640 queries to fit, 160 to score), then both models are trained
again on all 800 queries with the picked settings.

1. Encoder: all-MiniLM-L6-v2, mean pooling, cosine; in-batch negatives (multiple-negatives
   ranking loss, scale 20), optionally one mined hard negative per pair. Word embeddings are
   frozen (the shipped vocabulary matrix stays the base model's).
2. Re-ranker: MiniLM cross-encoder ("query [SEP] fact-check" -> one logit) started from the
   same weights, trained with binary cross-entropy on the gold fact-checks and N hard
   negatives a query mined from the fine-tuned encoder's top 30.
3. Scored on the held-back 160: MAP@5 of the encoder, of the re-ranker over its top 20, and of
   the reciprocal-rank fusion (k = 60) of the two.

BASE is either a Hugging Face BERT folder (config.json + model.safetensors) or the compact
form written by training/pack_minilm.py (layers in fp16, word embeddings int8 per row).
Writes encoder.safetensors and reranker.safetensors (fp16, all weights but the frozen word
embeddings) and selection.json (every setting tried and its scores) to --out-dir.
"""

import argparse
import gzip
import json
import math
import random
import re
import time
import unicodedata
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from safetensors.numpy import load_file as load_numpy
from safetensors.torch import save_file
from tokenizers import Tokenizer
from transformers import BertConfig, BertForSequenceClassification, BertModel

WORD = "embeddings.word_embeddings.weight"
_SPACE_RE = re.compile(r"\s+")


def clean_text(text: str) -> str:
    """Same as verification/engine/encoder.clean_text (kept here so this file runs alone)."""
    text = text[:8000].encode("utf-8", "replace").decode("utf-8")
    text = unicodedata.normalize("NFC", text)
    return _SPACE_RE.sub(" ", text).strip()[:4000]


def factcheck_text(record: dict) -> str:
    return clean_text(f"{record.get('claimReviewed') or ''} {record.get('headline') or ''}")


def read_jsonl(path: Path) -> list[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def find(data_dir: Path, name: str) -> Path:
    for candidate in (data_dir / name, data_dir / f"{name}.gz"):
        if candidate.exists():
            return candidate
    raise SystemExit(f"{name} not found in {data_dir}")


# ---------------------------------------------------------------- weights


def load_base(base_dir: Path) -> tuple[BertConfig, dict[str, torch.Tensor]]:
    config = BertConfig.from_pretrained(base_dir)
    if (base_dir / "layers.fp16.safetensors").exists():
        state = {
            k: torch.from_numpy(v.astype(np.float32))
            for k, v in load_numpy(base_dir / "layers.fp16.safetensors").items()
        }
        q = np.load(base_dir / "word_embeddings.int8.npy")
        scale = np.load(base_dir / "word_embeddings.scale.npy")
        state[WORD] = torch.from_numpy(q.astype(np.float32) * scale[:, None])
    else:
        state = {
            k: torch.from_numpy(v.astype(np.float32))
            for k, v in load_numpy(base_dir / "model.safetensors").items()
        }
    state.pop("embeddings.position_ids", None)
    return config, state


def trained_state(module: torch.nn.Module) -> dict[str, torch.Tensor]:
    return {
        k: v.detach().to("cpu", torch.float16).contiguous()
        for k, v in module.state_dict().items()
        if not k.endswith(WORD) and not k.endswith("position_ids")
    }


# ---------------------------------------------------------------- encoder


class Encoder(torch.nn.Module):
    def __init__(self, config, state):
        super().__init__()
        self.bert = BertModel(config, add_pooling_layer=True)
        self.bert.load_state_dict(state, strict=False)
        self.bert.embeddings.word_embeddings.weight.requires_grad_(False)

    def forward(self, ids, mask):
        tokens = self.bert(input_ids=ids, attention_mask=mask).last_hidden_state
        m = mask.unsqueeze(-1).to(tokens.dtype)
        pooled = (tokens * m).sum(1) / m.sum(1).clamp(min=1e-9)
        return F.normalize(pooled.float(), dim=-1)


def batch_ids(tokenizer, texts, max_length, device):
    tokenizer.enable_truncation(max_length=max_length)
    encs = tokenizer.encode_batch(texts)
    width = max(len(e.ids) for e in encs)
    ids = np.zeros((len(encs), width), dtype=np.int64)
    mask = np.zeros_like(ids)
    for i, e in enumerate(encs):
        ids[i, : len(e.ids)] = e.ids
        mask[i, : len(e.ids)] = 1
    return torch.from_numpy(ids).to(device), torch.from_numpy(mask).to(device)


@torch.no_grad()
def encode(model, tokenizer, texts, device, batch_size=256, max_length=128):
    model.eval()
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    out = torch.zeros((len(texts), 384))
    for s in range(0, len(order), batch_size):
        idx = order[s : s + batch_size]
        ids, mask = batch_ids(tokenizer, [texts[i] for i in idx], max_length, device)
        with autocast(device):
            out[idx] = model(ids, mask).float().cpu()
    return out


def autocast(device):
    if device.type == "cuda":
        return torch.autocast("cuda", dtype=torch.bfloat16)
    return torch.autocast("cpu", enabled=False)


def schedule(optimizer, total, warmup=0.1):
    warm = max(1, int(total * warmup))
    return torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min((s + 1) / warm, max(0.0, (total - s) / max(1, total - warm)))
    )


def train_encoder(cfg, base, queries, docs, doc_index, device, hard, evaluate=None):
    """queries: [{text, gold}]; hard: {query position: [doc positions]} or None."""
    torch.manual_seed(cfg["seed"])
    rng = random.Random(cfg["seed"])
    config, state = base
    model = Encoder(config, state).to(device)
    tokenizer = cfg["tokenizer"]
    pairs = [
        (qi, doc_index[url])
        for qi, q in enumerate(queries)
        for url in q["gold"]
        if url in doc_index
    ]
    bs = cfg["batch_size"]
    steps = math.ceil(len(pairs) / bs) * cfg["epochs"]
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=cfg["lr"], weight_decay=0.01)
    sched = schedule(optimizer, steps)
    history = []
    for epoch in range(cfg["epochs"]):
        model.train()
        rng.shuffle(pairs)
        for s in range(0, len(pairs), bs):
            chunk = pairs[s : s + bs]
            q_texts = [queries[qi]["text"] for qi, _ in chunk]
            d_pos = [di for _, di in chunk]
            if hard and cfg["hard_negatives"]:
                for qi, _ in chunk:
                    d_pos.append(rng.choice(hard[qi]))
            with autocast(device):
                qv = model(*batch_ids(tokenizer, q_texts, 128, device))
                dv = model(*batch_ids(tokenizer, [docs[i] for i in d_pos], 128, device))
            sim = qv @ dv.T * cfg["scale"]
            # A doc in the batch that is also gold for this query is no negative.
            gold_sets = [set(doc_index.get(u, -1) for u in queries[qi]["gold"]) for qi, _ in chunk]
            false_neg = torch.tensor(
                [
                    [(d in g) and j != i for j, d in enumerate(d_pos)]
                    for i, g in enumerate(gold_sets)
                ],
                device=device,
            )
            sim = sim.masked_fill(false_neg, -1e4)
            labels = torch.arange(len(chunk), device=device)
            loss = F.cross_entropy(sim, labels)
            if cfg.get("symmetric"):
                loss = (loss + F.cross_entropy(sim[:, : len(chunk)].T, labels)) / 2
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            optimizer.step()
            sched.step()
        if evaluate is not None:
            history.append({"epoch": epoch + 1, **evaluate(model)})
    return model, history


# ---------------------------------------------------------------- re-ranker


class Reranker(torch.nn.Module):
    def __init__(self, config, state, seed):
        super().__init__()
        torch.manual_seed(seed)
        cfg = BertConfig(**{**config.to_dict(), "num_labels": 1})
        self.model = BertForSequenceClassification(cfg)
        self.model.bert.load_state_dict(state, strict=False)
        self.model.bert.embeddings.word_embeddings.weight.requires_grad_(False)

    def forward(self, ids, mask, types):
        return self.model(input_ids=ids, attention_mask=mask, token_type_ids=types).logits[:, 0]


def pair_ids(tokenizer, pairs, max_length, device):
    tokenizer.enable_truncation(max_length=max_length, strategy="longest_first")
    encs = tokenizer.encode_batch(pairs)
    width = max(len(e.ids) for e in encs)
    ids = np.zeros((len(encs), width), dtype=np.int64)
    mask = np.zeros_like(ids)
    types = np.zeros_like(ids)
    for i, e in enumerate(encs):
        n = len(e.ids)
        ids[i, :n], mask[i, :n], types[i, :n] = e.ids, 1, e.type_ids
    return tuple(torch.from_numpy(a).to(device) for a in (ids, mask, types))


@torch.no_grad()
def rerank_scores(model, tokenizer, pairs, device, batch_size=512, max_length=256):
    model.eval()
    out = np.zeros(len(pairs), dtype=np.float32)
    for s in range(0, len(pairs), batch_size):
        with autocast(device):
            out[s : s + batch_size] = (
                model(*pair_ids(tokenizer, pairs[s : s + batch_size], max_length, device))
                .float()
                .cpu()
                .numpy()
            )
    return out


def train_reranker(cfg, base, queries, docs, doc_index, candidates, device, evaluate=None):
    """candidates: {query position: [doc positions, best first]} from the encoder."""
    config, state = base
    rng = random.Random(cfg["seed"])
    model = Reranker(config, state, cfg["seed"]).to(device)
    tokenizer = cfg["tokenizer"]
    examples = []
    for qi, q in enumerate(queries):
        gold = {doc_index[u] for u in q["gold"] if u in doc_index}
        negatives = [d for d in candidates[qi] if d not in gold][: cfg["negatives"]]
        examples += [(qi, d, 1.0) for d in gold] + [(qi, d, 0.0) for d in negatives]
    bs = cfg["batch_size"]
    steps = math.ceil(len(examples) / bs) * cfg["epochs"]
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=cfg["lr"], weight_decay=0.01)
    sched = schedule(optimizer, steps)
    history = []
    for epoch in range(cfg["epochs"]):
        model.train()
        rng.shuffle(examples)
        for s in range(0, len(examples), bs):
            chunk = examples[s : s + bs]
            pairs = [(queries[qi]["text"], docs[d]) for qi, d, _ in chunk]
            labels = torch.tensor([y for _, _, y in chunk], device=device)
            with autocast(device):
                logits = model(*pair_ids(tokenizer, pairs, 256, device))
            loss = F.binary_cross_entropy_with_logits(logits.float(), labels)
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            optimizer.step()
            sched.step()
        if evaluate is not None:
            history.append({"epoch": epoch + 1, **evaluate(model)})
    return model, history


# ---------------------------------------------------------------- scoring


def average_precision(ranked, gold, k=5):
    hits, total = 0, 0.0
    for i, d in enumerate(ranked[:k]):
        if d in gold:
            hits += 1
            total += hits / (i + 1)
    return total / min(len(gold), k) if gold else 0.0


def map5(rankings, queries, doc_index):
    return float(
        np.mean(
            [
                average_precision(r, {doc_index.get(u, -1) for u in q["gold"]})
                for r, q in zip(rankings, queries, strict=True)
            ]
        )
    )


def rrf(*rankings, k=60):
    scores: dict[int, float] = {}
    for ranking in rankings:
        for rank, d in enumerate(ranking):
            scores[d] = scores.get(d, 0.0) + 1.0 / (k + rank + 1)
    return sorted(scores, key=lambda d: -scores[d])


def dense_rankings(model, tokenizer, queries, doc_vectors, device, depth=30):
    qv = encode(model, tokenizer, [q["text"] for q in queries], device)
    top = torch.topk(qv @ doc_vectors.T, depth, dim=1).indices.numpy()
    return [list(map(int, row)) for row in top]


def rerank_rankings(model, tokenizer, queries, docs, dense, device, depth=20):
    pairs = [(q["text"], docs[d]) for q, r in zip(queries, dense, strict=True) for d in r[:depth]]
    scores = rerank_scores(model, tokenizer, pairs, device)
    out = []
    for i, r in enumerate(dense):
        s = scores[i * depth : (i + 1) * depth]
        order = np.argsort(-s, kind="stable")
        out.append([r[:depth][j] for j in order])
    return out


# ---------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-dir", type=Path, required=True)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--out-dir", type=Path, required=True)
    parser.add_argument("--tiny", action="store_true", help="a minute's smoke test on CPU")
    parser.add_argument("--skip-select", action="store_true")
    parser.add_argument(
        "--budget-s", type=float, default=1e9, help="stop trying settings past parts of this"
    )
    args = parser.parse_args()
    started = time.time()
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True
    args.out_dir.mkdir(parents=True, exist_ok=True)
    log = {"device": str(device), "torch": torch.__version__, "tried": []}

    def say(*parts):
        print(f"[{time.time() - started:6.1f}s]", *parts, flush=True)

    base = load_base(args.base_dir)
    tokenizer = Tokenizer.from_file(str(args.base_dir / "tokenizer.json"))
    tokenizer.no_padding()
    records = read_jsonl(find(args.data_dir, "factchecks.jsonl"))
    train = read_jsonl(find(args.data_dir, "train.jsonl"))
    for q in train:
        q["text"] = clean_text(q["text"])
    rng = random.Random(2020)
    shuffled = train[:]
    rng.shuffle(shuffled)
    fit, held = shuffled[:640], shuffled[640:]
    if args.tiny:
        fit, held = fit[:48], held[:16]
        train = fit + held
        keep = {u for q in fit + held for u in q["gold"]}
        records = [r for r in records if r["url"] in keep] + records[:300]
        records = list({r["url"]: r for r in records}.values())
    docs = [factcheck_text(r) for r in records]
    doc_index = {r["url"]: i for i, r in enumerate(records)}
    say(f"device {device}; {len(docs)} fact-checks, fit {len(fit)}, held {len(held)}")

    epochs_enc = 1 if args.tiny else 6
    enc_grid = [
        {"lr": 5e-5, "hard_negatives": True, "symmetric": False},
        {"lr": 2e-5, "hard_negatives": False, "symmetric": False},
        {"lr": 5e-5, "hard_negatives": False, "symmetric": False},
    ]
    rr_grid = [
        {"lr": 3e-5, "negatives": 7},
        {"lr": 3e-5, "negatives": 15},
    ]
    if args.tiny:
        enc_grid, rr_grid = enc_grid[:1], rr_grid[:1]
    common = {"tokenizer": tokenizer, "batch_size": 32, "scale": 20.0, "seed": 13}

    # Hard negatives for the encoder come from the base model's own top 30.
    base_model = Encoder(*base).to(device)
    base_vectors = encode(base_model, tokenizer, docs, device)

    def mined(model_queries, vectors, model):
        ranks = dense_rankings(model, tokenizer, model_queries, vectors, device)
        out = {}
        for qi, (q, r) in enumerate(zip(model_queries, ranks, strict=True)):
            gold = {doc_index.get(u, -1) for u in q["gold"]}
            out[qi] = [d for d in r if d not in gold][:10] or [0]
        return out

    base_held = dense_rankings(base_model, tokenizer, held, base_vectors, device)
    log["base_held_map5"] = map5(base_held, held, doc_index)
    say("base encoder, held-back MAP@5", round(log["base_held_map5"], 4))
    hard_fit = mined(fit, base_vectors, base_model)
    hard_all = mined(train, base_vectors, base_model)
    del base_model

    best_enc = {**enc_grid[0], "epochs": 4}
    if not args.skip_select:
        best_score = -1.0
        for setting in enc_grid:
            if time.time() - started > 0.35 * args.budget_s:
                say("time budget: no more encoder settings")
                break
            cfg = {**common, **setting, "epochs": epochs_enc}

            def evaluate(model):
                vectors = encode(model, tokenizer, docs, device)
                return {
                    "map5": map5(
                        dense_rankings(model, tokenizer, held, vectors, device), held, doc_index
                    )
                }

            _model, history = train_encoder(
                cfg, base, fit, docs, doc_index, device, hard_fit, evaluate
            )
            log["tried"].append({"kind": "encoder", **setting, "history": history})
            for h in history:
                if h["map5"] > best_score + 1e-9:
                    best_score, best_enc = h["map5"], {**setting, "epochs": h["epoch"]}
            say("encoder", setting, [round(h["map5"], 4) for h in history])
        log["encoder_choice"] = {**best_enc, "held_map5": best_score}
        say("encoder picked", best_enc, round(best_score, 4))
        (args.out_dir / "selection.json").write_text(json.dumps(log, indent=2) + "\n")

    # The final encoder (all 800 queries) is trained and saved before the re-ranker's work,
    # so a failure there still leaves it.
    cfg = {**common, **best_enc}
    enc_model, _ = train_encoder(cfg, base, train, docs, doc_index, device, hard_all)
    save_file(trained_state(enc_model.bert), str(args.out_dir / "encoder.safetensors"))
    vectors = encode(enc_model, tokenizer, docs, device)
    all_ranks = dense_rankings(enc_model, tokenizer, train, vectors, device)
    del enc_model
    say("final encoder trained")

    best_rr = {**rr_grid[0], "epochs": 3, "fuse": "rrf"}
    if not args.skip_select:
        # The re-ranker's settings are picked over the picked encoder trained on the fit part.
        cfg = {**common, **best_enc}
        enc_model, _ = train_encoder(cfg, base, fit, docs, doc_index, device, hard_fit)
        vectors = encode(enc_model, tokenizer, docs, device)
        fit_ranks = dense_rankings(enc_model, tokenizer, fit, vectors, device)
        held_ranks = dense_rankings(enc_model, tokenizer, held, vectors, device)
        del enc_model
        enc_score = map5(held_ranks, held, doc_index)
        best_rr, best_rr_score = {**rr_grid[0], "epochs": 3, "fuse": "rrf"}, -1.0
        for setting in rr_grid:
            if time.time() - started > 0.7 * args.budget_s:
                say("time budget: no more re-ranker settings")
                break
            cfg = {**common, **setting, "epochs": 1 if args.tiny else 4}

            def evaluate(model):
                reranked = rerank_rankings(model, tokenizer, held, docs, held_ranks, device)
                fused = [rrf(a[:20], b) for a, b in zip(held_ranks, reranked, strict=True)]
                return {
                    "rerank_map5": map5(reranked, held, doc_index),
                    "rrf_map5": map5(fused, held, doc_index),
                }

            _m, history = train_reranker(
                cfg, base, fit, docs, doc_index, dict(enumerate(fit_ranks)), device, evaluate
            )
            log["tried"].append({"kind": "reranker", **setting, "history": history})
            for h in history:
                for fuse in ("rerank", "rrf"):
                    if h[f"{fuse}_map5"] > best_rr_score + 1e-9:
                        best_rr_score = h[f"{fuse}_map5"]
                        best_rr = {**setting, "epochs": h["epoch"], "fuse": fuse}
            say(
                "reranker",
                setting,
                [(round(h["rerank_map5"], 4), round(h["rrf_map5"], 4)) for h in history],
            )
        log["reranker_choice"] = {
            **best_rr,
            "held_map5": best_rr_score,
            "encoder_held_map5": enc_score,
        }
        say(
            "reranker picked",
            best_rr,
            round(best_rr_score, 4),
            "encoder alone",
            round(enc_score, 4),
        )
    (args.out_dir / "selection.json").write_text(json.dumps(log, indent=2) + "\n")

    cfg = {**common, **{k: v for k, v in best_rr.items() if k not in ("fuse", "held_map5")}}
    rr_model, _ = train_reranker(
        cfg, base, train, docs, doc_index, dict(enumerate(all_ranks)), device
    )
    save_file(trained_state(rr_model.model), str(args.out_dir / "reranker.safetensors"))
    say("final re-ranker trained")
    log["final"] = {"encoder": best_enc, "reranker": best_rr, "queries": len(train)}
    log["seconds"] = round(time.time() - started, 1)
    (args.out_dir / "selection.json").write_text(json.dumps(log, indent=2) + "\n")
    say("done")


if __name__ == "__main__":
    main()
