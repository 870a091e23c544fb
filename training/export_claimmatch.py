"""Rebuild the trained claim-matching models and export the re-ranker to int8 ONNX.

    .venv-train/bin/python training/export_claimmatch.py --train-dir var/claimmatch_train
    .venv-train/bin/python training/export_encoder.py \
        --model-dir var/claimmatch_train/encoder --name "..."

train_claimmatch.py writes encoder.safetensors and reranker.safetensors without the (frozen)
word embeddings; this puts the package's fp32 word embeddings back and saves two Hugging Face
folders, encoder/ and reranker/, under --train-dir. The re-ranker is exported here to
verification/engine/reranker_model/ (model.int8.onnx, tokenizer.json, config.json,
export.json with how closely the int8 scores follow the float ones on train pairs, never dev);
the encoder is exported by export_encoder.py.
"""

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np  # noqa: E402
import onnxruntime  # noqa: E402
import torch  # noqa: E402
from onnxruntime.quantization import QuantType, quantize_dynamic  # noqa: E402
from safetensors.torch import load_file  # noqa: E402
from transformers import BertConfig, BertForSequenceClassification, BertModel  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from training.export_encoder import base_model_dir, sample_texts  # noqa: E402
from verification.engine.reranker import Reranker  # noqa: E402

WORD = "embeddings.word_embeddings.weight"


def rebuild(train_dir: Path) -> tuple[Path, Path]:
    base = base_model_dir()
    words = load_file(base / "model.safetensors")[WORD]
    config = BertConfig.from_pretrained(base)

    encoder = BertModel(config, add_pooling_layer=True)
    state = {k: v.float() for k, v in load_file(train_dir / "encoder.safetensors").items()}
    state[WORD] = words
    encoder.load_state_dict(state, strict=True)
    encoder_dir = train_dir / "encoder"
    encoder.save_pretrained(encoder_dir)
    shutil.copyfile(base / "tokenizer.json", encoder_dir / "tokenizer.json")

    rr_config = BertConfig(**{**config.to_dict(), "num_labels": 1})
    reranker = BertForSequenceClassification(rr_config)
    state = {k: v.float() for k, v in load_file(train_dir / "reranker.safetensors").items()}
    state["bert." + WORD] = words
    reranker.load_state_dict(state, strict=True)
    reranker_dir = train_dir / "reranker"
    reranker.save_pretrained(reranker_dir)
    shutil.copyfile(base / "tokenizer.json", reranker_dir / "tokenizer.json")
    return encoder_dir, reranker_dir


class LogitOnly(torch.nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_ids, attention_mask, token_type_ids):
        return self.model(
            input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
        ).logits


def export_reranker(model_dir: Path, artifact_dir: Path, max_length: int, name: str) -> dict:
    model = BertForSequenceClassification.from_pretrained(
        model_dir, attn_implementation="eager"
    ).eval()
    artifact_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        fp32_path = Path(tmp) / "model.fp32.onnx"
        example = (torch.tensor([[101, 2023, 102, 2008, 102]]),) + (
            torch.ones(1, 5, dtype=torch.long),
            torch.tensor([[0, 0, 0, 1, 1]]),
        )
        axes = {0: "batch", 1: "sequence"}
        torch.onnx.export(
            LogitOnly(model),
            example,
            str(fp32_path),
            input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=["logits"],
            dynamic_axes={
                "input_ids": axes,
                "attention_mask": axes,
                "token_type_ids": axes,
                "logits": {0: "batch"},
            },
            opset_version=17,
            dynamo=False,
        )
        int8_path = artifact_dir / "model.int8.onnx"
        # As for the encoder: the first layers' feed-forward output stays float (outliers).
        quantize_dynamic(
            fp32_path,
            int8_path,
            per_channel=True,
            weight_type=QuantType.QInt8,
            nodes_to_exclude=[
                f"/model/bert/encoder/layer.{i}/output/dense/MatMul" for i in (0, 1, 2)
            ],
        )
        shutil.copyfile(model_dir / "tokenizer.json", artifact_dir / "tokenizer.json")
        config = {"max_length": max_length, "output": "logit", "model": name}
        (artifact_dir / "config.json").write_text(json.dumps(config, indent=2) + "\n")

        # Float graph vs int8 runtime on train queries against sampled fact-checks.
        texts = sample_texts(400, seed=11)
        queries, claims = texts[:200], texts[200:]
        rng = random.Random(3)
        pairs = [(q, rng.choice(claims)) for q in queries]
        pairs += [(q, q[: len(q) // 2]) for q in queries[:100]]
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(artifact_dir / "tokenizer.json"))
        tokenizer.enable_truncation(max_length=max_length, strategy="longest_first")
        session = onnxruntime.InferenceSession(str(fp32_path), providers=["CPUExecutionProvider"])
        reference = []
        for q, d in pairs:
            enc = tokenizer.encode(q, d)
            feeds = {
                "input_ids": np.array([enc.ids], dtype=np.int64),
                "attention_mask": np.array([enc.attention_mask], dtype=np.int64),
                "token_type_ids": np.array([enc.type_ids], dtype=np.int64),
            }
            reference.append(float(session.run(["logits"], feeds)[0][0, 0]))
        runtime = Reranker(artifact_dir)
        int8 = [runtime.score(q, [d])[0] for q, d in pairs]
        fp32_bytes = fp32_path.stat().st_size
    reference, int8 = np.array(reference), np.array(int8)
    return {
        "model": name,
        "fp32_onnx_bytes": fp32_bytes,
        "int8_onnx_bytes": int8_path.stat().st_size,
        "quantisation": "onnxruntime quantize_dynamic, QInt8 weights, per_channel=True",
        "float_ffn_out_layers": [0, 1, 2],
        "check_pairs": len(pairs),
        "int8_vs_fp32_logit_pearson": round(float(np.corrcoef(reference, int8)[0, 1]), 4),
        "int8_vs_fp32_logit_max_abs_diff": round(float(np.abs(reference - int8).max()), 4),
        "onnxruntime": onnxruntime.__version__,
        "torch": torch.__version__,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train-dir", type=Path, default=ROOT / "var/claimmatch_train")
    parser.add_argument(
        "--reranker-dir", type=Path, default=ROOT / "verification/engine/reranker_model"
    )
    parser.add_argument("--max-length", type=int, default=256)
    parser.add_argument(
        "--name", default="MiniLM-L6 cross-encoder fine-tuned on claimmatch train.jsonl"
    )
    args = parser.parse_args()
    torch.set_num_threads(1)
    started = time.time()
    _encoder_dir, reranker_dir = rebuild(args.train_dir)
    report = export_reranker(reranker_dir, args.reranker_dir, args.max_length, args.name)
    report["seconds"] = round(time.time() - started, 1)
    (args.reranker_dir / "export.json").write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
