"""Cross-encoder re-ranker: how well a fact-check answers a query, one score a pair.

Plain Python (no Django): a MiniLM cross-encoder trained on ../shared/claimmatch/train.jsonl
(training/train_claimmatch.py), int8 ONNX served with onnxruntime and `tokenizers`, no
PyTorch. It reads the query and the candidate together, so it is much slower than the sentence
encoder and only re-orders a short list the encoder (or a lexical search) found:

    reranker = default_reranker()
    reranker.score("Biden will ban fracking", ["Did Joe Biden promise to ban fracking?", ...])
    # [4.1, -3.2, ...]   higher is a better match; a logit, not a probability

Loads lazily and thread-safely like the encoder; a missing artifact raises RerankerUnavailable.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import numpy as np

from verification.engine.encoder import clean_text

ARTIFACT_DIR = Path(__file__).resolve().parent / "reranker_model"
MODEL_FILE = "model.int8.onnx"
TOKENIZER_FILE = "tokenizer.json"
CONFIG_FILE = "config.json"


class RerankerUnavailable(RuntimeError):
    """The artifact or the runtime is missing or broken; the message says which."""


class Reranker:
    """A re-ranker over one artifact directory; thread-safe, loads on first use."""

    def __init__(self, artifact_dir: Path | str | None = None, threads: int = 1) -> None:
        self.artifact_dir = Path(artifact_dir) if artifact_dir is not None else ARTIFACT_DIR
        self.threads = threads
        self._lock = threading.Lock()
        self._loaded: tuple | None = None
        self._error: str | None = None

    def available(self) -> bool:
        try:
            self._load()
        except RerankerUnavailable:
            return False
        return True

    def score(self, query: str, texts: list[str], batch_size: int = 32) -> list[float]:
        """One score per text, in input order; higher means a better match for `query`."""
        if not texts:
            return []
        session, tokenizer, _config = self._load()
        q = clean_text(query or "")
        encodings = tokenizer.encode_batch([(q, clean_text(t or "")) for t in texts])
        order = sorted(range(len(encodings)), key=lambda i: len(encodings[i].ids))
        out = np.zeros(len(texts), dtype=np.float32)
        for start in range(0, len(order), max(1, batch_size)):
            idx = order[start : start + max(1, batch_size)]
            out[idx] = self._run(session, [encodings[i] for i in idx])
        return [float(x) for x in out]

    def _run(self, session, batch) -> np.ndarray:
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
        return session.run(["logits"], feeds)[0].reshape(-1)

    def _load(self) -> tuple:
        loaded = self._loaded
        if loaded is not None:
            return loaded
        with self._lock:
            if self._loaded is None:
                if self._error is not None:
                    raise RerankerUnavailable(self._error)
                try:
                    self._loaded = _load_artifact(self.artifact_dir, self.threads)
                except RerankerUnavailable as error:
                    self._error = str(error)
                    raise
            return self._loaded


def _load_artifact(directory: Path, threads: int) -> tuple:
    missing = [
        name
        for name in (MODEL_FILE, TOKENIZER_FILE, CONFIG_FILE)
        if not (directory / name).is_file()
    ]
    if missing:
        raise RerankerUnavailable(f"{', '.join(missing)} missing in {directory}")
    try:
        import onnxruntime
        from tokenizers import Tokenizer
    except ImportError as error:
        raise RerankerUnavailable(f"runtime not installed ({error})") from error
    try:
        config = json.loads((directory / CONFIG_FILE).read_text(encoding="utf-8"))
        max_length = int(config["max_length"])
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        session = onnxruntime.InferenceSession(
            str(directory / MODEL_FILE), sess_options=options, providers=["CPUExecutionProvider"]
        )
        tokenizer = Tokenizer.from_file(str(directory / TOKENIZER_FILE))
    # onnxruntime and tokenizers raise their own (or bare) exception types for a file they
    # cannot parse; the reason goes into RerankerUnavailable, so nothing is hidden.
    except Exception as error:  # noqa: BLE001
        raise RerankerUnavailable(f"artifact in {directory} cannot be loaded ({error})") from error
    tokenizer.enable_truncation(max_length=max_length, strategy="longest_first")
    tokenizer.no_padding()
    return session, tokenizer, config


_default: Reranker | None = None
_default_lock = threading.Lock()


def default_reranker() -> Reranker:
    """The process's shared re-ranker over the committed artifact (not loaded until used)."""
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = Reranker()
    return _default
