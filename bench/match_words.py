"""A bag-of-hashed-words encoder for bench_match.py's `--encoder words` (no model needed).

Its vectors are real vectors of real text (cosine follows shared words), so the speed of the
index and the database is measured as with the learned encoder, less the encoder's own time.
"""

import hashlib
import re

import numpy as np

_WORD = re.compile(r"\w+")
DIMENSIONS = 384


class WordEncoder:
    name = "bench-words"

    def encode(self, texts):
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in _WORD.findall(text.lower()):
                digest = hashlib.blake2b(word.encode(), digest_size=4).digest()
                out[row, int.from_bytes(digest, "little") % DIMENSIONS] += 1.0
            norm = np.linalg.norm(out[row])
            if norm:
                out[row] /= norm
        return out
