"""The desk's one listener registry: a service announces a change, the packages above it listen.

A service calls `announce` inside the transaction of its change; the packages that react sit
above it in the import layers of pyproject.toml, so they register their listeners in their
AppConfig.ready and a service never knows who listens. Listeners run in the order they
registered, with the event's keyword arguments, inside the caller's transaction; an error in
one rolls the change back, as a direct call would. Registering the same listener twice is a
no-op (ready() may run more than once in tests).

annotations announces CLAIM_STATUS_CHANGED; verification's events are in verification/events.py.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

# claim_id, from_status, to_status, at: after every status change, and after an article edit
# moves a claim's words without changing its status (from_status == to_status then).
CLAIM_STATUS_CHANGED = "claim_status_changed"

_LISTENERS: defaultdict[str, list[Callable[..., None]]] = defaultdict(list)


def listen(event: str, listener: Callable[..., None]) -> None:
    """Call ``listener`` with the event's keyword arguments each time ``event`` is announced."""
    if listener not in _LISTENERS[event]:
        _LISTENERS[event].append(listener)


def announce(event: str, **kwargs) -> None:
    for listener in list(_LISTENERS[event]):
        listener(**kwargs)
