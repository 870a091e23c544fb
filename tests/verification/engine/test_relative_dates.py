"""Relative dates ("last year", "yesterday", "three years ago") read against the text's date."""

import datetime

from verification.engine import ClaimInput, SourceInput, crosscheck


def _dates(claim, source, claim_date=None, source_date=None):
    result = crosscheck(
        ClaimInput(claim, claim_date=claim_date),
        [SourceInput("s", source, date=source_date)],
        use_model=False,
    )
    return [f for f in result.findings if f.kind == "date"]


def test_last_year_in_the_claim_is_the_year_before_the_claim_was_made():
    [f] = _dates("Turnout fell last year.", "Turnout fell in 2022.", datetime.date(2024, 3, 1))
    assert f.outcome == "conflicts"
    assert f.message == "year mismatch: the claim says last year (= 2023), the source says 2022"
    [f] = _dates("Turnout fell last year.", "Turnout fell in 2023.", datetime.date(2024, 3, 1))
    assert f.outcome == "agrees"


def test_the_source_relative_date_is_read_against_the_source_date():
    [f] = _dates(
        "The plant closed in 2021.",
        "The plant closed three years ago.",
        source_date=datetime.date(2024, 6, 30),
    )
    assert f.outcome == "agrees"
    assert "three years ago (= 2021)" in f.message


def test_days_and_months_cross_year_ends():
    [f] = _dates(
        "The strike began yesterday.",
        "The strike began on 31 December 2023.",
        datetime.date(2024, 1, 1),
    )
    assert f.outcome == "agrees"
    [f] = _dates(
        "Prices rose last month.", "Prices rose in December 2023.", datetime.date(2024, 1, 15)
    )
    assert f.outcome == "agrees"
    [f] = _dates(
        "Prices rose last month.", "Prices rose in November 2023.", datetime.date(2024, 1, 15)
    )
    assert f.outcome == "conflicts"


def test_without_a_date_a_relative_date_is_not_guessed():
    assert _dates("Turnout fell last year.", "Turnout fell in 2022.") == []
    [f] = _dates("Turnout fell in 2021.", "Turnout fell last year, to 40 percent.")
    assert f.outcome == "missing"
