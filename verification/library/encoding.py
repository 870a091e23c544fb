"""The sentence encoder the library uses, and how its vectors are stored.

Vectors are float32, L2-normalised, stored as raw little-endian bytes (1,536 bytes for 384
dimensions): no extension in the database, and one `np.frombuffer` to read them back.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from functools import cache

import numpy as np

DIMENSIONS = 384
# Encode this many texts per call: large enough to keep the ONNX session busy, small enough to
# keep a batch's memory (tokens × hidden size) in tens of megabytes.
BATCH_SIZE = 128


@cache
def _default():
    from verification.engine.encoder import default_encoder

    return default_encoder()


# Replaced only by tests that need a different encoder; production always uses the default.
encoder_factory = _default


def encoder():
    return encoder_factory()


def model_name() -> str:
    """Names the vectors' model, so vectors of another model are recomputed, not mixed."""
    current = encoder()
    name = getattr(current, "name", None)
    if name is None:
        config = json.dumps(getattr(current, "config", {}), sort_keys=True)
        name = f"{type(current).__name__}:{hashlib.sha256(config.encode()).hexdigest()[:16]}"
    return str(name)[:100]


def encode(texts: Sequence[str]) -> np.ndarray:
    """(n, DIMENSIONS) float32 unit vectors, in batches."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    parts = [
        np.asarray(encoder().encode(list(texts[at : at + BATCH_SIZE])), dtype=np.float32)
        for at in range(0, len(texts), BATCH_SIZE)
    ]
    return np.vstack(parts)


def to_bytes(vector: np.ndarray) -> bytes:
    return np.ascontiguousarray(vector, dtype="<f4").tobytes()


def from_bytes(blob: bytes | memoryview) -> np.ndarray:
    return np.frombuffer(bytes(blob), dtype="<f4")
