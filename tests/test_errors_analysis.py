"""Error taxonomy, confusion matrix, examples and buckets (seqeval_suite.analysis)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seqeval_suite import evaluate
from seqeval_suite.analysis import CATEGORIES, NONE, analyze, classify, classify_sentence, mark
from seqeval_suite.errors import UsageError
from seqeval_suite.partial import score_spans
from oracles import decode_lenient
from seqeval_suite.schemes import TagTable

from conftest import conll

TAGS = ["O", "O", "B-A", "I-A", "B-B", "I-B", "E-A", "S-B", "I-C", "X"]
sentences = st.lists(st.lists(st.sampled_from(TAGS), min_size=1, max_size=9), min_size=1, max_size=5)


@st.composite
def gold_and_pred(draw):
    gold = draw(sentences)
    pred = [draw(st.lists(st.sampled_from(TAGS), min_size=len(g), max_size=len(g))) for g in gold]
    return gold, pred


@settings(max_examples=120, deadline=None)
@given(gold_and_pred())
def test_errors_every_entity_once_and_reconciles_with_exact_match(data):
    gold, pred = data
    report = analyze(gold, pred)
    core = evaluate(gold, pred)
    table = TagTable()
    n_gold = sum(len(decode_lenient(table.parse_all(g))) for g in gold)
    n_pred = sum(len(decode_lenient(table.parse_all(p))) for p in pred)
    g_cats, p_cats = report.overall("gold"), report.overall("pred")
    # exactly one category per entity
    assert sum(g_cats.values()) == n_gold and sum(p_cats.values()) == n_pred
    assert g_cats["spurious"] == 0 and p_cats["missed"] == 0
    # categories reconcile with exact-match TP/FP/FN, overall and per type
    exact = report.exact_counts()
    assert (exact.tp, exact.fp, exact.fn) == (core.micro.tp, core.micro.fp, core.micro.fn)
    assert g_cats["correct"] == p_cats["correct"]
    # a type error or boundary error is seen from both sides or neither
    assert (g_cats["type"] > 0) == (p_cats["type"] > 0)
    for type_, counts in core.per_type.items():
        g = report.counts["gold"].get(type_, {})
        p = report.counts["pred"].get(type_, {})
        assert g.get("correct", 0) == counts.tp
        assert sum(g.values()) == counts.support and sum(p.values()) == counts.predicted
    # confusion: rows sum to gold per type, the none row holds the spurious predictions
    rows, cols, cells = report.matrix()
    for r, row in zip(rows, cells):
        if r == NONE:
            assert sum(row) == p_cats["spurious"]
        else:
            assert sum(row) == core.per_type[r].support
    # buckets partition the entities; the type bucket is core's per-type F1
    for bins in report.buckets.values():
        assert sum(b.gold for b in bins.values()) == n_gold
        assert sum(b.pred for b in bins.values()) == n_pred
    for type_, bucket in report.buckets.get("type", {}).items():
        assert bucket.counts() == core.per_type[type_]


@settings(max_examples=60, deadline=None)
@given(gold_and_pred())
def test_errors_partial_match_table_equals_partial_module(data):
    gold, pred = data
    table = TagTable()
    spans = lambda seqs: [decode_lenient(table.parse_all(s)) for s in seqs]  # noqa: E731
    assert analyze(gold, pred).to_dict()["partial_match"] == score_spans(spans(gold), spans(pred))


@pytest.mark.parametrize("entity, others, gold_side, expected", [
    ((0, 2, "A"), [(0, 2, "A")], True, "correct"),
    ((0, 2, "A"), [(0, 2, "B")], True, "type"),
    ((0, 2, "A"), [(1, 3, "A")], True, "boundary"),
    ((0, 2, "A"), [(1, 3, "B")], True, "type+boundary"),
    ((0, 2, "A"), [(2, 3, "A")], True, "missed"),
    ((0, 2, "A"), [(2, 3, "A")], False, "spurious"),
    # same span wins over an overlapping span of the same type
    ((0, 2, "A"), [(0, 1, "A"), (0, 2, "B")], True, "type"),
    # an overlap of the same type wins over one of another type
    ((1, 3, "A"), [(0, 2, "B"), (2, 4, "A")], True, "boundary"),
])
def test_errors_classify_table(entity, others, gold_side, expected):
    assert classify(entity, others, gold_side=gold_side)[0] == expected


def test_errors_classify_sentence_sides_agree_on_a_type_error():
    gold, pred = classify_sentence([(0, 2, "A")], [(0, 2, "B")])
    assert gold == [((0, 2, "A"), "type", (0, 2, "B"))]
    assert pred == [((0, 2, "B"), "type", (0, 2, "A"))]


def test_errors_mark_brackets_the_span():
    assert mark(["a", "b", "c"], 3, (1, 3, "X")) == "a [b c]X"
    assert mark(None, 2, None) == "_ _"


def _files(write):
    gold = conll([
        [("Ann", "B-PER"), ("Lee", "I-PER"), ("met", "O"), ("Bob", "B-PER")],
        [("in", "O"), ("Paris", "B-LOC"), ("today", "O")],
        [("Acme", "B-ORG"), ("Corp", "I-ORG"), ("won", "O")],
    ])
    pred = conll([
        [("Ann", "B-PER"), ("Lee", "O"), ("met", "O"), ("Bob", "O")],
        [("in", "O"), ("Paris", "B-ORG"), ("today", "B-MISC")],
        [("Acme", "B-ORG"), ("Corp", "I-ORG"), ("won", "O")],
    ])
    train = conll([[("Paris", "B-LOC"), ("Acme", "B-ORG"), ("Corp", "I-ORG")]])
    return write("gold.conll", gold), write("pred.conll", pred), write("train.conll", train)


def test_errors_report_on_files(write):
    gold, pred, train = _files(write)
    data = analyze(gold, pred, train=train, top=10).to_dict()
    assert data["categories"]["gold"] == {"correct": 1, "type": 1, "boundary": 1, "type+boundary": 0, "missed": 1}
    assert data["categories"]["pred"] == {"correct": 1, "type": 1, "boundary": 1, "type+boundary": 0,
                                          "spurious": 1}
    seen = data["buckets"]["in_train"]
    assert (seen["seen"]["support"], seen["seen"]["tp"]) == (2, 1)  # Paris (type error), Acme Corp
    assert seen["unseen"]["support"] == 2
    assert data["confusion"]["rows"] == ["LOC", "ORG", "PER", "none"]
    first = {e["category"]: e for e in data["examples"]}
    assert first["boundary"]["marked_gold"] == "[Ann Lee]PER met Bob"
    assert first["boundary"]["marked_pred"] == "[Ann]PER Lee met Bob"
    assert first["spurious"]["pred"] == {"text": "today", "type": "MISC"}
    assert first["missed"]["line"] == 1


def test_errors_strict_mode_matches_evaluate(write):
    gold = [["B-A", "I-A", "O", "I-B"], ["S-A", "O"]]
    pred = [["B-A", "I-A", "O", "B-B"], ["B-A", "O"]]
    report = analyze(gold, pred, mode="strict", scheme="IOBES")
    core = evaluate(gold, pred, mode="strict", scheme="IOBES")
    exact = report.exact_counts()
    assert (exact.tp, exact.fp, exact.fn) == (core.micro.tp, core.micro.fp, core.micro.fn)


def test_errors_conlleval_mode_is_a_usage_error():
    with pytest.raises(UsageError, match="conlleval"):
        analyze([["B-A"]], [["B-A"]], mode="conlleval")


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "markdown", "latex"])
def test_errors_cli_formats(cli, write, fmt):
    gold, pred, train = _files(write)
    result = cli("errors", gold, pred, "--train", train, "-f", fmt)
    assert result.exit_code == 0, result.stderr
    assert "boundary" in result.stdout
    if fmt == "json":
        assert json.loads(result.stdout)["exact_match"]["tp"] == 1


def test_errors_cli_output_file_and_top(cli, write, tmp_path):
    gold, pred, _ = _files(write)
    out = tmp_path / "errors.json"
    result = cli("errors", gold, pred, "--top", "1", "-f", "json", "-o", str(out))
    assert result.exit_code == 0 and result.stdout == ""
    assert len(json.loads(out.read_text())["examples"]) == 1


@pytest.mark.parametrize("args, code", [
    (["--mode", "conlleval"], 2),
    (["--top", "-1"], 2),
])
def test_errors_cli_usage_errors(cli, write, args, code):
    gold, pred, _ = _files(write)
    result = cli("errors", gold, pred, *args)
    assert result.exit_code == code and result.stdout == ""
    assert "Traceback" not in result.stderr


def test_errors_cli_missing_file_is_one_clear_line(cli, write):
    gold, _, _ = _files(write)
    result = cli("errors", gold, gold + ".missing")
    assert result.exit_code in (1, 2) and result.stdout == ""
    assert "no such file" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_errors_categories_are_complete():
    assert CATEGORIES == ("correct", "type", "boundary", "type+boundary", "missed", "spurious")


def test_errors_reads_stdin_with_the_same_result_and_tokens(cli):
    path = Path(__file__).resolve().parent.parent / "corpora" / "examples" / "news.conll"
    from_file = cli("errors", path, "-f", "json")
    from_stdin = cli("errors", "-", "-f", "json", input=path.read_text())
    assert from_stdin.exit_code == 0
    assert json.loads(from_stdin.stdout)["examples"] == json.loads(from_file.stdout)["examples"]
    assert "[Munich]LOC" in json.dumps(json.loads(from_stdin.stdout)["examples"])


def test_examples_of_a_very_long_sentence_keep_context_around_the_error(write):
    """A file without blank lines is one sentence: each error example used to hold the
    whole of it twice (a 190k-token one ran out of memory); now 50 tokens either side."""
    from seqeval_suite.analysis import EXAMPLE_CONTEXT

    n = 3000
    words = [f"w{k}" for k in range(n)]
    gold_tags = ["O"] * n
    pred_tags = ["O"] * n
    gold_tags[1500], gold_tags[1501] = "B-PER", "I-PER"   # boundary error at 1500
    pred_tags[1500] = "B-PER"
    gold_tags[3], pred_tags[2998] = "B-LOC", "B-ORG"      # missed near the start, spurious near the end
    gold = write("gold.conll", conll([list(zip(words, gold_tags))]))
    pred = write("pred.conll", conll([list(zip(words, pred_tags))]))
    examples = {e["category"]: e for e in analyze(gold, pred).to_dict()["examples"]}
    boundary = examples["boundary"]
    before = " ".join(words[1500 - EXAMPLE_CONTEXT:1500])
    after = " ".join(words[1502:1502 + EXAMPLE_CONTEXT])
    assert boundary["marked_gold"] == f"… {before} [w1500 w1501]PER {after} …"
    assert boundary["marked_pred"] == f"… {before} [w1500]PER w1501 {after} …"
    assert examples["missed"]["marked_gold"] == " ".join(words[:3]) + " [w3]LOC " + " ".join(words[4:54]) + " …"
    assert examples["spurious"]["marked_pred"] == "… " + " ".join(words[2948:2998]) + " [w2998]ORG w2999"


def test_nested_examples_of_a_long_sentence_cut_every_copy(tmp_path):
    """Crossing spans are shown in separate copies joined by ' | '; each copy of a cut
    sentence carries its own ellipses."""
    from seqeval_suite.analysis import analyze_nested

    n = 300
    layer1, layer2 = ["O"] * n, ["O"] * n
    layer1[100:104] = ["B-ORG", "I-ORG", "I-ORG", "I-ORG"]
    layer2[102:106] = ["B-LOC", "I-LOC", "I-LOC", "I-LOC"]  # crosses the ORG
    gold = tmp_path / "g.conll"
    pred = tmp_path / "p.conll"
    gold.write_text("".join(f"w{k} {a} {b}\n" for k, (a, b) in enumerate(zip(layer1, layer2))) + "\n")
    pred.write_text("".join(f"w{k} {a} O\n" for k, a in enumerate(layer1)) + "\n")
    examples = analyze_nested(str(gold), str(pred), layers="1,2").to_dict()["examples"]
    copies = [c for e in examples for c in e["marked_gold"].split(" | ")]
    assert len(copies) >= 2
    assert all(c.startswith("… w50 ") and c.endswith(" w155 …") for c in copies), copies


def test_errors_json_names_inputs_by_role(tmp_path):
    gold, pred = tmp_path / "g.conll", tmp_path / "p.conll"
    gold.write_text("w B-PER\nx O\n\n", encoding="utf-8")
    pred.write_text("-DOCSTART- O\n\nw B-PER\nx I-\n\n", encoding="utf-8")
    report = analyze(str(gold), str(pred))
    assert any(str(pred) in w for w in report.warnings)  # stderr names the files
    data = report.to_dict()
    assert data["warnings"] and not any(str(tmp_path) in w for w in data["warnings"])
    assert "-DOCSTART- lines differ: gold has 0, prediction has 1; documents are taken from gold" in data["warnings"]
