"""The sentences of the engine's findings: a stable code, its English template, and the renderer.

Each finding carries a code and its parameters (the words and figures quoted from the texts,
names, numbers) besides its English message, so the desk can say the same finding in a reader's
language: it keeps a table code -> translated template and renders with `render` below, which
is the one place that knows how parameters become text. A parameter is a string or a number; a
few are words the renderer looks up (`TERMS`: the kind of figure, the stance) or language codes;
a nested finding ({"code", "params"}) renders as its own sentence, a list of them joined by "; ".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .results import Finding

# The checks that read only English, as the language finding names them (see languages.py).
SKIPPED = (
    "number words, ordinals and relative dates",
    "names and nationalities",
    "negation and opposite wording",
    "who the source says spoke a quote",
    "the stance model",
)
STILL_RUN = (
    "exact quotes",
    "figures in digits",
    "dates in numbers",
)

TEMPLATES: dict[str, str] = {
    "retrieval.no_source_text": "nothing to compare: the sources have no text",
    "retrieval.no_claim_words": "nothing to compare: the claim has no words to check",
    "elsewhere": "in another passage: %(finding)s",
    "language.skipped": "language: the claim is in %(claim_language)s, the sources in "
    "%(source_languages)s; checks that read only English were skipped ("
    + "; ".join(SKIPPED)
    + "); still checked: "
    + ", ".join(STILL_RUN),
    "speaker.not_stated": "speaker not stated: the source does not say near the quote who said "
    "it (the claim names %(speaker)s)",
    "speaker.agrees": "speaker agrees: the source attributes the words to %(said_by)s",
    "speaker.mismatch": "speaker mismatch: the claim attributes the words to %(speaker)s, the "
    "source attributes them to %(said_by)s",
    "model.read": "stance model: %(stance)s (%(probability)s) in the passage it finds most "
    "relevant",
    "model.read_with_next": "stance model: %(stance)s (%(probability)s) in the passage it finds "
    "most relevant, read together with the next most relevant",
    "model.read_overruled": "stance model: %(stance)s (%(probability)s) in the passage it finds "
    "most relevant; not followed, since a check found a conflict",
    "model.read_with_next_overruled": "stance model: %(stance)s (%(probability)s) in the "
    "passage it finds most relevant, read together with the next most relevant; not followed, "
    "since a check found a conflict",
    "figure.taken": "%(figure)s not found for '%(claim)s': what the source gives here "
    "(%(source)s) matches another of the claim's figures (%(others)s)",
    "figure.absent": "%(figure)s not found: the source gives no %(figure)s to compare with "
    "'%(claim)s'",
    "figure.agrees": "%(figure)s agrees: the claim says %(claim)s, the source says %(source)s",
    "figure.agrees_within_bounds": "%(figure)s agrees: the claim says %(claim)s (bounds "
    "%(range)s), the source says %(source)s",
    "figure.differs_slightly": "%(figure)s differs slightly: the claim says %(claim)s, the "
    "source says %(source)s",
    "figure.undecided": "%(figure)s not decided: the claim says %(claim)s, the source says "
    "%(source)s, which neither confirms nor contradicts it",
    "figure.undecided_within_range": "%(figure)s not decided: the claim says %(claim)s (the "
    "range %(range)s), the source says %(source)s, which neither confirms nor contradicts it",
    "figure.counts_other": "%(figure)s not found: the claim says %(claim)s; the source's "
    "figures (e.g. %(source)s) seem to count something else",
    "figure.mismatch": "%(figure)s mismatch: the claim says %(claim)s, the source says %(source)s",
    "name.agrees": "name agrees: the claim says %(claim)s, the source says %(source)s",
    "name.place_mismatch": "nationality/place mismatch: the claim says %(claim)s, the source "
    "says %(source)s",
    "name.variant": "possible spelling or transliteration variant: the claim says %(claim)s, "
    "the source says %(source)s",
    "name.elsewhere": "name not in the best passage, but elsewhere in the source: %(name)s",
    "name.elsewhere_part": "name not in the best passage, but elsewhere in the source: "
    "%(words)s (of %(name)s)",
    "name.missing": "name not found in the source: %(name)s",
    "name.missing_part": "name not found in the source: %(words)s (of %(name)s)",
    "polarity.opposite": "opposite wording: the claim says '%(claim)s', the source says "
    "'%(source)s'",
    "negation.claim_only": "negation differs: the claim says '%(claim)s', the passage has no "
    "matching negation",
    "negation.source_only": "negation differs: the source says '%(source)s', the claim is not "
    "negated",
    "quote.no_words": "the quote has no words to look for",
    "quote.not_found": "quote not found: no passage of the sources contains these words",
    "quote.verbatim": "quote verbatim: the source has these exact words",
    "quote.elided": "quote agrees: the source has these words, and the quote marks where it "
    "leaves out '%(left_out)s'",
    "quote.differs": "quote differs from the source: %(changes)s",
    "quote.differs_reversing": "quote differs from the source: %(changes)s ('%(word)s' on one "
    "side only reverses the meaning)",
    "quote.changed": "changed '%(source)s' to '%(quote)s'",
    "quote.added": "added '%(quote)s'",
    "quote.dropped": "dropped '%(source)s'",
}

# Parameters that hold a word the renderer names (in the reader's language, in the desk).
TERMS: dict[str, dict[str, str]] = {
    "figure": {
        "number": "number",
        "percent": "percentage",
        "rating": "rating",
        "ordinal": "ordinal",
        "year": "year",
        "date": "date",
        "century": "century",
    },
    "stance": {
        "supports": "supports",
        "refutes": "refutes",
        "not_enough_info": "not enough info",
    },
}
# Parameters that hold an ISO 639 code, or a list of them.
LANGUAGE_PARAMS = frozenset({"claim_language", "source_languages"})

# English names of languages for the engine's own message.
_LANGUAGE_NAMES = {
    "ar": "Arabic",
    "de": "German",
    "en": "English",
    "es": "Spanish",
    "fa": "Persian",
    "fr": "French",
    "he": "Hebrew",
    "hi": "Hindi",
    "id": "Indonesian",
    "it": "Italian",
    "ja": "Japanese",
    "ko": "Korean",
    "nl": "Dutch",
    "pl": "Polish",
    "pt": "Portuguese",
    "ru": "Russian",
    "sw": "Swahili",
    "tr": "Turkish",
    "uk": "Ukrainian",
    "ur": "Urdu",
    "zh": "Chinese",
}


def language_label(language: str) -> str:
    """Say a language code for a reviewer: "Spanish (es)", "not known" for "", else the code."""
    if not language:
        return "not known"
    name = _LANGUAGE_NAMES.get(language)
    return f"{name} ({language})" if name else language


def render(
    code: str,
    params: Mapping[str, Any],
    *,
    template: Callable[[str], str] = TEMPLATES.__getitem__,
    term: Callable[[str, str], str] = lambda kind, value: TERMS[kind].get(value, value),
    language: Callable[[str], str] = language_label,
    number: Callable[[float], str] = lambda value: f"{value:.2f}",
) -> str:
    """The sentence of finding `code` with `params`; the callables say words in one language.

    Raises KeyError for a code or parameter the template does not know (the caller falls back).
    """
    values = {}
    for name, value in params.items():
        if name in TERMS:
            values[name] = term(name, value)
        elif name in LANGUAGE_PARAMS:
            codes = value if isinstance(value, list) else [value]
            values[name] = ", ".join(language(c) for c in codes if c) or language("")
        elif isinstance(value, dict):
            values[name] = _nested(value, template, term, language, number)
        elif isinstance(value, list):
            values[name] = "; ".join(_nested(v, template, term, language, number) for v in value)
        elif isinstance(value, float):
            values[name] = number(value)
        else:
            values[name] = value
    return template(code) % values


def _nested(value: Mapping[str, Any], *callables) -> str:
    template, term, language, number = callables
    return render(
        value["code"],
        value.get("params", {}),
        template=template,
        term=term,
        language=language,
        number=number,
    )


def say(code: str, **params: Any) -> dict[str, Any]:
    """A nested sentence as a parameter of another: {"code", "params"}."""
    return {"code": code, "params": params}


def finding(
    kind: str,
    outcome: str,
    code: str,
    params: Mapping[str, Any] | None = None,
    claim_span: tuple[int | None, int | None] = (None, None),
    source: tuple[str | None, int | None, int | None] = (None, None, None),
) -> Finding:
    """A finding with its code, its parameters and the English sentence they make."""
    params = dict(params or {})
    return Finding(
        kind,
        outcome,
        render(code, params),
        claim_span[0],
        claim_span[1],
        source[0],
        source[1],
        source[2],
        code=code,
        params=params,
    )
