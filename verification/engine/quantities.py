"""Find quantities (numbers, number words, percentages, money, ordinals, years, dates) in text.

Each quantity is an interval of values, so qualifiers are compared the way a reader would:
"more than 680" is (680, inf), "about 50" is [45, 55], "2.5 million" may round 2,512,000.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .quantity_words import (
    CURRENCY_SIGNS,
    CURRENCY_WORDS,
    FRACTIONS,
    MONTHS,
    ORDINALS,
    PERCENT_WORDS,
    QUALIFIERS,
    SCALES,
    SHORT_SCALES,
    TENS,
    UNITS,
)
from .text import Token, stem


@dataclass(frozen=True, slots=True)
class Quantity:
    kind: str  # "number" | "percent" | "rating" | "ordinal" | "year" | "date" | "century"
    value: float  # for dates: yyyymmdd-ish ordinal, see date_value
    lo: float
    hi: float
    qualifier: str | None
    unit: str | None  # stem of the counted thing or a currency sign
    start: int
    end: int
    context: frozenset[str]
    date_parts: tuple[int | None, int | None, int | None] | None = None  # (year, month, day)
    precision: float = 0.0
    resolved: str | None = None  # what a relative date ("last year") stands for: "2023"

    def describe(self, text: str) -> str:
        said = " ".join(text[self.start : self.end].split())
        return f"{said} (= {self.resolved})" if self.resolved else said


def _parse_digits(raw: str) -> tuple[float, float] | None:
    """Return (value, precision) of '1,234.5' style numbers."""
    s = raw
    if "," in s:
        parts = s.split(",")
        if all(len(p) == 3 for p in parts[1:]) and "." not in parts[0]:
            s = s.replace(",", "")
        elif len(parts) == 2 and "." not in s:
            s = s.replace(",", ".")  # decimal comma: "2,5"
        else:
            s = s.replace(",", "")
    if s.count(".") > 1:
        return None
    try:
        value = float(s)
    except ValueError:
        return None
    decimals = len(s.split(".")[1]) if "." in s else 0
    return value, 10.0 ** (-decimals)


def words_value(words: list[str]) -> float | None:
    """'twenty five' -> 25, 'three hundred' -> 300, 'two dozen' -> 24, 'a million' -> 1e6."""
    total, current = 0.0, 0.0
    seen = article = False
    for w in words:
        if w in ("a", "an") and not seen:
            current, article = 1, True  # "a hundred", "a dozen"; but "a twenty" is 20
            continue
        if w == "and":
            continue
        if article and (w in UNITS or w in TENS):
            current = 0.0
        article = False
        if w in UNITS:
            current += UNITS[w]
        elif w in TENS:
            current += TENS[w]
        elif w == "dozen":
            current = (current or 1) * 12
        elif w == "hundred":
            current = (current or 1) * 100
        elif w in SCALES:
            total += (current or 1) * SCALES[w]
            current = 0
        else:
            return None
        seen = True
    return total + current if seen else None


def _qualifier(tokens: list[Token], i: int) -> tuple[str | None, int]:
    """Qualifier ending right before tokens[i]; returns (qualifier, index of its first token)."""
    for words, qual in QUALIFIERS:
        n = len(words)
        if i - n < 0:
            continue
        if tuple(t.norm for t in tokens[i - n : i]) == words:
            if words == ("or", "more"):
                continue
            if words == ("c",) and tokens[i - 1].raw != "c":
                continue
            return qual, i - n
    # "just over", "well over": skip the intensifier
    return None, i


_DASHES = ("-", "\u2013", "\u2014")
TEMPORAL_QUALIFIERS = {"after", "since", "before", "prior", "later", "earlier"}


def _temporal(tokens: list[Token], i: int, j: int) -> bool:
    return any(t.norm in TEMPORAL_QUALIFIERS for t in tokens[i:j])


RELATIVE_POSITION = {"above", "below", "behind", "ahead", "after", "before", "beyond", "than"}


def _relative_position(tokens: list[Token], i: int) -> bool:
    k = i - 1
    if k >= 0 and tokens[k].norm in ("the", "of"):
        k -= 1
    if k >= 0 and tokens[k].norm == "of":  # "ahead of the 4th"
        k -= 1
    return k >= 0 and tokens[k].norm in RELATIVE_POSITION


RATING_SCALES = (5, 10, 100)


def _scale_top(text: str, t: Token, nxt: Token | None) -> int | None:
    """The denominator of a rating written "6.4/10", when it is a usual scale."""
    if nxt is None or text[t.end : nxt.start].strip() != "/" or not nxt.raw.isdecimal():
        return None
    top = int(nxt.raw)
    if top not in RATING_SCALES or text[nxt.end : nxt.end + 1] == "/":
        return None
    return top


def _in_range_words(tokens: list[Token], i: int) -> bool:
    def norm(k: int) -> str:
        return tokens[k].norm if 0 <= k < len(tokens) else ""

    def number(k: int) -> bool:
        return 0 <= k < len(tokens) and tokens[k].is_num

    opens = norm(i - 1) in ("from", "between") and norm(i + 1) in ("to", "and") and number(i + 2)
    closes = norm(i - 1) in ("to", "and") and number(i - 2) and norm(i - 3) in ("from", "between")
    return opens or closes


def _not_a_figure(text: str, tokens: list[Token], i: int) -> bool:
    """A number that states no amount: a scale's top ("64/100", "8 out of 10"), part of a name
    ("PS4", "iOS 4"), a time ("13:50"), a score or range ("3-1", "from 17 to 24"). Years stay
    dates to check, also in ranges ("2010-2015")."""
    t = tokens[i]
    before = text[max(0, t.start - 2) : t.start]
    after = text[t.end : t.end + 2]
    year = len(t.raw) == 4 and t.raw.isdecimal() and 1000 <= int(t.raw) <= 2100
    if before.endswith("/") and not year:
        return True  # the top of a scale ("64/100"), read with its numerator
    if i >= 2 and (tokens[i - 2].norm, tokens[i - 1].norm) == ("out", "of"):
        return True
    if before[-1:].isalpha():
        return True  # "PS4", "E3", "G7"
    if before[-1:] == ":" or after[:1] == ":":
        return True  # a time of day or on a clock: "13:50", "5:26"
    if year:
        return False
    if (before[-1:] in _DASHES and before[:1].isdecimal()) or (
        after[:1] in _DASHES and after[1:2].isdecimal()
    ):
        return True  # a score or a range: "3-1", "April 17-24", the "01" of "2000-01"
    if _in_range_words(tokens, i):
        return True  # "from 17 to 24 April", "between 10 and 12"
    if i == 0 or not t.raw.isdecimal() or len(t.raw) > 2:
        return False
    prev = tokens[i - 1]
    return (
        any(ch.isupper() for ch in prev.raw)
        and not prev.is_num
        and prev.end == t.start - 1
        and i - 1 > 0  # a capitalised first word may just start the sentence
        and prev.norm not in MONTHS
        and prev.norm not in CURRENCY_WORDS
        and prev.norm not in ("no", "number", "vol", "chapter", "page", "grade", "level")
    )


def _interval(value: float, qualifier: str | None, precision: float) -> tuple[float, float]:
    eps = 1e-9 * max(1.0, abs(value))
    if qualifier == "gt":
        return value + eps, math.inf
    if qualifier == "ge":
        return value, math.inf
    if qualifier == "lt":
        return -math.inf, value - eps
    if qualifier == "le":
        return -math.inf, value
    if qualifier == "approx":
        spread = max(abs(value) * 0.1, precision)
        return value - spread, value + spread
    return value, value


def _unit_after(tokens: list[Token], j: int) -> str | None:
    """The counted thing after a quantity: first content word within two tokens."""
    from .text import STOPWORDS

    for t in tokens[j : j + 3]:
        if t.is_num:
            return None
        if t.norm in STOPWORDS or t.norm in ("of", "and"):
            continue
        if t.norm in CURRENCY_WORDS:
            return CURRENCY_WORDS[t.norm]
        if stem(t.norm) in CURRENCY_WORDS:
            return CURRENCY_WORDS[stem(t.norm)]
        return t.stem
    return None


def _context(tokens: list[Token], i: int, j: int) -> frozenset[str]:
    window = tokens[max(0, i - 5) : i] + tokens[j : j + 5]
    return frozenset(t.stem for t in window if not t.is_num and len(t.norm) > 2)


def date_value(y: int | None, m: int | None, d: int | None) -> float:
    return (y or 0) * 10000 + (m or 0) * 100 + (d or 0)


def date_quantity(
    parts: tuple[int | None, int | None, int | None],
    start: int,
    end: int,
    context: frozenset[str] = frozenset(),
    resolved: str | None = None,
) -> Quantity:
    """A year (no month) or a date, (year, month, day), at [start, end) of its text."""
    year, month, _ = parts
    value = float(year) if month is None and year is not None else date_value(*parts)
    return Quantity(
        kind="year" if month is None else "date",
        value=value,
        lo=value,
        hi=value,
        qualifier=None,
        unit=None,
        start=start,
        end=end,
        context=context,
        date_parts=parts,
        resolved=resolved,
    )


def iso(parts: tuple[int | None, int | None, int | None]) -> str:
    """The parts that are known, as in ISO 8601: "2024-04-17", "2023", "04-17"."""
    return "-".join(f"{part:02d}" for part in parts if part is not None)


_DAY_RANGE_WORDS = ("to", "and", "through", "until", "till")


def _day(token: Token) -> int | None:
    raw = token.raw
    return int(raw) if raw.isdecimal() and len(raw) <= 2 and 1 <= int(raw) <= 31 else None


def _joins_range(text: str, tokens: list[Token], a: int, b: int) -> bool:
    """Tokens a and b are the two ends of a range: "17-24", "17 to 24", "5 and 9"."""
    if b == a + 1:
        return text[tokens[a].end : tokens[b].start].strip() in _DASHES
    return b == a + 2 and tokens[a + 1].norm in _DAY_RANGE_WORDS


def _year_at(tokens: list[Token], k: int) -> int | None:
    if k < len(tokens) and tokens[k].raw.isdecimal() and len(tokens[k].raw) == 4:
        return int(tokens[k].raw)
    return None


def _is_month(token: Token) -> bool:
    return token.norm in MONTHS and token.is_cap


def _day_range(text: str, tokens: list[Token], i: int) -> tuple[list[Quantity], int] | None:
    """Two dates from a range of days that names its month once: "from 17 to 24 April 2024",
    "between 5 and 9 May", "April 17-24, 2024". Each day gets the month and year; returns the
    dates and the index of the first token after them."""
    n = len(tokens)
    if _day(tokens[i]) is not None:
        for b in (i + 1, i + 2):
            if (
                b + 1 < n
                and _day(tokens[b]) is not None
                and _is_month(tokens[b + 1])
                and _joins_range(text, tokens, i, b)
            ):
                month, year = MONTHS[tokens[b + 1].norm], _year_at(tokens, b + 2)
                end = b + 2 if year is None else b + 3
                spans = [(i, i + 1), (b, end)]
                days = [_day(tokens[i]), _day(tokens[b])]
                break
        else:
            return None
    elif _is_month(tokens[i]) and i + 1 < n and _day(tokens[i + 1]) is not None:
        for b in (i + 2, i + 3):
            if b < n and _day(tokens[b]) is not None and _joins_range(text, tokens, i + 1, b):
                month, year = MONTHS[tokens[i].norm], _year_at(tokens, b + 1)
                end = b + 1 if year is None else b + 2
                spans = [(i, i + 2), (b, end)]
                days = [_day(tokens[i + 1]), _day(tokens[b])]
                break
        else:
            return None
    else:
        return None
    out = []
    context = _context(tokens, spans[0][0], spans[1][1])
    for day, (a, z) in zip(days, spans, strict=True):
        parts = (year, month, day)
        # "17" of "17 to 24 April 2024" is shown as the date it stands for.
        names_month = any(_is_month(t) for t in tokens[a:z])
        resolved = None if names_month else iso(parts)
        out.append(date_quantity(parts, tokens[a].start, tokens[z - 1].end, context, resolved))
    return out, spans[1][1]


_SLASH_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})(?![\d/])")


def _slash_date(text: str, tokens: list[Token], i: int) -> tuple[Quantity | None, int] | None:
    """A date written "17/4/2020" or "4/17/2020": its day and month when only one reading
    is possible, else its year alone; with a two-digit year ("3/4/20"), no figure at all.
    Returns the date (or None) and the index of the first token after it."""
    m = _SLASH_DATE.match(text, tokens[i].start)
    if m is None or (tokens[i].start and text[tokens[i].start - 1] in "/0123456789"):
        return None
    j = i
    while j < len(tokens) and tokens[j].start < m.end():
        j += 1
    if len(m.group(3)) == 2:
        return None, j
    a, b, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if a > 12 and 1 <= b <= 12 and a <= 31:
        day, month = a, b
    elif b > 12 and 1 <= a <= 12 and b <= 31:
        day, month = b, a
    else:
        day = month = None  # "3/4/2020": 3 April or March 4 depends on the country
    date = date_quantity((year, month, day), m.start(), m.end(), _context(tokens, i, j))
    return date, j


def extract(text: str, tokens: list[Token], limit: int = 200) -> list[Quantity]:
    """Quantities in reading order; at most limit of them."""
    out: list[Quantity] = []
    n = len(tokens)
    i = 0
    while i < n and len(out) < limit:
        t = tokens[i]
        day_range = _day_range(text, tokens, i)
        if day_range:
            dates, i = day_range
            out.extend(dates)
            continue
        slashed = _slash_date(text, tokens, i) if t.is_num else None
        if slashed:
            date, i = slashed
            out.extend([date] if date else [])
            continue
        norm = t.norm
        value: float | None = None
        precision = 0.0
        kind = "number"
        j = i + 1  # first token after the quantity
        unit: str | None = None
        date_parts = None
        extra_end = 0
        sign_start: int | None = None

        if t.is_num and t.start >= 2 and text[t.start - 1] == "-" and text[t.start - 2].isalpha():
            i += 1  # part of a name: "Covid-19", "F-16"
            continue
        if t.is_num and _not_a_figure(text, tokens, i):
            i += 1
            continue
        if t.is_num:
            parsed = _parse_digits(t.raw)
            if parsed is None:
                i += 1
                continue
            value, precision = parsed
            nxt = tokens[i + 1] if i + 1 < n else None
            adjacent = nxt is not None and nxt.start == t.end
            scale_top = _scale_top(text, t, nxt)
            if scale_top:
                # "6.4/10" and "64/100" are the same rating: compare as a share of the scale.
                value, precision = value / scale_top * 100, precision / scale_top * 100
                kind, j = "rating", i + 2
            elif adjacent and nxt.norm in ("st", "nd", "rd", "th"):
                kind, j = "ordinal", i + 2
            elif nxt is not None and nxt.norm in SCALES and nxt.start - t.end <= 1:
                value *= SCALES[nxt.norm]
                precision *= SCALES[nxt.norm]
                j = i + 2
            elif adjacent and nxt.norm in SHORT_SCALES:
                value *= SHORT_SCALES[nxt.norm]
                precision *= SHORT_SCALES[nxt.norm]
                j = i + 2
        elif norm in UNITS or norm in TENS or norm in ("dozen", "a", "an") or norm in SCALES:
            k = i
            words = []
            while (
                k < n
                and (
                    tokens[k].norm in UNITS
                    or tokens[k].norm in TENS
                    or tokens[k].norm in SCALES
                    or tokens[k].norm == "dozen"
                    or (tokens[k].norm in ("a", "an") and k == i)
                    or (
                        tokens[k].norm == "and"
                        and words
                        and k + 1 < n
                        and (tokens[k + 1].norm in UNITS or tokens[k + 1].norm in TENS)
                    )
                )
                and k - i < 8
            ):
                words.append(tokens[k].norm)
                k += 1
            # "a third", "two thirds", "a quarter", "half"
            if (
                k < n
                and tokens[k].norm in FRACTIONS
                and words
                and words[-1] in (set(UNITS) | {"a", "an"})
                and len(words) == 1
            ):
                numer = 1 if words[0] in ("a", "an") else UNITS[words[0]]
                value = numer / FRACTIONS[tokens[k].norm] * 100
                kind, j, precision = "percent", k + 1, 2.0
            elif words and words != ["a"] and words != ["an"] and words != ["one"]:
                value = words_value(words)
                j = k
            elif words == ["one"] and k < n and not tokens[k].is_cap and tokens[k].norm != "of":
                value, j = 1.0, k
            if value is None:
                i += 1
                continue
        elif norm in ("half",) and not (i > 0 and tokens[i - 1].norm in ORDINALS):
            value, kind, precision = 50.0, "percent", 2.0
        elif norm == "twice":
            value = 2.0
        elif norm in ORDINALS:
            value, kind = float(ORDINALS[norm]), "ordinal"
        elif (
            norm in MONTHS and t.is_cap and (norm != "may" or (i + 1 < n and tokens[i + 1].is_num))
        ):
            # "March 2019", "November 29, 2019"
            m = MONTHS[norm]
            d = y = None
            k = i + 1
            if (
                k < n
                and tokens[k].raw.isdecimal()
                and len(tokens[k].raw) <= 2
                and 1 <= int(tokens[k].raw) <= 31
            ):
                d = int(tokens[k].raw)
                k += 1
                if k < n and tokens[k].norm in ("st", "nd", "rd", "th"):
                    k += 1
            if k < n and tokens[k].is_num and tokens[k].raw.isdecimal() and len(tokens[k].raw) == 4:
                y = int(tokens[k].raw)
                k += 1
            if d is None and y is None:
                i += 1
                continue
            kind, value, j, date_parts = "date", date_value(y, m, d), k, (y, m, d)
        else:
            i += 1
            continue

        start_i = i
        # "29 November 2019": a day number followed by a month.
        if (
            kind == "number"
            and t.is_num
            and t.raw.isdecimal()
            and len(t.raw) <= 2
            and j < n
            and tokens[j].norm in MONTHS
            and tokens[j].is_cap
        ):
            d, m = int(t.raw), MONTHS[tokens[j].norm]
            k = j + 1
            y = None
            if k < n and tokens[k].is_num and tokens[k].raw.isdecimal() and len(tokens[k].raw) == 4:
                y = int(tokens[k].raw)
                k += 1
            if 1 <= d <= 31:
                kind, value, j, date_parts = "date", date_value(y, m, d), k, (y, m, d)

        if (
            kind == "number"
            and t.is_num
            and t.raw.isdecimal()
            and len(t.raw) == 4
            and 1000 <= value <= 2100
            and j == i + 1
        ):
            kind, date_parts = "year", (int(value), None, None)

        if kind == "number":
            before = text[max(0, t.start - 2) : t.start]
            for sign, cur in CURRENCY_SIGNS.items():
                if sign in before:
                    unit = cur
                    sign_start = max(0, t.start - 2) + before.index(sign)
            after = text[tokens[j - 1].end : tokens[j - 1].end + 2]
            if "%" in after:
                kind = "percent"
                extra_end = tokens[j - 1].end + after.index("%") + 1
            elif j < n and tokens[j].norm in PERCENT_WORDS:
                kind, j = "percent", j + 1
            elif j + 1 < n and tokens[j].norm == "per" and tokens[j + 1].norm == "cent":
                kind, j = "percent", j + 2
            if kind == "number" and unit is None:
                unit = _unit_after(tokens, j)

        qualifier, q_start = _qualifier(tokens, start_i)
        if kind == "date" and qualifier == "approx":
            qualifier = None
        if kind not in ("year", "date") and _temporal(tokens, q_start, start_i):
            # "after four weeks" says when, not how many.
            qualifier, q_start = None, start_i
        # "100 or more"
        if j + 1 < n and tokens[j].norm == "or" and tokens[j + 1].norm in ("more", "over"):
            qualifier = "ge"
        elif j + 1 < n and tokens[j].norm == "or" and tokens[j + 1].norm in ("less", "fewer"):
            qualifier = "le"
        if kind == "ordinal" and qualifier in ("gt", "lt", "approx"):
            qualifier = None
        if kind == "ordinal" and _relative_position(tokens, start_i):
            i = j  # "ranked below the 5th": a place relative to another, not a place
            continue
        if kind == "ordinal" and j < n and tokens[j].norm in ("century", "centuries"):
            # "the 20th century" is the years 1901-2000
            lo_year = (value - 1) * 100 + 1
            out.append(
                Quantity(
                    kind="century",
                    value=float(value),
                    lo=lo_year,
                    hi=lo_year + 99,
                    qualifier=None,
                    unit=None,
                    start=tokens[start_i].start,
                    end=tokens[j].end,
                    context=_context(tokens, start_i, j + 1),
                )
            )
            i = j + 1
            continue
        lo, hi = _interval(float(value), qualifier, precision)
        if kind == "percent" and precision == 2.0 and qualifier is None:
            lo, hi = value - 1.5, value + 1.5  # "a third" is 33 % or 34 %, "half" 49-51 %
        if kind == "date":
            lo, hi = _interval(float(value), qualifier, 0.0)
        out.append(
            Quantity(
                kind=kind,
                value=float(value),
                lo=lo,
                hi=hi,
                qualifier=qualifier,
                unit=unit,
                start=sign_start
                if sign_start is not None and q_start == start_i
                else tokens[q_start].start,
                end=max(tokens[j - 1].end, extra_end),
                context=_context(tokens, start_i, j),
                date_parts=date_parts,
                precision=precision,
            )
        )
        i = j
    return out
