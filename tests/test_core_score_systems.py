"""Several systems against one gold in one pass (``compare`` reads gold once): every
report equals what ``evaluate`` gives for that system alone, in every mode and match,
including warnings and per-sentence counts; errors name the system's file."""
from __future__ import annotations

import random
import subprocess
import sys

import numpy as np
import pytest

from seqeval_suite import evaluate
from seqeval_suite.errors import DataError
from seqeval_suite.evaluate import score_systems

TAGS = ["O", "O", "O", "B-PER", "I-PER", "B-LOC", "I-LOC", "E-LOC", "S-ORG", "X"]


def corpus(seed: int, sentences: int = 40):
    rng = random.Random(seed)
    words = [[f"w{rng.randrange(50)}" for _ in range(rng.randint(1, 9))] for _ in range(sentences)]
    return words, [[[rng.choice(TAGS) for _ in s] for s in words] for _ in range(3)]


def write(path, words, tags, docstart=True):
    lines = ["-DOCSTART- O\n\n"] if docstart else []
    for ws, ts in zip(words, tags):
        lines.append("".join(f"{w} {t}\n" for w, t in zip(ws, ts)) + "\n")
    path.write_text("".join(lines), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("settings", [{}, {"mode": "conlleval"}, {"mode": "strict", "scheme": "IOBES"},
                                      {"match": "partial"}, {"types": "PER,LOC"}])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_score_systems_equals_evaluate_one_by_one(tmp_path, settings, seed):
    words, (gold, a, b) = corpus(seed)
    if settings.get("mode") == "strict":  # strict refuses X and prefixes outside IOBES
        gold, a, b = ([[t if t != "X" else "O" for t in s] for s in side] for side in (gold, a, b))
    g = write(tmp_path / "g.conll", words, gold)
    pa = write(tmp_path / "a.conll", words, a)
    # A -DOCSTART- warning for b only (conlleval.pl reads -DOCSTART- as a token: both keep it).
    pb = write(tmp_path / "b.conll", words, b, docstart=settings.get("mode") == "conlleval")
    together = score_systems(g, [pa, pb], **settings)
    for report, pred in zip(together, (pa, pb)):
        alone = evaluate(g, pred, **settings)
        assert report.to_dict() == alone.to_dict()
        types = sorted(alone.per_type)
        assert np.array_equal(report.sentence_counts.dense(report.sentences, types),
                              alone.sentence_counts.dense(alone.sentences, types))


def test_score_systems_error_names_the_misaligned_system(tmp_path):
    words, (gold, a, b) = corpus(4)
    g = write(tmp_path / "g.conll", words, gold)
    pa = write(tmp_path / "a.conll", words, a)
    pb = write(tmp_path / "b.conll", words[:-3], b[:-3])
    with pytest.raises(DataError, match=r"b\.conll ends after 37 sentences"):
        score_systems(g, [pa, pb])


def test_compare_reads_gold_from_stdin(tmp_path):
    words, (gold, a, b) = corpus(5)
    g = write(tmp_path / "g.conll", words, gold)
    pa = write(tmp_path / "a.conll", words, a)
    pb = write(tmp_path / "b.conll", words, b)
    args = [sys.executable, "-m", "seqeval_suite", "compare"]
    with open(g, "rb") as fh:
        piped = subprocess.run(args + ["-", pa, pb, "-f", "json", "--resamples", "200"], stdin=fh,
                               capture_output=True, timeout=120)
    plain = subprocess.run(args + [g, pa, pb, "-f", "json", "--resamples", "200"], capture_output=True, timeout=120)
    assert piped.returncode == 0, piped.stderr
    assert piped.stdout == plain.stdout
