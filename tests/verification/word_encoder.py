"""A stand-in sentence encoder for the library's plumbing tests: hashed words, instant."""

import hashlib
import re

import numpy as np

from verification.library import encoding

_WORD = re.compile(r"\w+")


class WordEncoder:
    """A bag of hashed words: cosine tracks shared words, deterministic and instant.

    Tests of the library's plumbing (storage, index refresh, fusion, API) use it so they do not
    depend on the learned encoder's quality; tests marked `meaning` use the real one.
    """

    name = "test-words"

    def encode(self, texts):
        out = np.zeros((len(texts), encoding.DIMENSIONS), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in _WORD.findall(text.lower()):
                digest = hashlib.blake2b(word.encode(), digest_size=4).digest()
                out[row, int.from_bytes(digest, "little") % encoding.DIMENSIONS] += 1.0
            norm = np.linalg.norm(out[row])
            if norm:
                out[row] /= norm
        return out
