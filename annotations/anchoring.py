"""Anchor claims in an article's canonical text, and re-anchor them when the text changes.

A claim stores a W3C TextQuoteSelector (``exact``, ``prefix``, ``suffix``; context of up to
``CONTEXT_LENGTH`` code points) and a TextPositionSelector (``start``, ``end``; Unicode code
points, end exclusive) over the article's canonical text (see ``canonical_text``). Browsers count
UTF-16 code units: convert at the boundary with ``utf16_to_codepoint`` / ``codepoint_to_utf16``.

Matching follows Hypothesis's ``match-quote``: candidates are ranked by how similar the matched
text is to the quote (weight 50), the text before it to the prefix (20), the text after it to the
suffix (20) and its start to the expected position (2). Exact occurrences are looked for first;
approximate ones come from an edit-distance search (``edlib``, Myers' bit-vector algorithm) with a
budget of ``1 - min_quote_similarity`` errors per quote character, first in a window around the
expected position, then over the whole text. Unlike Hypothesis, a match must also clear
``MIN_SCORE`` and ``MIN_QUOTE_SIMILARITY``, so a claim is never attached to a lookalike.

Plain Python: no Django import, so the engine and tasks can call it with strings.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

import edlib

from annotations.edit_distance import (
    MAX_SYMBOLS,
    ApproximateMatch,
    context_similarity,
    edit_distance,
    encode_pair,
)

CONTEXT_LENGTH = 32
"""Code points of prefix and suffix stored with a quote (W3C recommends a short context)."""

MIN_SCORE = 0.7
"""Lowest combined score at which a quote is attached somewhere (see module docstring)."""

MIN_QUOTE_SIMILARITY = 0.75
"""Lowest ``1 - edit_distance / len(quote)`` at which a changed quote is still the same quote."""

MIN_CONTEXT_SIMILARITY = 0.75
"""Similarity of the better-kept side of the context above which a verbatim quote just moved."""

_QUOTE_WEIGHT = 50
_PREFIX_WEIGHT = 20
_SUFFIX_WEIGHT = 20
_POSITION_WEIGHT = 2
_MAX_WEIGHT = _QUOTE_WEIGHT + _PREFIX_WEIGHT + _SUFFIX_WEIGHT + _POSITION_WEIGHT

# Scoring a candidate costs two small alignments; a short quote such as "the" can occur
# thousands of times in a long article, so only the occurrences nearest the hint are scored.
_MAX_SCORED_OCCURRENCES = 200
_MAX_APPROXIMATE_CANDIDATES = 50


class AnchoringError(ValueError):
    """Base class for anchoring input errors; a ValueError so callers can map it to a 400."""


class OffsetError(AnchoringError):
    """An offset is not an integer inside the text."""


class SurrogateSplitError(OffsetError):
    """A UTF-16 offset falls between the two halves of a surrogate pair."""


class SpanError(AnchoringError):
    """A span is empty, reversed or outside the text."""


@dataclass(frozen=True, slots=True)
class QuoteSelector:
    """W3C TextQuoteSelector: the quoted text and up to ``CONTEXT_LENGTH`` code points around."""

    exact: str
    prefix: str = ""
    suffix: str = ""


@dataclass(frozen=True, slots=True)
class PositionSelector:
    """W3C TextPositionSelector in code points, end exclusive."""

    start: int
    end: int


@dataclass(frozen=True, slots=True)
class ClaimSelector:
    """Both selectors of one claim, as ``reanchor_many`` takes them."""

    exact: str
    prefix: str
    suffix: str
    start: int | None
    end: int | None


class SelectorLike(Protocol):
    """Anything with the five selector fields, e.g. ``ClaimSelector`` or a model instance."""

    exact: str
    prefix: str
    suffix: str
    start: int | None
    end: int | None


@dataclass(frozen=True, slots=True)
class Match:
    """Where a quote was found, and how well it matched (0..1, 1 is exact with its context)."""

    start: int
    end: int
    score: float


class AnchorState(StrEnum):
    ANCHORED = "anchored"  # the stored position still holds the quote: keep it
    MOVED = "moved"  # the exact quote with its context is elsewhere: move the claim
    FUZZY = "fuzzy"  # an approximate match clears the minimum score: move and flag for review
    ORPHANED = "orphaned"  # nothing clears the minimum score: the claim needs attention


@dataclass(frozen=True, slots=True)
class AnchorResult:
    """Outcome of re-anchoring one claim; ``start``/``end`` are None when orphaned."""

    state: AnchorState
    start: int | None
    end: int | None
    score: float
    reason: str


def canonical_text(text: str) -> str:
    """Return the canonical form claims are anchored in: no BOM, "\\n" line ends, NFC."""
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def utf16_to_codepoint(text: str, offset: int) -> int:
    """Convert a UTF-16 code unit offset (as browsers count) into a code point offset."""
    units = text.encode("utf-16-le", "surrogatepass")
    _check_offset(offset, len(units) // 2, "UTF-16 offset")
    if 0 < offset < len(units) // 2:
        unit = int.from_bytes(units[2 * offset : 2 * offset + 2], "little")
        if 0xDC00 <= unit <= 0xDFFF:
            raise SurrogateSplitError(
                f"UTF-16 offset {offset} splits a surrogate pair (an emoji or other character "
                "outside the Basic Multilingual Plane); select whole characters"
            )
    return len(units[: 2 * offset].decode("utf-16-le", "surrogatepass"))


def codepoint_to_utf16(text: str, offset: int) -> int:
    """Convert a code point offset into a UTF-16 code unit offset (as browsers count)."""
    _check_offset(offset, len(text), "code point offset")
    return len(text[:offset].encode("utf-16-le", "surrogatepass")) // 2


def describe(text: str, start: int, end: int) -> QuoteSelector:
    """Describe the span ``text[start:end]`` as a quote with ``CONTEXT_LENGTH`` of context."""
    _check_span(text, start, end)
    return QuoteSelector(
        exact=text[start:end],
        prefix=text[max(0, start - CONTEXT_LENGTH) : start],
        suffix=text[end : end + CONTEXT_LENGTH],
    )


def match_quote(
    text: str,
    exact: str,
    *,
    prefix: str = "",
    suffix: str = "",
    hint: int | None = None,
    min_score: float = MIN_SCORE,
    min_quote_similarity: float = MIN_QUOTE_SIMILARITY,
) -> Match | None:
    """Find the best place for a quote in ``text``, or None if nothing clears the thresholds.

    ``hint`` is the expected start; among equally good matches the one nearest to it wins (the
    first one without a hint). An empty prefix or suffix counts as agreeing, as in Hypothesis.
    """
    found = _TextIndex(text).find(
        exact,
        prefix=prefix,
        suffix=suffix,
        hint=hint,
        min_score=min_score,
        min_quote_similarity=min_quote_similarity,
    )
    return None if found is None else Match(found.start, found.end, found.score)


def reanchor(
    new_text: str,
    *,
    exact: str,
    prefix: str,
    suffix: str,
    start: int | None,
    end: int | None,
    min_score: float = MIN_SCORE,
    min_quote_similarity: float = MIN_QUOTE_SIMILARITY,
) -> AnchorResult:
    """Re-anchor one claim in the article's new canonical text."""
    anchorer = _Anchorer(new_text, min_score=min_score, min_quote_similarity=min_quote_similarity)
    return anchorer.reanchor(ClaimSelector(exact, prefix, suffix, start, end), hint=start)


def reanchor_many(
    new_text: str,
    selectors: Sequence[SelectorLike],
    *,
    min_score: float = MIN_SCORE,
    min_quote_similarity: float = MIN_QUOTE_SIMILARITY,
) -> list[AnchorResult]:
    """Re-anchor every claim of an article in its new text; results are in input order.

    Claims whose quote is still verbatim in place or elsewhere are settled first. Their moves
    tell how far each part of the text shifted, so the others are searched for around where
    their nearest settled neighbour went rather than at their stale offset.
    """
    anchorer = _Anchorer(new_text, min_score=min_score, min_quote_similarity=min_quote_similarity)
    results: list[AnchorResult | None] = [None] * len(selectors)
    shifts: list[tuple[int, int]] = []
    # In text order, the previous claim's shift predicts this one's: most claims are then
    # confirmed at the predicted offset without scanning the text for their quote.
    shift = 0
    in_text_order = sorted(
        range(len(selectors)),
        key=lambda i: -1 if selectors[i].start is None else selectors[i].start,
    )
    for i in in_text_order:
        selector = selectors[i]
        hint = None if selector.start is None else selector.start + shift
        settled = anchorer.reanchor(selector, hint=hint, exact_only=True)
        if settled is not None:
            results[i] = settled
            if selector.start is not None and settled.start is not None:
                shift = settled.start - selector.start
                shifts.append((selector.start, shift))
    shifts.sort()
    old_starts = [old for old, _ in shifts]
    for i, selector in enumerate(selectors):
        if results[i] is None:
            hint = selector.start
            if hint is not None and shifts:
                hint += shifts[max(0, bisect_left(old_starts, hint) - 1)][1]
            results[i] = anchorer.reanchor(selector, hint=hint)
    return [result for result in results if result is not None]


def search_approximate(text: str, pattern: str, max_errors: int) -> list[ApproximateMatch]:
    """Find the spans of ``text`` closest to ``pattern``, with at most ``max_errors`` edits.

    Only the matches with the fewest errors are returned, ordered by position; offsets are code
    points. This is the edit-distance search that ``match_quote`` builds on.
    """
    if not text or not pattern or max_errors < 0:
        return []
    encoded = encode_pair(pattern, text)
    if encoded is None:
        raise AnchoringError(f"pattern has more than {MAX_SYMBOLS} distinct characters")
    result = edlib.align(*encoded, mode="HW", task="locations", k=max_errors)
    if result["editDistance"] < 0:
        return []
    errors = int(result["editDistance"])
    return [
        ApproximateMatch(start, end + 1, errors) for start, end in sorted(set(result["locations"]))
    ]


def _check_offset(offset: int, length: int, what: str) -> None:
    if isinstance(offset, bool) or not isinstance(offset, int):
        raise OffsetError(f"{what} must be an integer, got {offset!r}")
    if not 0 <= offset <= length:
        raise OffsetError(f"{what} {offset} is outside the text (0..{length})")


def _check_span(text: str, start: int, end: int) -> None:
    for value in (start, end):
        if isinstance(value, bool) or not isinstance(value, int):
            raise SpanError(f"span offsets must be integers, got {value!r}")
    if start >= end:
        raise SpanError(f"span {start}..{end} is empty or reversed; select at least one character")
    if start < 0 or end > len(text):
        raise SpanError(f"span {start}..{end} is outside the text (0..{len(text)})")


@dataclass(frozen=True, slots=True)
class _Candidate:
    start: int
    end: int
    errors: int
    quote_similarity: float
    context_similarity: float
    score: float


class _TextIndex:
    """One text prepared for many quote searches (the encoding for edlib is built once)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._codes: dict[str, int] | None = None
        self._encoded: bytes = b""

    def _encoding(self) -> tuple[dict[str, int], bytes]:
        # edlib handles at most 256 symbols. Articles rarely use more than 255 distinct
        # characters; when one does (e.g. CJK), the rarest share one code, which can only make
        # a candidate look better than it is: candidates are re-scored on the real text.
        if self._codes is None:
            ranked = [char for char, _ in Counter(self.text).most_common()]
            codes = {char: min(i + 1, MAX_SYMBOLS) for i, char in enumerate(ranked)}
            table = {ord(char): code for char, code in codes.items()}
            self._codes = codes
            self._encoded = self.text.translate(table).encode("latin-1")
        return self._codes, self._encoded

    def _has_perfect_context(self, at: int, exact: str, prefix: str, suffix: str) -> bool:
        text, end = self.text, at + len(exact)
        return (
            text.startswith(exact, at)
            and text[max(0, at - len(prefix)) : at] == prefix
            and text[end : end + len(suffix)] == suffix
        )

    def occurrences(self, exact: str) -> list[int]:
        text, found, at = self.text, [], self.text.find(exact)
        while at != -1:
            found.append(at)
            at = text.find(exact, at + 1)
        return found

    def candidate(
        self,
        start: int,
        end: int,
        errors: int,
        exact: str,
        prefix: str,
        suffix: str,
        hint: int | None,
    ) -> _Candidate:
        text = self.text
        quote_similarity = 1.0 - errors / len(exact)
        prefix_similarity = context_similarity(text[max(0, start - len(prefix)) : start], prefix)
        suffix_similarity = context_similarity(text[end : end + len(suffix)], suffix)
        position = 1.0 if hint is None else 1.0 - abs(start - hint) / max(1, len(text))
        # A context side agrees when it matches; one intact side is enough to say the quote is
        # where it was, only moved (the other side's sentence was edited). An empty side
        # (unknown, or the text's edge) is no evidence either way.
        given = [
            sim for sim, ctx in ((prefix_similarity, prefix), (suffix_similarity, suffix)) if ctx
        ]
        raw = (
            _QUOTE_WEIGHT * quote_similarity
            + _PREFIX_WEIGHT * prefix_similarity
            + _SUFFIX_WEIGHT * suffix_similarity
            + _POSITION_WEIGHT * max(0.0, position)
        )
        return _Candidate(
            start=start,
            end=end,
            errors=errors,
            quote_similarity=quote_similarity,
            context_similarity=max(given, default=1.0),
            score=raw / _MAX_WEIGHT,
        )

    def find(
        self,
        exact: str,
        *,
        prefix: str,
        suffix: str,
        hint: int | None,
        min_score: float,
        min_quote_similarity: float,
        exact_only: bool = False,
    ) -> _Candidate | None:
        """Return the best acceptable candidate for the quote, or None."""
        text, length = self.text, len(exact)
        if not exact or not text:
            return None
        if hint is not None and self._has_perfect_context(hint, exact, prefix, suffix):
            # Already where it was expected, with its context: no need to scan the text.
            return self.candidate(hint, hint + length, 0, exact, prefix, suffix, hint)
        occurrences = self.occurrences(exact)

        def by_closeness(start: int) -> tuple[int, int]:
            return (0 if hint is None else abs(start - hint), start)

        # Exact quote with its exact context: nothing can score better, skip the scoring.
        perfect = [at for at in occurrences if self._has_perfect_context(at, exact, prefix, suffix)]
        if perfect:
            at = min(perfect, key=by_closeness)
            return self.candidate(at, at + length, 0, exact, prefix, suffix, hint)

        nearest = sorted(occurrences, key=by_closeness)[:_MAX_SCORED_OCCURRENCES]
        candidates = [
            self.candidate(at, at + length, 0, exact, prefix, suffix, hint) for at in nearest
        ]
        best = _best(candidates)
        if best is not None and best.context_similarity >= MIN_CONTEXT_SIMILARITY:
            return best
        if exact_only:
            return best if best is not None and best.score >= min_score else None
        candidates.extend(
            self._approximate(
                exact, prefix, suffix, hint, occurrences, min_score, min_quote_similarity
            )
        )
        best = _best(
            [
                c
                for c in candidates
                if c.score >= min_score and c.quote_similarity >= min_quote_similarity
            ]
        )
        if best is not None:
            return best
        # A long quote found verbatim exactly once identifies its place by itself even when
        # the surrounding sentences were rewritten; a short one ("3%") would be a lookalike.
        if len(occurrences) == 1 and length >= CONTEXT_LENGTH:
            return next(c for c in candidates if c.errors == 0)
        return None

    def _approximate(
        self,
        exact: str,
        prefix: str,
        suffix: str,
        hint: int | None,
        occurrences: list[int],
        min_score: float,
        min_quote_similarity: float,
    ) -> list[_Candidate]:
        length = len(exact)
        budget = int(length * (1.0 - min_quote_similarity))
        if budget < 1:
            return []
        if hint is not None:
            # Most edits are local: look around the expected place before scanning everything.
            margin = 4 * length + 256
            low, high = max(0, hint - margin), min(len(self.text), hint + length + margin)
            found = self._search(exact, prefix, suffix, hint, occurrences, budget, low, high)
            if any(c.score >= min_score for c in found) or (low, high) == (0, len(self.text)):
                return found
        return self._search(exact, prefix, suffix, hint, occurrences, budget, 0, len(self.text))

    def _search(
        self,
        exact: str,
        prefix: str,
        suffix: str,
        hint: int | None,
        occurrences: list[int],
        budget: int,
        low: int,
        high: int,
    ) -> list[_Candidate]:
        codes, encoded = self._encoding()
        pattern = bytes(codes.get(char, 0) for char in exact)
        window = encoded[low:high]
        # edlib reports only the best-scoring locations; blank out the verbatim occurrences
        # (already scored, with poor context) so edited copies of the quote can surface.
        masked = [at for at in occurrences if at + len(exact) > low and at < high]
        if masked:
            blanked = bytearray(window)
            for at in masked:
                first, last = max(at, low) - low, min(at + len(exact), high) - low
                blanked[first:last] = bytes(last - first)
            window = bytes(blanked)
        result = edlib.align(pattern, window, mode="HW", task="locations", k=budget)
        if result["editDistance"] < 0:
            return []
        spans = sorted(
            {(low + start, low + end + 1) for start, end in result["locations"]},
            key=lambda span: (0 if hint is None else abs(span[0] - hint), span[0]),
        )[:_MAX_APPROXIMATE_CANDIDATES]
        refined = {self._refine(exact, start, end, budget) for start, end in spans}
        return [
            self.candidate(start, end, errors, exact, prefix, suffix, hint)
            for start, end, errors in refined
            if errors <= budget
        ]

    def _refine(self, exact: str, start: int, end: int, budget: int) -> tuple[int, int, int]:
        """Settle a candidate's bounds on the real text: fewest errors, then closest length.

        edlib's locations are computed on the (possibly lossy) encoding and report one of
        several equally good ends: "commodo cites" matches "commodo vit" and "commodo vitae"
        with 3 errors each, and the span as long as the quote is the one a reader means.
        """
        text, length = self.text, len(exact)
        reach = min(budget, 8) + 2
        low, high = max(0, start - reach), min(len(text), end + reach)
        encoded = encode_pair(exact, text[low:high])

        def errors(first: int, last: int) -> int:
            if encoded is None:
                return edit_distance(exact, text[first:last])
            # The region is encoded once; each span is a slice of it.
            span = encoded[1][first - low : last - low]
            return int(edlib.align(encoded[0], span, task="distance")["editDistance"])

        def cost(span: tuple[int, int]) -> tuple[int, int]:
            return errors(*span), abs(span[1] - span[0] - length)

        end = min(((start, e) for e in range(max(start + 1, end - reach), high + 1)), key=cost)[1]
        start = min(((s, end) for s in range(low, min(end - 1, start + reach) + 1)), key=cost)[0]
        return start, end, errors(start, end)


def _best(candidates: list[_Candidate]) -> _Candidate | None:
    """Highest score wins; ties go to the earliest start, as in Hypothesis."""
    return min(candidates, key=lambda c: (-c.score, c.start), default=None)


class _Anchorer:
    """Re-anchors claims in one new text, sharing its index across claims."""

    def __init__(self, text: str, *, min_score: float, min_quote_similarity: float) -> None:
        self.index = _TextIndex(text)
        self.min_score = min_score
        self.min_quote_similarity = min_quote_similarity

    def reanchor(
        self, selector: SelectorLike, *, hint: int | None, exact_only: bool = False
    ) -> AnchorResult | None:
        """Re-anchor one claim; with ``exact_only``, None unless it is anchored or moved."""
        text = self.index.text
        exact, prefix, suffix = selector.exact, selector.prefix or "", selector.suffix or ""
        start, end = selector.start, selector.end
        if not exact:
            return None if exact_only else _orphaned("the claim has an empty quote")
        in_place = (
            isinstance(start, int)
            and isinstance(end, int)
            and 0 <= start < end <= len(text)
            and text[start:end] == exact
        )
        found = self.index.find(
            exact,
            prefix=prefix,
            suffix=suffix,
            hint=hint,
            min_score=self.min_score,
            min_quote_similarity=self.min_quote_similarity,
            exact_only=exact_only,
        )
        if in_place and (found is None or (found.start, found.end) == (start, end)):
            score = 1.0 if found is None else found.score
            if found is not None and found.context_similarity >= MIN_CONTEXT_SIMILARITY:
                return AnchorResult(AnchorState.ANCHORED, start, end, score, "quote still in place")
            if exact_only:
                return None
            return AnchorResult(
                AnchorState.ANCHORED, start, end, score, "quote still in place; its context changed"
            )
        if found is None:
            return None if exact_only else _orphaned("quote not found above the minimum score")
        if found.errors == 0 and found.context_similarity >= MIN_CONTEXT_SIMILARITY:
            return AnchorResult(
                AnchorState.MOVED, found.start, found.end, found.score, "quote found elsewhere"
            )
        if exact_only:
            return None
        reason = (
            "quote found elsewhere but its context changed"
            if found.errors == 0
            else f"quote changed ({found.errors} edits); check the claim still holds"
        )
        return AnchorResult(AnchorState.FUZZY, found.start, found.end, found.score, reason)


def _orphaned(reason: str) -> AnchorResult:
    return AnchorResult(AnchorState.ORPHANED, None, None, 0.0, reason)
