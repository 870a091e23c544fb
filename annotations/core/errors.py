"""Errors every layer raises and the API turns into answers (see core.api.api_exception_handler)."""


class TransitionError(Exception):
    """A status change was refused: the claim is not (or no longer) in a state that allows it."""
