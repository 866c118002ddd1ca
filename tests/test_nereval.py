"""The nereval.perl emulation (seqeval_suite.nereval): tag splitting and label checks as
tables, hand-made cases where the script's quirks matter, a property against exact span
matching, and a differential test against the real script.

The differential test runs only when ``NEREVAL_PERL`` names a copy of GermEval 2014's
nereval.perl (2014-05-19); it is not shipped. ``NEREVAL_EXAMPLES`` sets its number of
random cases (default 300).
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seqeval_suite import DataError, evaluate
from seqeval_suite.nereval import (
    Tag,
    label_problem,
    nereval_files,
    nereval_rows,
    render_nereval,
    split_tag,
)

O4 = ("O", "O", "O", "O")


def tsv(rows, *, sep="\n") -> str:
    """A one-file input: ``index token go gi po pi`` lines; a str row is written as is."""
    lines, k = [], 0
    for row in rows:
        if isinstance(row, str):
            lines.append(row)
        else:
            k += 1
            lines.append("\t".join((str(k), f"w{k}", *row)))
    return sep.join(lines) + sep


# ---------------------------------------------------------------- tags and labels

@pytest.mark.parametrize("tag, expected", [
    ("B-LOC", ("B", "LOC", "")),
    ("B-LOCderiv", ("B", "LOC", "deriv")),
    ("I-ORGpart", ("I", "ORG", "part")),
    ("B-LOCderivpart", ("B", "LOCderiv", "part")),  # the lazy type leaves one suffix
    ("B-deriv", ("B", "deriv", "")),                # the type needs a character
    ("B-PER-deriv", ("B", "PER-", "deriv")),
    ("B-ORG-GOV", ("B", "ORG-GOV", "")),
    ("O", ("O", "", "")),
    ("I-", ("I-", "", "")),
    ("-PER", ("", "PER", "")),
])
def test_split_tag_table(tag, expected):
    assert split_tag(tag) == Tag(*expected)


@pytest.mark.parametrize("tag, problem", [
    ("O", None), ("B-PER", None), ("I-Knowledge", None), ("B-LOCpart", None),
    ("O-FOO", None),      # a chunk tag containing O is accepted without a type
    ("BO-x", None),
    ("BX-PER", None),     # contains B: accepted, though it starts nothing
    ("B-xLOCx", None),    # the type test is a substring test
    ("E-PER", "chunk"), ("S-LOC", "chunk"), ("X", "chunk"), ("-PER", "chunk"),
    ("B-FOO", "type"), ("B", "type"), ("I-", "type"), ("B-deriv", "type"), ("B-loc", "type"),
])
def test_label_problem_table(tag, problem):
    assert label_problem(split_tag(tag)) == problem


# ---------------------------------------------------------------- machine quirks

def test_nereval_chunk_runs_on_across_blank_and_comment_lines(write):
    # B-PER / blank / comment / I-PER is one chunk in both: the script never resets.
    path = write("a.tsv", tsv([("B-PER", "O", "B-PER", "O"), "", "# sentence 2", "\tignored",
                               ("I-PER", "O", "I-PER", "O"), O4]))
    r = nereval_files(path)
    assert (r.tokens, r.outer_strict.tp, r.outer_strict.found_correct, r.outer_strict.found_guessed) == (3, 1, 1, 1)


def test_nereval_sentence_start_i_continues_a_chunk(write):
    # Gold continues its PER chunk into the next sentence, the guess starts a new one
    # after O: neither chunk is correct.
    path = write("a.tsv", tsv([("B-PER", "O", "B-PER", "O"), "", ("I-PER", "O", "B-PER", "O"), O4]))
    r = nereval_files(path)
    assert (r.outer_strict.tp, r.outer_strict.found_correct, r.outer_strict.found_guessed) == (0, 1, 2)


def test_nereval_type_change_neither_starts_nor_ends():
    # B-PER I-LOC is one chunk, counted as PER; a true positive is credited to the type
    # of the chunk's last token, so LOC gets a TP but is not a listed type.
    r = nereval_rows([("B-PER", "O", "B-PER", "O"), ("I-LOC", "O", "I-LOC", "O"), O4])
    c = r.outer_strict
    assert (c.tp, c.found_correct, c.found_guessed) == (1, 1, 1)
    assert c.found_correct_per_type == {"PER": 1} and c.tp_per_type == {"LOC": 1}
    assert r.types() == ["PER"]
    assert r.metrics()["per_type"]["PER"]["outer_strict"]["tp"] == 0


def test_nereval_type_mismatch_inside_chunk_drops_it():
    r = nereval_rows([("B-PER", "O", "B-PER", "O"), ("I-LOC", "O", "I-PER", "O"), O4])
    assert (r.outer_strict.tp, r.outer_strict.found_correct, r.outer_strict.found_guessed) == (0, 1, 1)


def test_nereval_correct_chunk_at_end_of_input_not_counted():
    # No flush after the last token: both chunks are counted, neither is correct.
    r = nereval_rows([O4, ("B-PER", "B-LOC", "B-PER", "B-LOC")])
    assert (r.outer_strict.tp, r.inner_strict.tp) == (0, 0)
    assert (r.outer_strict.found_correct, r.outer_strict.found_guessed) == (1, 1)
    assert r.metrics()["strict_combined"]["precision"] == 0.0
    # One O more and both count.
    r = nereval_rows([O4, ("B-PER", "B-LOC", "B-PER", "B-LOC"), O4])
    assert (r.outer_strict.tp, r.inner_strict.tp) == (1, 1)


def test_nereval_deriv_part_strict_vs_loose():
    r = nereval_rows([("B-LOCderiv", "O", "B-LOC", "O"), ("B-ORGpart", "O", "B-ORGpart", "O"), O4])
    assert (r.outer_strict.tp, r.outer_loose.tp) == (1, 2)
    assert r.outer_strict.found_correct_per_type == {"LOCderiv": 1, "ORGpart": 1}
    assert r.outer_loose.found_correct_per_type == {"LOC": 1, "ORG": 1}
    assert r.types() == ["LOC", "LOCderiv", "ORG", "ORGpart"]
    per_type = r.metrics()["per_type"]
    assert set(per_type["LOCderiv"]) == {"outer_strict", "inner_strict"}  # no loose lines
    assert per_type["LOC"]["outer_loose"]["precision"] == 100.0
    assert per_type["LOC"]["outer_strict"]["precision"] == 0.0
    # accuracy: strict outer 2/3 (LOCderiv vs LOC differs), loose outer 3/3, inner 3/3
    m = r.metrics()
    assert m["outer_strict"]["accuracy"] == pytest.approx(100 * 2 / 3)
    assert m["strict_combined"]["accuracy"] == pytest.approx(100 * (2 + 3) / 2 / 3)
    assert m["loose_combined"]["accuracy"] == 100.0


def test_nereval_odd_chunk_tags_start_and_end_nothing():
    # BX passes the label check but is neither B nor I; B after it starts no chunk.
    r = nereval_rows([("BX-PER", "O", "BX-PER", "O"), ("B-PER", "O", "B-PER", "O"), O4])
    assert (r.outer_strict.found_correct, r.outer_strict.tp, r.outer_strict.correct_tags) == (0, 0, 3)


def test_nereval_accuracy_counts_chunk_tag_and_type():
    r = nereval_rows([("B-PER", "O", "B-LOC", "O"), ("I-PER", "O", "I-PER", "O"),
                      ("O", "B-LOC", "O", "I-LOC"), O4])
    assert (r.outer_strict.correct_tags, r.inner_strict.correct_tags) == (3, 3)
    assert r.metrics()["inner_strict"]["accuracy_fraction"] == 0.75


def test_nereval_combined_pools_counts_of_both_levels():
    r = nereval_rows([("B-PER", "B-LOC", "B-PER", "B-ORG"), ("B-ORG", "O", "O", "O"), O4])
    m = r.metrics()["strict_combined"]
    assert (m["tp"], m["found_guessed"], m["found_correct"]) == (1, 2, 3)
    assert m["precision"] == 50.0 and m["recall"] == pytest.approx(100 / 3)


def test_render_nereval_golden(write):
    # Output of nereval.perl 2014-05-19 on this input (checked with the script).
    path = write("a.tsv", tsv([O4, ("B-LOCderiv", "O", "B-LOC", "O"), ("B-ORG", "B-LOC", "B-ORG", "B-LOC"),
                               "", "# c", ("I-ORG", "O", "I-ORG", "O"), O4]))
    assert render_nereval(nereval_files(path)) == GOLDEN


GOLDEN = """\
STRICT: Found: 2 outer and 1 inner phrases; Gold: 2 (outer) and 1 (inner).
LOOSE: Found: 2 outer and 1 inner phrases; Gold: 2 (outer) and 1 (inner).

1. Strict, Combined Evaluation (official):
Accuracy:  90.00%;
Precision:  66.67%;
Recall:  66.67%;
FB1:  66.67

2. Loose, Combined Evaluation:
Accuracy: 100.00%;
Precision: 100.00%;
Recall: 100.00%;
FB1: 100.00

3.1 Per-Level Evaluation (outer chunks):
Accuracy:  80.00%;
Precision:  50.00%;
Recall:  50.00%;
FB1:  50.00

3.2 Per-Level Global Evaluation (inner chunks):
Accuracy: 100.00%;
Precision: 100.00%;
Recall: 100.00%;
FB1: 100.00


Evaluation per type and mode:
=============================

==>        LOC
==============
Outer strict: Precision:   0.00%; Recall:   0.00%; FB1:   0.00
Inner strict: Precision: 100.00%; Recall: 100.00%; FB1: 100.00
Outer loose: Precision: 100.00%; Recall: 100.00%; FB1: 100.00
Inner loose: Precision: 100.00%; Recall: 100.00%; FB1: 100.00
==>   LOCderiv
==============
Outer strict: Precision:   0.00%; Recall:   0.00%; FB1:   0.00
Inner strict: Precision:   0.00%; Recall:   0.00%; FB1:   0.00
==>        ORG
==============
Outer strict: Precision: 100.00%; Recall: 100.00%; FB1: 100.00
Inner strict: Precision:   0.00%; Recall:   0.00%; FB1:   0.00
Outer loose: Precision: 100.00%; Recall: 100.00%; FB1: 100.00
Inner loose: Precision:   0.00%; Recall:   0.00%; FB1:   0.00

"""


def test_render_nereval_no_tokens():
    assert render_nereval(nereval_rows([])) == (
        "STRICT: Found: 0 outer and 0 inner phrases; Gold: 0 (outer) and 0 (inner).\n"
        "LOOSE: Found: 0 outer and 0 inner phrases; Gold: 0 (outer) and 0 (inner).\n"
        "\nEvaluation per type and mode:\n=============================\n\n\n")


def test_render_nereval_pads_types_by_bytes():
    text = render_nereval(nereval_rows([("B-LOCé", "O", "O", "O"), O4]))
    assert "==> " + " " * 5 + "LOCé\n" in text  # %10s counts the two bytes of é


# ---------------------------------------------------------------- reading and errors

def test_nereval_files_crlf_and_trailing_tabs(write):
    rows = [("B-PER", "O", "B-PER", "O"), O4]
    plain = nereval_files(write("a.tsv", tsv(rows)))
    assert nereval_files(write("b.tsv", tsv(rows, sep="\r\n"))) == plain
    assert nereval_files(write("c.tsv", tsv(rows, sep="\t\t\n"))) == plain


@pytest.mark.parametrize("text, message", [
    ("1\tA\tO\tO\tO\tO\n1\tB\tO\tO\tO\tO\tO\n", r"x\.tsv:2: 7 fields, but the first token line has 6"),
    ("1\tA\tO\tO\tO\n", r"x\.tsv:1: 5 fields, nereval.perl needs at least 6"),
    ("# c\n-X-\tA\tO\tO\tO\tO\n", r"x\.tsv:2: first field is conlleval's boundary '-X-'"),
    ("1\tA\tO\tO\tO\tE-PER\n", r"x\.tsv:1: pred inner tag 'E-PER' has a bad chunk label"),
    ("1\tA\tB-FOO\tO\tO\tE-PER\n", r"pred inner"),  # the script's check order
    ("1\tA\tB-FOO\tO\tO\tO\n", r"x\.tsv:1: gold outer tag 'B-FOO' has a bad type label"),
])
def test_nereval_files_rejects_what_the_script_rejects(write, text, message):
    with pytest.raises(DataError, match=message):
        nereval_files(write("x.tsv", text))


def test_nereval_rows_names_the_row():
    with pytest.raises(DataError, match=r"row 2: gold inner tag 'B-FOO'"):
        nereval_rows([O4, ("O", "B-FOO", "O", "O")])
    with pytest.raises(DataError, match="row 1: 3 tags"):
        nereval_rows([("O", "O", "O")])


def germeval(rows, *, comment="# source", pred=False) -> str:
    """A GermEval 4-column file of one sentence per list of (token, outer, inner)."""
    out = []
    for sentence in rows:
        out.append(f"{comment}\t{'pred' if pred else 'gold'}")
        out += [f"{k}\t{tok}\t{o}\t{i}" for k, (tok, o, i) in enumerate(sentence, 1)]
        out.append("")
    return "\n".join(out) + "\n"


def test_nereval_files_two_files_side_by_side(write):
    gold = [[("Der", "O", "O"), ("Berliner", "B-LOCderiv", "O")], [("Senat", "B-ORG", "B-LOC"), ("tagt", "O", "O")]]
    pred = [[("Der", "O", "O"), ("Berliner", "B-LOC", "O")], [("Senat", "B-ORG", "B-LOC"), ("tagt", "O", "O")]]
    g = write("gold.tsv", germeval(gold))
    # the prediction's own comment and blank-line layout does not matter
    p = write("pred.tsv", germeval([pred[0] + pred[1]], comment="#", pred=True) + "\n\n")
    both = nereval_files(g, p)
    rows = [(go, gi, po, pi) for (_, go, gi), (_, po, pi) in zip(gold[0] + gold[1], pred[0] + pred[1])]
    assert both == nereval_rows(rows)
    assert (both.outer_strict.tp, both.outer_loose.tp, both.inner_strict.tp) == (1, 2, 1)


def test_nereval_files_two_files_mismatch(write):
    g = write("gold.tsv", germeval([[("a", "O", "O"), ("b", "O", "O")]]))
    with pytest.raises(DataError, match=r"gold\.tsv:3 and .*pred\.tsv:3: tokens differ \('b' vs 'c'\)"):
        nereval_files(g, write("pred.tsv", germeval([[("a", "O", "O"), ("c", "O", "O")]])))
    with pytest.raises(DataError, match=r"gold\.tsv:3: a token line with no partner, .*pred\.tsv has fewer"):
        nereval_files(g, write("pred.tsv", germeval([[("a", "O", "O")]])))
    with pytest.raises(DataError, match=r"pred\.tsv:2: pred outer tag 'B-FOO'"):
        nereval_files(g, write("pred.tsv", germeval([[("a", "B-FOO", "O"), ("b", "O", "O")]])))
    with pytest.raises(DataError, match=r"pred\.tsv:2: no column -2 \(the line has 1 fields\)"):
        nereval_files(g, write("pred.tsv", "#\n1\n2\n"), token_column=0)


def test_nereval_files_columns_and_comments(write):
    # token outer inner layout with '#' as a token: columns and comments overridden
    g = write("g.txt", "#\tB-PER\tO\nx\tO\tO\n")
    p = write("p.txt", "#\tB-PER\tO\nx\tO\tO\n")
    r = nereval_files(g, p, gold_columns=(1, 2), pred_columns=(1, 2), token_column=0, comments=False)
    assert (r.tokens, r.outer_strict.tp) == (2, 1)
    assert nereval_files(g, p, gold_columns=(1, 2), pred_columns=(1, 2), token_column=0).tokens == 1


def test_nereval_files_unreadable(tmp_path):
    with pytest.raises(DataError, match="cannot read"):
        nereval_files(tmp_path / "missing.tsv")


# ---------------------------------------------------------------- property: exact matching

TYPES = ["PER", "LOC", "LOCderiv", "ORGpart", "OTH"]


@st.composite
def iob2(draw, n: int) -> list[str]:
    """A well-formed IOB2 sequence of length n (I-X only after B-X or I-X)."""
    tags: list[str] = []
    for _ in range(n):
        choice = draw(st.sampled_from(["O", "O", "B", "I", "I"]))
        if choice == "I" and tags and tags[-1] != "O":
            tags.append("I-" + tags[-1][2:])
        elif choice == "B":
            tags.append("B-" + draw(st.sampled_from(TYPES)))
        else:
            tags.append("O")
    return tags


@st.composite
def layered_corpus(draw):
    """Sentences of four well-formed layers; the very last token is O everywhere, so no
    correct chunk is lost to the missing flush (N10)."""
    lengths = draw(st.lists(st.integers(1, 7), min_size=1, max_size=6))
    layers = [[draw(iob2(n)) for n in lengths] for _ in range(4)]
    for layer in layers:
        layer[-1][-1] = "O"
    return layers


def coarse(sentences):
    return [[re.sub(r"(deriv|part)$", "", t) for t in s] for s in sentences]


@settings(max_examples=150, deadline=None)
@given(layered_corpus())
def test_nereval_strict_counts_equal_exact_span_matching(layers):
    gold_o, gold_i, pred_o, pred_i = layers
    rows = [row for sents in zip(*layers) for row in zip(*sents)]
    r = nereval_rows(rows)
    for counts, gold, pred in ((r.outer_strict, gold_o, pred_o), (r.inner_strict, gold_i, pred_i),
                               (r.outer_loose, coarse(gold_o), coarse(pred_o)),
                               (r.inner_loose, coarse(gold_i), coarse(pred_i))):
        report = evaluate(gold, pred)
        micro = report.micro
        assert (counts.tp, counts.found_guessed, counts.found_correct) == (
            micro.tp, micro.tp + micro.fp, micro.tp + micro.fn)
        assert counts.tp_per_type == {t: c.tp for t, c in report.per_type.items() if c.tp}


# ---------------------------------------------------------------- differential: the real script

PERL_SCRIPT = os.environ.get("NEREVAL_PERL")
PERL = shutil.which("perl")
needs_script = pytest.mark.skipif(not (PERL_SCRIPT and PERL),
                                  reason="set NEREVAL_PERL to a copy of nereval.perl (and install perl)")
EXAMPLES = int(os.environ.get("NEREVAL_EXAMPLES", "300"))

# Mostly well-formed tags, plus ill-formed sequences, deriv/part, odd but accepted labels
# and non-ASCII types. One case in ten gets a REJECTED label, on which the script stops.
ACCEPTED = ["O"] * 8 + [
    "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-OTH", "I-OTH", "B-MISC", "I-MISC",
    "B-LOCderiv", "I-LOCderiv", "B-PERpart", "I-PERpart", "B-ORGderiv", "B-OTHpart", "I-OTHpart",
    "B-LOCderivpart", "B-PER-deriv", "I-PER-deriv", "O-LOC", "BX-PER", "IO", "B-ÉLOC", "I-ÉLOC",
]
REJECTED = ["E-PER", "B-FOO", "B", "I-", "S-LOC"]


@st.composite
def germeval_pair(draw):
    """Sentences of [token, gold outer, gold inner, pred outer, pred inner]."""
    sentences = []
    for n in draw(st.lists(st.integers(1, 6), min_size=1, max_size=5)):
        sentences.append([[draw(st.sampled_from(["Der", "Berlin", "#x", "-X-", "über"])),
                           *(draw(st.sampled_from(ACCEPTED)) for _ in range(4))] for _ in range(n)])
    if draw(st.sampled_from([False] * 9 + [True])):  # False first: Hypothesis favours index 0
        sentence = draw(st.sampled_from(sentences))
        token = draw(st.sampled_from(sentence))
        token[draw(st.integers(1, 4))] = draw(st.sampled_from(REJECTED))
    return sentences


SKIPPED = ["", "", "# source = x", "#", "\tstray"]


def run_perl(data: bytes) -> tuple[int, bytes, bytes]:
    done = subprocess.run([PERL, PERL_SCRIPT], input=data, capture_output=True, timeout=60, check=False)
    return done.returncode, done.stdout, done.stderr


OUTCOMES: Counter[str] = Counter()  # how the compared cases ended, for a curious reader


def check_against_perl(data: bytes, score) -> None:
    """Same bytes as the script, or a DataError where the script stops."""
    rc, out, err = run_perl(data)
    try:
        mine = render_nereval(score()).encode("utf-8", "surrogateescape")
    except DataError as exc:
        OUTCOMES["both stopped"] += 1
        label = re.match(rb'Error in _(chunk|type|special type)_ label', out)
        if label:  # printed to stdout, exit status 0
            assert rc == 0 and f"bad {label.group(1).decode()} label" in str(exc), (out, str(exc))
        else:
            assert rc in (1, 255) and b"unexpected number of features" in err, (rc, err, str(exc))
        return
    assert (rc, err) == (0, b""), (rc, err)
    assert mine == out
    OUTCOMES["same bytes"] += 1


@needs_script
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(germeval_pair(), st.lists(st.sampled_from(SKIPPED), max_size=8), st.data())
def test_nereval_one_file_matches_perl(sentences, skipped, data):
    extra = data.draw(st.booleans())  # a seventh field on every line is allowed
    rows = [[str(k), tok, *(["x"] if extra else []), *tags]
            for s in sentences for k, (tok, *tags) in enumerate(s, 1)]
    # One case in ten breaks a line's shape: conlleval's -X- boundary as first field,
    # or a field less (short, or a changed field count).
    fault = data.draw(st.sampled_from([None] * 18 + ["-X-", "drop"]))
    if fault:
        row = data.draw(st.sampled_from(rows))
        row[0:1] = ["-X-"] if fault == "-X-" else []
    lines: list[str] = []
    rows_left = iter(rows)
    for s in sentences:
        lines.append(skipped.pop() if skipped else "")
        lines += ["\t".join(next(rows_left)) for _ in s]
    text = "\n".join(lines) + data.draw(st.sampled_from(["\n", "", "\n\n"]))
    if data.draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    raw = text.encode("utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, "in.tsv")
        path.write_bytes(raw)
        check_against_perl(raw, lambda: nereval_files(path))


@needs_script
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(germeval_pair(), st.lists(st.sampled_from(SKIPPED), max_size=8),
       st.lists(st.sampled_from(SKIPPED), max_size=8))
def test_nereval_two_files_match_perl_on_the_pasted_file(sentences, gold_skips, pred_skips):
    # The script's input is built the way GermEval paired a system with gold: gold's
    # index and token, then gold's two tags and the system's two tags.
    gold, pred, combined = [], [], []
    for s in sentences:
        gold.append(gold_skips.pop() if gold_skips else "")
        pred.append(pred_skips.pop() if pred_skips else "")
        combined.append(gold[-1])
        for k, (tok, go, gi, po, pi) in enumerate(s, 1):
            gold.append(f"{k}\t{tok}\t{go}\t{gi}")
            pred.append(f"{k}\t{tok}\t{po}\t{pi}")
            combined.append(f"{k}\t{tok}\t{go}\t{gi}\t{po}\t{pi}")
    with tempfile.TemporaryDirectory() as tmp:
        g, p = Path(tmp, "gold.tsv"), Path(tmp, "pred.tsv")
        g.write_text("\n".join(gold) + "\n", encoding="utf-8")
        p.write_text("\n".join(pred) + "\n", encoding="utf-8")
        check_against_perl(("\n".join(combined) + "\n").encode("utf-8"), lambda: nereval_files(g, p))
