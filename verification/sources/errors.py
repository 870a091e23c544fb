"""The error of a fetch that produced no body (refused, failed, too large, or not allowed)."""


class FetchError(Exception):
    """A fetch that did not produce a body; ``reason`` is written for the person who asked."""

    def __init__(self, reason: str, *, transient: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.transient = transient
