"""Text with the whitespace and marks a newsroom pastes, and the desk's one normalisation."""

import unicodedata

# Leading and trailing spaces, a tab, a no-break space, CRLF, a combining mark, emoji.
AWKWARD = (
    "  \tThe mayor\u00a0said the bridge cost 58 million euros.\r\n"
    "Cafe\u0301 owners 👩\u200d👩\u200d👧 agreed 🇺🇦.\r\n\t  "
)


def canonical(text: str) -> str:
    """The one documented normalisation: NFC and `\\n` line endings."""
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
