"""The translations ship complete: every template string marked, catalogs current, none missing.

CI runs these; a failure names the template line, the message or the language to fix. To bring
the catalogs up to date after changing strings: see README, "Languages".
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.template.base import Lexer, TokenType

ROOT = Path(settings.BASE_DIR)
SHIPPED = ["es", "fr", "de", "pt_BR", "ar"]
DOMAINS = ["django", "djangojs"]
TEMPLATE_DIRS = ["annotations/templates", "verification/templates", "project/templates"]
# Words a reader sees untranslated on purpose: the product's name and technical labels.
UNTRANSLATED = {"Factdesk", "sha256"}
GETTEXT_TOOLS = ("xgettext", "msgmerge", "msgcat", "msgattrib", "msgfmt")
_MARKING_BLOCKS = {
    "blocktranslate": "endblocktranslate",
    "blocktrans": "endblocktrans",
    "comment": "endcomment",
}
_READ_ATTRIBUTES = re.compile(r'\b(?:aria-label|title|alt|placeholder|value)="([^"]*)"')
_PLACEHOLDER = "\x00"
_WORD = re.compile(r"[^\W\d_]{2,}")


def _templates() -> list[Path]:
    return sorted(path for folder in TEMPLATE_DIRS for path in (ROOT / folder).rglob("*.html"))


def _unmarked(source: str) -> list[str]:
    """Words a reader would see that no translate tag marks.

    Template tags and variables become a placeholder (a {% translate %} inside an attribute
    leaves no words), marked blocks are dropped, then tags are stripped except the attributes
    people read (aria-label, title, alt, placeholder, value).
    """
    parts = []
    closing = None
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0] if token.contents else ""
            if closing is None and name in _MARKING_BLOCKS:
                closing = _MARKING_BLOCKS[name]
            elif name == closing:
                closing = None
            parts.append(_PLACEHOLDER)
        elif token.token_type == TokenType.TEXT and closing is None:
            parts.append(token.contents)
        else:
            parts.append(_PLACEHOLDER)
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", "".join(parts), flags=re.S)
    shown = _READ_ATTRIBUTES.findall(page)
    shown += re.split(r"<[^>]*>", page)
    found = []
    for piece in shown:
        piece = re.sub(r"&\w+;|\bfd-[\w-]+", " ", piece)
        if _WORD.search(re.sub("|".join(UNTRANSLATED), " ", piece)):
            found.append(" ".join(piece.replace(_PLACEHOLDER, "…").split()))
    return found


@pytest.mark.parametrize("path", _templates(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_word_a_template_shows_is_marked_for_translation(path):
    assert _unmarked(path.read_text(encoding="utf-8")) == []


def test_the_scan_finds_a_word_left_unmarked():
    assert _unmarked('{% load i18n %}<p title="Open it">{% translate "Fine" %} Oops</p>') == [
        "Open it",
        "… Oops",
    ]
    assert _unmarked("{% blocktranslate %}Fine {{ x }}{% endblocktranslate %}<b>{{ y }}</b>") == []


def _require_gettext() -> None:
    """gettext's tools are a system package: skip without them, fail in CI (as other services)."""
    missing = [tool for tool in GETTEXT_TOOLS if shutil.which(tool) is None]
    if not missing:
        return
    problem = f"gettext is not installed ({', '.join(missing)} missing): apt-get install gettext"
    if os.environ.get("FACTDESK_REQUIRE_SERVICES", "") in {"1", "true", "yes"}:
        pytest.fail(problem, pytrace=False)
    pytest.skip(problem)


def _msgids(po: Path) -> set[tuple[str, str]]:
    """(context, msgid) of every live entry of a catalog, read with msgcat's normal form."""
    text = subprocess.run(
        ["msgcat", "--no-wrap", "--no-location", str(po)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    entries = set()
    for block in text.split("\n\n"):
        if block.lstrip().startswith("#~"):
            continue
        context = re.search(r'^msgctxt "(.*)"$', block, re.M)
        msgid = re.search(r'^msgid "(.*)"$', block, re.M)
        if msgid and msgid.group(1):
            entries.add((context.group(1) if context else "", msgid.group(1)))
    return entries


@pytest.fixture(scope="module")
def fresh_catalogs(tmp_path_factory) -> Path:
    """The catalogs makemessages writes from the code as it is now, in a scratch copy."""
    _require_gettext()
    work = tmp_path_factory.mktemp("catalogs")
    for folder in ["annotations", "verification", "project"]:
        shutil.copytree(ROOT / folder, work / folder, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "manage.py", work / "manage.py")
    (work / "locale").mkdir()
    for domain in DOMAINS:
        subprocess.run(
            [
                sys.executable,
                "manage.py",
                "makemessages",
                "-d",
                domain,
                "-l",
                "es",
                "--no-location",
                "--ignore=*/migrations/*",
            ],
            cwd=work,
            check=True,
            capture_output=True,
            env={
                "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                "DJANGO_SETTINGS_MODULE": "project.settings",
                "FACTDESK_DATA_DIR": str(work / "var"),
                "PYTHONPATH": str(work),
            },
        )
    return work / "locale"


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("language", SHIPPED)
def test_the_shipped_catalogs_hold_exactly_the_messages_of_the_code(
    fresh_catalogs, language, domain
):
    wanted = _msgids(fresh_catalogs / "es" / "LC_MESSAGES" / f"{domain}.po")
    shipped = _msgids(ROOT / "locale" / language / "LC_MESSAGES" / f"{domain}.po")
    assert sorted(wanted - shipped) == [], "not in the catalog: run makemessages (README)"
    assert sorted(shipped - wanted) == [], "no longer in the code: run makemessages (README)"


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("language", SHIPPED)
def test_every_message_of_a_shipped_language_is_translated_and_none_is_fuzzy(language, domain):
    _require_gettext()
    po = ROOT / "locale" / language / "LC_MESSAGES" / f"{domain}.po"
    for flag, option in [("untranslated", "--untranslated"), ("fuzzy", "--only-fuzzy")]:
        left = subprocess.run(
            ["msgattrib", option, "--no-obsolete", "--no-wrap", str(po)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert not re.search(r'^msgid "', left, re.M), f"{flag} entries in {po}:\n{left}"


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("language", SHIPPED)
def test_the_compiled_catalogs_match_their_sources(language, domain, tmp_path):
    _require_gettext()
    folder = ROOT / "locale" / language / "LC_MESSAGES"
    compiled = tmp_path / "fresh.mo"
    subprocess.run(
        ["msgfmt", "--check", "-o", str(compiled), str(folder / f"{domain}.po")],
        check=True,
        capture_output=True,
    )
    assert compiled.read_bytes() == (folder / f"{domain}.mo").read_bytes(), "run compilemessages"
