"""The engine's findings in the reader's language.

The engine stores each finding's English sentence with a stable code and its parameters
(verification/engine/messages.py); this table gives every code its translatable template, and
`finding_text` renders it with the active language's words. The parameters (words quoted from
the article or a source, names, figures) go in as plain text, never as markup: pages escape them
like any other text. A finding stored before codes existed, or one whose code or parameters this
table does not know, shows its stored English sentence.
"""

from collections.abc import Mapping
from typing import Any

from django.utils import formats
from django.utils.translation import get_language_info, gettext
from django.utils.translation import gettext_lazy as _

from verification.engine import messages

TEMPLATES = {
    "retrieval.no_source_text": _("nothing to compare: the sources have no text"),
    "retrieval.no_claim_words": _("nothing to compare: the claim has no words to check"),
    "elsewhere": _("in another passage: %(finding)s"),
    "language.skipped": _(
        "language: the claim is in %(claim_language)s, the sources in %(source_languages)s; "
        "checks that read only English were skipped (number words, ordinals and relative "
        "dates; names and nationalities; negation and opposite wording; who the source says "
        "spoke a quote; the stance model); still checked: exact quotes, figures in digits, "
        "dates in numbers"
    ),
    "speaker.not_stated": _(
        "speaker not stated: the source does not say near the quote who said it (the claim "
        "names %(speaker)s)"
    ),
    "speaker.agrees": _("speaker agrees: the source attributes the words to %(said_by)s"),
    "speaker.mismatch": _(
        "speaker mismatch: the claim attributes the words to %(speaker)s, the source "
        "attributes them to %(said_by)s"
    ),
    "model.read": _(
        "stance model: %(stance)s (%(probability)s) in the passage it finds most relevant"
    ),
    "model.read_with_next": _(
        "stance model: %(stance)s (%(probability)s) in the passage it finds most relevant, "
        "read together with the next most relevant"
    ),
    "model.read_overruled": _(
        "stance model: %(stance)s (%(probability)s) in the passage it finds most relevant; "
        "not followed, since a check found a conflict"
    ),
    "model.read_with_next_overruled": _(
        "stance model: %(stance)s (%(probability)s) in the passage it finds most relevant, "
        "read together with the next most relevant; not followed, since a check found a "
        "conflict"
    ),
    "figure.taken": _(
        "%(figure)s not found for '%(claim)s': what the source gives here (%(source)s) "
        "matches another of the claim's figures (%(others)s)"
    ),
    "figure.absent": _(
        "%(figure)s not found: the source gives no %(figure)s to compare with '%(claim)s'"
    ),
    "figure.agrees": _("%(figure)s agrees: the claim says %(claim)s, the source says %(source)s"),
    "figure.agrees_within_bounds": _(
        "%(figure)s agrees: the claim says %(claim)s (bounds %(range)s), the source says %(source)s"
    ),
    "figure.differs_slightly": _(
        "%(figure)s differs slightly: the claim says %(claim)s, the source says %(source)s"
    ),
    "figure.undecided": _(
        "%(figure)s not decided: the claim says %(claim)s, the source says %(source)s, which "
        "neither confirms nor contradicts it"
    ),
    "figure.undecided_within_range": _(
        "%(figure)s not decided: the claim says %(claim)s (the range %(range)s), the source "
        "says %(source)s, which neither confirms nor contradicts it"
    ),
    "figure.counts_other": _(
        "%(figure)s not found: the claim says %(claim)s; the source's figures (e.g. "
        "%(source)s) seem to count something else"
    ),
    "figure.mismatch": _(
        "%(figure)s mismatch: the claim says %(claim)s, the source says %(source)s"
    ),
    "name.agrees": _("name agrees: the claim says %(claim)s, the source says %(source)s"),
    "name.place_mismatch": _(
        "nationality/place mismatch: the claim says %(claim)s, the source says %(source)s"
    ),
    "name.variant": _(
        "possible spelling or transliteration variant: the claim says %(claim)s, the source "
        "says %(source)s"
    ),
    "name.elsewhere": _("name not in the best passage, but elsewhere in the source: %(name)s"),
    "name.elsewhere_part": _(
        "name not in the best passage, but elsewhere in the source: %(words)s (of %(name)s)"
    ),
    "name.missing": _("name not found in the source: %(name)s"),
    "name.missing_part": _("name not found in the source: %(words)s (of %(name)s)"),
    "polarity.opposite": _(
        "opposite wording: the claim says '%(claim)s', the source says '%(source)s'"
    ),
    "negation.claim_only": _(
        "negation differs: the claim says '%(claim)s', the passage has no matching negation"
    ),
    "negation.source_only": _(
        "negation differs: the source says '%(source)s', the claim is not negated"
    ),
    "quote.no_words": _("the quote has no words to look for"),
    "quote.not_found": _("quote not found: no passage of the sources contains these words"),
    "quote.verbatim": _("quote verbatim: the source has these exact words"),
    "quote.elided": _(
        "quote agrees: the source has these words, and the quote marks where it leaves out "
        "'%(left_out)s'"
    ),
    "quote.differs": _("quote differs from the source: %(changes)s"),
    "quote.differs_reversing": _(
        "quote differs from the source: %(changes)s ('%(word)s' on one side only reverses "
        "the meaning)"
    ),
    "quote.changed": _("changed '%(source)s' to '%(quote)s'"),
    "quote.added": _("added '%(quote)s'"),
    "quote.dropped": _("dropped '%(source)s'"),
}

TERMS = {
    "figure": {
        "number": _("number"),
        "percent": _("percentage"),
        "rating": _("rating"),
        "ordinal": _("ordinal"),
        "year": _("year"),
        "date": _("date"),
        "century": _("century"),
    },
    "stance": {
        "supports": _("supports"),
        "refutes": _("refutes"),
        "not_enough_info": _("not enough info"),
    },
}


def _term(kind: str, value: str) -> str:
    word = TERMS[kind].get(value)
    return str(word) if word is not None else value


def _language(code: str) -> str:
    if not code:
        return gettext("not known")
    try:
        name = get_language_info(code)["name_translated"]
    except KeyError:
        return code
    return f"{name} ({code})"


def text_of(finding) -> str:
    """A stored Finding's sentence in the active language."""
    return finding_text(finding.code, finding.params, finding.message)


def finding_text(code: str, params: Mapping[str, Any], message: str) -> str:
    """The finding's sentence in the active language; `message` (English) when not coded."""
    if not code:
        return message
    try:
        return messages.render(
            code,
            params,
            template=lambda c: str(TEMPLATES[c]),
            term=_term,
            language=_language,
            number=lambda value: formats.number_format(value, 2),
        )
    except (KeyError, TypeError, ValueError):
        # A code from a newer engine, or parameters that do not fit: the stored sentence.
        return message
