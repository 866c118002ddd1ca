"""``--mode conlleval``: counts against the `conlleval` PyPI port where it counts like
conlleval.pl (all-B/I/O or all-I/E/O files), and expected text written by hand from
SPEC §3's rules, never taken from the port (whose text differs from conlleval.pl's).
"""
from __future__ import annotations

import re

import pytest
from conlleval import conlleval as port
from hypothesis import given, settings
from hypothesis import strategies as st

from seqeval_suite import evaluate
from seqeval_suite.conlleval import ChunkCounter, format_report, sorted_types

TYPES = ["PER", "LOC", "ORG-GOV", "MISC"]


def one_file(lines: list[str]) -> str:
    return "\n".join(lines) + "\n"


def run(cli, write, text, *args, name="in.txt"):
    path = write(name, text)
    return cli("evaluate", path, "--mode", "conlleval", "--format", "conlleval", *args)


# ------------------------------------------------------------ counts vs the port
@st.composite
def bio_files(draw, prefixes):
    """A one-file input (token gold pred) with tags all from ``prefixes`` + O."""
    tag = st.one_of(
        st.just("O"),
        st.builds(lambda p, t: f"{p}-{t}", st.sampled_from(prefixes), st.sampled_from(TYPES)),
        st.sampled_from(prefixes),
    )
    lines = []
    for _ in range(draw(st.integers(1, 6))):
        for k in range(draw(st.integers(1, 8))):
            lines.append(f"w{k} {draw(tag)} {draw(tag)}")
        lines.append(draw(st.sampled_from(["", "", "-X- O O"])))
    if draw(st.booleans()):
        lines.pop()  # the file may end on a token line: no closing boundary step then
    return one_file(lines)


def port_statistics(text: str) -> port.Statistics:
    """Run the port's counting loop and keep its raw per-type statistics."""
    captured = {}
    original = port.summarize_all

    def keep(stats):
        captured["stats"] = stats
        return original(stats)

    port.summarize_all = keep
    try:
        port.evaluate(text.splitlines())
    finally:
        port.summarize_all = original
    return captured["stats"]


@pytest.mark.parametrize("prefixes", ["BI", "IE"], ids=["BIO", "IEO"])
@settings(max_examples=80, deadline=None)
@given(data=st.data())
def test_core_conlleval_counts_equal_the_port_on_bio_and_ieo_files(prefixes, data, tmp_path_factory):
    text = data.draw(bio_files(prefixes))
    path = tmp_path_factory.mktemp("c") / "in.txt"
    path.write_text(text, encoding="utf-8")
    report = evaluate(str(path), mode="conlleval")
    counter = report.conlleval_counter
    stats = port_statistics(text)
    assert dict(counter.gold) == dict(stats.chunks_gold)
    assert dict(counter.found) == dict(stats.chunks_pred)
    assert {k: v for k, v in counter.correct.items() if v} == {k: v for k, v in stats.chunks_correct.items() if v}
    assert counter.tokens == sum(stats.tags_gold.values())
    assert counter.correct_tags == sum(stats.tags_correct.values())
    assert report.tokens == counter.tokens
    assert abs(report.accuracy - counter.correct_tags / counter.tokens) < 1e-15


# ------------------------------------------------------------ hand-written text
def test_core_conlleval_unclosed_chunk_is_found_but_never_correct(cli, write):
    # identical gold and guess B-PER X O B-PER: the X chunk (empty type) is never closed.
    text = one_file(["a B-PER B-PER", "b X X", "c O O", "d B-PER B-PER"])
    result = run(cli, write, text)
    assert result.exit_code == 0
    assert result.stdout == (
        "processed 4 tokens with 3 phrases; found: 3 phrases; correct: 2.\n"
        "accuracy: 100.00%; precision:  66.67%; recall:  66.67%; FB1:  66.67\n"
        "                 : precision:   0.00%; recall:   0.00%; FB1:   0.00  1\n"
        "                 : precision:   0.00%; recall:   0.00%; FB1:   0.00  1\n"
        "              PER: precision: 100.00%; recall: 100.00%; FB1: 100.00  2\n"
    )
    assert "outside the BIO family" in result.stderr


def test_core_conlleval_rounds_100c_over_f_23_of_160_to_14_38(cli, write):
    lines = []
    for k in range(160):
        lines += ["w B-X B-X" if k < 23 else "w O B-X", ""]
    result = run(cli, write, one_file(lines))
    assert result.stdout == (
        "processed 160 tokens with 23 phrases; found: 160 phrases; correct: 23.\n"
        "accuracy:  14.38%; precision:  14.38%; recall: 100.00%; FB1:  25.14\n"
        "                X: precision:  14.38%; recall: 100.00%; FB1:  25.14  160\n"
    )
    assert "%6.2f" % ((23 / 160) * 100) == " 14.37"  # the other order rounds down


def test_core_conlleval_s_tags_of_one_type_merge_and_warn(cli, write):
    # S-X S-X: no rule ends a chunk at S→S of the same type, so conlleval.pl sees one chunk.
    result = run(cli, write, one_file(["a S-X S-X", "b S-X S-X"]))
    assert result.stdout == (
        "processed 2 tokens with 1 phrases; found: 1 phrases; correct: 1.\n"
        "accuracy: 100.00%; precision: 100.00%; recall: 100.00%; FB1: 100.00\n"
        "                X: precision: 100.00%; recall: 100.00%; FB1: 100.00  1\n"
    )
    assert "S-/L-/U- tags" in result.stderr


def test_core_conlleval_l_and_u_tags(cli, write):
    # gold B-X L-X U-X: B→L has no end rule and the types agree: one chunk; U-X continues it.
    # guess U-X U-X O: one chunk of tokens 0-1, which then ends (U→O, types differ).
    result = run(cli, write, one_file(["a B-X U-X", "b L-X U-X", "c U-X O"]))
    assert result.stdout == (
        "processed 3 tokens with 1 phrases; found: 1 phrases; correct: 0.\n"
        "accuracy:   0.00%; precision:   0.00%; recall:   0.00%; FB1:   0.00\n"
        "                X: precision:   0.00%; recall:   0.00%; FB1:   0.00  1\n"
    )
    assert "S-/L-/U- tags" in result.stderr


def test_core_conlleval_e_to_b_transition_is_one_chunk(cli, write):
    # gold B-X E-X B-X E-X is one chunk for conlleval.pl (E→B has no rule); guess has two.
    text = one_file(["a B-X B-X", "b E-X E-X", "c B-X S-X", "d E-X O"])
    result = run(cli, write, text)
    assert result.stdout.splitlines()[0] == "processed 4 tokens with 1 phrases; found: 1 phrases; correct: 0."
    assert "E→B transitions" in result.stderr


def test_core_conlleval_hyphenated_types_and_byte_order_with_byte_width_padding(cli, write):
    text = one_file([
        "a B-apple B-apple", "", "b B-Évian O", "", "c B-ORG-GOV B-ORG-GOV", "",
        "d B-Zeta B-Zeta", "", "e B-LOC B-LOC",
    ])
    result = run(cli, write, text)
    assert result.stdout == (
        "processed 5 tokens with 5 phrases; found: 4 phrases; correct: 4.\n"
        "accuracy:  80.00%; precision: 100.00%; recall:  80.00%; FB1:  88.89\n"
        "              LOC: precision: 100.00%; recall: 100.00%; FB1: 100.00  1\n"
        "          ORG-GOV: precision: 100.00%; recall: 100.00%; FB1: 100.00  1\n"
        "             Zeta: precision: 100.00%; recall: 100.00%; FB1: 100.00  1\n"
        "            apple: precision: 100.00%; recall: 100.00%; FB1: 100.00  1\n"
        "           Évian: precision:   0.00%; recall:   0.00%; FB1:   0.00  0\n"
    )


def test_core_conlleval_x_boundary_lines_split_chunks(cli, write):
    with_boundary = run(cli, write, one_file(["a B-X B-X", "-X- O O", "b I-X I-X"]), name="b.txt")
    without = run(cli, write, one_file(["a B-X B-X", "b I-X I-X"]), name="n.txt")
    assert with_boundary.stdout.splitlines()[0] == "processed 2 tokens with 2 phrases; found: 2 phrases; correct: 2."
    assert without.stdout.splitlines()[0] == "processed 2 tokens with 1 phrases; found: 1 phrases; correct: 1."


def test_core_conlleval_docstart_is_a_token(cli, write):
    text = one_file(["-DOCSTART- -X- O O", "", "a NNP B-X B-X", "b NNP O B-X"])
    result = run(cli, write, text)
    assert result.stdout.splitlines()[:2] == [
        "processed 3 tokens with 1 phrases; found: 2 phrases; correct: 1.",
        "accuracy:  66.67%; precision:  50.00%; recall: 100.00%; FB1:  66.67",
    ]


def test_core_conlleval_tabs_do_not_split(cli, write):
    result = run(cli, write, "a\tB-X\tB-X\n")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "--delimiter" in result.stderr and "in.txt:1" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    ok = run(cli, write, "a\tB-X\tB-X\n", "--delimiter", "\\t", name="t.txt")
    assert ok.exit_code == 0
    assert ok.stdout.startswith("processed 1 tokens with 1 phrases; found: 1 phrases; correct: 1.\n")


def test_core_conlleval_leading_space_makes_an_empty_first_field(cli, write):
    # every line has 4 fields ('', token, gold, pred): consistent, so it scores normally.
    result = run(cli, write, one_file([" a B-X B-X", " b I-X O"]))
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == "processed 2 tokens with 1 phrases; found: 1 phrases; correct: 0."


def test_core_conlleval_double_space_changes_the_feature_count(cli, write):
    result = run(cli, write, one_file(["a B-X B-X", "b  I-X I-X"]))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert re.search(r"in\.txt:2: unexpected number of features: 4 fields where the first line has 3",
                     result.stderr)


def test_core_conlleval_zero_tokens_prints_only_the_first_line():
    assert format_report(ChunkCounter()) == "processed 0 tokens with 0 phrases; found: 0 phrases; correct: 0.\n"


@pytest.mark.parametrize("keys, expected", [
    (["PER", "LOC", "PER"], ["LOC", "PER"]),
    (["", "PER", "", "PER"], ["", "", "PER"]),
    (["b", "B", "É", "a"], ["B", "a", "b", "É"]),
])
def test_core_conlleval_type_order(keys, expected):
    assert sorted_types(keys) == expected


# ------------------------------------------------------------ layout property
LINE = re.compile(
    r"^ *(?P<type>.*): precision: (?P<p>[ \d]{2}\d\.\d\d)%; recall: (?P<r>[ \d]{2}\d\.\d\d)%; "
    r"FB1: (?P<f>[ \d]{2}\d\.\d\d)  (?P<found>\d+)$"
)


@settings(max_examples=150, deadline=None)
@given(counts=st.dictionaries(
    st.sampled_from(["PER", "LOC", "ORG-GOV", "X"]),
    st.tuples(st.integers(0, 400), st.integers(0, 400), st.integers(0, 400)),
    min_size=1,
))
def test_core_conlleval_layout_and_rounding(counts):
    counter = ChunkCounter()
    counter.tokens = 1000
    for t, (c, f_extra, g_extra) in counts.items():
        counter.correct[t], counter.found[t], counter.gold[t] = c, c + f_extra, c + g_extra
    lines = format_report(counter).splitlines()
    assert re.fullmatch(r"processed 1000 tokens with \d+ phrases; found: \d+ phrases; correct: \d+\.", lines[0])
    assert lines[1].startswith("accuracy:   0.00%; precision: ")
    assert len(lines) == 2 + len(counts)
    for line, t in zip(lines[2:], sorted(counts)):
        m = LINE.match(line)
        assert m and m.group("type") == t and len(line.split(":")[0]) == 17
        c, f, g = counter.correct[t], counter.found[t], counter.gold[t]
        p = 100 * c / f if f else 0.0
        r = 100 * c / g if g else 0.0
        assert m.group("p") == "%6.2f" % p and m.group("r") == "%6.2f" % r
        assert m.group("f") == "%6.2f" % (2 * p * r / (p + r) if p + r else 0.0)
        assert int(m.group("found")) == f


@pytest.mark.parametrize("ending, correct", [("", 2), ("\n", 1), ("-X- O O\n", 1)])
def test_core_conlleval_a_last_token_line_gets_no_closing_boundary_step(cli, write, ending, correct):
    # gold B-PER X, guess B-PER B: the second chunks (empty type) are open at the end;
    # a final boundary line closes only the guess's, so conlleval.pl drops that correct
    # chunk, while at the end of input without one it counts it.
    result = run(cli, write, "a B-PER B-PER\nb X B\n" + ending)
    assert result.stdout.splitlines()[0] == (
        f"processed 2 tokens with 2 phrases; found: 2 phrases; correct: {correct}."
    )
