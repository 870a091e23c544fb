"""Export the trained stance model to ONNX and quantise it to int8 for the runtime.

    python training/export_onnx.py --train-dir var/stance_train \
        --artifact-dir verification/engine/stance_model/artifact

Writes model.int8.onnx (dynamic int8, per-channel weights), tokenizer.json, config.json
(labels, temperature from calibration.json, max length) and the run's train_log.json to
--artifact-dir, and export.json there with the sizes and how often the int8 model agrees with
the float one on train pairs.
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
from transformers import AutoModelForSequenceClassification, AutoTokenizer  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from verification.engine.stance_model import LABELS, load  # noqa: E402
from verification.engine.stance_model.text import clean_text  # noqa: E402


class LogitsOnly(torch.nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_ids, attention_mask, token_type_ids):
        return self.model(
            input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
        ).logits


def sample_pairs(data_dir: Path, n: int, seed: int) -> list[tuple[str, str]]:
    rows = []
    for path in sorted(data_dir.glob("*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            rows.extend(json.loads(line) for line in handle)
    rng = random.Random(seed)
    picked = rng.sample(rows, min(n, len(rows)))
    return [(r["claim"], r["sources"][0]["text"]) for r in picked]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train-dir", type=Path, default=ROOT / "var/stance_train")
    parser.add_argument(
        "--artifact-dir", type=Path, default=ROOT / "verification/engine/stance_model/artifact"
    )
    parser.add_argument("--data-dir", type=Path, default=ROOT.parent / "shared/eval/train")
    parser.add_argument("--max-length", type=int, default=128)
    parser.add_argument("--opset", type=int, default=17)
    parser.add_argument("--check-pairs", type=int, default=400)
    parser.add_argument(
        "--keep-fp32", type=Path, default=None, help="also save the float model here"
    )
    args = parser.parse_args()
    torch.set_num_threads(1)
    started = time.time()

    model_dir = args.train_dir / "model"
    model = AutoModelForSequenceClassification.from_pretrained(
        model_dir, attn_implementation="eager"
    )
    model.eval()
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    calibration = json.loads((args.train_dir / "calibration.json").read_text())

    example = tokenizer(["a claim"], ["an evidence sentence"], return_tensors="pt")
    args.artifact_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        fp32_path = Path(tmp) / "model.fp32.onnx"
        axes = {0: "batch", 1: "sequence"}
        torch.onnx.export(
            LogitsOnly(model),
            (example["input_ids"], example["attention_mask"], example["token_type_ids"]),
            str(fp32_path),
            input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=["logits"],
            dynamic_axes={
                "input_ids": axes,
                "attention_mask": axes,
                "token_type_ids": axes,
                "logits": {0: "batch"},
            },
            opset_version=args.opset,
            dynamo=False,
        )
        fp32_bytes = fp32_path.stat().st_size
        if args.keep_fp32:
            shutil.copyfile(fp32_path, args.keep_fp32)
        int8_path = args.artifact_dir / "model.int8.onnx"
        # Per-channel weight scales: one scale per output column instead of one per matrix.
        # Per-tensor scales cost about a point of accuracy on this model; per-channel none.
        quantize_dynamic(fp32_path, int8_path, per_channel=True, weight_type=QuantType.QInt8)

        (args.artifact_dir / "tokenizer.json").write_bytes(
            (model_dir / "tokenizer.json").read_bytes()
        )
        config = {
            "labels": list(LABELS),
            "temperature": calibration["temperature"],
            "max_length": args.max_length,
            "base_model": "sentence-transformers/all-MiniLM-L6-v2",
        }
        (args.artifact_dir / "config.json").write_text(json.dumps(config, indent=2) + "\n")
        if (args.train_dir / "train_log.json").exists():
            shutil.copyfile(args.train_dir / "train_log.json", args.artifact_dir / "train_log.json")

        # Agreement of the float ONNX graph and the int8 runtime on train pairs (never dev).
        pairs = sample_pairs(args.data_dir, args.check_pairs, seed=7)
        fp32_session = onnxruntime.InferenceSession(
            str(fp32_path), providers=["CPUExecutionProvider"]
        )
        fp32_args = []
        for claim, evidence in pairs:
            enc = tokenizer(
                clean_text(claim),
                clean_text(evidence),
                truncation="longest_first",
                max_length=args.max_length,
                return_tensors="np",
            )
            logits = fp32_session.run(
                ["logits"],
                {
                    k: enc[k].astype(np.int64)
                    for k in ("input_ids", "attention_mask", "token_type_ids")
                },
            )[0]
            fp32_args.append(int(logits.argmax()))
        runtime = load(args.artifact_dir)
        int8 = runtime.predict(pairs)
        int8_args = [LABELS.index(max(p, key=p.get)) for p in int8]
        agreement = float(np.mean(np.array(fp32_args) == np.array(int8_args)))

    report = {
        "fp32_onnx_bytes": fp32_bytes,
        "int8_onnx_bytes": int8_path.stat().st_size,
        "tokenizer_bytes": (args.artifact_dir / "tokenizer.json").stat().st_size,
        "quantisation": "onnxruntime quantize_dynamic, QInt8 weights, per_channel=True",
        "opset": args.opset,
        "int8_vs_fp32_argmax_agreement_on_train_pairs": round(agreement, 4),
        "check_pairs": len(pairs),
        "onnxruntime": onnxruntime.__version__,
        "torch": torch.__version__,
        "seconds": round(time.time() - started, 1),
    }
    (args.artifact_dir / "export.json").write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))
    shutil.rmtree(args.artifact_dir / "__pycache__", ignore_errors=True)


if __name__ == "__main__":
    main()
