"""One int8 ONNX model and its tokenizer, loaded once per process: what the sentence encoder
and the re-ranker share. Plain Python (no Django).

An artifact directory holds ``model.int8.onnx``, ``tokenizer.json`` and ``config.json`` (with
at least ``max_length``). Loading happens on first use under a lock; a failure is remembered,
so a broken install raises at once on every later call instead of re-reading the files on each
request. The error class is the caller's, so each model keeps its own ``…Unavailable``.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np

MODEL_FILE = "model.int8.onnx"
TOKENIZER_FILE = "tokenizer.json"
CONFIG_FILE = "config.json"


class OnnxArtifact:
    """The (session, tokenizer, config) of one artifact directory; thread-safe, lazy."""

    def __init__(
        self,
        directory: Path,
        threads: int,
        *,
        unavailable: type[RuntimeError],
        check_config: Callable[[dict], None] = lambda config: None,
    ) -> None:
        self.directory = directory
        self.threads = threads
        self._unavailable = unavailable
        self._check_config = check_config
        self._lock = threading.Lock()
        self._loaded: tuple | None = None
        self._error: str | None = None

    def load(self) -> tuple:
        loaded = self._loaded
        if loaded is not None:
            return loaded
        with self._lock:
            if self._loaded is None:
                if self._error is not None:
                    raise self._unavailable(self._error)
                try:
                    self._loaded = self._read()
                except self._unavailable as error:
                    self._error = str(error)
                    raise
            return self._loaded

    def _read(self) -> tuple:
        directory, unavailable = self.directory, self._unavailable
        missing = [
            name
            for name in (MODEL_FILE, TOKENIZER_FILE, CONFIG_FILE)
            if not (directory / name).is_file()
        ]
        if missing:
            raise unavailable(f"{', '.join(missing)} missing in {directory}")
        try:
            import onnxruntime
            from tokenizers import Tokenizer
        except ImportError as error:
            raise unavailable(f"runtime not installed ({error})") from error
        try:
            config = json.loads((directory / CONFIG_FILE).read_text(encoding="utf-8"))
            max_length = int(config["max_length"])
            self._check_config(config)
            options = onnxruntime.SessionOptions()
            options.intra_op_num_threads = self.threads
            options.inter_op_num_threads = 1
            session = onnxruntime.InferenceSession(
                str(directory / MODEL_FILE),
                sess_options=options,
                providers=["CPUExecutionProvider"],
            )
            tokenizer = Tokenizer.from_file(str(directory / TOKENIZER_FILE))
        # onnxruntime and tokenizers raise their own (or bare) exception types for a file they
        # cannot parse; the reason goes into the caller's error, so nothing is hidden.
        except Exception as error:  # noqa: BLE001
            raise unavailable(f"artifact in {directory} cannot be loaded ({error})") from error
        tokenizer.enable_truncation(max_length=max_length, strategy="longest_first")
        tokenizer.no_padding()
        return session, tokenizer, config


def padded(batch) -> dict[str, np.ndarray]:
    """Token ids, attention mask and token types of a batch of encodings, zero-padded."""
    width = max(len(e.ids) for e in batch)
    ids = np.zeros((len(batch), width), dtype=np.int64)
    mask = np.zeros_like(ids)
    types = np.zeros_like(ids)
    for row, enc in enumerate(batch):
        n = len(enc.ids)
        ids[row, :n] = enc.ids
        mask[row, :n] = enc.attention_mask
        types[row, :n] = enc.type_ids
    return {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
