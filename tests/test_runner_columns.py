"""Issue 16 case 5: a board never shows a file scored against itself; one-file outputs
(`token gold pred`) are benchmarked by naming the gold and prediction columns."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from seqeval.metrics import classification_report as seqeval_report

from seqeval_suite import evaluate
from seqeval_suite.cli import main
from seqeval_suite.config import validate
from seqeval_suite.errors import ConfigError
from seqeval_suite.runner import run_benchmark

REPO = Path(__file__).resolve().parent.parent
ONE_FILE = REPO / "corpora" / "examples" / "news.conll"  # token gold pred


def _config(tmp_path, corpus: dict | None = None, system: dict | None = None, pred=ONE_FILE) -> dict:
    return {
        "name": "cols", "scoring": {"resamples": 0},
        "corpora": [{"id": "news", "path": str(ONE_FILE), **(corpus or {})}],
        "systems": [{"id": "tagger", "predictions": {"news": str(pred)}, **(system or {})}],
    }


def _problems(tmp_path, data) -> str:
    with pytest.raises(ConfigError) as info:
        validate(data, tmp_path / "cols.yaml")
    return str(info.value)


def test_same_file_same_column_is_refused_with_key_path(tmp_path):
    message = _problems(tmp_path, _config(tmp_path))
    assert "systems[0].predictions.news:" in message
    assert "scored against itself" in message and "column (2)" in message
    assert "corpora[0].gold_column" in message and "systems[0].prediction_column" in message


@pytest.mark.parametrize("gold_column,pred_column", [(2, None), (-1, 2), (1, -2), (-2, 1)])
def test_same_column_written_two_ways_is_refused(tmp_path, gold_column, pred_column):
    corpus = {"gold_column": gold_column}
    system = {} if pred_column is None else {"prediction_column": pred_column}
    assert "scored against itself" in _problems(tmp_path, _config(tmp_path, corpus, system))


def test_named_columns_score_a_one_file_output(tmp_path):
    data = _config(tmp_path, {"gold_column": 1}, {"prediction_column": 2})
    results = run_benchmark(validate(data, tmp_path / "cols.yaml"))
    run = results["results"][0]["runs"][0]
    report = evaluate(str(ONE_FILE), str(ONE_FILE), gold_column=1, pred_column=2)
    assert {t: tuple(c[k] for k in ("tp", "fp", "fn")) for t, c in run["per_type"].items()} == \
        {t: (c.tp, c.fp, c.fn) for t, c in report.per_type.items()}
    # The oracle: seqeval on the two columns read by hand.
    sentences = [s.splitlines() for s in ONE_FILE.read_text().strip().split("\n\n")]
    rows = [[line.split() for line in s if not line.startswith("-DOCSTART-")] for s in sentences]
    rows = [r for r in rows if r]
    oracle = seqeval_report([[r[1] for r in s] for s in rows], [[r[2] for r in s] for s in rows],
                            output_dict=True)
    tp = sum(c["tp"] for c in run["per_type"].values())
    fp = sum(c["fp"] for c in run["per_type"].values())
    fn = sum(c["fn"] for c in run["per_type"].values())
    assert 2 * tp / (2 * tp + fp + fn) == pytest.approx(oracle["micro avg"]["f1-score"], abs=1e-12)
    assert report.micro.f1 < 1.0


def test_prediction_column_on_a_separate_file(tmp_path):
    pred = tmp_path / "pred.conll"
    pred.write_text("".join(f"{line.split()[0]} {line.split()[2]} X\n" if line.strip() else "\n"
                            for line in ONE_FILE.read_text().splitlines()))
    data = _config(tmp_path, {"gold_column": 1}, {"prediction_column": 1}, pred=pred)
    run = run_benchmark(validate(data, tmp_path / "cols.yaml"))["results"][0]["runs"][0]
    report = evaluate(str(ONE_FILE), str(ONE_FILE), gold_column=1, pred_column=2)
    assert {t: c["tp"] for t, c in run["per_type"].items()} == {t: c.tp for t, c in report.per_type.items()}


@pytest.mark.parametrize("value", ["2", True, 1.5, [1]])
def test_column_keys_take_integers(tmp_path, value):
    message = _problems(tmp_path, _config(tmp_path, {"gold_column": value}, {"prediction_column": 2}))
    assert "corpora[0].gold_column: expected a column index" in message


def test_columns_are_for_conll_files_only(tmp_path):
    jsonl = REPO / "corpora" / "formats" / "hf_names.jsonl"
    data = {"name": "c", "corpora": [{"id": "j", "path": str(jsonl), "gold_column": 1}],
            "systems": [{"id": "s", "predictions": {"j": str(jsonl)}, "prediction_column": 1}]}
    message = _problems(tmp_path, data)
    assert "corpora[0].gold_column: only CoNLL files have columns" in message
    assert "systems[0].prediction_column: only CoNLL files have columns" in message


def test_run_cli_exit_1_names_the_key(tmp_path):
    config = tmp_path / "cols.yaml"
    config.write_text(yaml.safe_dump(_config(tmp_path)))
    result = CliRunner().invoke(main, ["run", str(config), "-o", str(tmp_path / "out"), "-q"])
    assert result.exit_code == 1
    assert "systems[0].predictions.news" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_evaluate_warns_when_a_file_is_scored_against_itself(tmp_path):
    report = evaluate(str(ONE_FILE), str(ONE_FILE))
    assert report.micro.f1 == 1.0
    assert any("scored against itself" in w for w in report.warnings)
    two_columns = evaluate(str(ONE_FILE), str(ONE_FILE), gold_column=1, pred_column=2)
    assert not any("scored against itself" in w for w in two_columns.warnings)
    jsonl = REPO / "corpora" / "formats" / "hf_names.jsonl"
    assert any("scored against itself" in w for w in evaluate(str(jsonl), str(jsonl)).warnings)
    result = CliRunner().invoke(main, ["evaluate", str(ONE_FILE), str(ONE_FILE), "-f", "json"])
    assert result.exit_code == 0
    assert any("scored against itself" in w for w in json.loads(result.stdout)["warnings"])


def test_comment_and_docstart_rows_do_not_change_the_column_count(tmp_path):
    one = tmp_path / "one.conll"
    one.write_text("# sent_id = 1 with many words\n-DOCSTART- O\n\n" + ONE_FILE.read_text().replace(
        "-DOCSTART- O O\n", ""))
    data = {"name": "c", "scoring": {"resamples": 0},
            "corpora": [{"id": "news", "path": str(one), "comments": True}],
            "systems": [{"id": "s", "predictions": {"news": str(one)}, "prediction_column": 2}]}
    with pytest.raises(ConfigError, match=r"read at the same column \(2\)"):
        validate(data, tmp_path / "c.yaml")
    data["corpora"][0]["gold_column"] = 1
    assert validate(data, tmp_path / "c.yaml").corpora[0].gold_column == 1


def test_compare_warns_when_a_system_is_the_gold_file():
    result = CliRunner().invoke(main, ["compare", str(ONE_FILE.parent / "news.gold.conll"),
                                       str(ONE_FILE.parent / "news.pred.conll"), str(ONE_FILE.parent / "news.gold.conll"),
                                       "--resamples", "100"])
    assert result.exit_code == 0
    assert "news.gold.conll is both gold and prediction" in result.stderr and "scored against itself" in result.stderr


@pytest.mark.parametrize("name", ["formats/hf_names.jsonl", "formats/labelstudio.json"])
def test_same_non_conll_file_on_both_sides_is_refused(tmp_path, name):
    path = str(REPO / "corpora" / name)
    data = {"name": "c", "corpora": [{"id": "x", "path": path}], "systems": [{"id": "s", "predictions": {"x": path}}]}
    message = _problems(tmp_path, data)
    assert "systems[0].predictions.x:" in message and "is corpora[0]'s gold file: it would be scored against itself" \
        in message and "column" not in message.split("predictions.x:")[1]


def test_suffix_in_conlleval_mode_is_a_config_error(tmp_path):
    data = _config(tmp_path, {"gold_column": 1}, {"prediction_column": 2})
    data["scoring"] = {"mode": "conlleval", "suffix": True}
    assert "scoring.suffix: has no meaning in mode conlleval" in _problems(tmp_path, data)


@pytest.mark.parametrize("where,entry", [
    ("corpora[0].label_map.PER", {"corpus": {"label_map": {"PER": "PER\u200b"}}}),
    ("systems[0].types[0]", {"system": {"types": ["PER\u200b"]}}),
])
def test_invisible_characters_in_config_labels_and_types_are_refused(tmp_path, where, entry):
    """Issue 16 case 2 in the config: a look-alike type made with a zero-width or
    no-break-space character would silently drop entities (read as invalid tags)."""
    data = _config(tmp_path, {"gold_column": 1, **entry.get("corpus", {})},
                   {"prediction_column": 2, **entry.get("system", {})})
    message = _problems(tmp_path, data)
    assert f"{where}: " in message and "invisible characters" in message


def test_a_label_map_key_with_an_invisible_character_repairs_such_tags(tmp_path):
    """The key is matched against the data as written: mapping PER+U+200B to PER turns
    the invisible-character tags back into PER entities."""
    gold = tmp_path / "g.conll"
    gold.write_text("Ann B-PER\nleft O\n\n")
    pred = tmp_path / "p.conll"
    pred.write_text("Ann B-PER\u200b\nleft O\n\n", encoding="utf-8")
    data = {"name": "r", "scoring": {"resamples": 0}, "corpora": [{"id": "c", "path": str(gold)}],
            "systems": [{"id": "s", "predictions": {"c": str(pred)}, "label_map": {"PER\u200b": "PER"}}]}
    run = run_benchmark(validate(data, tmp_path / "r.yaml"))["results"][0]["runs"][0]
    assert run["per_type"]["PER"] == {"tp": 1, "fp": 0, "fn": 0}
