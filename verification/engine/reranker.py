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

import threading
from pathlib import Path

import numpy as np

from verification.engine.encoder import clean_text
from verification.engine.onnx_artifact import OnnxArtifact, padded

ARTIFACT_DIR = Path(__file__).resolve().parent / "reranker_model"


class RerankerUnavailable(RuntimeError):
    """The artifact or the runtime is missing or broken; the message says which."""


class Reranker:
    """A re-ranker over one artifact directory; thread-safe, loads on first use."""

    def __init__(self, artifact_dir: Path | str | None = None, threads: int = 1) -> None:
        self.artifact_dir = Path(artifact_dir) if artifact_dir is not None else ARTIFACT_DIR
        self.threads = threads
        self._artifact = OnnxArtifact(self.artifact_dir, threads, unavailable=RerankerUnavailable)

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
        from onnxruntime.capi.onnxruntime_pybind11_state import (
            Fail,
            InvalidArgument,
            RuntimeException,
        )

        # A model that loads but cannot run these inputs (another export, a damaged graph) is
        # as unusable as a missing one: the caller falls back instead of failing the request.
        try:
            return session.run(["logits"], padded(batch))[0].reshape(-1)
        except (Fail, InvalidArgument, RuntimeException) as error:
            raise RerankerUnavailable(
                f"artifact in {self.artifact_dir} cannot run ({error})"
            ) from error

    def _load(self) -> tuple:
        return self._artifact.load()


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
