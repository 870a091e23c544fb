"""Text clean-up shared by training and inference, so both see the same input."""

import re
import unicodedata

# VitaminC and FEVER keep Penn-Treebank escapes in their Wikipedia text; FM2, WiCE and
# newsroom text do not. Mapping them back keeps the model from learning that brackets
# spelled "-LRB-" belong to one kind of source.
_PTB_ESCAPES = {
    "-LRB-": "(",
    "-RRB-": ")",
    "-LSB-": "[",
    "-RSB-": "]",
    "-LCB-": "{",
    "-RCB-": "}",
    "``": '"',
    "''": '"',
}
_PTB_RE = re.compile("|".join(re.escape(k) for k in _PTB_ESCAPES))
_SPACE_RE = re.compile(r"\s+")

# Characters, not tokens: the tokenizer truncates to the token budget anyway, this only
# bounds the work the tokenizer does on a pathological (megabyte) string.
MAX_CHARS = 2000


def clean_text(text: str) -> str:
    """Return `text` NFC-normalised, PTB escapes undone, whitespace collapsed, bounded.

    Used for training as well, so changing it means retraining.
    """
    # Lone surrogates (from broken UTF-16 upstream) cannot be tokenised: make them "?".
    text = text[: MAX_CHARS * 2].encode("utf-8", "replace").decode("utf-8")
    text = unicodedata.normalize("NFC", text)
    text = _PTB_RE.sub(lambda m: _PTB_ESCAPES[m.group(0)], text)
    return _SPACE_RE.sub(" ", text).strip()[:MAX_CHARS]
