"""``seqeval-suite threshold`` and :mod:`seqeval_suite.thresholds` (issue 18).

The oracle is scikit-learn, as the issue states it: on the same matched/unmatched
predictions, our precision at each threshold is ``precision_recall_curve``'s, our
recall is its recall times matched / gold, and average precision is
``average_precision_score`` times the same factor.
"""
from __future__ import annotations

import json
import math
import os
import struct
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from seqeval_suite.counts import Counts
from seqeval_suite.errors import DataError, UsageError
from seqeval_suite.thresholds import Curve, Point, curve, match, operating_points, read_operating_points

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "corpora" / "thresholds"
TYPES = ("PER", "LOC", "ORG")
#: A few values many scores share (ties), and any float in [0, 1].
SCORES = st.one_of(st.sampled_from([0.1, 0.25, 0.5, 0.75, 0.9, 1.0]), st.floats(0, 1))


# ---------------------------------------------------------------------- strategies
@st.composite
def entities(draw):
    start = draw(st.integers(0, 6))
    return start, start + draw(st.integers(1, 3)), draw(st.sampled_from(TYPES))


@st.composite
def corpora(draw):
    """``(gold, predicted)`` per sentence: some predictions repeat a gold entity (also
    twice, so one-to-one matching matters), the others are random entities."""
    gold, predicted = [], []
    for _ in range(draw(st.integers(1, 5))):
        g = draw(st.lists(entities(), max_size=4))
        hits = draw(st.lists(st.sampled_from(g), max_size=5)) if g else []
        others = draw(st.lists(entities(), max_size=4))
        p = [(s, e, t, draw(SCORES)) for s, e, t in hits + others]
        gold.append(g)
        predicted.append(draw(st.permutations(p)))
    return gold, predicted


def outcomes(gold, predicted, kind=None):
    """``(y_true, y_score)`` for scikit-learn: our matching's flags and the scores."""
    y_true, y_score = [], []
    for g, p in zip(gold, predicted):
        for entity, hit in zip(p, match(g, p)):
            if kind is None or entity[2] == kind:
                y_true.append(int(hit))
                y_score.append(entity[3])
    return y_true, y_score


def assert_sklearn_oracle(c: Curve, y_true, y_score, gold: int):
    """The issue's oracle for one curve."""
    from sklearn.metrics import average_precision_score, precision_recall_curve

    precision, recall, thresholds = c.sklearn_layout()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "No positive class found in y_true"
        sk_p, sk_r, sk_t = precision_recall_curve(y_true, y_score)
        sk_ap = average_precision_score(y_true, y_score)
    assert thresholds == sk_t.tolist()
    assert precision == sk_p.tolist()
    matched = sum(y_true)
    assert c.gold == gold
    if matched:
        factor = matched / gold
        assert recall == pytest.approx((sk_r * factor).tolist(), rel=1e-12, abs=1e-15)
        assert c.average_precision == pytest.approx(sk_ap * factor, rel=1e-12, abs=1e-15)
    else:  # nothing matched: our recall is 0 everywhere (scikit-learn sets its to 1)
        assert set(recall) == {0.0}
        assert c.average_precision == 0.0


# ---------------------------------------------------------------------- the oracle
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corpora())
def test_curve_matches_sklearn_precision_recall_curve_overall(corpus):
    gold, predicted = corpus
    y_true, y_score = outcomes(gold, predicted)
    assume(y_score)
    report = operating_points(gold, predicted)
    assert_sklearn_oracle(report.overall, y_true, y_score, sum(map(len, gold)))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corpora())
def test_curve_matches_sklearn_per_type(corpus):
    gold, predicted = corpus
    report = operating_points(gold, predicted)
    for kind, c in report.per_type.items():
        y_true, y_score = outcomes(gold, predicted, kind)
        n_gold = sum(e[2] == kind for g in gold for e in g)
        if not y_score:
            assert c.points == () and c.gold == n_gold and c.best() is None
            continue
        assert_sklearn_oracle(c, y_true, y_score, n_gold)


@settings(max_examples=100, deadline=None)
@given(corpora())
def test_per_type_curve_is_the_curve_of_that_type_alone(corpus):
    gold, predicted = corpus
    report = operating_points(gold, predicted)
    for kind, c in report.per_type.items():
        alone = operating_points([[e for e in g if e[2] == kind] for g in gold],
                                 [[e for e in p if e[2] == kind] for p in predicted])
        assert alone.overall == c


@settings(max_examples=100, deadline=None)
@given(corpora(), st.sampled_from([0.5, 1.0, 2.0]))
def test_best_threshold_maximises_fbeta_and_prefers_the_highest_threshold(corpus, beta):
    gold, predicted = corpus
    c = operating_points(gold, predicted).overall
    best = c.best(beta)
    if not c.points:
        assert best is None
        return

    def exact(p: Point) -> float:  # from the counts, as the rule says
        b2, k = beta * beta, p.counts
        return (1 + b2) * k.tp / ((1 + b2) * k.tp + b2 * k.fn + k.fp) if k.tp else 0.0

    top = max(exact(p) for p in c.points)
    assert exact(best) == pytest.approx(top)
    assert best.threshold == max(p.threshold for p in c.points if math.isclose(exact(p), top))


# ---------------------------------------------------------------------- rules, as tables
@pytest.mark.parametrize("gold, predicted, expected", [
    ([(0, 1, "PER")], [(0, 1, "PER", 0.2), (0, 1, "PER", 0.9)], [False, True]),   # higher score wins
    ([(0, 1, "PER")], [(0, 1, "PER", 0.5), (0, 1, "PER", 0.5)], [True, False]),   # equal: file order
    ([(0, 1, "PER")] * 2, [(0, 1, "PER", 0.1), (0, 1, "PER", 0.3)], [True, True]),  # gold is a multiset
    ([(0, 1, "PER")], [(0, 1, "LOC", 0.9)], [False]),                              # type must agree
    ([(0, 2, "PER")], [(0, 1, "PER", 0.9)], [False]),                              # span must agree
])
def test_match_is_one_to_one_by_score(gold, predicted, expected):
    assert match(gold, predicted) == expected


def test_curve_groups_equal_scores_into_one_threshold_and_keeps_scores_at_or_above():
    c = curve([(0.5, True), (0.9, False), (0.5, False), (0.1, True)], gold=5)
    assert [(p.threshold, p.counts) for p in c.points] == [
        (0.9, Counts(0, 1, 5)), (0.5, Counts(1, 2, 4)), (0.1, Counts(2, 2, 3))]
    precision, recall, thresholds = c.sklearn_layout()
    assert thresholds == [0.1, 0.5, 0.9]
    assert precision[-1] == 1.0 and recall[-1] == 0.0  # scikit-learn's appended point


def test_best_threshold_tie_goes_to_the_highest_threshold():
    # F1 at 0.8: P=1, R=1/2 -> 2/3; at 0.4: P=2/4, R=2/2 -> 2/3: a tie.
    c = curve([(0.8, True), (0.4, True), (0.4, False), (0.4, False)], gold=2)
    assert [p.counts.f1 for p in c.points] == pytest.approx([2 / 3, 2 / 3])
    assert c.best().threshold == 0.8


def test_no_prediction_gives_no_best_threshold_and_zero_ap():
    report = operating_points([[(0, 1, "PER")]], [[]])
    assert report.overall.best() is None
    assert report.overall.average_precision == 0.0
    assert report.per_type["PER"].gold == 1 and report.per_type["PER"].predicted == 0


def test_gold_never_predicted_lowers_recall_at_every_threshold():
    report = operating_points([[(0, 1, "PER"), (2, 3, "PER")]], [[(0, 1, "PER", 0.7)]])
    assert [p.counts.recall for p in report.overall.points] == [0.5]
    assert report.overall.average_precision == 0.5


@pytest.mark.parametrize("score", [float("nan"), float("inf"), "0.5", True, None])
def test_api_refuses_a_score_that_is_not_a_finite_number(score):
    with pytest.raises(DataError, match="sentence 1"):
        operating_points([[]], [[(0, 1, "PER", score)]])


def test_api_refuses_uneven_sentences_and_a_bad_beta():
    with pytest.raises(UsageError):
        operating_points([[]], [])
    with pytest.raises(UsageError):
        operating_points([[]], [[]], beta=0)


# ---------------------------------------------------------------------- the three input forms
GOLD_CONLL = "Ann B-PER\nLee I-PER\nvisited O\nParis B-LOC\n. O\n\nBob B-PER\nsaw O\nOslo B-LOC\n"
#: The same predictions in every form: Ann Lee PER 0.9 (hit), Paris ORG 0.6 (miss),
#: Bob PER 0.6 (hit), Oslo LOC 0.3 (hit), saw LOC 0.3 (miss).
PRED_ENTITIES = [[(0, 2, "PER", 0.9), (3, 4, "ORG", 0.6)], [(0, 1, "PER", 0.6), (1, 2, "LOC", 0.3),
                                                          (2, 3, "LOC", 0.3)]]
TOKENS = [["Ann", "Lee", "visited", "Paris", "."], ["Bob", "saw", "Oslo"]]


def expected_report():
    gold = [[(0, 2, "PER"), (3, 4, "LOC")], [(0, 1, "PER"), (2, 3, "LOC")]]
    return operating_points(gold, PRED_ENTITIES)


def write_scored_conll(path: Path):
    """``token tag score``: an entity's lowest token score is its score."""
    rows = [["Ann B-PER 0.95", "Lee I-PER 0.9", "visited O -", "Paris B-ORG 0.6", ". O 0.99"],
            ["Bob B-PER 0.6", "saw B-LOC 0.3", "Oslo B-LOC 0.3"]]
    path.write_text("\n\n".join("\n".join(r) for r in rows) + "\n", encoding="utf-8")


def write_docbin(path: Path, key: str = "sc", scores=True):
    import spacy
    from spacy.tokens import Doc, DocBin, Span

    nlp = spacy.blank("en")
    docs = []
    for words, predicted in zip(TOKENS, PRED_ENTITIES):
        doc = Doc(nlp.vocab, words=words)
        doc.spans[key] = [Span(doc, s, e, label=k) for s, e, k, _ in predicted]
        if scores:
            doc.spans[key].attrs["scores"] = [score for *_, score in predicted]
        docs.append(doc)
    DocBin(docs=docs).to_disk(path)


@pytest.fixture
def gold_conll(tmp_path):
    path = tmp_path / "gold.conll"
    path.write_text(GOLD_CONLL, encoding="utf-8")
    return path


def test_jsonl_token_entities_as_lists_and_objects(tmp_path, gold_conll):
    pred = tmp_path / "pred.jsonl"
    first = {"tokens": TOKENS[0], "entities": [list(e) for e in PRED_ENTITIES[0]]}
    second = {"tokens": TOKENS[1], "entities": [dict(zip(("start", "end", "label", "score"), e))
                                                for e in PRED_ENTITIES[1]]}
    pred.write_text(json.dumps(first) + "\n\n" + json.dumps(second) + "\n", encoding="utf-8")
    report = read_operating_points(str(gold_conll), str(pred))
    assert report.overall == expected_report().overall
    assert report.per_type == expected_report().per_type


def test_jsonl_character_spans_are_aligned_to_tokens(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"text": "Ann Lee visited Paris.", "spans": [
        {"start": 0, "end": 7, "label": "PER"}, {"start": 16, "end": 21, "label": "LOC"}]}) + "\n",
        encoding="utf-8")
    pred = tmp_path / "pred.jsonl"
    pred.write_text(json.dumps({"text": "Ann Lee visited Paris.", "spans": [
        {"start": 0, "end": 7, "label": "PER", "score": 0.9},
        {"start": 16, "end": 21, "label": "ORG", "score": 0.6}]}) + "\n", encoding="utf-8")
    report = read_operating_points(str(gold), str(pred))
    assert [(p.threshold, p.counts) for p in report.overall.points] == [
        (0.9, Counts(1, 0, 1)), (0.6, Counts(1, 1, 1))]
    pred.write_text(json.dumps({"text": "Ann Lee visited Paris.", "spans": [
        {"start": 0, "end": 5, "label": "PER", "score": 0.9}]}) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"pred.jsonl:1: .*not on token boundaries"):
        read_operating_points(str(gold), str(pred))
    snapped = read_operating_points(str(gold), str(pred), alignment="expand")
    assert snapped.per_type["PER"].points[0].counts == Counts(1, 0, 0)
    assert any("expanded" in w for w in snapped.warnings)


def test_conll_score_column_with_min_combine(tmp_path, gold_conll):
    pred = tmp_path / "pred.conll"
    write_scored_conll(pred)
    report = read_operating_points(str(gold_conll), str(pred))
    assert report.overall == expected_report().overall
    assert report.combine == "min" and "combine:min" in report.signature


@pytest.mark.parametrize("combine, score", [("min", 0.9), ("max", 0.95), ("mean", 0.925), ("first", 0.95)])
def test_conll_combine_rules(tmp_path, gold_conll, combine, score):
    pred = tmp_path / "pred.conll"
    write_scored_conll(pred)
    report = read_operating_points(str(gold_conll), str(pred), combine=combine)
    assert report.per_type["PER"].points[0].threshold == pytest.approx(score)


def test_conll_score_and_tag_columns_by_index(tmp_path, gold_conll):
    pred = tmp_path / "pred.tsv"
    lines = ["Ann 0.95 B-PER", "Lee 0.9 I-PER", "visited - O", "Paris 0.6 B-ORG", ". 0.99 O", "",
             "Bob 0.6 B-PER", "saw 0.3 B-LOC", "Oslo 0.3 B-LOC", ""]
    pred.write_text("\n".join(lines), encoding="utf-8")
    report = read_operating_points(str(gold_conll), str(pred), column=2, score_column=1)
    assert report.overall == expected_report().overall


def test_spacy_span_group_scores(tmp_path, gold_conll):
    pred = tmp_path / "pred.spacy"
    write_docbin(pred)
    report = read_operating_points(str(gold_conll), str(pred))
    assert report.overall == expected_report().overall
    write_docbin(pred, key="spans")
    assert read_operating_points(str(gold_conll), str(pred), span_key="spans").overall == expected_report().overall


def test_spacy_gold_from_doc_ents(tmp_path):
    import spacy
    from spacy.tokens import Doc, DocBin, Span

    nlp = spacy.blank("en")
    doc = Doc(nlp.vocab, words=TOKENS[0])
    doc.ents = [Span(doc, 0, 2, "PER"), Span(doc, 3, 4, "LOC")]
    gold = tmp_path / "gold.spacy"
    DocBin(docs=[doc]).to_disk(gold)
    pred = tmp_path / "pred.jsonl"
    pred.write_text(json.dumps({"tokens": TOKENS[0], "entities": [[0, 2, "PER", 0.4]]}) + "\n", encoding="utf-8")
    report = read_operating_points(str(gold), str(pred))
    assert report.overall.points[0].counts == Counts(1, 0, 1)


def test_the_shipped_example_gives_one_report_from_all_three_forms():
    reports = [read_operating_points(str(EXAMPLE / "gold.conll"), str(EXAMPLE / name))
               for name in ("pred.jsonl", "pred.conll", "pred.spacy")]
    assert reports[0].overall == reports[1].overall == reports[2].overall
    assert reports[0].per_type == reports[1].per_type == reports[2].per_type
    assert len(reports[0].overall.points) > 10


# ---------------------------------------------------------------------- the CLI
def test_cli_table_json_csv_markdown(cli, gold_conll, tmp_path):
    pred = tmp_path / "pred.conll"
    write_scored_conll(pred)
    table = cli("threshold", gold_conll, pred, "--beta", "0.5", "--curve")
    assert table.exit_code == 0, table.stderr
    assert "best F1 per type" in table.stdout and "best F0.5 per type" in table.stdout
    assert "every threshold" in table.stdout and "overall" in table.stdout
    data = json.loads(cli("threshold", gold_conll, pred, "-f", "json", "--beta", "2").stdout)
    assert data["schema_version"] == 1 and data["curve_start"] == {"precision": 1.0, "recall": 0.0}
    assert data["overall"]["best_f1"]["threshold"] == 0.3 and "best_f_beta" in data["overall"]
    assert set(data["per_type"]) == {"LOC", "ORG", "PER"}
    csv_lines = cli("threshold", gold_conll, pred, "-f", "csv").stdout.splitlines()
    assert csv_lines[0] == "type,threshold,tp,fp,fn,precision,recall,f1,best_f1"
    points = sum(len(c["points"]) for c in [data["overall"], *data["per_type"].values()])
    assert len(csv_lines) == 1 + points
    markdown = cli("threshold", gold_conll, pred, "-f", "markdown").stdout
    assert "| type | gold | predicted | AP |" in markdown


def test_cli_output_file_is_written(cli, gold_conll, tmp_path):
    pred = tmp_path / "pred.conll"
    write_scored_conll(pred)
    out = tmp_path / "out" / "report.json"
    result = cli("threshold", gold_conll, pred, "-f", "json", "-o", out)
    assert result.exit_code == 0 and result.stdout == ""
    assert json.loads(out.read_text())["sentences"] == 2


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk, after checking the signature."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_cli_plot_png_decodes_and_svg_is_svg(cli, gold_conll, tmp_path):
    pred = tmp_path / "pred.conll"
    write_scored_conll(pred)
    png = tmp_path / "plots" / "pr.png"
    result = cli("threshold", gold_conll, pred, "--plot", png)
    assert result.exit_code == 0, result.stderr
    data = png.read_bytes()
    assert len(data) > 1000
    width, height = png_size(data)
    import matplotlib.image

    pixels = matplotlib.image.imread(str(png))
    assert pixels.shape[:2] == (height, width) == (480, 640)
    assert pixels.std() > 0  # not a blank picture
    svg = tmp_path / "pr.svg"
    assert cli("threshold", gold_conll, pred, "--plot", svg).exit_code == 0
    text = svg.read_text()
    assert "<svg" in text and "overall" in text
    first = svg.read_bytes()
    cli("threshold", gold_conll, pred, "--plot", svg)
    assert svg.read_bytes() == first  # no date, fixed ids: same data, same file
    assert sorted(os.listdir(tmp_path / "plots")) == ["pr.png"]  # no temp file left behind


def test_cli_plot_with_a_bad_extension_is_a_usage_error(cli, gold_conll, tmp_path):
    pred = tmp_path / "pred.conll"
    write_scored_conll(pred)
    result = cli("threshold", gold_conll, pred, "--plot", tmp_path / "pr.jpg")
    assert result.exit_code == 2 and ".png or .svg" in result.stderr and result.stdout == ""


def bad_jsonl(entity) -> str:
    return json.dumps({"tokens": TOKENS[0], "entities": []}) + "\n" + \
        json.dumps({"tokens": TOKENS[1], "entities": [entity]}) + "\n"


@pytest.mark.parametrize("name, content, where, what", [
    ("pred.jsonl", bad_jsonl([0, 1, "PER"]), "pred.jsonl:2", "has no score"),
    ("pred.jsonl", bad_jsonl({"start": 0, "end": 1, "label": "PER"}), "pred.jsonl:2", "has no score"),
    ("pred.jsonl", bad_jsonl([0, 1, "PER", "high"]), "pred.jsonl:2", "is not a number"),
    ("pred.jsonl", bad_jsonl([0, 1, "PER", None]), "pred.jsonl:2", "is not a number"),
    ("pred.jsonl", bad_jsonl([0, 1, "PER", float("nan")]), "pred.jsonl:2", "not a finite number"),
    ("pred.jsonl", bad_jsonl([0, 9, "PER", 0.5]), "pred.jsonl:2", "token offsets"),
    ("pred.jsonl", "{not json\n", "pred.jsonl:1", "not valid JSON"),
    ("pred.conll", "Ann B-PER 0.9\nLee I-PER x\n", "pred.conll:2", "is not a number"),
    ("pred.conll", "Ann B-PER 0.9\nLee I-PER nan\n", "pred.conll:2", "not a finite number"),
    ("pred.conll", "Ann B-PER\nLee I-PER\n", "pred.conll:1", "the score column (-1)"),
])
def test_cli_bad_scores_exit_1_naming_file_and_line(cli, tmp_path, name, content, where, what):
    gold = tmp_path / "gold.conll"
    gold.write_text(GOLD_CONLL if name.endswith("jsonl") else "Ann B-PER\nLee I-PER\n", encoding="utf-8")
    pred = tmp_path / name
    pred.write_text(content, encoding="utf-8")
    result = cli("threshold", gold, pred)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert where in result.stderr and what in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_cli_docbin_without_scores_or_key_exits_1(cli, gold_conll, tmp_path):
    pred = tmp_path / "pred.spacy"
    write_docbin(pred, scores=False)
    result = cli("threshold", gold_conll, pred)
    assert result.exit_code == 1 and "pred.spacy: doc 1" in result.stderr and "attrs['scores']" in result.stderr
    write_docbin(pred)
    result = cli("threshold", gold_conll, pred, "--span-key", "ents")
    assert result.exit_code == 1 and "'sc'" in result.stderr


def test_cli_tokens_must_agree_naming_both_files(cli, gold_conll, tmp_path):
    pred = tmp_path / "pred.jsonl"
    pred.write_text(json.dumps({"tokens": TOKENS[0], "entities": []}) + "\n"
                    + json.dumps({"tokens": ["Bob", "saw", "Oklo"], "entities": []}) + "\n", encoding="utf-8")
    result = cli("threshold", gold_conll, pred)
    assert result.exit_code == 1
    assert "gold.conll:7 and" in result.stderr and "pred.jsonl:2" in result.stderr
    assert "'Oslo' in gold, 'Oklo' in prediction" in result.stderr
    pred.write_text(json.dumps({"tokens": TOKENS[0], "entities": []}) + "\n", encoding="utf-8")
    result = cli("threshold", gold_conll, pred)
    assert result.exit_code == 1 and "different numbers of sentences" in result.stderr


@pytest.mark.parametrize("args, what", [
    (["--score-column", "2"], "--score-column is for conll predictions"),
    (["--combine", "mean"], "--combine is for conll predictions"),
    (["--gold-span-key", "sc"], "--gold-span-key is for spacy gold"),
    (["--beta", "0"], "--beta"),
    (["--beta", "nan"], "--beta"),
    (["--no-such-option"], "No such option"),
])
def test_cli_usage_errors_exit_2(cli, gold_conll, tmp_path, args, what):
    pred = tmp_path / "pred.jsonl"
    pred.write_text(json.dumps({"tokens": TOKENS[0], "entities": []}) + "\n", encoding="utf-8")
    result = cli("threshold", gold_conll, pred, *args)
    assert result.exit_code == 2 and what in result.stderr and result.stdout == ""


def test_cli_equal_tag_and_score_columns_exit_2(cli, gold_conll, tmp_path):
    pred = tmp_path / "pred.conll"
    write_scored_conll(pred)
    result = cli("threshold", gold_conll, pred, "--column", "2", "--score-column", "2")
    assert result.exit_code == 2 and "both 2" in result.stderr


# ---------------------------------------------------------------------- start-up
def test_cli_startup_does_not_import_matplotlib_numpy_or_pandas():
    code = ("import sys; from click.testing import CliRunner; from seqeval_suite.cli import main; "
            "r = CliRunner().invoke(main, ['threshold', '--help']); assert r.exit_code == 0, r.output; "
            "print(sorted(m for m in ('matplotlib', 'numpy', 'pandas') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_cli_module_adds_nothing_to_the_start_up_of_the_cli():
    # The 0.3 s start-up budget is the package's; this command's module must not add to
    # it: importing it after the CLI group brings in no other module.
    code = ("import sys, seqeval_suite.cli; before = set(sys.modules); import seqeval_suite.cli.threshold; "
            "print(sorted(set(sys.modules) - before))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "['seqeval_suite.cli.threshold']"


@pytest.mark.parametrize("token", [200, None, 1.5, ["a"]])
def test_scored_jsonl_tokens_must_be_strings(tmp_path, token):
    """Issue 16 case 8 in `threshold`'s own JSON Lines reader: a token that is not a string
    is an error naming line and token (str() made 200 the token "200")."""
    import json

    from click.testing import CliRunner

    from seqeval_suite.cli import main

    corpus = Path(__file__).resolve().parent.parent / "corpora" / "thresholds"
    lines = (corpus / "pred.jsonl").read_text().splitlines()
    record = json.loads(lines[1])
    record["tokens"][2] = token
    lines[1] = json.dumps(record)
    pred = tmp_path / "pred.jsonl"
    pred.write_text("\n".join(lines) + "\n")
    result = CliRunner().invoke(main, ["threshold", str(corpus / "gold.conll"), str(pred)])
    assert result.exit_code == 1
    assert f"pred.jsonl:2: tokens[2] is {json.dumps(token)}, not a string" in result.stderr
