"""The committed sentence encoder artifact: tokenizer, vectors, and what the vectors mean.

Needs onnxruntime and tokenizers (runtime requirements), never torch or /work/shared.
"""

import subprocess
import sys
import threading

import numpy as np
import pytest

from tests import paths
from verification.engine.encoder import (
    ARTIFACT_DIR,
    DIMENSION,
    EncoderUnavailable,
    SentenceEncoder,
    default_encoder,
)

SENTENCES = [
    "The Eiffel Tower was built for the 1889 World's Fair in Paris.",
    "Drinking hot water does not cure the coronavirus.",
    "Joe Biden said he would ban fracking on day one.",
]


@pytest.fixture(scope="module")
def encoder() -> SentenceEncoder:
    shared = default_encoder()
    assert shared.available(), f"the committed artifact in {ARTIFACT_DIR} must load"
    return shared


def test_the_tokenizer_lowercases_and_splits_words_into_wordpieces(encoder):
    _session, tokenizer, config = encoder._load()
    encoding = tokenizer.encode("Fracking BANNED")
    assert encoding.tokens[0] == "[CLS]" and encoding.tokens[-1] == "[SEP]"
    assert "banned" in encoding.tokens
    assert "frack" in "".join(t.strip("#") for t in encoding.tokens)
    assert config["max_length"] == 256
    long = tokenizer.encode("word " * 1000)
    assert len(long.ids) == 256


def test_encode_returns_one_unit_float32_vector_a_text(encoder):
    vectors = encoder.encode(SENTENCES)
    assert vectors.dtype == np.float32
    assert vectors.shape == (3, DIMENSION) == (3, encoder.dimension)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert encoder.encode([]).shape == (0, DIMENSION)


def test_the_same_text_gets_the_same_vector_alone_or_in_any_batch(encoder):
    together = encoder.encode(SENTENCES + ["A short one."], batch_size=2)
    alone = np.stack([encoder.encode([text])[0] for text in SENTENCES])
    # Dynamic int8 quantisation scales activations per batch, so a text's neighbours in a
    # batch move its vector slightly, never its meaning.
    assert (together[:3] * alone).sum(axis=1).min() > 0.99
    again = encoder.encode(SENTENCES + ["A short one."], batch_size=2)
    assert np.array_equal(together, again)


def test_a_paraphrase_is_closer_than_an_unrelated_claim(encoder):
    claim, paraphrase, unrelated = encoder.encode(
        [
            "Biden wants to ban fracking.",
            "Joe Biden has promised to outlaw fracking.",
            "The Eiffel Tower was built for a world's fair.",
        ]
    )
    assert claim @ paraphrase > 0.6
    assert claim @ unrelated < 0.3
    assert claim @ paraphrase > claim @ unrelated + 0.4


def test_empty_and_odd_texts_still_encode_to_unit_vectors(encoder):
    vectors = encoder.encode(["", "   ", "\ud800 broken surrogate", "x" * 100_000])
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_threads_share_one_loaded_encoder_and_agree(tmp_path):
    fresh = SentenceEncoder()
    results: list[np.ndarray] = []

    def work() -> None:
        results.append(fresh.encode(SENTENCES))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 4
    assert all(np.array_equal(results[0], r) for r in results[1:])


def test_a_missing_artifact_is_unavailable_with_the_reason(tmp_path, caplog):
    broken = SentenceEncoder(tmp_path)
    assert broken.available() is False
    assert "model.int8.onnx" in caplog.text
    with pytest.raises(EncoderUnavailable, match="missing"):
        broken.encode(["text"])


def test_a_corrupt_model_file_is_unavailable_not_a_crash(tmp_path):
    for name in ("tokenizer.json", "config.json"):
        (tmp_path / name).write_bytes((ARTIFACT_DIR / name).read_bytes())
    (tmp_path / "model.int8.onnx").write_bytes(b"not an onnx graph")
    with pytest.raises(EncoderUnavailable, match="cannot be loaded"):
        SentenceEncoder(tmp_path).encode(["text"])


def test_the_encoder_runs_without_torch_or_django():
    root = paths.ROOT
    script = (
        "import sys; sys.modules['torch'] = None; sys.modules['django'] = None\n"
        "from verification.engine.encoder import default_encoder\n"
        "print(default_encoder().encode(['a claim']).shape)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=root, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "(1, 384)"
