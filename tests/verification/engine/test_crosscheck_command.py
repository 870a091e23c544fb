import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


def _run(*args):
    out, err = StringIO(), StringIO()
    call_command("crosscheck", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _records():
    return [
        {
            "id": "r1",
            "claim": "The council has 56 members.",
            "sources": [{"id": "s0", "title": "Council", "text": "The council has 58 members."}],
            "label": "refutes",
            "gold_evidence": [],
            "meta": {"secret": "not for the engine"},
        },
        {
            "id": "r2",
            "claim": "Turnout was 58% in 2019.",
            "sources": [
                {"id": "a", "title": "", "text": "Intro.\nTurnout was 58% in 2019."},
                {"id": "b", "title": "", "text": "Nothing here."},
            ],
        },
    ]


def test_report_names_stance_evidence_and_the_number_mismatch(tmp_path):
    source = tmp_path / "article.txt"
    source.write_text("Intro line.\nThe council has 58 members.\n", encoding="utf-8")
    out, _ = _run("--claim", "The council has 56 members.", "--source", str(source))
    assert out.startswith("Stance: refutes (confidence ")
    assert "[12:39]" in out
    assert "number mismatch: the claim says 56, the source says 58" in out


def test_json_output_is_the_result_dict(tmp_path):
    source = tmp_path / "article.txt"
    source.write_text("The council has 58 members.", encoding="utf-8")
    out, _ = _run("--claim", "The council has 58 members.", "--source", str(source), "--json")
    d = json.loads(out)
    assert d["stance"] == "supports"
    assert d["evidence"][0]["text"] == "The council has 58 members."


def test_batch_writes_one_prediction_per_record_in_scorer_format(tmp_path):
    src, dst = tmp_path / "in.jsonl", tmp_path / "pred.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in _records()), encoding="utf-8")
    out, err = _run("--jsonl", str(src), "--out", str(dst))
    preds = [json.loads(line) for line in dst.read_text(encoding="utf-8").splitlines()]
    assert [p["id"] for p in preds] == ["r1", "r2"]
    assert preds[0]["stance"] == "refutes"
    assert set(preds[1]["evidence"][0]) == {"source", "start", "end", "score"}
    assert preds[1]["evidence"][0]["source"] == "a"
    assert preds[1]["evidence"][0]["start"] == 7
    assert "2 records in" in out and "records/s" in out
    assert "2/2 lines" in err


def test_malformed_line_is_reported_by_number_and_the_rest_still_runs(tmp_path):
    src, dst = tmp_path / "in.jsonl", tmp_path / "pred.jsonl"
    good = [json.dumps(r) for r in _records()]
    src.write_text(
        f'{good[0]}\n{{"id": "x", "claim": \n{{"id": "y"}}\n{good[1]}\n', encoding="utf-8"
    )
    with pytest.raises(CommandError, match=r"2 malformed line\(s\)"):
        _run("--jsonl", str(src), "--out", str(dst))
    preds = [json.loads(line) for line in dst.read_text(encoding="utf-8").splitlines()]
    assert [p["id"] for p in preds] == ["r1", "r2"]


def test_malformed_line_message_names_file_and_line(tmp_path):
    src, dst = tmp_path / "in.jsonl", tmp_path / "pred.jsonl"
    src.write_text('{"id": "x", "claim": 1, "sources": []}\n', encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "crosscheck", "--jsonl", str(src), "--out", str(dst), stdout=StringIO(), stderr=err
        )
    assert f"{src}:1: record x: 'claim' is missing or not a string; line skipped" in err.getvalue()


def test_missing_arguments_are_a_clear_error():
    with pytest.raises(CommandError, match="--claim and at least one --source"):
        _run("--claim", "x")


def test_batch_reads_optional_claim_and_source_dates(tmp_path):
    src, dst = tmp_path / "in.jsonl", tmp_path / "pred.jsonl"
    record = {
        "id": "d1",
        "claim": "Turnout fell last year.",
        "claim_date": "2024-03-01",
        "sources": [{"id": "s0", "text": "Turnout fell in 2023.", "date": "2024-01-02"}],
    }
    bad = {**record, "id": "d2", "claim_date": "March 2024"}
    src.write_text(json.dumps(record) + "\n" + json.dumps(bad) + "\n", encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError, match=r"1 malformed line"):
        call_command(
            "crosscheck", "--jsonl", str(src), "--out", str(dst), stdout=StringIO(), stderr=err
        )
    [pred] = [json.loads(line) for line in dst.read_text(encoding="utf-8").splitlines()]
    assert any(
        f["message"] == "year agrees: the claim says last year (= 2023), the source says 2023"
        for f in pred["findings"]
    )
    assert "record d2: claim_date is not an ISO date (YYYY-MM-DD): 'March 2024'" in err.getvalue()


def test_claim_date_option_is_checked(tmp_path):
    source = tmp_path / "a.txt"
    source.write_text("Turnout fell in 2023.", encoding="utf-8")
    out, _ = _run(
        "--claim", "Turnout fell last year.", "--claim-date", "2024-03-01", "--source", str(source)
    )
    assert "the claim says last year (= 2023)" in out
    with pytest.raises(CommandError, match="--claim-date is not an ISO date"):
        _run("--claim", "x", "--claim-date", "yesterday", "--source", str(source))
