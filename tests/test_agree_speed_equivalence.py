"""``agree`` reads annotators' CoNLL files with the block reader and scores each pair
through the scoring core on tag-id arrays (issues 8 and 15). Every pair's report must
stay identical to what ``score_pairs`` gives on the pair's shared sentences: the
oracle below builds those sentence pairs itself from the generated data (not through
``agree``'s reader) and scores them with ``score_pairs``.
"""
from __future__ import annotations

import itertools
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import seqeval_suite.io.conll as conll_io
from seqeval_suite.agreement import agree
from seqeval_suite.errors import DataError
from seqeval_suite.evaluate import Options, Pair, PairSource, score_pairs

MISSING = ("?", "_", "")
WORDS = ["EU", "rejects", "Évian", "1996-08-22", "a", ",", "x" * 20]
LENIENT_TAGS = ["O", "O", "O", "B-PER", "I-PER", "E-PER", "S-LOC", "B-LOC", "I-LOC", "L-ORG", "U-ORG",
                "B", "I", "B-ORG-GOV", "I-ORG-GOV", "[PAD]", "X"]
SCHEME_TAGS = {
    "IOB1": ["O", "B-X", "I-X", "B-Y", "I-Y", "B", "I"],
    "IOB2": ["O", "B-X", "I-X", "B-Y", "I-Y", "I"],
    "IOE1": ["O", "E-X", "I-X", "E-Y", "I-Y"],
    "IOE2": ["O", "E-X", "I-X", "E-Y", "I-Y", "E"],
    "IOBES": ["O", "B-X", "I-X", "E-X", "S-X", "B-Y", "E-Y", "S-Y", "I-Y"],
    "BILOU": ["O", "B-X", "I-X", "L-X", "U-X", "U-Y", "B-Y", "L-Y"],
    "IO": ["O", "I-X", "I-Y", "I"],
}
#: Tags strict mode refuses (or, for some schemes, a prefix it lacks): the evaluator names them.
REFUSED = ["[PAD]", "S-X", "B-Y"]


@st.composite
def settings_(draw):
    """Scoring settings: lenient (auto or named scheme), strict under a scheme, or conlleval."""
    mode = draw(st.sampled_from(["lenient", "lenient", "strict", "strict", "conlleval"]))
    types = draw(st.sampled_from([None, None, "PER,ORG-GOV", "X"]))
    if mode == "strict":
        scheme = draw(st.sampled_from(sorted(SCHEME_TAGS)))
        tags = SCHEME_TAGS[scheme] + (REFUSED if draw(st.integers(0, 4)) == 0 else [])
        return dict(mode=mode, scheme=scheme, types=types), tags
    if mode == "conlleval":
        return dict(mode=mode, types=types), LENIENT_TAGS + ["E-PER", "B-PER", "S"]
    return dict(mode=mode, scheme=draw(st.sampled_from(["auto", "auto", "IOB2", "BILOU"])), types=types), LENIENT_TAGS


@st.composite
def annotations(draw, tags):
    """Per annotator, per sentence, its tags; some sentences wholly or partly marked missing."""
    n_annotators = draw(st.integers(2, 4))
    lengths = draw(st.lists(st.integers(1, 6), min_size=1, max_size=7))
    words = [[draw(st.sampled_from(WORDS)) for _ in range(n)] for n in lengths]
    everyone_labels = draw(st.booleans())
    out = []
    for _ in range(n_annotators):
        sentences = []
        for n in lengths:
            row = [draw(st.sampled_from(tags)) for _ in range(n)]
            coverage = "all" if everyone_labels else draw(st.sampled_from(["all", "all", "all", "none", "part"]))
            if coverage == "none":
                row = [draw(st.sampled_from(["?", "_"]))] * n
            elif coverage == "part":
                row[draw(st.integers(0, n - 1))] = "?"
            sentences.append(row)
        out.append(sentences)
    docstarts = [draw(st.lists(st.booleans(), min_size=len(lengths), max_size=len(lengths)))
                 for _ in range(n_annotators)]
    return words, out, docstarts


def write_annotator(path, words, sentences, docstarts):
    """One annotator's CoNLL file; returns each sentence's token line numbers and the
    number of -DOCSTART- lines."""
    lines, text, line, documents = [], [], 1, 0
    for tokens, tags, docstart in zip(words, sentences, docstarts):
        if docstart:
            text.append("-DOCSTART- O\n\n")
            line += 2
            documents += 1
        lines.append(list(range(line, line + len(tags))))
        text.append("".join(f"{w} {t}\n" for w, t in zip(tokens, tags)) + "\n")
        line += len(tags) + 1
    path.write_text("".join(text), encoding="utf-8")
    return lines, documents


def oracle(names, sentences, lines, documents, options: Options, gold=None):
    """The old path, written out: every pair (oriented against ``gold``) scored by
    ``score_pairs`` on the sentences neither annotator marked missing in any cell.

    Returns a list of reports (None for a pair without shared sentences), or the
    DataError the first failing pair raises.
    """
    labelled = [[not any(t in MISSING for t in s) for s in ann] for ann in sentences]
    reports = []
    for i, j in itertools.combinations(range(len(names)), 2):
        if gold is not None and names[j] == gold:
            i, j = j, i
        shared = [s for s in range(len(sentences[0])) if labelled[i][s] and labelled[j][s]]
        if not shared:
            reports.append(None)
            continue
        pairs = iter([Pair(sentences[i][s], sentences[j][s],
                           lines[i][s] if lines else None, lines[j][s] if lines else None) for s in shared])
        readers = (SimpleNamespace(documents=documents[i], ends_with_boundary=True),) if documents else ()
        try:
            reports.append(score_pairs(PairSource(pairs, names[i], names[j], readers), options))
        except DataError as exc:
            return exc
    return reports


def cells(report):
    """The per-sentence table as sorted (sentence, type, tp, fp, fn) rows."""
    c = report.sentence_counts
    return sorted(zip(c.sentence, (c.types[k] for k in c.type_index), c.tp, c.fp, c.fn))


def assert_matches(expected, run):
    """``run()`` gives the same pair reports as the oracle, or raises the same error."""
    if isinstance(expected, DataError):
        with pytest.raises(DataError) as caught:
            run()
        assert str(caught.value) == str(expected)
        return
    result = run()
    assert len(result.pairs) == len(expected)
    for pair, want in zip(result.pairs, expected):
        if want is None:
            assert pair.report is None
            continue
        assert pair.report.to_dict() == want.to_dict()
        assert cells(pair.report) == cells(want)
        assert (pair.sentences, pair.tokens) == (want.sentences, want.tokens)
        for message in want.warnings:
            assert message in result.warnings


@pytest.fixture(autouse=True)
def small_blocks():
    original = conll_io.BLOCK_SIZE
    conll_io.BLOCK_SIZE = 64  # a few lines per read: sentences straddle blocks
    yield
    conll_io.BLOCK_SIZE = original


@settings(max_examples=120, deadline=None)
@given(data=st.data())
def test_agree_files_pairs_equal_score_pairs(tmp_path_factory, data):
    setting, tags = data.draw(settings_())
    words, sentences, docstarts = data.draw(annotations(tags))
    if setting["mode"] == "conlleval":  # conlleval.pl reads -DOCSTART- as a token
        docstarts = [[False] * len(d) for d in docstarts]
    folder = tmp_path_factory.mktemp("agree")
    paths, lines, documents = [], [], []
    for k, (ann, docs) in enumerate(zip(sentences, docstarts)):
        path = folder / f"ann{k}.conll"
        found_lines, n_docs = write_annotator(path, words, ann, docs)
        paths.append(str(path))
        lines.append(found_lines)
        documents.append(n_docs)
    names = [f"ann{k}" for k in range(len(paths))]
    gold = data.draw(st.sampled_from([None] + names))
    options = Options.build(**setting)
    expected = oracle(paths, sentences, lines, documents, options,
                      gold=paths[names.index(gold)] if gold is not None else None)
    assert_matches(expected, lambda: agree(paths, gold=gold, **setting))
    if not isinstance(expected, DataError):
        # The whole report (coverage, partly-missing and -DOCSTART- warnings, kappas) is
        # the same whether the block reader or the streaming reader read the files.
        streaming = streaming_agree(paths, gold=gold, **setting).to_dict()
        assert agree(paths, gold=gold, **setting).to_dict() == streaming


def streaming_agree(*args, **kwargs):
    """``agree`` with every block read by the line reader instead of numpy parsing."""

    def refuse(*a, **k):
        raise conll_io.Unsupported("forced: read by lines")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(conll_io, "parse_block", refuse)
        return agree(*args, **kwargs)


@settings(max_examples=80, deadline=None)
@given(data=st.data())
def test_agree_lists_pairs_equal_score_pairs(data):
    setting, tags = data.draw(settings_())
    _, sentences, _ = data.draw(annotations(tags))
    names = [f"a{k + 1}" for k in range(len(sentences))]
    gold = data.draw(st.sampled_from([None] + names))
    expected = oracle(names, sentences, None, None, Options.build(**setting), gold=gold)
    assert_matches(expected, lambda: agree(sentences, gold=gold, **setting))


def test_agree_reads_plain_conll_with_the_block_reader(tmp_path, monkeypatch):
    """The speed-up is in use: plain CoNLL files are parsed with numpy, not by the line reader."""
    a, b = tmp_path / "a.conll", tmp_path / "b.conll"
    a.write_text("EU B-ORG\nrejects O\n\nBonn B-LOC\n", encoding="utf-8")
    b.write_text("EU B-ORG\nrejects O\n\nBonn B-PER\n", encoding="utf-8")

    def refuse(*args, **kwargs):
        raise AssertionError("the streaming reader was used")

    monkeypatch.setattr(conll_io.ConllReader, "read_stream", refuse)
    report = agree([str(a), str(b)])
    assert report.pair("a", "b").report.per_type["ORG"].tp == 1
    assert report.pair("a", "b").f1 == 0.5


def test_agree_falls_back_to_the_streaming_reader_for_what_blocks_cannot_read(tmp_path):
    """A file that differs from the others is named, with the sentence and token."""
    a, b = tmp_path / "a.conll", tmp_path / "b.conll"
    a.write_text("EU B-ORG\nrejects O\n", encoding="utf-8")
    b.write_text("EU B-ORG\nrefuses O\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"token mismatch at sentence 1, token 2: 'rejects'"):
        agree([str(a), str(b)])
