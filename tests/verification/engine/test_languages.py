"""Claims in other languages: English-only checks stay out, language-neutral ones keep working.

The sentences are written for these tests in the register of news reports.
"""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from verification.engine import ClaimInput, SourceInput, crosscheck

ENGLISH_ONLY_KINDS = {"name", "negation", "polarity", "speaker", "model"}
NEUTRAL_KINDS = {"language", "quote", "number", "date"}


def _check(claim: str, source: str, language: str | None, **claim_fields):
    return crosscheck(
        ClaimInput(claim, language=language, **claim_fields),
        [SourceInput("s0", source, language=language)],
    )


def _kinds(result) -> set[str]:
    return {f.kind for f in result.findings}


def _by_kind(result, kind: str):
    return [f for f in result.findings if f.kind == kind]


SPANISH = (
    "El ministro dijo que el desempleo bajó al 56 por ciento en 2023 y que no subirán los "
    "impuestos.",
    "El ministro de Economía, Juan Pérez, dijo el martes que el desempleo bajó al 58 por ciento "
    "en 2023. También aseguró que no subirán los impuestos el año que viene.",
)
FRENCH = (
    "Selon le rapport publié le 2024-03-01, 1200 personnes ont été évacuées.",
    "Le rapport publié le 2024-03-02 par la préfecture indique que 1200 personnes ont été "
    "évacuées vers Lyon.",
)
GERMAN = (
    "Die Stadt hat 3,5 Millionen Euro für die Brücke ausgegeben, sagte Bürgermeister Schmidt.",
    "Laut Bürgermeister Müller hat die Stadt 4,5 Millionen Euro für die neue Brücke ausgegeben.",
)
ARABIC = (
    "قال الوزير إن البطالة انخفضت إلى 56 في المئة عام 2023.",
    "أعلن وزير الاقتصاد أن البطالة انخفضت إلى 58 في المئة عام 2023 بحسب تقرير رسمي.",
)


@pytest.mark.parametrize(
    ("language", "name", "pair"),
    [
        ("es", "Spanish (es)", SPANISH),
        ("fr", "French (fr)", FRENCH),
        ("de", "German (de)", GERMAN),
        ("ar", "Arabic (ar)", ARABIC),
    ],
)
def test_a_claim_in_another_language_says_what_was_skipped_and_runs_no_english_only_check(
    language, name, pair
):
    result = _check(*pair, language)
    first = result.findings[0]
    assert first.kind == "language"
    assert first.outcome == "info"
    assert f"the claim is in {name}, the sources in {name}" in first.message
    assert "the stance model" in first.message
    assert "negation and opposite wording" in first.message
    assert "still checked: exact quotes, figures in digits, dates in numbers" in first.message
    assert _kinds(result) <= NEUTRAL_KINDS
    assert not _kinds(result) & ENGLISH_ONLY_KINDS
    assert "+" not in result.engine_version  # the learned (English) model did not weigh in


@pytest.mark.parametrize(("pair", "language"), [(SPANISH, "es"), (ARABIC, "ar"), (GERMAN, "de")])
def test_a_figure_in_digits_is_still_compared_and_its_mismatch_leans_to_refutes(pair, language):
    result = _check(*pair, language)
    conflicts = [f for f in _by_kind(result, "number") if f.outcome == "conflicts"]
    assert len(conflicts) == 1
    claim, source = pair
    said = claim[conflicts[0].claim_start : conflicts[0].claim_end]
    theirs = source[conflicts[0].source_start : conflicts[0].source_end]
    assert (said, theirs) in {("56", "58"), ("3,5", "4,5")}
    assert result.stance == "refutes"


def test_the_same_german_claim_read_as_english_gives_findings_that_mean_nothing():
    # Why the languages matter: read as English, a capitalised German noun is a "name".
    as_english = _check(*GERMAN, None)
    assert "name" in _kinds(as_english)
    assert "name" not in _kinds(_check(*GERMAN, "de"))


def test_an_iso_date_is_compared_day_by_day_in_french():
    result = _check(*FRENCH, "fr")
    dates = [f for f in _by_kind(result, "date") if f.outcome == "conflicts"]
    assert [f.message for f in dates] == [
        "date mismatch: the claim says 2024-03-01, the source says 2024-03-02"
    ]
    assert result.stance == "refutes"


def test_a_numeric_date_is_compared_in_arabic():
    result = _check("نشر التقرير في 17/4/2020.", "نشر التقرير في 18/4/2020 في باريس.", "ar")
    assert [f.message for f in _by_kind(result, "date")] == [
        "date mismatch: the claim says 17/4/2020, the source says 18/4/2020"
    ]


def test_arabic_indic_digits_are_figures_too():
    result = _check("بلغ عدد الضحايا ٥٦ شخصا.", "بلغ عدد الضحايا ٥٨ شخصا بحسب الشرطة.", "ar")
    assert [f.outcome for f in _by_kind(result, "number")] == ["conflicts"]


def test_an_exact_quote_in_spanish_is_found_verbatim_and_supports():
    result = _check(
        "El alcalde dijo: «Vamos a bajar los impuestos este año».",
        "En la rueda de prensa, el alcalde dijo: «Vamos a bajar los impuestos este año», y se fue.",
        "es",
        speaker="el alcalde",
    )
    quote = _by_kind(result, "quote")
    assert [(f.outcome, f.message) for f in quote] == [
        ("agrees", "quote verbatim: the source has these exact words")
    ]
    assert "speaker" not in _kinds(result)  # who spoke is read from English verbs of saying
    assert result.stance == "supports"


def test_a_changed_quote_in_german_quotation_marks_names_the_changed_words():
    result = _check(
        "Der Minister sagte: „Wir werden die Steuern im nächsten Jahr deutlich senken“.",
        "Der Minister sagte: „Wir werden die Renten im nächsten Jahr deutlich erhöhen“.",
        "de",
    )
    assert [(f.outcome, f.message) for f in _by_kind(result, "quote")] == [
        (
            "differs_slightly",
            "quote differs from the source: changed 'Renten' to 'Steuern'; "
            "changed 'erhöhen' to 'senken'",
        )
    ]


def test_an_english_claim_against_a_spanish_source_is_not_read_with_english_rules():
    result = crosscheck(
        ClaimInput("Unemployment fell to 56 percent in 2023.", language="en"),
        [SourceInput("s0", SPANISH[1], language="es")],
    )
    assert "the claim is in English (en), the sources in Spanish (es)" in result.findings[0].message
    assert not _kinds(result) & ENGLISH_ONLY_KINDS


def test_english_and_unknown_languages_run_every_check_as_before():
    claim, source = "Turnout was 56% in 2019.", "Official figures show turnout was 58% in 2019."
    unknown = crosscheck(ClaimInput(claim), [SourceInput("s0", source)])
    english = crosscheck(
        ClaimInput(claim, language="en"), [SourceInput("s0", source, language="en")]
    )
    assert unknown.to_dict() == english.to_dict()
    assert "language" not in _kinds(english)


def test_evidence_in_another_language_is_still_ranked_by_shared_words_and_figures():
    source = (
        "La lluvia cayó toda la noche en la capital.\n"
        "El ministro dijo que el desempleo bajó al 58 por ciento en 2023.\n"
        "El equipo local ganó el partido del domingo."
    )
    result = crosscheck(
        ClaimInput(SPANISH[0], language="es"), [SourceInput("s0", source, language="es")]
    )
    assert "desempleo bajó al 58 por ciento" in result.evidence[0].text


MIXED_AND_RTL = [
    "השר אמר כי 56 אחוז תמכו בהצעה.",
    "\u200f\u202bقال الوزير\u202c 56% \u200eof voters\u200e في 2024-03-01.",
    "市长说，2023年失业率下降到5%。",
    "Dvor\u030ca\u0301k 🎻 قال «نعم» 56 Ελλάδα ٥٦",
    "\u202e\u2066\u2067\u2068\u2069",
]


@pytest.mark.parametrize("text", MIXED_AND_RTL)
@pytest.mark.parametrize("language", ["ar", "he", "zh", None])
def test_right_to_left_mixed_and_control_characters_never_crash(text, language):
    result = crosscheck(
        ClaimInput(text, language=language), [SourceInput("s0", text + "\n" + text, language="ar")]
    )
    assert result.stance in {"supports", "refutes", "not_enough_info"}
    for f in result.findings:
        if f.claim_start is not None:
            assert 0 <= f.claim_start <= f.claim_end <= len(text)


@settings(max_examples=60, deadline=None)
@given(
    claim=st.text(st.characters(codec="utf-8"), max_size=120),
    source=st.text(st.characters(codec="utf-8"), max_size=400),
    language=st.sampled_from(["es", "fr", "de", "ar", "pt", "", None]),
)
def test_any_text_in_any_language_gives_a_stance(claim, source, language):
    result = crosscheck(
        ClaimInput(claim, language=language), [SourceInput("s0", source, language=language)]
    )
    assert result.stance in {"supports", "refutes", "not_enough_info"}
