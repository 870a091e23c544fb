"""Tokenising, folding and stemming over the original text, keeping code-point offsets.

Offsets are always into the string the caller gave us: nothing here rewrites the text before
tokenising it, so a span found on a token maps back exactly (no NFC drift, see eval/README).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

# A token is a run of letters/digits, also across combining marks (decomposed accents, Hebrew
# points, Arabic harakat) so "Jose\u0301" stays one word. Numbers keep inner separators: "1,234.5".
_TOKEN_RE = re.compile(
    r"\d+(?:[.,]\d+)*"
    r"|(?>[^\W\d_]+|[\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f"
    r"\u0900-\u0903\u093a-\u094f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+)+"
    r"(?:['\u2019][^\W\d_]+)?"
)

# Penn-treebank escapes found in VitaminC / FEVER text; they are punctuation, not words.
PTB_TOKENS = frozenset({"lrb", "rrb", "lsb", "rsb", "lcb", "rcb"})

STOPWORDS = frozenset(
    """a an the and or but if then else of at by for with about against between into through
    during before after above below to from up down in out on off over under again further once
    here there when where why how all any both each few more most other some such only own same
    so than too very s t can will just don should now is are was were be been being have has had
    having do does did doing i me my myself we our ours you your he him his she her hers it its
    they them their theirs what which who whom this that these those am would could also as
    into onto upon via per while whose one's 's said says""".split()
)

NEGATIONS = frozenset(
    {
        "not",
        "no",
        "never",
        "neither",
        "nor",
        "without",
        "none",
        "nobody",
        "nothing",
        "nowhere",
        "cannot",
        "n't",
        "isn't",
        "wasn't",
        "aren't",
        "weren't",
        "doesn't",
        "didn't",
        "don't",
        "won't",
        "can't",
        "couldn't",
        "shouldn't",
        "wouldn't",
        "hasn't",
        "haven't",
        "hadn't",
        "fail",
        "failed",
        "fails",
        "unable",
        "nt",
    }
)


class Token(NamedTuple):
    # A NamedTuple, not a frozen dataclass: tokenising builds millions of these on big sources
    # and tuple construction is several times cheaper.
    start: int
    end: int
    raw: str
    norm: str  # casefolded, accents removed
    stem: str
    is_num: bool
    is_cap: bool  # starts with an upper-case letter in the original


@lru_cache(maxsize=65536)
def fold(word: str) -> str:
    """Casefold and strip accents/combining marks: 'Dvořák' -> 'dvorak'."""
    if word.isascii():
        return word.lower()
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_SUFFIXES = (
    ("ational", "ate"),
    ("ization", "ize"),
    ("iveness", "ive"),
    ("fulness", "ful"),
    ("ousness", "ous"),
    ("ements", "e"),
    ("ement", "e"),
    ("ments", ""),
    ("ment", ""),
    ("ingly", ""),
    ("edly", ""),
    ("ities", "ity"),
    ("ies", "y"),
    ("ied", "y"),
    ("ing", ""),
    ("edly", ""),
    ("ed", ""),
    ("ers", "er"),
    ("es", ""),
    ("s", ""),
    ("ly", ""),
)


# The same suffixes grouped by their last letter, in the same order: a word is only compared
# with the suffixes it could end with.
_SUFFIXES_BY_LAST_LETTER: dict[str, list[tuple[str, str]]] = {}
for _suffix, _repl in _SUFFIXES:
    _SUFFIXES_BY_LAST_LETTER.setdefault(_suffix[-1], []).append((_suffix, _repl))

# "25 Oct 2016" should match a claim's "October 2016" ("may" and "mar" are words too).
_MONTH_ABBREVIATIONS = {
    "jan": "january",
    "feb": "february",
    "apr": "april",
    "jun": "june",
    "jul": "july",
    "aug": "august",
    "sep": "september",
    "sept": "september",
    "oct": "october",
    "nov": "november",
    "dec": "december",
}


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Strip a few English suffixes; crude but stable (cases -> case, played -> play)."""
    w = _MONTH_ABBREVIATIONS.get(word, word)
    if len(w) <= 3 or not w.isalpha():
        return w
    if w.endswith("'s") or w.endswith("\u2019s"):
        w = w[:-2]
    for suffix, repl in _SUFFIXES_BY_LAST_LETTER.get(w[-1], ()):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            if suffix == "s" and (w.endswith("ss") or w.endswith("us") or w.endswith("is")):
                return w
            if suffix == "es" and not re.search(r"(?:ss|sh|ch|x|z)es$", w):
                return w[:-1]
            base = w[: len(w) - len(suffix)] + repl
            # "running" -> "runn" -> "run"
            if len(base) > 3 and base[-1] == base[-2] and base[-1] not in "lsz":
                base = base[:-1]
            return base
    return w


def tokenize(text: str, offset: int = 0, limit: int | None = None) -> list[Token]:
    """Return the word and number tokens of text with offsets shifted by offset."""
    tokens: list[Token] = []
    for m in _TOKEN_RE.finditer(text):
        raw = m.group()
        norm = fold(raw)
        is_num = raw[0].isdigit()
        tokens.append(
            Token(
                m.start() + offset,
                m.end() + offset,
                raw,
                norm,
                norm if is_num else stem(norm),
                is_num,
                raw[0].isupper(),
            )
        )
        if limit is not None and len(tokens) >= limit:
            break
    return tokens


def passage_content_stems(text: str, limit: int | None = None) -> list[str]:
    """`content_stems(tokenize(text, limit=limit))` without building tokens: retrieval's fast path.

    Every passage of every source is indexed, but only the few retrieved ones are checked, so
    only those need tokens with offsets.
    """
    words = _TOKEN_RE.findall(text)
    if limit is not None:
        words = words[:limit]
    if len(_CONTENT_STEMS) > _CONTENT_STEMS_MAX:
        _CONTENT_STEMS.clear()
    return list(filter(None, map(_CONTENT_STEMS.__getitem__, words)))


class _ContentStems(dict):
    """word -> retrieval stem ("" for a stop-word), computed on first sight: one dict lookup per
    word, in C, for every word after that."""

    def __missing__(self, raw: str) -> str:
        norm = fold(raw)
        if norm in STOPWORDS or norm in PTB_TOKENS:
            value = ""
        elif raw[0].isdigit():
            value = norm
        else:
            value = stem(norm) if len(norm) > 1 else ""
        self[raw] = value
        return value


_CONTENT_STEMS = _ContentStems()
_CONTENT_STEMS_MAX = 500_000


def content_stems(tokens: list[Token]) -> list[str]:
    """Stems that carry meaning: no stop-words, no PTB escapes, no one-letter words."""
    return [
        t.stem
        for t in tokens
        if t.norm not in STOPWORDS and t.norm not in PTB_TOKENS and (t.is_num or len(t.norm) > 1)
    ]
