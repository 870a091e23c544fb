"""Sentence encoder: text -> 384-dimensional unit vector, for matching by meaning.

Plain Python (no Django): all-MiniLM-L6-v2 (fine-tuned for claim matching, see the model card)
as an int8 ONNX graph served with onnxruntime and the `tokenizers` library, no PyTorch. The
graph does the mean pooling sentence-transformers does; the vectors are L2-normalised here, so
a dot product is the cosine:

    encoder = default_encoder()
    vectors = encoder.encode(["Paris is in France.", "The capital of France is Paris."])
    float(vectors[0] @ vectors[1])   # about 0.9

The artifact loads on first use, once per process, under a lock; a missing artifact or runtime
raises EncoderUnavailable (callers that can do without, such as lexical matching, check
`available()` first). The export lives in training/export_encoder.py.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from pathlib import Path

import numpy as np

from verification.engine.onnx_artifact import OnnxArtifact, padded

logger = logging.getLogger(__name__)

ARTIFACT_DIR = Path(__file__).resolve().parent / "encoder_model"
DIMENSION = 384

# Characters, not tokens: the tokenizer truncates to max_length anyway; this only bounds the
# work the tokenizer does on a pathological (megabyte) string.
MAX_CHARS = 4000
_SPACE_RE = re.compile(r"\s+")


class EncoderUnavailable(RuntimeError):
    """The artifact or the runtime is missing or broken; the message says which."""


def clean_text(text: str) -> str:
    """NFC-normalised, whitespace collapsed, bounded: the text training saw too."""
    # Lone surrogates (from broken UTF-16 upstream) cannot be tokenised: make them "?".
    text = text[: MAX_CHARS * 2].encode("utf-8", "replace").decode("utf-8")
    text = unicodedata.normalize("NFC", text)
    return _SPACE_RE.sub(" ", text).strip()[:MAX_CHARS]


class SentenceEncoder:
    """An encoder over one artifact directory; thread-safe, loads lazily on first use.

    `threads` is onnxruntime's intra-op thread count: 1 suits a web or worker process per core,
    more suits one batch job on an idle machine.
    """

    dimension = DIMENSION

    def __init__(self, artifact_dir: Path | str | None = None, threads: int = 1) -> None:
        self.artifact_dir = Path(artifact_dir) if artifact_dir is not None else ARTIFACT_DIR
        self.threads = threads
        self._artifact = OnnxArtifact(
            self.artifact_dir, threads, unavailable=EncoderUnavailable, check_config=_check_config
        )

    def available(self) -> bool:
        """Whether the artifact loads (loading it if not yet done); logs why not."""
        try:
            self._load()
        except EncoderUnavailable as error:
            logger.warning("sentence encoder unavailable: %s", error)
            return False
        return True

    @property
    def config(self) -> dict:
        return self._load()[2]

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        """Return float32 unit vectors, shape (len(texts), 384), in input order.

        Texts are batched by token length so padding stays small; a stable sort keeps ties in
        input order, so the same list always gives the same numbers. An empty text encodes to
        the vector of "[CLS] [SEP]", not to zeros, so every row has norm 1.
        """
        session, tokenizer, _config = self._load()
        out = np.zeros((len(texts), DIMENSION), dtype=np.float32)
        if not texts:
            return out
        encodings = tokenizer.encode_batch([clean_text(t or "") for t in texts])
        order = sorted(range(len(encodings)), key=lambda i: len(encodings[i].ids))
        for start in range(0, len(order), max(1, batch_size)):
            idx = order[start : start + max(1, batch_size)]
            out[idx] = self._run(session, [encodings[i] for i in idx])
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-12)

    def _run(self, session, batch) -> np.ndarray:
        feeds = padded(batch)
        names = {i.name for i in session.get_inputs()}
        return session.run(["sentence_embedding"], {k: v for k, v in feeds.items() if k in names})[
            0
        ]

    def _load(self) -> tuple:
        return self._artifact.load()


def _check_config(config: dict) -> None:
    if int(config["dimension"]) != DIMENSION or int(config["max_length"]) < 8:
        raise ValueError("config.json is not a sentence encoder config")


_default: SentenceEncoder | None = None
_default_lock = threading.Lock()


def default_encoder() -> SentenceEncoder:
    """The process's shared encoder over the committed artifact (not loaded until used)."""
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = SentenceEncoder()
    return _default
