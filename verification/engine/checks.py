"""The checks run on the best passages: numbers, dates, names, negation/polarity, quotes.

Every check returns findings (plain sentences a reviewer can verify) and counts that feed the
stance model in stance.py.
"""

from __future__ import annotations

import datetime
import difflib
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

from .lexicon import (
    OPPOSITE,
    PLACE_GROUP,
    POLARITY_VERBS,
    REGION_WORDS,
    SAY_VERBS,
    SUPERLATIVE_MARKERS,
)
from .messages import finding, say
from .quantities import MONTHS, Quantity, extract
from .relative_dates import extract_relative
from .results import Finding
from .text import NEGATIONS, PTB_TOKENS, STOPWORDS, Token, content_stems, fold, tokenize

MAX_QUOTE_WORDS = 200
# Capitalised only because they open the sentence: not names.
COMMON_SENTENCE_STARTS = frozenset(
    """less fewer more over under nearly almost about around approximately only since after
    before during while although though however despite according there it this that these
    those in on at by for from with as the a an some many most several all no not every each
    both one two three four five six seven eight nine ten first last new""".split()
)


@dataclass
class TextView:
    """A claim or a passage: tokens with offsets into `text` (the whole source text)."""

    text: str
    tokens: list[Token]
    source_id: str | None = None
    start: int = 0
    end: int = 0
    counts: Counter = field(default_factory=Counter)

    @cached_property
    def content(self) -> list[str]:
        return content_stems(self.tokens)

    # The source title ("Sennacherib") names what a sentence like "He was assassinated ..."
    # is about; its words count as present in every passage of that source.
    title_tokens: list[Token] = field(default_factory=list)
    # When the text was written: "last year" in it means the year before this date.
    reference_date: datetime.date | None = None

    @cached_property
    def stems(self) -> frozenset[str]:
        return frozenset(t.stem for t in self.tokens) | {t.stem for t in self.title_tokens}

    @cached_property
    def norms(self) -> frozenset[str]:
        return frozenset(t.norm for t in self.tokens) | {t.norm for t in self.title_tokens}

    @cached_property
    def quantities(self) -> list[Quantity]:
        found = extract(self.text, self.tokens)
        relative = extract_relative(self.tokens, self.reference_date)
        if relative:
            # "three years ago" is a date here, not the number three.
            found = [q for q in found if not any(r.start <= q.start < r.end for r in relative)]
            found = sorted(found + relative, key=lambda q: q.start)
        return found

    @cached_property
    def negations(self) -> int:
        n = sum(1 for t in self.tokens if t.norm in NEGATIONS)
        # "don't" is tokenised as "don" + "'t"... our regex keeps "don't" whole; PTB text splits
        # "does n't" into "does" + "n" + "t".
        n += sum(
            1
            for a, b in zip(self.tokens, self.tokens[1:], strict=False)
            if a.norm == "n" and b.norm == "t" and b.start - a.end <= 1
        )
        return n


def _q_text(view: TextView, q: Quantity) -> str:
    return q.describe(view.text)


def _compatible(c: Quantity, p: Quantity) -> bool:
    if c.kind == "century":
        return p.kind in ("year", "date") and bool(p.date_parts and p.date_parts[0])
    if c.kind in ("year", "date"):
        if p.kind not in ("year", "date"):
            return False
        cp, pp = c.date_parts or (None,) * 3, p.date_parts or (None,) * 3
        # A claim date without a year ("29 November") still compares with a dated passage.
        return any(a is not None and b is not None for a, b in zip(cp, pp, strict=True))
    if c.kind != p.kind:
        return False
    return True


def _relation(c: Quantity, p: Quantity) -> str:
    """agrees | differs_slightly | conflicts | info for two compatible quantities."""
    if c.kind == "century":
        year = (p.date_parts or (0,))[0] or 0
        return "agrees" if c.lo <= year <= c.hi else "conflicts"
    if c.kind in ("year", "date"):
        cp, pp = c.date_parts or (None,) * 3, p.date_parts or (None,) * 3
        shared = [(a, b) for a, b in zip(cp, pp, strict=True) if a is not None and b is not None]
        if c.qualifier in ("gt", "ge", "lt", "le"):
            # compare on the leading fields both give: (year, month, day)
            a = tuple(x for x, _ in shared)
            b = tuple(y for _, y in shared)
            ok = {
                "gt": b > a,
                "ge": b >= a,
                "lt": b < a,
                "le": b <= a,
            }[c.qualifier]
            return "agrees" if ok else "conflicts"
        if all(a == b for a, b in shared):
            missing = any(a is not None and b is None for a, b in zip(cp, pp, strict=True))
            return "info" if missing else "agrees"
        return "conflicts"
    if c.qualifier and c.qualifier == p.qualifier and c.value and p.value:
        # "over three dozen" against "over two dozen": a hedged figure in a source is the
        # figure the writer could vouch for, so a claim stretching it further conflicts. "Over
        # 15 million" against "over 30 million" is implied by it (the interval test below).
        gap = max(c.precision, p.precision) / 2 + 1e-9
        stretched = {
            "gt": c.value - p.value > gap,
            "ge": c.value - p.value > gap,
            "lt": p.value - c.value > gap,
            "le": p.value - c.value > gap,
            "approx": abs(c.value - p.value) > gap,
        }[c.qualifier]
        if stretched:
            return "conflicts"
    if p.lo >= c.lo and p.hi <= c.hi:
        return "agrees"
    if p.hi < c.lo or p.lo > c.hi:
        if c.qualifier is None and p.qualifier is None and c.value and p.value:
            rel = abs(c.value - p.value) / max(abs(c.value), abs(p.value))
            # "2.5 million" for 2,512,000; "56%" for 56.3%
            if abs(c.value - p.value) <= c.precision / 2 + 1e-9 or rel <= 0.01:
                return "differs_slightly"
            if c.kind != "ordinal" and rel <= 0.05 and c.value >= 1000:
                return "differs_slightly"
        return "conflicts"
    return "info"


_RANGE_JOIN = re.compile(r"\s*(?:[-\u2013\u2014]|to|until|till)\s*", re.IGNORECASE)
_BETWEEN = re.compile(r"\bbetween\s*$", re.IGNORECASE)
# "c. 1491-1510", "around 1500-1510": the writer does not know the year, only its bounds.
_UNCERTAIN = re.compile(
    r"\b(?:c\.|ca\.|circa|around|about|approximately|roughly|sometime|some time)\s*$",
    re.IGNORECASE,
)


def _year_range(claim: TextView, c: Quantity) -> tuple[Quantity, Quantity] | None:
    """The two ends of a range of years the claim gives with `c` as one of them ("1491-1510",
    "from 1997 to 2003", "between 1997 and 2003"); a list ("in 1994 and 2002") is no range."""
    if c.kind != "year":
        return None
    for other in claim.quantities:
        if other is c or other.kind != "year":
            continue
        first, second = (c, other) if c.start < other.start else (other, c)
        gap = claim.text[first.end : second.start]
        if _RANGE_JOIN.fullmatch(gap) or (
            gap.strip().casefold() == "and" and _BETWEEN.search(claim.text[: first.start])
        ):
            return first, second
    return None


DATED = ("year", "date", "century")
# A date the passage gives with fewer parts ("March 4th" for "March 4, 2019") is the same date.
_SAME_THING = {False: ("agrees", "differs_slightly"), True: ("agrees", "info")}


def _claimed_figures(claim: TextView, passage: TextView) -> dict[int, list[Quantity]]:
    """Passage figures (by position) that some point figure of the claim agrees with.

    "Aired on March 4, 2019 and on Netflix on March 6, 2019" against a passage that only says
    "March 4th": that date is the claim's first one, so the second is not found rather than
    contradicted. Open figures ("over 100", "the 12th century") agree with too much to claim
    a passage figure for themselves.
    """
    taken: dict[int, list[Quantity]] = {}
    for other in claim.quantities:
        if other.kind == "century" or other.qualifier in ("gt", "ge", "lt", "le"):
            continue
        for p in passage.quantities:
            if _compatible(other, p) and _relation(other, p) in _SAME_THING[other.kind in DATED]:
                taken.setdefault(p.start, []).append(other)
    return taken


def _taken_from(c: Quantity, p: Quantity, taken: dict[int, list[Quantity]]) -> Quantity | None:
    """The other claim figure that `p` is about, when `p` would only contradict `c`."""
    others = [o for o in taken.get(p.start, ()) if o is not c and o.value != c.value]
    if others and _relation(c, p) == "conflicts":
        return others[0]
    return None


def check_quantities(claim: TextView, passage: TextView) -> list[Finding]:
    findings = []
    pq = passage.quantities
    taken = _claimed_figures(claim, passage)
    for c in claim.quantities:
        kind = "date" if c.kind in DATED else "number"
        cands = [p for p in pq if _compatible(c, p)]
        ctext = _q_text(claim, c)
        if cands:
            owners = [_taken_from(c, p, taken) for p in cands]
            if all(owners):
                # Every comparable figure of the passage is about another figure of the claim.
                said = ", ".join(p.describe(passage.text) for p in cands)
                theirs = ", ".join(dict.fromkeys(_q_text(claim, o) for o in owners))
                findings.append(
                    finding(
                        kind,
                        "missing",
                        "figure.taken",
                        {"figure": c.kind, "claim": ctext, "source": said, "others": theirs},
                        (c.start, c.end),
                        (passage.source_id, cands[0].start, cands[0].end),
                    )
                )
                claim.counts[f"{kind}_missing"] += 1
                continue
            cands = [p for p, owner in zip(cands, owners, strict=True) if owner is None]
        if not cands:
            findings.append(
                finding(
                    kind,
                    "missing",
                    "figure.absent",
                    {"figure": c.kind, "claim": ctext},
                    (c.start, c.end),
                    (passage.source_id, None, None),
                )
            )
            claim.counts[f"{kind}_missing"] += 1
            continue
        rels = [(_relation(c, p), p) for p in cands]
        order = {"agrees": 0, "differs_slightly": 1, "info": 2, "conflicts": 3}

        def rank(rp: tuple[str, Quantity], c: Quantity = c, order: dict = order) -> tuple:
            # A figure the passage repeats first (it is most likely about the same thing),
            # then the one about the same thing (shared neighbouring words, same unit), then
            # the kindest reading among equally close ones.
            rel, p = rp
            close = len(c.context & p.context) + (2 if c.unit and c.unit == p.unit else 0)
            repeated = rel in ("agrees", "differs_slightly") and not (
                c.unit and p.unit and c.unit != p.unit
            )
            return (not repeated, -close, order[rel], p.start)

        rel, p = min(rels, key=rank)
        ptext = p.describe(passage.text)
        ends = _year_range(claim, c) if rel == "conflicts" else None
        year = p.date_parts[0] if p.date_parts else None
        params = {"figure": c.kind, "claim": ctext, "source": ptext}
        code = {
            "agrees": "figure.agrees",
            "differs_slightly": "figure.differs_slightly",
            "info": "figure.undecided",
        }.get(rel, "figure.mismatch")
        if ends and year and ends[0].date_parts[0] <= year <= ends[1].date_parts[0]:
            params["range"] = f"{_q_text(claim, ends[0])}-{_q_text(claim, ends[1])}"
            if ends[0].qualifier == "approx" or _UNCERTAIN.search(claim.text[: ends[0].start]):
                # "c. 1491-1510" against "around 1500": the source's year lies in the bounds.
                rel, code = "agrees", "figure.agrees_within_bounds"
            else:
                # "from 1997 to 2003" against "in 2000": inside, but not the start it names.
                rel, code = "info", "figure.undecided_within_range"
        if rel == "conflicts":
            # Only a mismatch with a number about the same thing is a conflict.
            same_unit = bool(c.unit and c.unit == p.unit)
            other_unit = bool(c.unit and p.unit and c.unit != p.unit)
            if c.kind == "number" and (
                other_unit
                or (c.unit and not same_unit and len(cands) > 1)
                or (not same_unit and not (c.context & p.context) and len(cands) > 1)
            ):
                rel, code = "info", "figure.counts_other"
        findings.append(
            finding(kind, rel, code, params, (c.start, c.end), (passage.source_id, p.start, p.end))
        )
        claim.counts[f"{kind}_{rel}"] += 1
        if c.kind == "ordinal":
            claim.counts[f"ordinal_{rel}"] += 1
    return findings


def _name_runs(view: TextView) -> list[list[Token]]:
    """Runs of capitalised words (names), skipping a capitalised stop-word at sentence start."""
    runs: list[list[Token]] = []
    cur: list[Token] = []
    prev_end = -10
    for i, t in enumerate(view.tokens):
        is_name = (
            t.is_cap
            and not t.is_num
            and t.norm not in STOPWORDS
            and t.norm not in PTB_TOKENS
            and t.norm not in MONTHS
            and len(t.norm) > 1
            and not (i == 0 and t.norm in COMMON_SENTENCE_STARTS)
        )
        gap = view.text[prev_end : t.start] if cur else ""
        if is_name and cur and len(gap) <= 2 and gap.strip() in ("", "-", ".", "'"):
            cur.append(t)
        elif is_name:
            if cur:
                runs.append(cur)
            cur = [t]
        else:
            if cur:
                runs.append(cur)
            cur = []
        prev_end = t.end
    if cur:
        runs.append(cur)
    return runs


def _similar(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def _find_word(text: str, word: str) -> int | None:
    """Start of `word` as a whole word in `text` (case-insensitive), or None."""
    match = re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.IGNORECASE)
    return match.start() if match else None


def _find_name(text: str, words: list[str]) -> tuple[int, int] | None:
    """Span of `words` written as one name in `text` (any spacing or hyphen between), or None."""
    pattern = r"[\s\-.'’]+".join(re.escape(word) for word in words)
    match = re.search(rf"(?<!\w){pattern}(?!\w)", text, re.IGNORECASE)
    return match.span() if match else None


def _name_elsewhere(text: str, run: list[Token], missing: list[Token]) -> tuple[int, int]:
    """Where the source names what is missing: the whole name, else the missing words together.

    Failing both, each word is somewhere on its own; the family name (the last word) identifies
    a person better than a given name that others share (Dmitry Medvedev, Dmitry Peskov).
    """
    for words in ([t.raw for t in run], [t.raw for t in missing]):
        span = _find_name(text, words)
        if span is not None:
            return span
    last = missing[-1].raw
    start = _find_word(text, last)
    return start, start + len(last)


def check_names(claim: TextView, passage: TextView) -> list[Finding]:
    findings = []
    p_caps = {}
    for t in passage.tokens:
        if t.is_cap and not t.is_num and len(t.norm) > 3:
            p_caps.setdefault(t.norm, t)
    p_groups: dict[int, Token] = {}
    for t in passage.tokens:
        g = PLACE_GROUP.get(t.norm)
        if g is not None:
            p_groups.setdefault(g, t)
    for run in _name_runs(claim):
        name = claim.text[run[0].start : run[-1].end]
        missing = []
        for t in run:
            if t.norm in passage.norms or t.stem in passage.stems:
                claim.counts["name_agrees"] += 1
                continue
            g = PLACE_GROUP.get(t.norm)
            if g is not None and g in p_groups:
                other = p_groups[g]
                findings.append(
                    finding(
                        "name",
                        "agrees",
                        "name.agrees",
                        {"claim": t.raw, "source": other.raw},
                        (t.start, t.end),
                        (passage.source_id, other.start, other.end),
                    )
                )
                claim.counts["name_agrees"] += 1
                continue
            if g is not None and t.norm not in REGION_WORDS:
                rivals = [
                    tok
                    for gg, tok in sorted(p_groups.items(), key=lambda kv: kv[1].start)
                    if gg != g and tok.norm not in REGION_WORDS
                ]
                if rivals:
                    other = rivals[0]
                    findings.append(
                        finding(
                            "name",
                            "conflicts",
                            "name.place_mismatch",
                            {"claim": t.raw, "source": other.raw},
                            (t.start, t.end),
                            (passage.source_id, other.start, other.end),
                        )
                    )
                    claim.counts["name_conflicts"] += 1
                    continue
            if len(t.norm) > 3:
                best = None
                best_ratio = 0.0
                for norm, tok in p_caps.items():
                    if (
                        abs(len(norm) - len(t.norm)) > 3
                        or norm[:1] != t.norm[:1]
                        and norm[-2:] != t.norm[-2:]
                    ):
                        continue
                    r = _similar(norm, t.norm)
                    if r > best_ratio:
                        best, best_ratio = tok, r
                if best is not None and best_ratio >= 0.8:
                    findings.append(
                        finding(
                            "name",
                            "info",
                            "name.variant",
                            {"claim": t.raw, "source": best.raw},
                            (t.start, t.end),
                            (passage.source_id, best.start, best.end),
                        )
                    )
                    claim.counts["name_variant"] += 1
                    continue
            missing.append(t)
        if missing:
            claim.counts["name_missing"] += len(missing)
            what = {"name": name}
            if len(missing) != len(run):
                what["words"] = " ".join(t.raw for t in missing)
            part = "_part" if "words" in what else ""
            # The checks read the best passage; say so if the name is elsewhere in the source.
            elsewhere = [_find_word(passage.text, t.raw) for t in missing]
            if all(found is not None for found in elsewhere):
                source_start, source_end = _name_elsewhere(passage.text, run, missing)
                findings.append(
                    finding(
                        "name",
                        "info",
                        f"name.elsewhere{part}",
                        what,
                        (missing[0].start, missing[-1].end),
                        (passage.source_id, source_start, source_end),
                    )
                )
            else:
                findings.append(
                    finding(
                        "name",
                        "missing",
                        f"name.missing{part}",
                        what,
                        (missing[0].start, missing[-1].end),
                        (passage.source_id, None, None),
                    )
                )
    return findings


def _polar_words(view: TextView) -> dict[str, Token]:
    """Polarity-bearing words: 'for'/'against' only after a polarity verb."""
    out: dict[str, Token] = {}
    toks = view.tokens
    for i, t in enumerate(toks):
        if t.norm in ("for", "against"):
            if i > 0 and toks[i - 1].norm in POLARITY_VERBS:
                out.setdefault(t.norm, t)
        elif t.norm in OPPOSITE:
            out.setdefault(t.norm, t)
    return out


def check_polarity(claim: TextView, passage: TextView) -> list[Finding]:
    findings = []
    cw = _polar_words(claim)
    pw = _polar_words(passage)
    for w, t in cw.items():
        if w in pw:
            continue
        for opp in sorted(OPPOSITE.get(w, ())):
            if opp in pw and opp not in cw:
                o = pw[opp]
                findings.append(
                    finding(
                        "polarity",
                        "conflicts",
                        "polarity.opposite",
                        {"claim": t.raw, "source": o.raw},
                        (t.start, t.end),
                        (passage.source_id, o.start, o.end),
                    )
                )
                claim.counts["polarity_conflicts"] += 1
                break
    cn, pn = claim.negations, passage.negations
    claim.counts["neg_claim"] = cn
    claim.counts["neg_passage"] = pn
    if (cn % 2) != (pn % 2):
        claim.counts["negation_conflicts"] += 1
        if cn:
            neg = next(t for t in claim.tokens if t.norm in NEGATIONS or t.norm == "t")
            findings.append(
                finding(
                    "negation",
                    "conflicts",
                    "negation.claim_only",
                    {"claim": neg.raw},
                    (neg.start, neg.end),
                    (passage.source_id, passage.start, passage.end),
                )
            )
        else:
            neg = next(t for t in passage.tokens if t.norm in NEGATIONS or t.norm == "t")
            findings.append(
                finding(
                    "negation",
                    "conflicts",
                    "negation.source_only",
                    {"source": neg.raw},
                    source=(passage.source_id, neg.start, neg.end),
                )
            )
    for t in claim.tokens:
        if t.norm in SUPERLATIVE_MARKERS and t.norm not in passage.norms:
            claim.counts["scope_missing"] += 1
    return findings


def coverage(claim: TextView, passage: TextView) -> dict[str, float]:
    """How much of the claim's wording the passage contains."""
    words = [s for s in dict.fromkeys(claim.content) if not s[0].isdigit()]
    if not words:
        return {"cov": 0.0, "cov_w": 0.0, "missing": 0.0, "bigram": 0.0}
    caps = {t.stem for t in claim.tokens if t.is_cap}
    found = [w for w in words if w in passage.stems]
    weights = {w: (2.0 if w in caps else 1.0) * min(len(w), 8) / 8 for w in words}
    total_w = sum(weights.values())
    cov_w = sum(weights[w] for w in found) / total_w
    seq = [s for s in claim.content if not s[0].isdigit()]
    pseq = passage.content
    pbigrams = set(zip(pseq, pseq[1:], strict=False)) | set(zip(pseq, pseq[2:], strict=False))
    cbigrams = list(zip(seq, seq[1:], strict=False))
    bigram = (sum(1 for b in cbigrams if b in pbigrams) / len(cbigrams)) if cbigrams else 1.0
    return {
        "cov": len(found) / len(words),
        "cov_w": cov_w,
        "missing": float(len(words) - len(found)),
        "bigram": bigram,
    }


# ---------------------------------------------------------------------------------------------
# Quotes


def _words(text: str, offset: int = 0) -> list[Token]:
    return [t for t in tokenize(text, offset) if t.norm not in PTB_TOKENS]


# "[...]", "(...)", "..." and "\u2026" in a quotation mark words left out on purpose.
_ELLIPSIS = re.compile(
    r"[\[(]\s*(?:\.\s*){3}[\])]|[\[(]\s*[\u2026\u22ef]\s*[\])]|(?:\.\s*){3}|[\u2026\u22ef]"
)


def _gaps(quote: str, words: list[Token]) -> set[int]:
    """Positions (in words) where the quote marks an omission."""
    return {sum(t.start < m.start() for t in words) for m in _ELLIPSIS.finditer(quote)}


# Left out of a quotation, these words turn it into its opposite ("We will [...] raise taxes").
_MEANING_WORDS = NEGATIONS | frozenset(OPPOSITE)


def _elided(ops: list, gaps: set[int], quote: list[str], source: list[str]) -> list:
    """The diff's source-only runs that sit where the quote marks an omission, unless they
    hold a word that reverses the meaning: a quote may shorten, not flip."""
    return [
        op
        for op in ops
        if op[0] == "insert"
        and op[1] in gaps
        and 0 < op[1] < len(quote)
        and not _MEANING_WORDS.intersection(source[op[3] : op[4]])
    ]


def _shortened(words: list[Token], keep: int = 12) -> str:
    raw = [t.raw for t in words]
    return " ".join(raw) if len(raw) <= keep else " ".join(raw[: keep - 2]) + " \u2026 " + raw[-1]


def _similarity(ops: list, n_quote: int, n_window: int, elided: list) -> float:
    """difflib's ratio, not counting the source words the quote marks as left out."""
    matched = sum(op[2] - op[1] for op in ops if op[0] == "equal")
    shown = n_window - sum(op[4] - op[3] for op in elided)
    return 2 * matched / max(1, n_quote + shown)


def align_quote(
    quote: str, passages: list[TextView]
) -> tuple[str, tuple[str, dict], TextView | None, int, int]:
    """Find the quote in the passages; return (outcome, (code, params), passage, start, end).

    The code and its params make the finding's sentence (messages.py).

    outcome is "agrees" (verbatim, ignoring case/punctuation), "differs_slightly" (a word-level
    diff names what was added, dropped or changed) or "missing".
    """
    qwords = _words(quote)[:MAX_QUOTE_WORDS]
    if not qwords:
        return "missing", ("quote.no_words", {}), None, 0, 0
    qn = [t.norm for t in qwords]
    gaps = _gaps(quote, qwords)
    best: tuple[float, int, TextView, int, int, list] | None = None
    for pi, p in enumerate(passages):
        pw = [t for t in p.tokens if t.norm not in PTB_TOKENS]
        pn = [t.norm for t in pw]
        if not pn:
            continue
        sm = difflib.SequenceMatcher(None, qn, pn, autojunk=False)
        blocks = [b for b in sm.get_matching_blocks() if b.size]
        if not blocks:
            continue
        # Window of the passage around the matched words, then diff the quote against it.
        lo = max(0, blocks[0].b - blocks[0].a)
        tail = len(qn) - blocks[-1].a - blocks[-1].size
        hi = min(len(pn), blocks[-1].b + blocks[-1].size + tail)
        # Trim to the densest region: the first/last matching block inside a quote-sized window.
        window = pn[lo:hi]
        ops = difflib.SequenceMatcher(None, qn, window, autojunk=False).get_opcodes()
        ratio = _similarity(ops, len(qn), len(window), _elided(ops, gaps, qn, window))
        key = (ratio, -pi)
        if best is None or key > (best[0], -best[1]):
            best = (ratio, pi, p, lo, hi, ops)
    if best is None or best[0] < 0.5:
        return (
            "missing",
            ("quote.not_found", {}),
            None,
            0,
            0,
        )
    ratio, _, p, lo, hi, ops = best
    pw = [t for t in p.tokens if t.norm not in PTB_TOKENS][lo:hi]
    elided = _elided(ops, gaps, qn, [t.norm for t in pw])
    # Narrow the source span to the first and last matching word.
    eq = [op for op in ops if op[0] == "equal"]
    s_tok = pw[eq[0][3]] if eq else pw[0]
    e_tok = pw[eq[-1][4] - 1] if eq else pw[-1]
    changes = []
    reversed_by: list[str] = []
    for tag, i1, i2, j1, j2 in ops:
        if tag == "equal" or (tag, i1, i2, j1, j2) in elided:
            continue
        # Leading/trailing words outside the quote's reach are context, not differences.
        if tag == "insert" and (j2 <= (eq[0][3] if eq else 0) or j1 >= (eq[-1][4] if eq else 0)):
            continue
        qpart = " ".join(t.raw for t in qwords[i1:i2])
        ppart = " ".join(t.raw for t in pw[j1:j2])
        # A negation on one side only turns the words into their opposite.
        said = [t.norm for t in qwords[i1:i2] if t.norm in NEGATIONS]
        source_says = [t.norm for t in pw[j1:j2] if t.norm in NEGATIONS]
        if bool(said) != bool(source_says):
            reversed_by += said or source_says
        if tag == "replace":
            changes.append(say("quote.changed", source=ppart, quote=qpart))
        elif tag == "delete":
            changes.append(say("quote.added", quote=qpart))
        else:
            changes.append(say("quote.dropped", source=ppart))
    if not changes:
        left_out = "', '".join(_shortened(pw[op[3] : op[4]]) for op in elided)
        return (
            "agrees",
            ("quote.elided", {"left_out": left_out}) if elided else ("quote.verbatim", {}),
            p,
            s_tok.start,
            e_tok.end,
        )
    message = ("quote.differs", {"changes": changes})
    if reversed_by:
        message = ("quote.differs_reversing", {"changes": changes, "word": reversed_by[0]})
    return (
        "differs_slightly" if ratio >= 0.75 and not reversed_by else "conflicts",
        message,
        p,
        s_tok.start,
        e_tok.end,
    )


def attributed_speaker(passage: TextView, start: int, end: int) -> str | None:
    """The name the source attributes the words at [start, end) to, if it says so nearby."""
    toks = passage.tokens
    # Look for the speaker after the quotation closes, not among the quotation's own last words
    # ("... our partners from the DPRK?" Medvedev said).
    closes = [i for i in (passage.text.find(q, end, end + 300) for q in '"\u201d\u00bb') if i != -1]
    after = min(closes) + 1 if closes else end
    near = [t for t in toks if after <= t.start <= after + 80] + [
        t for t in toks if start - 80 <= t.end <= start
    ]
    for i, t in enumerate(near):
        if t.norm in SAY_VERBS:
            # "..., John Smith said" / "said John Smith": the run of capitalised words right
            # before the verb, else right after it ("Smith said, Fox News reported": Smith).
            def is_name(j: int) -> bool:
                return (
                    0 <= j < len(near)
                    and near[j].is_cap
                    and near[j].norm not in STOPWORDS
                    and near[j].norm not in SAY_VERBS
                )

            def run(indexes: range) -> list:
                names = []
                for j in indexes:
                    if not is_name(j):
                        break
                    names.append(near[j])
                return sorted(names, key=lambda tok: tok.start)

            names = run(range(i - 1, i - 4, -1)) or run(range(i + 1, i + 4))
            if names:
                return " ".join(n.raw for n in names)
    return None


def speaker_matches(speaker: str, attributed: str) -> bool:
    sp = {fold(w) for w in speaker.split() if len(w) > 1}
    at = {fold(w) for w in attributed.split() if len(w) > 1}
    return bool(sp & at)


def sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)
