"""Issue 15: several tag columns of one CoNLL file are read once in blocks, like several
files; agreement on the columns equals agreement on the same columns split into files,
and each pair's F1 equals seqeval's."""
from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from seqeval.metrics import f1_score

from seqeval_suite.agreement import agree

TAGS = ["O", "O", "O", "B-PER", "I-PER", "B-LOC", "I-LOC", "I-ORG", "?"]


@st.composite
def corpora(draw):
    n_annotators = draw(st.integers(2, 4))
    sentences = draw(st.lists(st.integers(1, 6), min_size=1, max_size=12))
    rows = [[[f"w{s}_{t}"] + [draw(st.sampled_from(TAGS)) for _ in range(n_annotators)] for t in range(length)]
            for s, length in enumerate(sentences)]
    return n_annotators, rows


def _write(path: Path, sentences, columns) -> None:
    path.write_text("".join("".join(" ".join(row[c] for c in columns) + "\n" for row in s) + "\n"
                            for s in sentences))


def _comparable(report) -> dict:
    data = report.to_dict()
    for pair in data["pairs"]:
        pair.pop("report")  # names the source files, which differ by construction
    data.pop("annotators")
    data.pop("warnings")
    return data


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(corpora())
def test_columns_equal_separate_files_and_seqeval(tmp_path, data):
    n, sentences = data
    one = tmp_path / "all.conll"
    _write(one, sentences, range(n + 1))
    files = []
    for k in range(n):
        path = tmp_path / f"ann{k}.conll"
        _write(path, sentences, (0, k + 1))
        files.append(str(path))
    by_columns = agree([str(one)], columns=list(range(1, n + 1)), names=[f"a{k}" for k in range(n)])
    by_files = agree(files, names=[f"a{k}" for k in range(n)])
    assert _comparable(by_columns) == _comparable(by_files)
    # seqeval on the sentences both annotators labelled (no '?' cell).
    for pair in by_columns.pairs:
        i, j = int(pair.reference[1:]), int(pair.annotator[1:])
        both = [s for s in sentences if all(r[i + 1] != "?" and r[j + 1] != "?" for r in s)]
        if both:
            expected = f1_score([[r[i + 1] for r in s] for s in both], [[r[j + 1] for r in s] for s in both])
            assert abs(pair.f1 - expected) < 1e-12


def test_agree_api_with_non_string_tags_names_annotator_sentence_and_token():
    """Issue 16 case 12 in `agree()`: label ids or None inside a sentence are a DataError,
    not a TypeError from deep inside."""
    import pytest

    from seqeval_suite.errors import DataError

    with pytest.raises(DataError, match=r"annotator b, sentence 2, token 1: 3 is not a tag string"):
        agree({"a": [["O"], ["B-PER"]], "b": [["O"], [3]]})
    with pytest.raises(DataError, match=r"annotator a1, sentence 1, token 2: None is not a tag string"):
        agree([[["B-PER", None]], [["B-PER", "O"]]])
    # None for a whole sentence still means "not labelled".
    assert agree([[["B-PER"], ["O"]], [None, ["O"]]]).pairs[0].sentences == 1
