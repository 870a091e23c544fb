"""What verification's services announce, so the packages that react are not imported by them.

A service calls one of these inside the transaction of its change: a check run finished, a
verdict was recorded, a fact was published or retracted, a re-check found a cited source
changed. The packages that react (webhooks sends each event out; the library embeds a
published fact) register with `listen` in their AppConfig.ready. The registry and its rules are
annotations.core.events, which annotations' own claim status event uses too.
"""

from __future__ import annotations

from annotations.core.events import announce as _announce
from annotations.core.events import listen  # noqa: F401  (re-exported for the listeners)

CHECK_FINISHED = "check_finished"
REVIEW_RECORDED = "review_recorded"
FACT_PUBLISHED = "fact_published"
FACT_RETRACTED = "fact_retracted"
SOURCE_CHANGED = "source_changed"


def check_finished(*, run) -> None:
    """A check run succeeded or failed."""
    _announce(CHECK_FINISHED, run=run)


def review_recorded(*, review) -> None:
    _announce(REVIEW_RECORDED, review=review)


def fact_published(*, fact) -> None:
    _announce(FACT_PUBLISHED, fact=fact)


def fact_retracted(*, fact) -> None:
    _announce(FACT_RETRACTED, fact=fact)


def source_changed(*, source, fact, change: str, note: str) -> None:
    """A re-check found a cited source changed or gone: ``change`` is the fact's new flag."""
    _announce(SOURCE_CHANGED, source=source, fact=fact, change=change, note=note)
