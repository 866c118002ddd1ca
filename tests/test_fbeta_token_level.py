"""Issue 18: F-beta beside P/R/F1 and token-level scores, against seqeval and scikit-learn."""
from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seqeval_suite import evaluate
from seqeval_suite.errors import UsageError

seqeval = pytest.importorskip("seqeval.metrics.sequence_labeling")
sklearn_metrics = pytest.importorskip("sklearn.metrics")

TAGS = ["O", "O", "B-A", "I-A", "B-B", "I-B", "B-C", "I-C"]
sentences = st.lists(st.integers(1, 8), min_size=1, max_size=6).flatmap(
    lambda lengths: st.tuples(*[st.tuples(st.lists(st.sampled_from(TAGS), min_size=n, max_size=n),
                                          st.lists(st.sampled_from(TAGS), min_size=n, max_size=n))
                                for n in lengths]))


@settings(max_examples=120, deadline=None)
@given(sentences, st.sampled_from([0.5, 2.0, 0.3, 1.7]))
def test_fbeta_equals_seqeval_per_type_micro_macro_weighted(data, beta):
    gold, pred = [g for g, _ in data], [p for _, p in data]
    report = evaluate(gold, pred, beta=beta)
    types = report.sorted_types()
    if not types:
        return
    _, _, per_type, _ = seqeval.precision_recall_fscore_support(gold, pred, average=None, beta=beta,
                                                                zero_division=0)
    # seqeval lists types sorted by name, as the report does
    for name, value in zip(types, per_type):
        assert report.fbeta(name) == pytest.approx(value, abs=1e-12)
    for average in ("micro", "macro", "weighted"):
        _, _, value, _ = seqeval.precision_recall_fscore_support(gold, pred, average=average, beta=beta,
                                                                 zero_division=0)
        assert report.fbeta(average) == pytest.approx(value, abs=1e-12), average


def _types(tags):
    return [t.split("-", 1)[1] if t != "O" else "O" for t in tags]


@settings(max_examples=120, deadline=None)
@given(sentences)
def test_token_level_equals_sklearn_on_token_types_without_o(data):
    gold, pred = [g for g, _ in data], [p for _, p in data]
    report = evaluate(gold, pred, level="token")
    y_true = [t for g in gold for t in _types(g)]
    y_pred = [t for p in pred for t in _types(p)]
    labels = sorted((set(y_true) | set(y_pred)) - {"O"})
    assert report.sorted_types() == labels
    if not labels:
        return
    p, r, f, support = sklearn_metrics.precision_recall_fscore_support(y_true, y_pred, labels=labels,
                                                                       zero_division=0)
    for k, name in enumerate(labels):
        c = report.per_type[name]
        assert (c.precision, c.recall, c.f1, c.support) == pytest.approx((p[k], r[k], f[k], support[k]), abs=1e-12)
    for average, got in (("micro", report.micro), ("macro", report.macro), ("weighted", report.weighted)):
        p, r, f, _ = sklearn_metrics.precision_recall_fscore_support(y_true, y_pred, labels=labels, average=average,
                                                                     zero_division=0)
        assert (got.precision, got.recall, got.f1) == pytest.approx((p, r, f), abs=1e-12), average


def test_fbeta_in_every_format_and_the_signature(cli, write):
    path = write("f.conll", "a B-X B-X\nb I-X O\nc B-Y B-Y\n\n")
    for fmt, needle in (("table", "F0.5"), ("csv", "F0.5"), ("markdown", "F0.5 (%)"), ("latex", "F0.5 (\\%)")):
        result = cli("evaluate", path, "--beta", "0.5", "-f", fmt)
        assert result.exit_code == 0 and needle in result.stdout, fmt
    data = json.loads(cli("evaluate", path, "--beta", "0.5", "-f", "json").stdout)
    assert data["beta"] == 0.5 and "beta:0.5" in data["signature"]
    assert data["micro"]["fbeta"] == pytest.approx(0.5)  # p = r = 1/2 (X is cut short)
    assert "fbeta" in data["per_type"]["X"] and "F0.5" not in cli("evaluate", path).stdout


def test_token_level_in_the_signature_and_json(cli, write):
    path = write("f.conll", "a B-X B-X\nb I-X O\n\n")
    data = json.loads(cli("evaluate", path, "--level", "token", "-f", "json").stdout)
    assert data["level"] == "token" and "level:token" in data["signature"]
    assert (data["micro"]["tp"], data["micro"]["fn"]) == (1, 1)


@pytest.mark.parametrize("args, message", [
    (["--beta", "0"], "positive"), (["--beta", "nan"], "positive"),
    (["--level", "token", "--mode", "conlleval"], "conlleval"),
    (["--level", "token", "--match", "partial"], "--match"),
    (["--beta", "2", "-f", "conlleval"], "FB1"),
])
def test_beta_and_level_usage_errors(cli, write, args, message):
    path = write("f.conll", "a B-X B-X\n\n")
    result = cli("evaluate", path, *args)
    assert result.exit_code == 2 and message in result.stderr


def test_beta_settings_checked_in_the_api():
    with pytest.raises(UsageError):
        evaluate([["B-X"]], [["B-X"]], beta=-1)
    with pytest.raises(UsageError):
        evaluate([["B-X"]], [["B-X"]], level="sentence")


def test_runner_scoring_beta_adds_a_micro_fbeta_column_and_signature(tmp_path):
    from pathlib import Path

    from seqeval_suite.config import load_config
    from seqeval_suite.errors import ConfigError
    from seqeval_suite.render.leaderboard import render_csv, render_markdown
    from seqeval_suite.runner import run_benchmark

    root = Path(__file__).resolve().parents[1] / "corpora" / "demo"
    gold, pred = root / "news.test.conll", root / "preds" / "crf.news.seed1.conll"
    config = tmp_path / "c.yaml"
    config.write_text(f"scoring: {{beta: 2, resamples: 0}}\ncorpora: [{{id: n, path: {gold}}}]\n"
                      f"systems: [{{id: s, predictions: {{n: {pred}}}}}]\n", encoding="utf-8")
    results = run_benchmark(load_config(str(config)))
    assert results["settings"]["beta"] == 2.0
    report = evaluate(str(gold), str(pred), beta=2)
    csv_lines = render_csv(results).splitlines()
    header, row = csv_lines[0].split(","), csv_lines[1].split(",")
    assert float(row[header.index("micro_f2")]) == pytest.approx(report.fbeta("micro"), abs=1e-12)
    assert "micro F2" in render_markdown(results) and "beta:2" in results["results"][0]["signature"]
    config.write_text(config.read_text(encoding="utf-8").replace("beta: 2", "beta: -1"), encoding="utf-8")
    with pytest.raises(ConfigError, match="scoring.beta"):
        load_config(str(config))
