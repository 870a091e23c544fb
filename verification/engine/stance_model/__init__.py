"""Learned stance model: (claim, evidence passage) -> supports / refutes / not_enough_info.

Plain Python (no Django): an int8 ONNX cross-encoder served with onnxruntime and the
`tokenizers` library, no PyTorch. `load()` returns None, with a logged reason, when the
artifact or the runtime is missing, so callers fall back to their rules:

    model = stance_model.load()
    if model is not None:
        model.predict([("Paris is in France.", "Paris is the capital of France.")])
        # [{"supports": 0.97, "refutes": 0.01, "not_enough_info": 0.02}]

Training and export live in training/ (see MODEL_CARD.md in artifact/).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np

from .text import clean_text

logger = logging.getLogger(__name__)

ARTIFACT_DIR = Path(__file__).resolve().parent / "artifact"
MODEL_FILE = "model.int8.onnx"
TOKENIZER_FILE = "tokenizer.json"
CONFIG_FILE = "config.json"
LABELS = ("supports", "refutes", "not_enough_info")


class StanceModel:
    """A loaded stance model; thread-safe for `predict` (onnxruntime sessions are)."""

    def __init__(self, session, tokenizer, config: dict):
        self._session = session
        self._tokenizer = tokenizer
        self.labels: tuple[str, ...] = tuple(config["labels"])
        self.temperature = float(config["temperature"])
        self.max_length = int(config["max_length"])
        self._input_names = {i.name for i in session.get_inputs()}

    def predict(self, pairs: list[tuple[str, str]], batch_size: int = 32) -> list[dict[str, float]]:
        """Return calibrated label probabilities for each (claim, evidence) pair, in order.

        Texts are cleaned and truncated to `max_length` tokens (longest side first). Pairs are
        batched by length so padding stays small; the same list always gives the same numbers.
        """
        if not pairs:
            return []
        cleaned = [
            (clean_text(claim or ""), clean_text(evidence or "")) for claim, evidence in pairs
        ]
        encodings = self._tokenizer.encode_batch(cleaned)
        # Sorting by length keeps padding (wasted work) small; a stable sort keeps ties in
        # input order so a given list always forms the same batches.
        order = sorted(range(len(encodings)), key=lambda i: len(encodings[i].ids))
        logits = np.empty((len(encodings), len(self.labels)), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            idx = order[start : start + batch_size]
            logits[idx] = self._run([encodings[i] for i in idx])
        probs = _softmax(logits / self.temperature)
        return [{label: float(p[k]) for k, label in enumerate(self.labels)} for p in probs]

    def _run(self, batch) -> np.ndarray:
        width = max(len(e.ids) for e in batch)
        ids = np.zeros((len(batch), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        types = np.zeros_like(ids)
        for row, enc in enumerate(batch):
            n = len(enc.ids)
            ids[row, :n] = enc.ids
            mask[row, :n] = enc.attention_mask
            types[row, :n] = enc.type_ids
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
        return self._session.run(
            ["logits"], {k: v for k, v in feeds.items() if k in self._input_names}
        )[0]


def _softmax(x: np.ndarray) -> np.ndarray:
    x = x - x.max(axis=1, keepdims=True)
    e = np.exp(x)
    return e / e.sum(axis=1, keepdims=True)


def load(artifact_dir: Path | str | None = None, threads: int = 1) -> StanceModel | None:
    """Load the committed artifact, or return None and log why (missing files or runtime).

    `threads` is onnxruntime's intra-op thread count; 1 suits a worker process per core.
    """
    directory = Path(artifact_dir) if artifact_dir is not None else ARTIFACT_DIR
    missing = [
        name
        for name in (MODEL_FILE, TOKENIZER_FILE, CONFIG_FILE)
        if not (directory / name).is_file()
    ]
    if missing:
        logger.warning("stance model disabled: %s missing in %s", ", ".join(missing), directory)
        return None
    try:
        import onnxruntime
        from tokenizers import Tokenizer
    except ImportError as error:
        logger.warning("stance model disabled: runtime not installed (%s)", error)
        return None
    from onnxruntime.capi.onnxruntime_pybind11_state import (
        Fail,
        InvalidArgument,
        InvalidGraph,
        InvalidProtobuf,
    )

    try:
        config = json.loads((directory / CONFIG_FILE).read_text(encoding="utf-8"))
        labels, temperature, max_length = (
            config["labels"],
            float(config["temperature"]),
            int(config["max_length"]),
        )
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        session = onnxruntime.InferenceSession(
            str(directory / MODEL_FILE), sess_options=options, providers=["CPUExecutionProvider"]
        )
    except (
        OSError,
        ValueError,
        KeyError,
        TypeError,
        Fail,
        InvalidArgument,
        InvalidGraph,
        InvalidProtobuf,
    ) as error:
        logger.warning(
            "stance model disabled: artifact in %s cannot be loaded (%s)", directory, error
        )
        return None
    if tuple(labels) != LABELS or temperature <= 0 or max_length < 8:
        logger.warning(
            "stance model disabled: config.json in %s is not a stance model config", directory
        )
        return None
    try:
        tokenizer = Tokenizer.from_file(str(directory / TOKENIZER_FILE))
    # tokenizers raises a bare Exception for a file it cannot parse; it is logged with its
    # traceback and the caller falls back to its rules, so nothing is hidden.
    except Exception:  # noqa: BLE001
        logger.warning(
            "stance model disabled: %s cannot be loaded", directory / TOKENIZER_FILE, exc_info=True
        )
        return None
    tokenizer.enable_truncation(max_length=int(config["max_length"]), strategy="longest_first")
    tokenizer.no_padding()
    return StanceModel(session, tokenizer, config)
