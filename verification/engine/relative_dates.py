"""Dates said relative to when the text was written: "last year", "yesterday", "three years ago".

A claim's relative dates are read against the claim's date (its article's publication date), a
source's against the source's date; without a date they are left alone, never guessed.
"""

from __future__ import annotations

import datetime
import re

from .quantities import Quantity, date_quantity, iso, words_value
from .text import Token

_SHIFT = {"last": -1, "previous": -1, "past": -1, "this": 0, "current": 0, "next": 1, "coming": 1}
_DAY_WORDS = {"today": 0, "yesterday": -1, "tomorrow": 1}


def _quantity(tokens: list[Token], i: int, j: int, parts: tuple) -> Quantity:
    return date_quantity(parts, tokens[i].start, tokens[j - 1].end, resolved=iso(parts))


def _month_shift(reference: datetime.date, shift: int) -> tuple[int, int]:
    index = reference.year * 12 + reference.month - 1 + shift
    return index // 12, index % 12 + 1


def extract_relative(
    tokens: list[Token], reference: datetime.date | None, limit: int = 50
) -> list[Quantity]:
    """Relative dates in tokens, resolved against reference; [] when there is no reference."""
    if reference is None:
        return []
    out: list[Quantity] = []
    n = len(tokens)
    i = 0
    while i < n and len(out) < limit:
        norm = tokens[i].norm
        nxt = tokens[i + 1].norm if i + 1 < n else ""
        if norm in _DAY_WORDS:
            day = reference + datetime.timedelta(days=_DAY_WORDS[norm])
            out.append(_quantity(tokens, i, i + 1, (day.year, day.month, day.day)))
        elif norm in _SHIFT and nxt == "year":
            out.append(_quantity(tokens, i, i + 2, (reference.year + _SHIFT[norm], None, None)))
            i += 1
        elif norm in _SHIFT and nxt == "month":
            year, month = _month_shift(reference, _SHIFT[norm])
            out.append(_quantity(tokens, i, i + 2, (year, month, None)))
            i += 1
        elif nxt in ("year", "years") and i + 2 < n and tokens[i + 2].norm == "ago":
            count = _count(tokens[i])
            if count is not None and count == int(count) and 0 < count < 1000:
                out.append(_quantity(tokens, i, i + 3, (reference.year - int(count), None, None)))
                i += 2
        i += 1
    return out


def _count(token: Token) -> float | None:
    if token.is_num:
        return float(token.raw) if re.fullmatch(r"\d{1,3}", token.raw) else None
    return words_value([token.norm])
