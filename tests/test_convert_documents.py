"""`convert` keeps a CoNLL source's documents: its -DOCSTART- lines (they were dropped,
so a converted CoNLL-2003 file lost its documents and `--per document` / `--unit
document` figures changed)."""
from __future__ import annotations

from pathlib import Path

import pytest

from seqeval_suite import evaluate
from seqeval_suite.convert import convert_file

NEWS = Path(__file__).resolve().parent.parent / "corpora" / "examples" / "news.gold.conll"


def test_iob2_to_iob2_is_byte_identical_with_its_docstarts(tmp_path):
    out = tmp_path / "same.conll"
    convert_file(NEWS, out)
    # The same lines; the source only lacks the blank line after its last sentence.
    assert out.read_text() == NEWS.read_text() + "\n"


@pytest.mark.parametrize("target,options", [("iobes.conll", {"to_scheme": "IOBES"}),
                                            ("layered.tsv", {"to_format": "layered"})])
def test_documents_survive_conversion(tmp_path, target, options):
    out = tmp_path / target
    convert_file(NEWS, out, **options)
    before = evaluate(str(NEWS), str(NEWS))
    after = evaluate(str(out), str(out), gold_column=1, pred_column=1)
    assert (after.documents, after.sentences, after.tokens) == (before.documents, before.sentences, before.tokens) \
        == (3, 10, 112)


def test_sentences_before_the_first_docstart_and_empty_documents(tmp_path):
    source = tmp_path / "mid.conll"
    source.write_text("a B-PER\n\n-DOCSTART- O\n\nb O\n\n-DOCSTART- O\n\n-DOCSTART- O\n\nc B-LOC\n\n")
    out = tmp_path / "out.conll"
    convert_file(source, out)
    assert out.read_text() == source.read_text()
    plain = tmp_path / "plain.conll"
    plain.write_text("a B-PER\n\nb O\n\n")
    convert_file(plain, tmp_path / "plain.out.conll")
    assert "-DOCSTART-" not in (tmp_path / "plain.out.conll").read_text()


def test_docstarts_after_the_last_sentence_are_kept(tmp_path):
    source = tmp_path / "d.conll"
    source.write_text("-DOCSTART- O\n\na B-PER\n\n-DOCSTART- O\n\nb O\n\n-DOCSTART- O\n\n-DOCSTART- O\n\n")
    for name, options in (("out.conll", {}), ("out.tsv", {"to_format": "layered"})):
        out = tmp_path / name
        convert_file(source, out, **options)
        assert out.read_text().count("-DOCSTART-") == 4
    assert (tmp_path / "out.conll").read_text() == source.read_text()
