"""Which reading of the stance model the engine combines with its rules.

A fake judge stands in for the model, so each test states exactly what the model would say and
checks what the engine does with it.
"""

from verification.engine import ClaimInput, SourceInput, core, crosscheck, learned

NEUTRAL = {"supports": 0.1, "refutes": 0.1, "not_enough_info": 0.8}

PAGE = (
    "In Paris, where she lived from 1930, Brook painted the river.\n"
    "The weather in the valley is mild all year.\n"
    "Ada Brook was born in Leeds in 1901.\n"
    "The town hall holds a market every Saturday."
)
CLAIM = ClaimInput("Ada Brook, born in Leeds, painted the river in Paris.")


class FakeJudge:
    """Sure of a passage that mentions both Leeds and Paris, lukewarm on one, blind otherwise."""

    def __init__(self):
        self.calls: list[list[str]] = []

    def __call__(self, claim: str, passages: list[str]) -> list[dict[str, float]]:
        self.calls.append(passages)
        out = []
        for text in passages:
            if "Leeds" in text and "Paris" in text:
                out.append({"supports": 0.9, "refutes": 0.05, "not_enough_info": 0.05})
            elif "Leeds" in text:
                out.append({"supports": 0.4, "refutes": 0.1, "not_enough_info": 0.5})
            elif "Paris" in text:
                out.append({"supports": 0.35, "refutes": 0.1, "not_enough_info": 0.55})
            else:
                out.append(dict(NEUTRAL))
        return out


def test_two_sentences_read_together_win_when_more_decisive():
    judge = FakeJudge()
    a = core.analyse(CLAIM, [SourceInput("s", PAGE)], judge=judge)
    assert a.model_reading == {"supports": 0.9, "refutes": 0.05, "not_enough_info": 0.05}
    joined = judge.calls[-1]
    # The two passages the model ranked first (Leeds, then Paris), in the page's order.
    assert joined == [
        "In Paris, where she lived from 1930, Brook painted the river. "
        "Ada Brook was born in Leeds in 1901."
    ]
    # The evidence list follows the model's relevance: the Leeds sentence leads.
    assert a.evidence[0].text == "Ada Brook was born in Leeds in 1901."


def test_passages_of_different_sources_are_not_read_as_one():
    judge = FakeJudge()
    sources = [
        SourceInput("bio", "Ada Brook was born in Leeds in 1901."),
        SourceInput("other", "She later moved to Paris, where she painted the river."),
    ]
    a = core.analyse(CLAIM, sources, judge=judge)
    read = [text for call in judge.calls for text in call]
    assert not [text for text in read if "Leeds" in text and "Paris" in text]
    assert a.model_reading == {"supports": 0.4, "refutes": 0.1, "not_enough_info": 0.5}


def test_a_pair_too_long_to_read_whole_puts_the_more_relevant_passage_first():
    filler = " ".join(["The valley is green and the river is wide."] * 12)
    page = f"In Paris, Brook painted the river. {filler}\nAda Brook was born in Leeds in 1901."
    judge = FakeJudge()
    core.analyse(CLAIM, [SourceInput("s", page)], judge=judge)
    [joined] = judge.calls[-1]
    assert joined.startswith("Ada Brook was born in Leeds in 1901. In Paris")


def test_the_best_single_passage_is_kept_when_the_pair_says_less():
    def judge(claim, passages):
        return [
            {"supports": 0.7, "refutes": 0.1, "not_enough_info": 0.2}
            if "Leeds" in t and "Paris" not in t
            else dict(NEUTRAL)
            for t in passages
        ]

    a = core.analyse(CLAIM, [SourceInput("s", PAGE)], judge=judge)
    assert a.model_reading == {"supports": 0.7, "refutes": 0.1, "not_enough_info": 0.2}


def test_a_single_passage_is_read_once_for_the_stance():
    judge = FakeJudge()
    source = SourceInput("s", "Ada Brook was born in Leeds and painted the river in Paris.")
    a = core.analyse(CLAIM, [source], judge=judge)
    assert a.model_reading is None and judge.calls == []
    reading = core.model_reading(a, CLAIM, judge)
    assert judge.calls == [[source.text]]
    assert reading["supports"] == 0.9


def test_without_a_judge_nothing_is_read():
    a = core.analyse(CLAIM, [SourceInput("s", PAGE)])
    assert a.model_reading is None
    assert not core.explained_conflict(a)


class FixedModel:
    """A stance model that says the same thing about every pair."""

    def __init__(self, probs):
        self.probs = probs

    def predict(self, pairs):
        return [dict(self.probs) for _ in pairs]


def _engine_with(monkeypatch, probs):
    # Weights that pass the model's reading through unchanged: z = log P_model.
    weights = [[0, 0, 0] + [1.0 if k == s else 0.0 for k in range(3)] + [0.0] for s in range(3)]
    fake = learned.Combiner(FixedModel(probs), weights, "fixed")
    monkeypatch.setattr(learned, "combiner", lambda: fake)


CONFLICT = (
    ClaimInput("The council has 56 members."),
    [SourceInput("s", "The council has 58 members.")],
)


def test_the_model_cannot_talk_an_explained_conflict_into_supports(monkeypatch):
    _engine_with(monkeypatch, {"supports": 0.9, "refutes": 0.05, "not_enough_info": 0.05})
    result = crosscheck(*CONFLICT)
    assert any(f.outcome == "conflicts" for f in result.findings)
    assert result.stance != "supports"
    assert result.probabilities["supports"] != 0.9  # the rules' probabilities, not the model's
    [said] = [f for f in result.findings if f.kind == "model"]
    assert said.outcome == "info"
    assert said.message == (
        "stance model: supports (0.90) in the passage it finds most relevant; not followed, "
        "since a check found a conflict"
    )
    assert (said.source_id, said.source_start, said.source_end) == ("s", 0, 27)


def test_after_an_explained_conflict_the_model_still_weighs_refutes_against_nei(monkeypatch):
    _engine_with(monkeypatch, {"supports": 0.05, "refutes": 0.8, "not_enough_info": 0.15})
    result = crosscheck(*CONFLICT)
    assert result.stance == "refutes"
    assert abs(result.confidence - 0.8) < 1e-6
    assert result.engine_version.endswith("+fixed")
    assert [f.message for f in result.findings if f.kind == "model"] == [
        "stance model: refutes (0.80) in the passage it finds most relevant"
    ]


def test_the_finding_says_when_two_passages_were_read_together(monkeypatch):
    _engine_with(monkeypatch, {"supports": 0.9, "refutes": 0.05, "not_enough_info": 0.05})
    monkeypatch.setattr(learned.combiner(), "judge", FakeJudge())
    result = crosscheck(CLAIM, [SourceInput("s", PAGE)])
    [said] = [f for f in result.findings if f.kind == "model"]
    assert said.message.endswith("read together with the next most relevant")
    assert PAGE[said.source_start : said.source_end] == "Ada Brook was born in Leeds in 1901."


def test_without_the_model_there_is_no_model_finding():
    result = crosscheck(*CONFLICT, use_model=False)
    assert not [f for f in result.findings if f.kind == "model"]
