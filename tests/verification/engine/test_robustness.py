import json
import time
import unicodedata

from tests import paths
from verification.engine import ENGINE_VERSION, ClaimInput, SourceInput, crosscheck

STANCES = {"supports", "refutes", "not_enough_info"}


def _assert_spans_exact(result, sources):
    by_id = {s.id: s.text for s in sources}
    for e in result.evidence:
        assert by_id[e.source_id][e.start : e.end] == e.text
        assert 0 <= e.start < e.end <= len(by_id[e.source_id])
    for f in result.findings:
        if f.source_id is not None and f.source_start is not None:
            assert 0 <= f.source_start <= f.source_end <= len(by_id[f.source_id])


def test_empty_claim_and_empty_sources_give_not_enough_info():
    for claim, sources in [
        ("", [SourceInput("s0", "Some text.")]),
        ("The sky is blue.", []),
        ("The sky is blue.", [SourceInput("s0", "")]),
        ("   ", [SourceInput("s0", "\n\n \n")]),
        ("!!! ???", [SourceInput("s0", "...")]),
    ]:
        result = crosscheck(ClaimInput(claim), sources)
        assert result.stance == "not_enough_info"
        assert result.evidence == []
        assert result.findings[0].message.startswith("nothing to compare")


def test_unicode_heavy_text_keeps_exact_offsets():
    source = SourceInput(
        "s0",
        "Intro 🎉🎉 line with emoji 👩‍👩‍👧.\n"
        "השר אמר כי 56 אחוז תמכו.\n"  # right-to-left
        "Dvor\u030ca\u0301k's orchestra had 58 members in 1890 🎻.\n"  # combining marks, not NFC
        "\u200f\u202eodd controls\u202c and ｆｕｌｌｗｉｄｔｈ 56.\n",
    )
    assert unicodedata.normalize("NFC", source.text) != source.text
    result = crosscheck(ClaimInput("Dvořák's orchestra had 56 members 🎻."), [source])
    _assert_spans_exact(result, [source])
    assert result.evidence[0].text.startswith("Dvor\u030ca\u0301k")
    number = next(f for f in result.findings if f.kind == "number")
    assert source.text[number.source_start : number.source_end] == "58"


def test_evidence_offsets_are_exact_on_multiple_sources():
    sources = [
        SourceInput("a", "First line.\nThe council has 58 members.\n"),
        SourceInput("b", "Unrelated.\n\nThe council has 56 members, officials said."),
    ]
    result = crosscheck(ClaimInput("The council has 56 members."), sources)
    _assert_spans_exact(result, sources)
    assert {e.source_id for e in result.evidence} == {"a", "b"}


def test_huge_source_is_bounded_and_does_not_crash():
    line = "Filler sentence number {} about nothing in particular, with 3 numbers 1999.\n"
    text = "".join(line.format(i) for i in range(100_000, 140_000))  # ~3.2 MB
    text += "The council has 58 members.\n"
    text += "x" * 1_000_000  # one unbroken 1 M-character line
    source = SourceInput("s0", text)
    started = time.perf_counter()
    result = crosscheck(ClaimInput("The council has 56 members."), [source])
    elapsed = time.perf_counter() - started
    assert len(text) > 4_000_000
    assert elapsed < 60
    assert result.evidence[0].text == "The council has 58 members."
    _assert_spans_exact(result, [source])


def test_huge_claim_does_not_crash():
    result = crosscheck(ClaimInput("word " * 200_000), [SourceInput("s0", "word word.")])
    assert result.stance in STANCES


def test_same_input_gives_identical_output():
    sources = [SourceInput("s0", "Turnout was 58% in 2019.\nThe Slovak team won two dozen medals.")]
    claim = ClaimInput("Turnout was 56% in 2019 and the Slovakian team won 24 medals.")
    first = json.dumps(crosscheck(claim, sources).to_dict(), sort_keys=True)
    for _ in range(3):
        assert json.dumps(crosscheck(claim, sources).to_dict(), sort_keys=True) == first


def test_result_is_json_ready_and_confidence_is_a_probability():
    result = crosscheck(ClaimInput("Turnout was 56%."), [SourceInput("s0", "Turnout was 58%.")])
    d = json.loads(json.dumps(result.to_dict()))
    assert d["engine_version"].startswith(ENGINE_VERSION)
    assert d["stance"] in STANCES
    assert 0.0 <= d["confidence"] <= 1.0
    assert abs(sum(d["probabilities"].values()) - 1.0) < 1e-3
    assert d["evidence"][0] == {
        "source_id": "s0",
        "start": 0,
        "end": 16,
        "score": d["evidence"][0]["score"],
        "text": "Turnout was 58%.",
    }


def test_max_evidence_caps_the_evidence_list():
    text = "\n".join(f"The council met on day {i}." for i in range(20))
    result = crosscheck(ClaimInput("The council met."), [SourceInput("s0", text)], max_evidence=3)
    assert len(result.evidence) == 3


def test_clear_mismatch_refutes_and_clear_match_supports():
    source = [SourceInput("s0", "The council has 58 members.", title="City council")]
    refuted = crosscheck(ClaimInput("The council has 56 members."), source)
    supported = crosscheck(ClaimInput("The council has 58 members."), source)
    assert refuted.stance == "refutes"
    assert supported.stance == "supports"


def test_engine_package_does_not_import_django():
    root = paths.ROOT / "verification" / "engine"
    for path in root.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "import django" not in text and "from django" not in text, path.name


def test_retrieval_stems_equal_the_checked_tokens_stems():
    from verification.engine.text import content_stems, passage_content_stems, tokenize

    text = "The U.S.-led NATO's 56 budgets -LRB- rose -RRB- by 3.5% in 2019 😀 Ünïcode, a I it"
    for limit in (None, 3, 1000):
        assert passage_content_stems(text, limit) == content_stems(tokenize(text, limit=limit))


def test_without_the_model_the_engine_runs_on_its_rules_and_says_so():
    from verification.engine import ClaimInput, SourceInput, crosscheck

    result = crosscheck(
        ClaimInput(text="The bridge cost 56 million euros."),
        [SourceInput(id="s", text="The bridge cost 56 million euros in 2019.")],
        use_model=False,
    )
    assert result.engine_version == ENGINE_VERSION
    assert result.stance == "supports"


def test_the_learned_model_is_used_when_installed_and_named_in_the_version():
    from verification.engine import ClaimInput, SourceInput, crosscheck

    result = crosscheck(
        ClaimInput(text="Paris hosted the 2024 Summer Olympics."),
        [SourceInput(id="s", text="The 2024 Summer Olympics were held in Paris.")],
    )
    assert result.engine_version.startswith(ENGINE_VERSION + "+")
    assert result.stance == "supports"
