"""The committed stance model artifact: loading, labels it really gets right, robustness.

Needs onnxruntime and tokenizers (runtime requirements), never torch or /work/shared.
"""

import logging
import math
import subprocess
import sys
from pathlib import Path

import pytest

from verification.engine import stance_model
from verification.engine.stance_model import LABELS, StanceModel, load
from verification.engine.stance_model.text import MAX_CHARS, clean_text

BRIDGE = "The Sydney Harbour Bridge was opened on 19 March 1932 ."

# Fixed pairs in the style of the training data (tokenised Wikipedia sentences), written
# for this test; the committed model gets each of them right with a margin (P >= 0.75). It
# reads negation ("Paris is not the capital": refutes 0.91) but not "more than / less than"
# or one figure against another ("4,000" for "4,600"), which the engine's checks catch:
# see MODEL_CARD.md.
KNOWN_PAIRS = [
    ("The bridge was opened in 1932 .", BRIDGE, "supports"),
    ("The bridge was opened in 1950 .", BRIDGE, "refutes"),
    (
        "Paris is the capital of France .",
        "Paris is the capital and most populous city of France .",
        "supports",
    ),
    (
        "Paris is not the capital of France .",
        "Paris is the capital and most populous city of France .",
        "refutes",
    ),
    (
        "The museum has more than 2 million visitors a year .",
        "The museum was founded in 1887 by the city council .",
        "not_enough_info",
    ),
    (
        "The album was released by Sony .",
        "The band toured Europe in 2005 and Asia in 2006 .",
        "not_enough_info",
    ),
]


@pytest.fixture(scope="module")
def model() -> StanceModel:
    loaded = load()
    assert loaded is not None, (
        "the committed artifact in verification/engine/stance_model/artifact must load"
    )
    return loaded


def test_the_runtime_loads_and_predicts_with_torch_blocked():
    # A fresh interpreter where `import torch` fails: the runtime must not need it.
    code = (
        "import sys; sys.modules['torch'] = None; sys.modules['transformers'] = None\n"
        "from verification.engine.stance_model import load\n"
        "m = load()\n"
        "print(max(m.predict([('a', 'b')])[0].values()) > 0)\n"
    )
    root = Path(stance_model.__file__).resolve().parents[3]
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "True"


@pytest.mark.parametrize(("claim", "evidence", "label"), KNOWN_PAIRS)
def test_model_gets_fixed_pairs_right(model, claim, evidence, label):
    [probs] = model.predict([(claim, evidence)])
    assert max(probs, key=probs.get) == label, probs


def test_probabilities_cover_the_three_labels_and_sum_to_one(model):
    results = model.predict([(c, e) for c, e, _ in KNOWN_PAIRS])
    assert len(results) == len(KNOWN_PAIRS)
    for probs in results:
        assert set(probs) == set(LABELS)
        assert all(0.0 <= p <= 1.0 for p in probs.values())
        assert math.isclose(sum(probs.values()), 1.0, abs_tol=1e-5)


def test_same_input_gives_the_same_numbers(model):
    pairs = [(c, e) for c, e, _ in KNOWN_PAIRS]
    assert model.predict(pairs) == model.predict(pairs)
    assert model.predict(pairs, batch_size=2) == model.predict(pairs, batch_size=2)


def test_batching_barely_moves_a_pair(model):
    # Dynamic int8 quantisation scales activations per batch, so another batch composition
    # may move a probability in the third decimal, never the label.
    pairs = [(c, e) for c, e, _ in KNOWN_PAIRS]
    alone = [model.predict([pair])[0] for pair in pairs]
    together = model.predict(pairs)
    for a, b in zip(alone, together, strict=True):
        assert max(a, key=a.get) == max(b, key=b.get)
        assert all(abs(a[k] - b[k]) < 0.05 for k in LABELS)


def test_empty_list_gives_empty_list(model):
    assert model.predict([]) == []


def test_empty_huge_and_unicode_texts_do_not_crash(model):
    pairs = [
        ("", ""),
        ("", "Some evidence."),
        ("A claim.", ""),
        ("   \n\t ", "\u200b\u00a0"),
        ("Paris " * 200_000, "Paris is the capital of France. " * 50_000),
        (
            "Zürich hat 2023 über 420 000 Einwohner 🇨🇭.",
            "東京は日本の首都である。 Ελλάδα – ℌ𝔢𝔩𝔩𝔬 \U0001f600",
        ),
        ("\x00\x01 control characters", "evidence with a lone surrogate \ud800 inside"),
    ]
    results = model.predict(pairs)
    assert len(results) == len(pairs)
    for probs in results:
        assert math.isclose(sum(probs.values()), 1.0, abs_tol=1e-5)


def test_inputs_are_bounded_before_tokenising():
    assert len(clean_text("x " * 10_000_000)) <= MAX_CHARS
    assert clean_text("Bonn -LRB- Germany -RRB- ``city''") == 'Bonn ( Germany ) "city"'
    assert clean_text("lone \ud800 surrogate") == "lone ? surrogate"


def test_load_returns_none_and_says_why_when_the_artifact_is_missing(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="verification.engine.stance_model"):
        assert load(tmp_path / "nowhere") is None
    assert "model.int8.onnx" in caplog.text
    assert "stance model disabled" in caplog.text


def test_load_returns_none_when_the_artifact_is_corrupt(tmp_path, caplog):
    for name in ("model.int8.onnx", "tokenizer.json", "config.json"):
        (tmp_path / name).write_text("not a model")
    with caplog.at_level(logging.WARNING, logger="verification.engine.stance_model"):
        assert load(tmp_path) is None
    assert "cannot be loaded" in caplog.text


def test_load_returns_none_when_the_tokenizer_is_corrupt(tmp_path, caplog):
    for name in ("model.int8.onnx", "config.json"):
        (tmp_path / name).write_bytes((stance_model.ARTIFACT_DIR / name).read_bytes())
    (tmp_path / "tokenizer.json").write_text('{"not": "a tokenizer"}')
    with caplog.at_level(logging.WARNING, logger="verification.engine.stance_model"):
        assert load(tmp_path) is None
    assert "tokenizer.json cannot be loaded" in caplog.text
