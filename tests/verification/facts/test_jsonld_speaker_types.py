"""ClaimReview types a speaker that is an institution as an Organization, not a Person."""

import pytest

from verification.facts.jsonld import speaker_type


@pytest.mark.parametrize(
    "speaker",
    [
        "White House",
        "the White House",
        "Kremlin",
        "Downing Street",
        "Pentagon",
        "House of Commons",
        "US Senate",
        "Élysée Palace",
        "Supreme Court",
        "NATO",
        "WHO",
        "Ukraine's Defence Ministry",
        "Armed Forces of Ukraine",
    ],
)
def test_an_institution_speaking_is_an_organization(speaker):
    assert speaker_type(speaker) == "Organization"


@pytest.mark.parametrize(
    "speaker",
    [
        "John Kirby",
        "Dmitry Peskov",
        "Bankole Adeyemi",
        "Kim Jong Un",
        "Rishi Sunak",
        "Ana Houseman",
    ],
)
def test_a_named_person_is_still_a_person(speaker):
    assert speaker_type(speaker) == "Person"
