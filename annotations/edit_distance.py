"""Edit distances for anchoring: Levenshtein through ``edlib`` (Myers' bit-vector algorithm),
with a plain Python fallback for patterns of more than 255 distinct characters."""

from dataclasses import dataclass

import edlib

# edlib builds its alphabet from the two sequences and refuses more than 256 symbols; code 0 is
# reserved for "a character the quote does not contain", so at most 255 real symbols remain.
MAX_SYMBOLS = 255


@dataclass(frozen=True, slots=True)
class ApproximateMatch:
    """A span of text within ``errors`` edits (Levenshtein) of a pattern."""

    start: int
    end: int
    errors: int


def encode_pair(pattern: str, other: str) -> tuple[bytes, bytes] | None:
    """Encode two strings for edlib: the pattern's characters get codes, the rest code 0."""
    codes: dict[str, int] = {}
    for char in pattern:
        if char not in codes:
            codes[char] = len(codes) + 1
    if len(codes) > MAX_SYMBOLS:
        return None
    return bytes(codes[c] for c in pattern), bytes(codes.get(c, 0) for c in other)


def _edit_distance_py(pattern: str, other: str, *, infix: bool) -> int:
    """Levenshtein distance for patterns with more than 255 distinct characters (edlib can't).

    Myers' bit-vector algorithm (Hyyrö's formulation) on Python integers, so any alphabet and
    any pattern length work at one pass over ``other``.
    """
    mask = (1 << len(pattern)) - 1
    high = 1 << (len(pattern) - 1)
    equal: dict[str, int] = {}
    for i, char in enumerate(pattern):
        equal[char] = equal.get(char, 0) | (1 << i)
    plus, minus, score = mask, 0, len(pattern)
    best = score
    for char in other:
        eq = equal.get(char, 0)
        x_vertical = eq | minus
        x_horizontal = (((eq & plus) + plus) ^ plus) | eq
        plus_h = minus | ~(x_horizontal | plus)
        minus_h = plus & x_horizontal
        if plus_h & high:
            score += 1
        elif minus_h & high:
            score -= 1
        # A global alignment pays for every skipped character of ``other`` (row 0 counts up);
        # an infix one may start anywhere (row 0 stays 0).
        plus_h = (plus_h << 1) | (0 if infix else 1)
        minus_h <<= 1
        plus = (minus_h | ~(x_vertical | plus_h)) & mask
        minus = plus_h & x_vertical & mask
        best = min(best, score)
    return best if infix else score


def edit_distance(pattern: str, other: str, *, infix: bool = False) -> int:
    """Levenshtein distance; with ``infix`` the best match of pattern anywhere inside other."""
    if pattern == other:
        return 0
    if not other:
        return len(pattern)
    encoded = encode_pair(pattern, other)
    if encoded is None:
        return _edit_distance_py(pattern, other, infix=infix)
    result = edlib.align(*encoded, mode="HW" if infix else "NW", task="distance")
    return int(result["editDistance"])


def context_similarity(actual: str, expected: str) -> float:
    """Hypothesis's textMatchScore: 1 - errors of the best match of expected inside actual."""
    if not expected:
        return 1.0
    if actual == expected:
        return 1.0
    if not actual:
        return 0.0
    return max(0.0, 1.0 - edit_distance(expected, actual, infix=True) / len(expected))
