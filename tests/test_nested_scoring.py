"""Nested entities from layered CoNLL (issue 17): counts against independent oracles.

Oracles: seqeval 1.2.2's ``get_entities`` decodes each layer (SPEC §2: lenient mode is
its extraction); a Counter multiset matches them; the flat core scores each layer on
its own; nervaluate 1.2.1 scores the partial-match schemas on the same spans; the
flat/nested and outer/inner buckets are recomputed pairwise from their definitions.
"""
from __future__ import annotations

import json
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seqeval_suite import evaluate
from seqeval_suite.nested import depths, evaluate_nested, multiset_hits, parse_layers, parse_type_map
from seqeval_suite.errors import ConfigError, DataError, UsageError

seqeval_entities = pytest.importorskip("seqeval.metrics.sequence_labeling").get_entities
nervaluate = pytest.importorskip("nervaluate")

TYPES = ["A", "B", "C"]
TAGS = ["O", "O", "O", "B-A", "I-A", "B-B", "I-B", "B-C", "I-C"]


@st.composite
def layered(draw, layers=3):
    """Sentences of (gold layers, pred layers): per layer a tag list of one length."""
    sentences = []
    for _ in range(draw(st.integers(1, 5))):
        n = draw(st.integers(1, 8))
        side = [[draw(st.lists(st.sampled_from(TAGS), min_size=n, max_size=n)) for _ in range(layers)]
                for _ in range(2)]
        sentences.append(side)
    return sentences


def write_layered(tmp_path, sentences):
    """Two files, ``token L1 L2 L3`` (tab-separated)."""
    paths = []
    for side in (0, 1):
        lines = []
        for sentence in sentences:
            layers = sentence[side]
            for k in range(len(layers[0])):
                lines.append("\t".join([f"t{k}", *(layer[k] for layer in layers)]))
            lines.append("")
        path = tmp_path / f"side{side}.tsv"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(str(path))
    return paths


def spans_of(tags):
    """seqeval's entities as half-open (start, end, type)."""
    return [(s, e + 1, t) for t, s, e in seqeval_entities(list(tags))]


def oracle(sentences):
    """Per-type (tp, fp, fn) by multiset matching of all layers' entities, per sentence."""
    table = Counter()
    for sentence in sentences:
        gold = Counter(sp for layer in sentence[0] for sp in spans_of(layer))
        pred = Counter(sp for layer in sentence[1] for sp in spans_of(layer))
        for span in gold | pred:
            hit = min(gold[span], pred[span])
            table[(span[2], "tp")] += hit
            table[(span[2], "fn")] += gold[span] - hit
            table[(span[2], "fp")] += pred[span] - hit
    return {t: (table[(t, "tp")], table[(t, "fp")], table[(t, "fn")]) for t in {k[0] for k in table}
            if any(table[(t, x)] for x in ("tp", "fp", "fn"))}


def bucket_oracle(sentences):
    """Gold/pred totals and matched counts per bucket, from the definitions."""
    out = {name: Counter() for name in ("flat", "nested", "outer", "inner")}
    for sentence in sentences:
        sides = [[sp for layer in sentence[s] for sp in spans_of(layer)] for s in (0, 1)]
        counts = [Counter(side) for side in sides]
        for s, (side, other) in enumerate(((sides[0], counts[1]), (sides[1], counts[0]))):
            used = Counter()
            d = depths([b for b, _, _ in side], [e for _, e, _ in side])
            for k, span in enumerate(side):
                hit = used[span] < other[span]
                used[span] += 1
                shares = any(j != k and span[0] < o[1] and o[0] < span[1] for j, o in enumerate(side))
                name = "gold" if s == 0 else "pred"
                for bucket, member in (("nested", shares), ("flat", not shares), ("outer", d[k] == 1),
                                       ("inner", d[k] > 1)):
                    if member:
                        out[bucket][name] += 1
                        out[bucket][name + "_matched"] += hit
    return out


@settings(max_examples=80, deadline=None)
@given(layered())
def test_nested_counts_equal_multiset_oracle_layers_and_buckets(tmp_path_factory, sentences):
    gold, pred = write_layered(tmp_path_factory.mktemp("n"), sentences)
    report = evaluate_nested(gold, pred, layers="1,2,3")
    got = {t: (c.tp, c.fp, c.fn) for t, c in report.per_type.items()}
    assert got == oracle(sentences)
    # each layer alone is the flat core's score of that column pair
    for k, name in enumerate(("1", "2", "3")):
        flat = evaluate([s[0][k] for s in sentences], [s[1][k] for s in sentences])
        layer = report.nested["layers"].get(name, {"micro": {"tp": 0, "fp": 0, "fn": 0}})["micro"]
        assert (layer["tp"], layer["fp"], layer["fn"]) == (flat.micro.tp, flat.micro.fp, flat.micro.fn)
    combined = report.nested["combined"]["micro"]
    assert combined["tp"] == sum(v["micro"]["tp"] for v in report.nested["layers"].values())
    expected = bucket_oracle(sentences)
    for name, bucket in report.nested["buckets"].items():
        assert (bucket["gold"], bucket["pred"], bucket["gold_matched"], bucket["pred_matched"]) == (
            expected[name]["gold"], expected[name]["pred"], expected[name]["gold_matched"],
            expected[name]["pred_matched"]), name


@settings(max_examples=60, deadline=None)
@given(layered(layers=2))
def test_nested_partial_match_equals_nervaluate_on_the_same_spans(tmp_path_factory, sentences):
    gold, pred = write_layered(tmp_path_factory.mktemp("n"), sentences)
    docs = [[[{"label": t, "start": s, "end": e - 1} for s, e, t in
              sorted(sp for layer in sentence[side] for sp in spans_of(layer))] for sentence in sentences]
            for side in (0, 1)]
    theirs = nervaluate.Evaluator(docs[0], docs[1], tags=TYPES, loader="dict").evaluate()
    for schema, name in (("exact", "exact"), ("partial", "partial"), ("type", "ent_type")):
        ours = evaluate_nested(gold, pred, layers="1,2", match=schema).to_dict()["partial_match"][schema]["micro"]
        result = theirs["overall"][name]
        assert (ours["cor"], ours["inc"], ours["par"], ours["mis"], ours["spu"]) == (
            result.correct, result.incorrect, result.partial, result.missed, result.spurious)
        assert ours["f1"] == pytest.approx(result.f1, abs=1e-12)


def test_multiset_hits_pairs_duplicates_one_to_one():
    import numpy as np

    g, p = multiset_hits(np.array([5, 5, 7, 9]), np.array([5, 9, 9, 1]))
    assert g.tolist() == [True, False, False, True]
    assert p.tolist() == [True, True, False, False]


def test_depths_three_levels_and_crossing():
    assert depths([0, 0, 1, 3], [4, 2, 2, 4]) == [1, 2, 3, 2]
    assert depths([0, 2], [3, 5]) == [1, 1]  # crossing: neither contains the other
    assert depths([0, 0], [2, 2]) == [1, 1]  # same span twice (two types): both outer


def test_layers_spec_and_type_map_parsing(tmp_path):
    assert parse_layers("1,2", one_file=False) == ((1, 2), (1, 2))
    for bad in ("", "a,b", "1,2:3", "1:2:3"):
        with pytest.raises(UsageError):
            parse_layers(bad, one_file=False)
    with pytest.raises(UsageError, match="GOLD:PRED"):
        parse_layers("2,3", one_file=True)
    assert parse_type_map("LOCderiv=LOC,X=") == {"LOCderiv": "LOC", "X": None}
    path = tmp_path / "m.map"
    path.write_text("# GermEval loose\nLOCpart LOC\nPERderiv=PER\n", encoding="utf-8")
    assert parse_type_map(str(path)) == {"LOCpart": "LOC", "PERderiv": "PER"}
    with pytest.raises(UsageError, match="twice"):
        parse_type_map("A=B,A=C")


ONE_FILE = ("Bank\tB-ORG\tO\tB-ORG\tO\nof\tI-ORG\tO\tI-ORG\tO\nNew\tI-ORG\tB-LOC\tI-ORG\tB-LOC\n"
            "York\tI-ORG\tI-LOC\tI-ORG\tO\n\n")


def test_one_file_and_two_file_forms_agree(write, cli):
    one = write("one.tsv", ONE_FILE)
    g = write("g.tsv", "".join("\t".join(line.split("\t")[:3]) + "\n" if line else "\n"
                               for line in ONE_FILE.split("\n")[:-1]))
    p = write("p.tsv", "".join("\t".join([line.split("\t")[0], *line.split("\t")[3:]]) + "\n" if line else "\n"
                               for line in ONE_FILE.split("\n")[:-1]))
    a = json.loads(cli("evaluate", one, "--layers", "1,2:3,4", "--layer-names", "outer,inner", "-f", "json").stdout)
    b = json.loads(cli("evaluate", g, p, "--layers", "1,2", "--layer-names", "outer,inner", "-f", "json").stdout)
    for key in ("micro", "per_type", "nested"):
        assert a[key] == b[key]
    assert a["nested"]["layers"]["inner"]["micro"]["fn"] == 1
    assert a["nested"]["buckets"]["inner"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "gold": 1, "pred": 1,
                                               "gold_matched": 0, "pred_matched": 0}


def test_type_map_folds_and_drops_types(write, cli):
    one = write("one.tsv", "a\tB-LOCderiv\tO\tB-LOC\tO\nb\tB-PER\tO\tB-PER\tO\n\n")
    strict = json.loads(cli("evaluate", one, "--layers", "1,2:3,4", "-f", "json").stdout)
    assert strict["micro"]["tp"] == 1 and strict["micro"]["fn"] == 1
    loose = json.loads(cli("evaluate", one, "--layers", "1,2:3,4", "--type-map", "LOCderiv=LOC", "-f", "json").stdout)
    assert loose["micro"]["tp"] == 2 and "type_map:1-" in loose["signature"]
    dropped = json.loads(cli("evaluate", one, "--layers", "1,2:3,4", "--type-map", "PER=", "-f", "json").stdout)
    assert set(dropped["per_type"]) == {"LOC", "LOCderiv"}


@pytest.mark.parametrize("args, code, message", [
    (["--layers", "1,x"], 2, "expected column numbers"),
    (["--layers", "1,2:3,4", "--mode", "conlleval"], 2, "conlleval"),
    (["--layers", "1,9:3,4"], 1, "no column 9"),
    (["--layers", "1,2:3,4", "-f", "conlleval"], 2, "conlleval"),
    (["--layers", "1,2:3,4", "--layer-names", "a,b,c"], 2, "3 names for 2 layers"),
])
def test_nested_bad_settings_are_one_line_errors(write, cli, args, code, message):
    one = write("one.tsv", ONE_FILE)
    result = cli("evaluate", one, *args)
    assert result.exit_code == code
    assert message in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""


def test_nested_misaligned_files_name_the_sentence(write):
    g = write("g.tsv", "a\tB-X\tO\nb\tO\tO\n\n")
    p = write("p.tsv", "a\tB-X\tO\n\n")
    with pytest.raises(DataError, match="sentence 1"):
        evaluate_nested(g, p, layers="1,2")


def test_runner_scores_a_layered_corpus_as_evaluate_does(tmp_path):
    from pathlib import Path

    from seqeval_suite.config import load_config
    from seqeval_suite.runner import plan, score_unit

    root = Path(__file__).resolve().parents[1] / "corpora" / "germeval"
    config = tmp_path / "c.yaml"
    config.write_text(
        "scoring: {resamples: 0}\n"
        f"corpora: [{{id: ge, path: {root / 'sample.gold.tsv'}, comments: true, layers: [2, 3]}}]\n"
        f"systems: [{{id: s, predictions: {{ge: {root / 'sample.pred.tsv'}}}}}]\n", encoding="utf-8")
    unit = plan(load_config(str(config)))[0]
    result = score_unit(unit)
    report = evaluate_nested(str(root / "sample.gold.tsv"), str(root / "sample.pred.tsv"), layers="2,3",
                             comments=True)
    assert result["per_type"] == {t: [c.tp, c.fp, c.fn] for t, c in sorted(report.per_type.items())}
    bad = tmp_path / "bad.yaml"
    bad.write_text(config.read_text(encoding="utf-8").replace("layers: [2, 3]", "layers: x"), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"corpora\[0\]\.layers"):
        load_config(str(bad))


def test_the_nested_example_gives_one_report_from_layered_conll_jsonl_and_brat():
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "corpora" / "nested"
    reports = [evaluate_nested(str(root / "gold.conll"), str(root / "pred.conll"), layers="1,2,3").to_dict(),
               evaluate_nested(str(root / "gold.jsonl"), str(root / "pred.jsonl")).to_dict(),
               evaluate_nested(str(root / "gold.brat"), str(root / "pred.brat")).to_dict()]
    assert reports[0]["nested"]["max_depth"] == {"gold": 3, "pred": 3}
    for report in reports:
        report["nested"].pop("layer_source")
    for report in reports[1:]:
        for key in ("micro", "macro", "weighted", "per_type", "nested", "sentences", "tokens", "documents"):
            assert report[key] == reports[0][key], key
    assert reports[0]["nested"]["layers"]["3"]["micro"]["tp"] == 1  # Oslo, inside two ORGs
    # Lund is LOC in both, but inside "the Mayor of Lund" only in gold: a match overall,
    # not within a layer
    assert (reports[0]["nested"]["combined"]["micro"]["tp"], reports[0]["micro"]["tp"]) == (9, 10)


GERMEVAL = __import__("pathlib").Path(__file__).resolve().parents[1] / "corpora" / "germeval"


def test_germeval_four_metrics_from_layers_equal_the_nereval_emulation(cli):
    """On well-formed IOB2 layers (the sample: no entity on the last token, no I- after
    a sentence end), --layers reproduces nereval.perl's four metrics: strict combined
    = combined, strict outer/inner = the layers, loose combined = combined under the
    loose type map."""
    from seqeval_suite.nereval import nereval_files

    gold, pred = str(GERMEVAL / "sample.gold.tsv"), str(GERMEVAL / "sample.pred.tsv")
    official = nereval_files(gold, pred).metrics()
    strict = evaluate_nested(gold, pred, layers="2,3", comments=True).nested
    loose = evaluate_nested(gold, pred, layers="2,3", comments=True,
                            type_map=str(GERMEVAL / "loose.map")).nested

    def counts(micro):
        return micro["tp"], micro["tp"] + micro["fp"], micro["tp"] + micro["fn"]

    for ours, theirs in ((strict["combined"]["micro"], "strict_combined"), (strict["layers"]["1"]["micro"], "outer_strict"),
                         (strict["layers"]["2"]["micro"], "inner_strict"), (loose["combined"]["micro"], "loose_combined")):
        t = official[theirs]
        assert counts(ours) == (t["tp"], t["found_guessed"], t["found_correct"]), theirs
        assert round(100 * ours["f1"], 2) == round(t["f1"], 2)
    shown = cli("evaluate", gold, pred, "--layers", "2,3", "-f", "nereval")
    assert shown.exit_code == 0 and "1. Strict, Combined Evaluation (official):" in shown.stdout
    assert f"FB1: {official['strict_combined']['f1']:6.2f}" in shown.stdout


@pytest.mark.parametrize("args", [[], ["--layers", "1,2,3"]])
def test_nereval_format_needs_two_layers(cli, args):
    result = cli("evaluate", str(GERMEVAL / "sample.gold.tsv"), str(GERMEVAL / "sample.pred.tsv"), "-f", "nereval",
                 *args)
    assert result.exit_code == 2 and "layers" in result.stderr


@pytest.mark.parametrize("layers, gold, pred", [("1,2,3", "gold.conll", "pred.conll"), (None, "gold.jsonl", "pred.jsonl"),
                                                (None, "gold.brat", "pred.brat")])
def test_nested_sentences_hold_what_evaluate_nested_counts(layers, gold, pred):
    from collections import Counter as C
    from pathlib import Path

    from seqeval_suite.nested import nested_sentences

    root = Path(__file__).resolve().parents[1] / "corpora" / "nested"
    tp = fp = fn = 0
    for sentence in nested_sentences(str(root / gold), str(root / pred), layers=layers):
        g = C((s, e, t) for s, e, t, _ in sentence.gold)
        p = C((s, e, t) for s, e, t, _ in sentence.pred)
        tp += sum((g & p).values())
        fp += sum((p - g).values())
        fn += sum((g - p).values())
    micro = evaluate_nested(str(root / gold), str(root / pred), layers=layers).micro
    assert (tp, fp, fn) == (micro.tp, micro.fp, micro.fn)
