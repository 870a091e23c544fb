"""Text the tests share: what a newsroom pastes, the desk's one normalisation, a browser's count."""

import unicodedata

# Leading and trailing spaces, a tab, a no-break space, CRLF, a combining mark, emoji.
AWKWARD = (
    "  \tThe mayor\u00a0said the bridge cost 58 million euros.\r\n"
    "Cafe\u0301 owners 👩\u200d👩\u200d👧 agreed 🇺🇦.\r\n\t  "
)


# An article the API tests make through the API (tests/conftest.py: article_id).
ARTICLE_TEXT = (
    "Kirby also exposed the identity of Ashot Mkrtychev, a 56-year-old Slovakian man 🙂, "
    "for trying to broker deals between Russia and North Korea."
)


def canonical(text: str) -> str:
    """The one documented normalisation: NFC and `\\n` line endings."""
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


def utf16_units(text: str) -> int:
    """Length in UTF-16 code units, as a browser counts a selection's offsets."""
    return len(text.encode("utf-16-le")) // 2
