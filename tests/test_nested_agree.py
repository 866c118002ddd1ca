"""``agree`` on nested input (issue 17): every pair is ``evaluate_nested`` on the two
files, kappas per layer for layered CoNLL (undefined for span input), refusals, the
nested disagreement list and the JSON keys."""
from __future__ import annotations

import csv
import io
import json
import shutil
from itertools import combinations
from pathlib import Path

import pytest

from seqeval_suite.agreement import LAYER_KAPPA_REASON, SPAN_KAPPA_REASON, agree
from seqeval_suite.errors import DataError, UsageError
from seqeval_suite.nested import evaluate_nested

NESTED = Path(__file__).resolve().parents[1] / "corpora" / "nested"
LAYERS = "1,2,3"


@pytest.fixture
def three(tmp_path) -> dict[str, list[str]]:
    """Three annotators of ``corpora/nested`` in every nested form: gold, pred, and a
    third that is gold plus one entity ("at" as LOC) and minus none."""
    forms = {}
    third = (NESTED / "gold.conll").read_text().replace("at\tO\tO\tO\n", "at\tB-LOC\tO\tO\n", 1)
    (tmp_path / "third.conll").write_text(third)
    records = [json.loads(line) for line in (NESTED / "gold.jsonl").read_text().splitlines()]
    records[0]["entities"].append([2, 3, "LOC"])
    (tmp_path / "third.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    for name in ("gold", "pred"):
        for ext in ("conll", "jsonl"):
            shutil.copy(NESTED / f"{name}.{ext}", tmp_path / f"{name}.{ext}")
        shutil.copytree(NESTED / f"{name}.brat", tmp_path / f"{name}.brat")
    shutil.copytree(NESTED / "gold.brat", tmp_path / "third.brat")  # brat: a third that copies gold
    for ext in ("conll", "jsonl", "brat"):
        forms[ext] = [str(tmp_path / f"{n}.{ext}") for n in ("gold", "pred", "third")]
    return forms


FORMS = [("conll", {"layers": LAYERS}), ("jsonl", {"nested": True}), ("brat", {})]


def _same_report(ours: dict, theirs: dict) -> None:
    assert set(ours) == set(theirs)
    for key in theirs:
        if key in ("macro", "weighted"):  # float sums in type order, as the flat test allows
            assert ours[key] == pytest.approx(theirs[key], abs=1e-12), key
        else:
            assert ours[key] == theirs[key], key


# ------------------------------------------------------------------ pairs are evaluate
@pytest.mark.parametrize("form, settings", FORMS)
def test_nested_agree_every_pair_is_evaluate_nested(three, form, settings):
    files = three[form]
    report = agree(files, **settings)
    assert [(p.reference, p.annotator) for p in report.pairs] == [("gold", "pred"), ("gold", "third"),
                                                                   ("pred", "third")]
    for (i, j), pair in zip(combinations(range(3), 2), report.pairs):
        expected = evaluate_nested(files[i], files[j], layers=settings.get("layers"))
        _same_report(pair.report.to_dict(), expected.to_dict())
        assert (pair.sentences, pair.tokens) == (expected.sentences, expected.tokens) == (6, 45)


def test_nested_agree_cli_pairs_equal_cli_evaluate_with_layers(cli, three):
    files = three["conll"]
    agreed = json.loads(cli("agree", *files, "--layers", LAYERS, "-f", "json").stdout)
    for (i, j), pair in zip(combinations(range(3), 2), agreed["pairs"]):
        evaluated = json.loads(cli("evaluate", files[i], files[j], "--layers", LAYERS, "-f", "json").stdout)
        _same_report(pair["report"], evaluated)
        assert pair["nested"] == evaluated["nested"]
        assert pair["f1"] == evaluated["micro"]["f1"]


def test_nested_agree_cli_gold_orients_pairs_and_ranks(cli, three):
    files = three["brat"]
    agreed = json.loads(cli("agree", *files, "--gold", "pred", "-f", "json").stdout)
    assert [(p["reference"], p["annotator"]) for p in agreed["pairs"]] == [("pred", "gold"), ("gold", "third"),
                                                                         ("pred", "third")]
    evaluated = json.loads(cli("evaluate", files[1], files[0], "-f", "json").stdout)
    _same_report(agreed["pairs"][0]["report"], evaluated)
    assert [row["annotator"] for row in agreed["leaderboard"]] == ["gold", "third"]


# ------------------------------------------------------------------ three annotators
def test_nested_agree_three_annotators_matrix_and_means(three):
    report = agree(three["conll"], layers=LAYERS)
    matrix = report.f1_matrix()
    assert matrix["gold"]["third"] == matrix["third"]["gold"] == pytest.approx(2 * 15 / (2 * 15 + 1))
    assert matrix["gold"]["pred"] == pytest.approx(2 / 3)
    means = report.mean_pairwise_f1()
    assert means["per_annotator"]["gold"] == pytest.approx((matrix["gold"]["pred"] + matrix["gold"]["third"]) / 2)
    assert report.labelled == {"gold": 6, "pred": 6, "third": 6}
    assert report.per_type_f1()["LOC"]["gold~third"] == pytest.approx(2 * 5 / (2 * 5 + 1))


def test_nested_agree_layer_kappas_equal_flat_agree_on_each_column(three):
    """Each layer's kappas are flat ``agree`` on that tag column (its own oracle)."""
    report = agree(three["conll"], layers=LAYERS)
    for name, column in zip(("1", "2", "3"), (1, 2, 3)):
        flat = agree(three["conll"], tag_column=column)
        for ours, theirs in zip(report.pairs, flat.pairs):
            assert ours.kappa_layers[name]["kappa"] == theirs.kappa
            assert ours.kappa_layers[name]["kappa_entity"] == theirs.kappa_entity
        layer = report.nested.kappa_layers[name]
        assert layer["fleiss_kappa"] == flat.fleiss_kappa
        assert layer["krippendorff_alpha"] == flat.krippendorff_alpha
    assert report.fleiss_kappa.value is None and report.fleiss_kappa.reason == LAYER_KAPPA_REASON
    assert all(p.kappa.reason == LAYER_KAPPA_REASON for p in report.pairs)


def test_nested_agree_layer_names_name_the_kappa_layers(three):
    report = agree(three["conll"][:2], layers=LAYERS, layer_names="outer,middle,inner")
    assert list(report.pairs[0].kappa_layers) == ["outer", "middle", "inner"]
    assert list(report.pairs[0].report.nested["layers"]) == ["outer", "middle", "inner"]


@pytest.mark.parametrize("form, settings", FORMS[1:])
def test_nested_agree_span_input_kappas_are_undefined_with_the_reason(three, form, settings):
    report = agree(three[form], **settings)
    for stat in (report.fleiss_kappa, report.krippendorff_alpha, report.pairs[0].kappa,
                 report.pairs[0].kappa_entity):
        assert stat.value is None and stat.reason == SPAN_KAPPA_REASON
    assert report.pairs[0].kappa_layers is None and report.nested.kappa_layers is None
    assert "missing:" not in report.signature and f"nested:{form}-depth" in report.signature


# ------------------------------------------------------------------ output
def test_nested_agree_json_keeps_the_flat_keys_and_adds_nested(cli, three):
    flat = json.loads(cli("agree", *three["conll"], "--tag-column", "1", "-f", "json").stdout)
    layered = json.loads(cli("agree", *three["conll"], "--layers", LAYERS, "-f", "json").stdout)
    spans = json.loads(cli("agree", *three["jsonl"], "--nested", "-f", "json").stdout)
    for nested in (layered, spans):
        assert set(nested) == set(flat) | {"nested"}
        assert set(nested["pairs"][0]) == set(flat["pairs"][0]) | {"nested", "kappa_layers"}
        assert nested["pairs"][0]["nested"] == nested["pairs"][0]["report"]["nested"]
        assert json.dumps(nested, allow_nan=False)  # undefined figures are null, never NaN
    assert layered["nested"]["source"] == "layers" and spans["nested"]["source"] == "jsonl"
    assert set(layered["nested"]["kappa_layers"]) == {"1", "2", "3"}
    assert set(layered["pairs"][0]["kappa_layers"]["2"]) == {"kappa", "kappa_entity"}
    assert spans["fleiss_kappa"]["value"] is None and spans["fleiss_kappa"]["reason"] == SPAN_KAPPA_REASON
    assert spans["pairs"][0]["kappa_layers"] is None
    assert "nested" not in flat and "nested" not in flat["pairs"][0]


@pytest.mark.parametrize("args, present, absent", [
    (["--layers", LAYERS], ["nested entities per pair", "Cohen's kappa per layer", "layer 3: Fleiss' kappa",
                            "layered CoNLL, layers 1, 2, 3"], ["undefined"]),
    (["--nested"], ["nested entities per pair", f"undefined ({SPAN_KAPPA_REASON})", "jsonl spans"],
     ["Cohen's kappa per layer", "kappa_entity"]),
])
def test_nested_agree_table_says_which_kappas_exist(cli, three, args, present, absent):
    form = "conll" if "--layers" in args else "jsonl"
    out = cli("agree", *three[form], *args).stdout
    for text in present:
        assert text in out
    for text in absent:
        assert text not in out


@pytest.mark.parametrize("fmt, marker", [("markdown", "| combined |"), ("latex", "\\toprule"),
                                         ("csv", ",combined\n")])
def test_nested_agree_other_formats_carry_the_nested_figures(cli, three, fmt, marker):
    result = cli("agree", *three["conll"], "--layers", LAYERS, "-f", fmt)
    assert result.exit_code == 0 and marker in result.stdout


def test_nested_agree_csv_parts_name_layers_and_buckets(cli, three):
    rows = list(csv.DictReader(io.StringIO(cli("agree", *three["conll"][:2], "--layers", LAYERS,
                                               "-f", "csv").stdout)))
    parts = {r["part"] for r in rows}
    assert {"", "layer 1", "layer 3", "combined", "flat", "nested", "outer", "inner"} <= parts
    combined = next(r for r in rows if r["part"] == "combined")
    assert float(combined["value"]) == pytest.approx(0.6)


# ------------------------------------------------------------------ disagreements
def test_nested_agree_disagreements_list_entities_not_everyone_has(cli, three, tmp_path):
    target = tmp_path / "dis.csv"
    assert cli("agree", *three["conll"], "--layers", LAYERS, "--disagreements", target).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(target.read_text())))
    assert list(rows[0]) == ["sentence", "line", "start", "end", "text", "type", "gold", "pred", "third"]
    assert rows[0] == {"sentence": "1", "line": "3", "start": "2", "end": "3", "text": "at", "type": "LOC",
                       "gold": "0", "pred": "0", "third": "1"}
    assert all(len({r["gold"], r["pred"], r["third"]}) > 1 for r in rows)
    assert not any(r["text"] == "Boston" for r in rows)  # everyone has Boston as LOC
    spans = tmp_path / "spans.csv"
    cli("agree", *three["jsonl"], "--nested", "--disagreements", spans)
    assert [{k: v for k, v in r.items() if k != "line"} for r in csv.DictReader(io.StringIO(spans.read_text()))] \
        == [{k: v for k, v in r.items() if k != "line"} for r in rows]


def test_nested_agree_disagreements_count_a_duplicated_entity(write):
    record = {"tokens": ["New", "York"], "entities": [[0, 2, "LOC"], [0, 2, "LOC"], [0, 1, "LOC"]]}
    twice = write("a.jsonl", json.dumps(record) + "\n")
    once = write("b.jsonl", json.dumps({**record, "entities": [[0, 2, "LOC"], [0, 1, "LOC"]]}) + "\n")
    report = agree([twice, once], nested=True, disagreements=True)
    assert report.disagreements == [{"sentence": 1, "line": 1, "start": 0, "end": 2, "text": "New York",
                                     "type": "LOC", "a": 2, "b": 1}]


# ------------------------------------------------------------------ refusals
def _misaligned(tmp_path, form):
    if form == "conll":
        text = (NESTED / "pred.conll").read_text().replace("Boston", "Bostin")
        (tmp_path / "bad.conll").write_text(text)
        return str(tmp_path / "bad.conll"), "token mismatch at sentence 2"
    records = (NESTED / "pred.jsonl").read_text().splitlines()
    record = json.loads(records[2])
    record["tokens"].pop()
    records[2] = json.dumps(record)
    (tmp_path / "bad.jsonl").write_text("\n".join(records) + "\n")
    return str(tmp_path / "bad.jsonl"), "sentence 3 has 8 tokens"


@pytest.mark.parametrize("form, settings", FORMS[:2])
def test_nested_agree_annotators_over_other_tokens_name_both_files_and_the_sentence(three, tmp_path, form,
                                                                                     settings):
    bad, message = _misaligned(tmp_path, form)
    with pytest.raises(DataError) as caught:
        agree([three[form][0], three[form][1], bad], **settings)
    text = str(caught.value)
    assert message in text and f"{Path(three[form][0]).name}:" in text and "bad." in text


@pytest.mark.parametrize("args, message", [
    (["--columns", "1,2", "--layers", "1,2"], "--columns reads one tag column per annotator"),
    (["--layers", "1,2", "--mode", "conlleval"], "--mode conlleval cannot score nested entities"),
    (["--layers", "1,2:2,3"], "the same columns in each"),
    (["--layers", "1,2", "--tag-column", "2"], "--tag-column reads one tag a token"),
    (["--layers", "1,2", "--layer-names", "a"], "1 names for 2 layers"),
    (["--nested"], "nested input in CoNLL needs --layers"),
    (["--type-map", "LOC=GPE"], "--type-map needs nested input"),
])
def test_nested_agree_impossible_options_are_usage_errors(cli, three, args, message):
    files = three["conll"][:1] if "--columns" in args else three["conll"][:2]
    result = cli("agree", *files, *args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_nested_agree_refuses_mixed_formats_and_stdin(three):
    with pytest.raises(UsageError, match="one format: .*gold.jsonl is jsonl, .*pred.brat is brat"):
        agree([three["jsonl"][0], three["brat"][1]])
    with pytest.raises(UsageError, match="stream only once"):
        agree(["-", three["conll"][1]], layers=LAYERS)
    with pytest.raises(UsageError, match="is read as jsonl"):
        agree(three["jsonl"][:2], layers=LAYERS)


def test_nested_agree_refuses_an_unlabelled_sentence_naming_file_and_line(three, tmp_path):
    text = (NESTED / "pred.conll").read_text().replace("met\tO\tO\tO", "met\t?\t?\t?")
    (tmp_path / "skip.conll").write_text(text)
    with pytest.raises(DataError, match=r"skip.conll:30: '\?' marks sentence 4 as not labelled"):
        agree([three["conll"][0], str(tmp_path / "skip.conll")], layers=LAYERS)


def test_nested_agree_refuses_missing_markers_with_span_input(cli, three):
    with pytest.raises(UsageError, match="jsonl input has no tags"):
        agree(three["jsonl"], nested=True, missing="?")
    result = cli("agree", *three["jsonl"], "--nested", "--missing", "?")
    assert result.exit_code == 2 and "leave --missing out" in result.stderr
    assert cli("agree", *three["jsonl"], "--nested").exit_code == 0  # the default is not "given"


def test_nested_agree_bad_layer_column_hint_names_layers(three):
    with pytest.raises(DataError, match="no column 7") as caught:
        agree(three["conll"][:2], layers="1,7")
    assert "--layers names the tag columns" in str(caught.value)


def test_nested_agree_help_example_runs_from_the_repo_root(cli, monkeypatch):
    monkeypatch.chdir(NESTED.parents[1])
    result = cli("agree", "corpora/nested/gold.conll", "corpora/nested/pred.conll", "--layers", LAYERS)
    assert result.exit_code == 0 and "combined" in result.stdout
