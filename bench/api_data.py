"""Deterministic fake fact-desk content for bench_api.py: claims, passages and reworded queries.

Claims are news-like sentences: a few real words that have synonyms (subjects, verbs,
adjectives), numbers and years, and names, places and topic words drawn from a Zipf-distributed
vocabulary of 40,000 pronounceable pseudo-words, so some words are in a third of all facts and
most are rare, as in real text. About one claim in seven is a near-duplicate of an earlier one
(same sentence, other number and year), as a desk re-checks the same talking point.
"""

from __future__ import annotations

import bisect
import itertools
import random
import re
from dataclasses import dataclass

VOCABULARY_SIZE = 40_000
ZIPF_EXPONENT = 1.05
SIBLING_SHARE = 0.15

# Words the claims are built from, each with the rewording a reader might use instead.
SYNONYMS = {
    "unemployment": "joblessness",
    "inflation": "price rises",
    "crime": "offending",
    "debt": "borrowing",
    "taxes": "levies",
    "wages": "pay",
    "rents": "housing costs",
    "emissions": "pollution",
    "deaths": "fatalities",
    "arrests": "detentions",
    "exports": "foreign sales",
    "students": "pupils",
    "doctors": "physicians",
    "nurses": "carers",
    "police": "officers",
    "hospital": "clinic",
    "school": "academy",
    "bridge": "crossing",
    "road": "highway",
    "factory": "plant",
    "company": "firm",
    "government": "administration",
    "minister": "secretary",
    "mayor": "city leader",
    "council": "assembly",
    "vaccine": "jab",
    "budget": "spending plan",
    "programme": "scheme",
    "increased": "rose",
    "decreased": "fell",
    "doubled": "went up twofold",
    "cost": "was priced at",
    "built": "constructed",
    "closed": "shut",
    "opened": "launched",
    "hired": "took on",
    "cut": "reduced",
    "spent": "paid out",
    "received": "got",
    "announced": "declared",
    "approved": "passed",
    "rejected": "turned down",
    "banned": "prohibited",
    "largest": "biggest",
    "lowest": "smallest",
    "highest": "greatest",
    "new": "fresh",
    "annual": "yearly",
    "public": "state",
    "local": "municipal",
    "national": "countrywide",
    "illegal": "unlawful",
    "foreign": "overseas",
    "children": "kids",
    "homes": "houses",
    "jobs": "positions",
    "percent": "per cent",
    "million": "m",
}
SUBJECTS = [
    "unemployment", "inflation", "crime", "debt", "taxes", "wages", "rents", "emissions",
    "deaths", "arrests", "exports",
]  # fmt: skip
PEOPLE = ["students", "doctors", "nurses", "police", "children", "homes", "jobs"]
PLACES = ["hospital", "school", "bridge", "road", "factory"]
BODIES = ["company", "government", "minister", "mayor", "council"]
VERBS_CHANGE = ["increased", "decreased", "doubled"]
VERBS_MONEY = ["cost", "spent", "received"]
VERBS_ACT = ["built", "closed", "opened", "hired", "cut", "announced", "approved", "rejected",
             "banned"]  # fmt: skip
ADJECTIVES = ["largest", "lowest", "highest", "new", "annual", "public", "local", "national",
              "illegal", "foreign"]  # fmt: skip

TEMPLATES = [
    "{adj} {subject} in {P} {vchange} by {n} percent between {y} and {y2}",
    "The {body} of {P} {vmoney} {n} million euros for the {z} {z} {place} in {y}",
    "{n} percent of {people} in {P} work for the {z} {z} {body}",
    "{P} has the {adj} {subject} of any {z} region since {y}, says the {z} {body}",
    "The {z} {place} in {P} was {vact} by the {body} after {n} {people} complained",
    "{subject} among {z} {people} in {P} {vchange} to {n} percent under the {z} {z} plan",
    "The {body} {vact} {n} {z} {place} projects in {P} and {P2} during {y}",
    "{P} {vmoney} {n} million on {z} {people} while {subject} {vchange} in {y}",
]

_ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
         "fifteen sixteen seventeen eighteen nineteen").split()  # fmt: skip
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
_SLOT = re.compile(r"\{(\w+)\}")


def number_words(n: int) -> str:
    """English words for 0..999 ("58" → "fifty-eight")."""
    if n < 20:
        return _ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")
    hundreds, rest = divmod(n, 100)
    return f"{_ONES[hundreds]} hundred" + (f" and {number_words(rest)}" if rest else "")


def _pseudo_words(rng: random.Random, count: int) -> list[str]:
    onsets = "b c d f g h j k l m n p r s t v w z br dr gr kr pl st tr ch sh th".split()
    vowels = "a e i o u ai ea ou io".split()
    codas = ["", "", "n", "r", "s", "l", "m", "nd", "st", "rk"]
    seen: set[str] = set()
    words = []
    while len(words) < count:
        syllables = rng.choice((2, 2, 3, 3, 4))
        word = "".join(
            rng.choice(onsets) + rng.choice(vowels) + rng.choice(codas) for _ in range(syllables)
        )
        # Keep clear of real words the templates use and of the light plural fold in matching.
        if word in seen or word in SYNONYMS or word.endswith("s"):
            continue
        seen.add(word)
        words.append(word)
    return words


@dataclass
class FakeFact:
    text: str
    quote: str
    speaker: str
    numbers: tuple[int, ...]
    sibling_of: int | None


class Generator:
    """Claims and passages from one seed; the same seed gives the same desk."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.vocabulary = _pseudo_words(self.rng, VOCABULARY_SIZE)
        weights = [1 / (rank + 1) ** ZIPF_EXPONENT for rank in range(VOCABULARY_SIZE)]
        self.cumulative = list(itertools.accumulate(weights))
        self.speakers = [
            f"{self.word().capitalize()} {self.word().capitalize()}" for _ in range(5_000)
        ]

    def word(self) -> str:
        point = self.rng.random() * self.cumulative[-1]
        return self.vocabulary[bisect.bisect(self.cumulative, point)]

    def _slots(self) -> dict:
        rng = self.rng
        return {
            "adj": rng.choice(ADJECTIVES),
            "subject": rng.choice(SUBJECTS),
            "people": rng.choice(PEOPLE),
            "place": rng.choice(PLACES),
            "body": rng.choice(BODIES),
            "vchange": rng.choice(VERBS_CHANGE),
            "vmoney": rng.choice(VERBS_MONEY),
            "vact": rng.choice(VERBS_ACT),
            "P": self.word().capitalize(),
            "P2": self.word().capitalize(),
        }

    def _fill(self, template: str, slots: dict, zs: list[str], n: int, y: int) -> str:
        z = iter(zs)
        values = slots | {"n": str(n), "y": str(y), "y2": str(y + self.rng.randint(1, 6))}
        text = _SLOT.sub(lambda m: next(z) if m[1] == "z" else values[m[1]], template)
        return text[0].upper() + text[1:]

    def facts(self, count: int) -> list[FakeFact]:
        made: list[FakeFact] = []
        shapes: list[tuple[str, dict, list[str], str]] = []
        for _ in range(count):
            rng = self.rng
            n = rng.randint(2, 999) if rng.random() < 0.3 else rng.randint(2, 99)
            y = rng.randint(2005, 2025)
            sibling_of = None
            if shapes and rng.random() < SIBLING_SHARE:
                sibling_of = rng.randrange(len(shapes))
                template, slots, zs, speaker = shapes[sibling_of]
            else:
                template = rng.choice(TEMPLATES)
                slots = self._slots()
                zs = [self.word() for _ in range(template.count("{z}"))]
                speaker = rng.choice(self.speakers)
            shapes.append((template, slots, zs, speaker))
            text = self._fill(template, slots, zs, n, y)
            quote = f"{text}, {speaker} told {self.word().capitalize()} {self.word()}"
            made.append(FakeFact(text, quote, speaker, (n,), sibling_of))
        return made

    def passage(self, claim_text: str, words: int = 40) -> str:
        """An evidence passage: the claim's own words mixed with other vocabulary."""
        own = claim_text.split()
        picked = [
            self.rng.choice(own) if self.rng.random() < 0.3 else self.word() for _ in range(words)
        ]
        return " ".join(picked).capitalize() + "."

    def unrelated(self) -> str:
        """A claim-shaped sentence built from fresh slots, not one of the desk's facts."""
        template = self.rng.choice(TEMPLATES)
        zs = [self.word() for _ in range(template.count("{z}"))]
        return self._fill(template, self._slots(), zs, self.rng.randint(2, 99), 2030)


FRAMINGS = [
    "Is it true that",
    "Viral post claims",
    "Fact check:",
    "People are sharing that",
    "Did you know",
]


def reword(text: str, rng: random.Random) -> str:
    """A reader's rewording of a claim (see bench_api.py's docstring for the rules)."""
    words = text.rstrip(".").split()
    out: list[str] = []
    for word in words:
        bare = word.strip(",").lower()
        comma = "," if word.endswith(",") else ""
        if bare in SYNONYMS and rng.random() < 0.8:
            out.append(SYNONYMS[bare] + comma)
        elif bare.isdigit() and len(bare) <= 3 and rng.random() < 0.7:
            out.append(number_words(int(bare)) + comma)
        elif bare.isdigit() or rng.random() >= 0.2:
            out.append(word)
    if rng.random() < 0.5 and len(out) > 6:
        cut = len(out) * 2 // 3
        out = out[cut:] + out[:cut]
    sentence = " ".join(out)
    if rng.random() < 0.5:
        sentence = f"{rng.choice(FRAMINGS)} {sentence[0].lower()}{sentence[1:]}"
    return sentence + "?"
