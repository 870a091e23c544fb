"""What the desk's services announce, so the packages that react are not imported by them.

A service calls one of these inside the transaction of its change: a check run finished, a
verdict was recorded, a fact was published or retracted, a re-check found a cited source
changed. The packages that react sit above the services in the import layers of
pyproject.toml (webhooks sends each event out; the library embeds a published fact), so they
register their listeners in their AppConfig.ready, as annotations' CLAIM_STATUS_LISTENERS are
registered, and a service never knows who listens. Listeners run in the order they registered,
inside the caller's transaction; an error in one rolls the change back, as a direct call did.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

CHECK_FINISHED = "check_finished"
REVIEW_RECORDED = "review_recorded"
FACT_PUBLISHED = "fact_published"
FACT_RETRACTED = "fact_retracted"
SOURCE_CHANGED = "source_changed"

_LISTENERS: defaultdict[str, list[Callable[..., None]]] = defaultdict(list)


def listen(event: str, listener: Callable[..., None]) -> None:
    """Call ``listener`` with the event's keyword arguments each time ``event`` is announced."""
    if listener not in _LISTENERS[event]:
        _LISTENERS[event].append(listener)


def _announce(event: str, **kwargs) -> None:
    for listener in list(_LISTENERS[event]):
        listener(**kwargs)


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
