"""Split a source into passages with exact code-point offsets."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Lines are the natural unit of the sources we get (one sentence or paragraph per line); only a
# long line is cut further, at sentence ends, so short sources keep their sentence whole.
LONG_LINE = 600
HARD_LIMIT = 1500
SHORT_LINE = 40
_SENTENCE_PUNCTUATION = frozenset(".!?\u3002\"'\u201d\u2019)")
_SENTENCE_END = re.compile(r"(?<=[.!?\u3002])[\"'\u201d\u2019)\]]*\s+(?=[^a-z\s])")
_LINE = re.compile(r"[^\n]+")


@dataclass(frozen=True, slots=True)
class Passage:
    source_index: int
    start: int
    end: int
    position: int  # order within the source, used to break ties deterministically


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _cut_hard(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Cut an unbroken run longer than HARD_LIMIT at whitespace (or anywhere, if none)."""
    pieces = []
    while end - start > HARD_LIMIT:
        cut = text.rfind(" ", start + HARD_LIMIT // 2, start + HARD_LIMIT)
        if cut <= start:
            cut = start + HARD_LIMIT
        pieces.append((start, cut))
        start = cut
    pieces.append((start, end))
    return pieces


def _sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans = []
    prev = start
    for m in _SENTENCE_END.finditer(text, start, end):
        spans.append((prev, m.start()))
        prev = m.end()
    spans.append((prev, end))
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        # Glue fragments ("No. 5", "U.S. Army") onto the previous sentence.
        if merged and (e - s < 25 or merged[-1][1] - merged[-1][0] < 25):
            merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    out = []
    for s, e in merged:
        out.extend(_cut_hard(text, s, e))
    return out


def split_passages(text: str, source_index: int = 0, max_passages: int = 20000) -> list[Passage]:
    """Split text into lines, and long lines into sentences; drop blank pieces.

    A short line without sentence punctuation (a heading, a dateline) is joined to the next.
    """
    out: list[Passage] = []
    carry = None
    for m in _LINE.finditer(text):
        start, end = _trimmed(text, m.start(), m.end())
        if start >= end:
            continue
        if carry is not None:
            start = carry
            carry = None
        if end - start < SHORT_LINE and text[end - 1] not in _SENTENCE_PUNCTUATION:
            # A heading, dateline or byline ("25 Oct 2016", "Mo Mowlam") is not a passage on
            # its own: it goes with the line it introduces.
            carry = start
            continue
        pieces = [(start, end)] if end - start <= LONG_LINE else _sentences(text, start, end)
        for s, e in pieces:
            s, e = _trimmed(text, s, e)
            if s < e:
                out.append(Passage(source_index, s, e, len(out)))
                if len(out) >= max_passages:
                    return out
    if carry is not None:
        s, e = _trimmed(text, carry, len(text))
        if s < e:
            out.append(Passage(source_index, s, e, len(out)))
    return out
