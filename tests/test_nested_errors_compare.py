"""``errors`` and ``compare`` on nested entities (issue 17): the error categories reconcile
with :func:`seqeval_suite.nested.evaluate_nested`, and compare tests its counts."""
from __future__ import annotations

import json
import shutil
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seqeval_suite.analysis import NONE, analyze_nested, classify_sentence, mark_nested
from seqeval_suite.cli.compare import compare_files
from seqeval_suite.errors import UsageError
from seqeval_suite.nested import evaluate_nested

NESTED = Path(__file__).resolve().parents[1] / "corpora" / "nested"
TYPES = ("A", "B", "C")


# ---------------------------------------------------------------------- random inputs
@st.composite
def span_corpus(draw):
    """Sentences of ``(length, gold, pred)``: any spans, nesting, crossing or repeated."""
    out = []
    for _ in range(draw(st.integers(1, 4))):
        n = draw(st.integers(1, 6))

        def entities():
            span = st.tuples(st.integers(0, n - 1), st.integers(1, n), st.sampled_from(TYPES))
            return [(min(s, e - 1), e, t) for s, e, t in draw(st.lists(span, max_size=6))]

        out.append((n, entities(), entities()))
    return out


def write_jsonl(folder: Path, corpus) -> tuple[str, str]:
    paths = []
    for side in (1, 2):
        path = folder / f"side{side}.jsonl"
        records = [{"tokens": [f"w{k}" for k in range(sentence[0])], "entities": [list(e) for e in sentence[side]]}
                   for sentence in corpus]
        path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        paths.append(str(path))
    return paths[0], paths[1]


IOB2_TAGS = ["O", "O", "B-A", "I-A", "B-B", "I-B", "I-C"]
LENIENT_TAGS = [*IOB2_TAGS, "E-A", "X"]  # lenient mode reads any scheme; X is invalid, read as O


@st.composite
def layered_corpus(draw, tags=IOB2_TAGS):
    """Sentences of ``(tokens, gold layers, pred layers)``: two tag columns a side."""
    out = []
    for _ in range(draw(st.integers(1, 4))):
        n = draw(st.integers(1, 7))
        column = st.lists(st.sampled_from(tags), min_size=n, max_size=n)
        out.append(([f"t{k}" for k in range(n)], [draw(column), draw(column)], [draw(column), draw(column)]))
    return out


def write_layered(folder: Path, corpus) -> tuple[str, str]:
    paths = []
    for side in (1, 2):
        path = folder / f"side{side}.conll"
        lines = []
        for tokens, *layers in corpus:
            columns = layers[side - 1]
            lines += ["\t".join([tok, *(c[k] for c in columns)]) for k, tok in enumerate(tokens)] + [""]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(str(path))
    return paths[0], paths[1]


def assert_reconciles(report, core) -> None:
    """Categories against evaluate_nested's exact-match counts, overall and per type."""
    g_cats, p_cats = report.overall("gold"), report.overall("pred")
    micro = core.micro
    assert sum(g_cats.values()) == micro.support and sum(p_cats.values()) == micro.predicted
    assert g_cats["spurious"] == 0 and p_cats["missed"] == 0
    assert g_cats["correct"] == p_cats["correct"] == micro.tp
    exact = report.exact_counts()
    assert (exact.tp, exact.fp, exact.fn) == (micro.tp, micro.fp, micro.fn)
    for type_ in set(core.per_type) | set(report.types):
        counts = core.per_type[type_]
        g = report.counts["gold"].get(type_, Counter())
        p = report.counts["pred"].get(type_, Counter())
        assert g["correct"] == counts.tp
        assert sum(g.values()) == counts.support and sum(p.values()) == counts.predicted
    rows, _cols, cells = report.matrix()
    for r, row in zip(rows, cells):
        assert sum(row) == (p_cats["spurious"] if r == NONE else core.per_type[r].support)
    for bins in report.buckets.values():
        assert sum(b.gold for b in bins.values()) == micro.support
        assert sum(b.pred for b in bins.values()) == micro.predicted
    for type_, bucket in report.buckets.get("type", {}).items():
        assert bucket.counts() == core.per_type[type_]
    assert report.nesting["buckets"] == core.nested["buckets"]


@settings(max_examples=80, deadline=None)
@given(span_corpus())
def test_nested_errors_span_categories_reconcile_with_evaluate_nested(corpus):
    with tempfile.TemporaryDirectory() as folder:
        gold, pred = write_jsonl(Path(folder), corpus)
        report = analyze_nested(gold, pred, format_in="jsonl")
        core = evaluate_nested(gold, pred, format_in="jsonl")
        assert_reconciles(report, core)
        # the partial-match table is evaluate_nested's, run on the same spans
        partial = evaluate_nested(gold, pred, format_in="jsonl", match="partial").partial
    assert report.to_dict()["partial_match"] == partial


@settings(max_examples=60, deadline=None)
@given(st.one_of(st.tuples(layered_corpus(LENIENT_TAGS), st.just({})),
                 st.tuples(layered_corpus(IOB2_TAGS), st.just({"mode": "strict", "scheme": "IOB2"}))))
def test_nested_errors_layered_categories_reconcile_with_evaluate_nested(case):
    corpus, scoring = case
    with tempfile.TemporaryDirectory() as folder:
        gold, pred = write_layered(Path(folder), corpus)
        report = analyze_nested(gold, pred, layers="1,2", **scoring)
        core = evaluate_nested(gold, pred, layers="1,2", **scoring)
    assert_reconciles(report, core)


@settings(max_examples=60, deadline=None)
@given(span_corpus())
def test_nested_errors_each_category_holds_its_definition(corpus):
    def overlaps(a, b):
        return a[0] < b[1] and b[0] < a[1]

    for _n, gold, pred in corpus:
        for rows, mine, others in zip(classify_sentence(gold, pred), (gold, pred), (pred, gold)):
            # errors are judged against the other side's entities that are not correct
            rest = list((Counter(others) - Counter(mine)).elements())
            for span, category, partner in rows:
                same_span = [o for o in rest if o[:2] == span[:2]]
                overlapping = [o for o in rest if overlaps(o, span)]
                if category == "correct":
                    assert partner == span
                elif category == "type":
                    assert partner in same_span
                elif category == "boundary":
                    assert not same_span and partner in overlapping and partner[2] == span[2]
                elif category == "type+boundary":
                    assert not same_span and overlapping and all(o[2] != span[2] for o in overlapping)
                else:
                    assert partner is None and not overlapping


# ---------------------------------------------------------------------- rules by example
@pytest.mark.parametrize("gold, pred, gold_categories, pred_categories", [
    # one-to-one: two identical gold entities need two predictions
    ([(0, 2, "A"), (0, 2, "A")], [(0, 2, "A")], ["correct", "missed"], ["correct"]),
    ([(0, 2, "A"), (0, 2, "A")], [(0, 2, "A"), (0, 2, "A")], ["correct", "correct"], ["correct", "correct"]),
    # the second copy is judged against the other predictions
    ([(0, 2, "A"), (0, 2, "A")], [(0, 2, "A"), (0, 1, "A")], ["correct", "boundary"], ["boundary", "correct"]),
    # inner and outer entity each matched on its own
    ([(0, 3, "ORG"), (0, 1, "LOC")], [(0, 3, "ORG"), (0, 1, "ORG")], ["type", "correct"], ["type", "correct"]),
])
def test_nested_errors_classify_table(gold, pred, gold_categories, pred_categories):
    g_rows, p_rows = classify_sentence(gold, pred)
    assert [c for _, c, _ in g_rows] == gold_categories
    assert [c for _, c, _ in p_rows] == pred_categories


@pytest.mark.parametrize("gold, pred, gold_rows, pred_rows", [
    # a correct prediction explains its twin only: the inner gold entity is missed ...
    ([(0, 3, "ORG"), (2, 3, "LOC")], [(0, 3, "ORG")],
     [((0, 3, "ORG"), "correct", (0, 3, "ORG")), ((2, 3, "LOC"), "missed", None)],
     [((0, 3, "ORG"), "correct", (0, 3, "ORG"))]),
    # ... and an inner prediction inside a correct outer one is spurious
    ([(0, 3, "ORG")], [(0, 3, "ORG"), (2, 3, "LOC")],
     [((0, 3, "ORG"), "correct", (0, 3, "ORG"))],
     [((0, 3, "ORG"), "correct", (0, 3, "ORG")), ((2, 3, "LOC"), "spurious", None)]),
    # the outer gold entity is a boundary error against the near miss, not the correct inner one
    ([(1, 7, "ORG"), (1, 4, "ORG")], [(1, 4, "ORG"), (1, 6, "ORG")],
     [((1, 4, "ORG"), "correct", (1, 4, "ORG")), ((1, 7, "ORG"), "boundary", (1, 6, "ORG"))],
     [((1, 4, "ORG"), "correct", (1, 4, "ORG")), ((1, 6, "ORG"), "boundary", (1, 7, "ORG"))]),
])
def test_nested_errors_correct_entities_explain_no_error(gold, pred, gold_rows, pred_rows):
    assert classify_sentence(gold, pred) == (gold_rows, pred_rows)


@pytest.mark.parametrize("spans, focus, expected", [
    ([(1, 4, "ORG"), (1, 3, "ORG"), (1, 2, "LOC")], 2, "at [[{Ulm}LOC University]ORG Hospital]ORG"),
    ([(1, 2, "LOC")], None, "at [Ulm]LOC University Hospital"),
    ([], None, "at Ulm University Hospital"),
    ([(1, 3, "X"), (1, 3, "X")], 0, "at {[Ulm University]X}X Hospital"),
    ([(1, 3, "X"), (2, 4, "Y")], 1, "at Ulm {University Hospital}Y | at [Ulm University]X Hospital"),
])
def test_nested_errors_mark_nested_table(spans, focus, expected):
    assert mark_nested(["at", "Ulm", "University", "Hospital"], 4, spans, focus) == expected


# ---------------------------------------------------------------------- the example corpus
def _without_places(data: dict) -> dict:
    for example in data["examples"]:
        example.pop("line")
        example.pop("document")
    return data


def test_nested_errors_same_report_from_layered_jsonl_and_brat():
    layered = analyze_nested(str(NESTED / "gold.conll"), str(NESTED / "pred.conll"), layers="1,2,3").to_dict()
    jsonl = analyze_nested(str(NESTED / "gold.jsonl"), str(NESTED / "pred.jsonl")).to_dict()
    brat = analyze_nested(str(NESTED / "gold.brat"), str(NESTED / "pred.brat")).to_dict()
    assert _without_places(layered) == _without_places(jsonl) == _without_places(brat)
    # Mayor of Lund (PER) is missed: the correct prediction Lund (LOC) explains its gold twin only
    assert layered["categories"]["gold"] == {"correct": 10, "type": 1, "boundary": 3, "type+boundary": 0,
                                             "missed": 1}
    first = layered["examples"][0]
    assert first["category"] == "type" and first["gold"] == {"text": "Ulm", "type": "LOC"}
    assert first["marked_gold"] == "She works at [[{Ulm}LOC University]ORG Hospital]ORG ."
    assert first["marked_pred"] == "She works at [[{Ulm}ORG University]ORG Hospital]ORG ."


def test_nested_errors_cli_table_has_the_nesting_section(cli):
    result = cli("errors", NESTED / "gold.conll", NESTED / "pred.conll", "--layers", "1,2,3")
    assert result.exit_code == 0, result.stderr
    assert "Exact-match F1 by nesting" in result.stdout
    assert "nested    12    10" in result.stdout
    assert "gold: The [Bank of {New York}LOC]ORG opened in Boston ." in result.stdout


@pytest.mark.parametrize("fmt", ["json", "csv", "markdown", "latex"])
def test_nested_errors_cli_formats(cli, fmt):
    result = cli("errors", NESTED / "gold.brat", NESTED / "pred.brat", "-f", fmt)
    assert result.exit_code == 0, result.stderr
    assert "inner" in result.stdout
    if fmt == "json":
        assert json.loads(result.stdout)["nested"]["max_depth"] == {"gold": 3, "pred": 3}


def test_nested_errors_one_file_and_token_column(cli, write):
    rows = [line.split("\t") for line in (NESTED / "gold.conll").read_text().splitlines()]
    preds = [line.split("\t") for line in (NESTED / "pred.conll").read_text().splitlines()]
    lines = []
    for k, (g, p) in enumerate(zip(rows, preds)):
        lines.append("\t".join([str(k), *g, *p[1:]]) if g != [""] else "")
    both = write("both.tsv", "\n".join(lines) + "\n")
    two_files = cli("errors", NESTED / "gold.conll", NESTED / "pred.conll", "--layers", "1,2,3", "-f", "json")
    one_file = cli("errors", both, "--layers", "2,3,4:5,6,7", "--token-column", "1", "-f", "json")
    assert one_file.exit_code == 0, one_file.stderr
    assert json.loads(one_file.stdout) == json.loads(two_files.stdout)


def test_nested_errors_train_strings_read_like_gold(cli):
    result = cli("errors", NESTED / "gold.jsonl", NESTED / "pred.jsonl", "--nested", "--train",
                 NESTED / "gold.jsonl", "-f", "json")
    assert result.exit_code == 0, result.stderr
    seen = json.loads(result.stdout)["buckets"]["in_train"]
    assert seen["seen"]["support"] == 15 and seen.get("unseen", {}).get("support", 0) == 0


def test_nested_errors_documents_name_brat_examples(cli, tmp_path):
    folder = tmp_path / "gold"
    shutil.copytree(NESTED / "gold.brat", folder)
    pred = tmp_path / "pred"
    shutil.copytree(NESTED / "pred.brat", pred)
    for side in (folder, pred):  # a first document (a.ann sorts first) predicted without error
        for ext in ("ann", "txt"):
            shutil.copy(folder / f"news.{ext}", side / f"a.{ext}")
    result = cli("errors", folder, pred)
    assert result.exit_code == 0, result.stderr
    # BRAT numbers lines per .txt: the document tells which
    assert "1. type (document 2, sentence 7, line 1)" in result.stdout


# ---------------------------------------------------------------------- compare
def test_nested_compare_system_with_itself_p_one_and_zero_width_ci(cli):
    pred = NESTED / "pred.conll"
    result = cli("compare", NESTED / "gold.conll", pred, pred, "--layers", "1,2,3", "-f", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["p_value"] == 1.0 and data["delta"] == 0.0 and data["better"] is None
    assert data["ci"]["low"] == data["ci"]["high"] == 0.0
    assert "nested:cols-1.2.3" in data["signature"]


@pytest.mark.parametrize("gold, pred, options", [
    ("gold.conll", "pred.conll", {"layers": "1,2,3"}),
    ("gold.jsonl", "pred.jsonl", {}),
    ("gold.brat", "pred.brat", {}),
    ("gold.conll", "pred.conll", {"layers": "1,2,3", "type_map": "PROTEIN=,DNA=MOL"}),
])
def test_nested_compare_point_is_evaluate_nested_micro_f1(gold, pred, options):
    gold, pred = str(NESTED / gold), str(NESTED / pred)
    data, _warnings = compare_files(gold, pred, gold, resamples=50, nested=options)
    assert data["systems"]["a"]["micro_f1"] == pytest.approx(evaluate_nested(gold, pred, **options).micro.f1,
                                                             rel=1e-12)
    assert data["systems"]["b"]["micro_f1"] == 1.0
    assert data["sentences"] == 6


@st.composite
def two_systems(draw):
    """A span corpus and a second system's predictions for the same sentences."""
    corpus = draw(span_corpus())
    other = draw(st.lists(span_corpus(), min_size=1, max_size=1))[0]
    pred_b = []
    for k, (n, _gold, _pred) in enumerate(corpus):
        spans = other[k % len(other)][2]
        pred_b.append([(s, e, t) for s, e, t in spans if e <= n])
    return corpus, pred_b


@settings(max_examples=25, deadline=None)
@given(two_systems())
def test_nested_compare_points_equal_evaluate_nested_on_random_spans(systems):
    corpus, pred_b = systems
    with tempfile.TemporaryDirectory() as folder:
        gold, pred_a = write_jsonl(Path(folder), corpus)
        (Path(folder) / "b").mkdir()
        _, pred_b = write_jsonl(Path(folder) / "b", [(n, g, p) for (n, g, _), p in zip(corpus, pred_b)])
        data, _ = compare_files(gold, pred_a, pred_b, resamples=20, nested={"format_in": "jsonl"})
        for name, pred in (("a", pred_a), ("b", pred_b)):
            # stats computes 2tp / (2tp + fp + fn), Counts 2pr / (p + r): equal up to rounding
            expected = evaluate_nested(gold, pred, format_in="jsonl").micro.f1
            assert data["systems"][name]["micro_f1"] == pytest.approx(expected, rel=1e-12, abs=1e-15)


def test_nested_compare_without_any_entity_scores_zero(write):
    gold = write("empty.jsonl", '{"tokens": ["a", "b"], "entities": []}\n' * 3)
    data, _ = compare_files(gold, gold, gold, resamples=20, nested={})
    assert data["p_value"] == 1.0 and data["systems"]["a"]["micro_f1"] == 0.0


def test_nested_compare_unit_document(cli):
    layered = cli("compare", NESTED / "gold.conll", NESTED / "pred.conll", NESTED / "gold.conll",
                  "--layers", "1,2,3", "--unit", "document", "-f", "json")
    assert layered.exit_code == 0, layered.stderr
    assert json.loads(layered.stdout)["unit"] == "document"
    spans = cli("compare", NESTED / "gold.jsonl", NESTED / "pred.jsonl", NESTED / "gold.jsonl", "--nested",
                "--unit", "document")
    assert spans.exit_code == 2 and spans.stdout == ""
    assert "--unit document needs layered CoNLL gold" in spans.stderr


# ---------------------------------------------------------------------- bad inputs
def _short(write, name: str) -> str:
    text = (NESTED / name).read_text()
    if name.endswith(".jsonl"):
        return write("short.jsonl", "".join(text.splitlines(keepends=True)[:2]))
    return write("short.conll", text.split("\n\n")[0] + "\n")


@pytest.mark.parametrize("command", ["errors", "compare"])
@pytest.mark.parametrize("gold, options", [("gold.conll", ["--layers", "1,2,3"]), ("gold.jsonl", ["--nested"])])
def test_nested_errors_compare_misaligned_names_both_files_and_the_sentence(cli, write, command, gold, options):
    short = _short(write, "pred" + Path(gold).suffix)
    gold = NESTED / gold
    args = [gold, short] if command == "errors" else [gold, short, gold]
    result = cli(command, *args, *options)
    assert result.exit_code == 1 and result.stdout == ""
    assert str(gold) in result.stderr and "short." in result.stderr and "sentence" in result.stderr


def test_nested_errors_compare_token_mismatch_names_both_files(cli, write):
    changed = write("changed.conll", (NESTED / "pred.conll").read_text().replace("Boston", "Bostn"))
    for args in (["errors", NESTED / "gold.conll", changed], ["compare", NESTED / "gold.conll", changed, changed]):
        result = cli(*args, "--layers", "1,2,3")
        assert result.exit_code == 1
        assert "gold.conll:16" in result.stderr and "changed.conll:16" in result.stderr
        assert "sentence 2" in result.stderr


@pytest.mark.parametrize("args", [
    ["errors", "gold.conll", "pred.conll", "--layers", "1,2,3", "--mode", "conlleval"],
    ["compare", "gold.conll", "pred.conll", "gold.conll", "--layers", "1,2,3", "--mode", "conlleval"],
    ["errors", "gold.brat", "pred.brat", "--mode", "conlleval"],
    ["compare", "gold.brat", "pred.brat", "gold.brat", "--mode", "conlleval"],
    ["errors", "gold.conll", "pred.conll", "--type-map", "LOC=ORG"],
    ["compare", "gold.conll", "pred.conll", "gold.conll", "--type-map", "LOC=ORG"],
    ["errors", "gold.conll", "pred.conll", "--token-column", "1"],
    ["errors", "gold.brat", "pred.brat", "--token-column", "1"],
    ["errors", "gold.conll", "pred.conll", "--layers", "1,2,3", "--layer-names", "a,b,c"],
    ["compare", "gold.conll", "pred.conll", "gold.conll", "--layers", "1,2,3", "--layer-names", "a,b,c"],
    ["errors", "gold.conll", "pred.conll", "--nested"],
])
def test_nested_errors_compare_usage_errors_exit_2(cli, args):
    command, *rest = args
    paths = [NESTED / a if a.startswith(("gold.", "pred.")) else a for a in rest]
    result = cli(command, *paths)
    assert result.exit_code == 2 and result.stdout == ""
    assert "Traceback" not in result.stderr


def test_nested_errors_compare_stdin_is_a_usage_error(cli):
    text = (NESTED / "gold.conll").read_text()
    for args in (["errors", "-", NESTED / "pred.conll"], ["compare", "-", NESTED / "pred.conll", NESTED / "pred.conll"]):
        result = cli(*args, "--layers", "1,2,3", input=text)
        assert result.exit_code == 2 and "stdin" in result.stderr


def test_nested_errors_api_refuses_conlleval():
    with pytest.raises(UsageError, match="conlleval"):
        analyze_nested(str(NESTED / "gold.conll"), str(NESTED / "pred.conll"), layers="1,2,3", mode="conlleval")
