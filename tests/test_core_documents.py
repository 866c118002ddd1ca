"""Per-sentence document numbers (``report.sentence_documents``: the ``-DOCSTART-``
lines before each gold sentence), counted by the reader while it scores: the same from
numpy-parsed blocks, from the line reader, and from a plain count, with blocks small
enough that sentences and documents straddle reads."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import seqeval_suite.io.conll as conll_io
from seqeval_suite import evaluate


def expected_documents(text: str) -> list[int]:
    docs, out, in_sentence = 0, [], False
    for line in text.splitlines():
        fields = line.split()
        if not fields or fields[0] == "-DOCSTART-":
            docs += bool(fields)
            in_sentence = False
            continue
        if not in_sentence:
            out.append(docs)
            in_sentence = True
    return out


corpora = st.lists(st.tuples(st.booleans(), st.integers(1, 4)), min_size=1, max_size=12)


@pytest.fixture(autouse=True)
def small_blocks():
    original = conll_io.BLOCK_SIZE
    conll_io.BLOCK_SIZE = 40
    yield
    conll_io.BLOCK_SIZE = original


@settings(max_examples=60, deadline=None)
@given(corpora)
def test_documents_counted_alike_by_both_engines(tmp_path_factory, layout):
    text = "".join(("-DOCSTART- O O\n\n" if doc else "") + "".join(f"w{k} B-X B-X\n" for k in range(n)) + "\n"
                   for doc, n in layout)
    path = tmp_path_factory.mktemp("docs") / "a.conll"
    path.write_text(text, encoding="utf-8")
    numpy_docs = evaluate(str(path)).sentence_documents
    original = conll_io.parse_block

    def refuse(*a, **k):
        raise conll_io.Unsupported("forced: read by lines")

    conll_io.parse_block = refuse
    try:
        line_docs = evaluate(str(path)).sentence_documents
    finally:
        conll_io.parse_block = original
    assert numpy_docs.tolist() == line_docs.tolist() == expected_documents(text)


def test_documents_are_none_for_tag_lists():
    assert evaluate([["B-X"]], [["B-X"]]).sentence_documents is None


def test_documents_all_zero_in_conlleval_mode(tmp_path):
    path = tmp_path / "a.conll"
    path.write_text("-DOCSTART- O O\n\nEU B-ORG B-ORG\n\n-DOCSTART- O O\n\nBonn B-LOC B-LOC\n", encoding="utf-8")
    assert not np.any(evaluate(str(path), mode="conlleval").sentence_documents)
    assert evaluate(str(path)).sentence_documents.tolist() == [1, 2]
