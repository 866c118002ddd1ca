"""``agree --consensus`` (issue 20): majority vote against a direct reimplementation,
Dawid-Skene recovering known annotator accuracies, Viterbi against brute force, the
written consensus read back, the disagreement CSV's consensus column, the JSON keys,
gold scoring equal to ``evaluate`` on lists, and bad inputs."""
from __future__ import annotations

import csv
import io
import itertools
import json
import random
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from seqeval.metrics.sequence_labeling import get_entities

from seqeval_suite import evaluate
from seqeval_suite.agreement import agree
from seqeval_suite.consensus import (DawidSkeneFit, build_consensus, dawid_skene, decode_iob2, majority_vote,
                                     resolve_overlaps)
from seqeval_suite.convert import decode
from seqeval_suite.errors import DataError, UsageError
from seqeval_suite.io.formats import read_tagged
from conftest import conll

DEMO = Path(__file__).resolve().parents[1] / "corpora" / "agreement"
FILES = [str(DEMO / f"ann{i}.conll") for i in (1, 2, 3)]
MULTI = str(DEMO / "all.conll")
TAGS = ["O", "O", "O", "B-PER", "I-PER", "B-LOC", "I-LOC", "E-LOC", "S-ORG", "I-ORG"]


# ------------------------------------------------------------------ majority vote
def _oracle_majority(crowd: dict[str, list], min_votes: int | None) -> list[list[tuple]]:
    """The rule of the issue, written out directly: seqeval's decoder, a Counter of
    identical (span, type) entities over the annotators who labelled the sentence, a
    strict majority (or ``min_votes``), then greedy: more votes, longer, earlier, type."""
    out = []
    for sentence in zip(*crowd.values()):
        who = [tags for tags in sentence if tags is not None]
        if not who:  # nobody labelled it: in-memory input drops such a sentence
            continue
        need = min_votes if min_votes is not None else len(who) // 2 + 1
        votes = Counter((b, e + 1, t) for tags in who for t, b, e in set(get_entities(list(tags))))
        ranked = sorted((span for span, n in votes.items() if n >= need),
                        key=lambda s: (-votes[s], -(s[1] - s[0]), s[0], s[2]))
        kept: list[tuple] = []
        for span in ranked:
            if all(span[1] <= k[0] or k[1] <= span[0] for k in kept):
                kept.append(span)
        out.append(sorted(kept))
    return out


@st.composite
def crowds(draw):
    raters = draw(st.integers(2, 6))
    lengths = draw(st.lists(st.integers(1, 7), min_size=1, max_size=6))
    crowd = {}
    for k in range(raters):
        crowd[f"a{k}"] = [None if draw(st.booleans()) and draw(st.booleans())
                          else draw(st.lists(st.sampled_from(TAGS), min_size=n, max_size=n)) for n in lengths]
    # Mostly copies of one annotator's entities, so that votes meet and overlap.
    base = next((s for s in crowd["a0"] if s is not None), None)
    if base is not None and draw(st.booleans()):
        for name in list(crowd)[1:]:
            crowd[name] = [list(base) if s is not None and len(s) == len(base) and draw(st.booleans()) else s
                           for s in crowd[name]]
    min_votes = draw(st.one_of(st.none(), st.integers(1, raters)))
    return crowd, min_votes


@settings(max_examples=300, deadline=None)
@given(crowds())
def test_majority_vote_equals_a_direct_reimplementation(case):
    crowd, min_votes = case
    try:
        report = agree(crowd, consensus="majority", min_votes=min_votes)
    except DataError as exc:  # every sentence unlabelled by everyone: nothing to score
        assert "no tokens" in str(exc)
        return
    assert report.consensus.spans == _oracle_majority(crowd, min_votes)


@pytest.mark.parametrize("candidates, kept, dropped", [
    ([((0, 2, "ORG"), 3), ((1, 3, "PER"), 2)], [(0, 2, "ORG")], 1),          # more votes first
    ([((0, 1, "ORG"), 2), ((0, 3, "PER"), 2)], [(0, 3, "PER")], 1),          # then the longer span
    ([((2, 4, "ORG"), 2), ((1, 3, "PER"), 2)], [(1, 3, "PER")], 1),          # then the earlier start
    ([((0, 2, "PER"), 2), ((0, 2, "LOC"), 2)], [(0, 2, "LOC")], 1),          # then the type name
    ([((0, 2, "A"), 2), ((2, 4, "B"), 2)], [(0, 2, "A"), (2, 4, "B")], 0),   # touching is not overlapping
    ([((0, 5, "A"), 1), ((0, 2, "B"), 2), ((3, 5, "C"), 2)], [(0, 2, "B"), (3, 5, "C")], 1),
    ([], [], 0),
])
def test_resolve_overlaps_rule(candidates, kept, dropped):
    assert resolve_overlaps(candidates) == (kept, dropped)


def test_majority_vote_strict_majority_counts_the_sentence_annotators_only():
    entities = [{0: [(0, 1, "PER")], 1: [(0, 1, "PER")]}, {0: [(0, 1, "PER")]}, {1: [(0, 1, "LOC")]}]
    labelled = [[1, 1], [1, 0], [1, 1]]  # sentence 1: two annotators, one vote each: no majority
    assert majority_vote(entities, labelled) == ([[(0, 1, "PER")], []], 0)
    assert majority_vote(entities, labelled, min_votes=1) == ([[(0, 1, "PER")], [(0, 1, "LOC")]], 1)


def test_min_votes_beyond_the_annotators_or_with_dawid_skene_is_a_usage_error():
    crowd = {"a": [["B-PER"]], "b": [["B-PER"]]}
    with pytest.raises(UsageError, match="give 1 to 2"):
        agree(crowd, consensus="majority", min_votes=3)
    with pytest.raises(UsageError, match="applies to --consensus majority"):
        agree(crowd, consensus="dawid-skene", min_votes=1)
    with pytest.raises(UsageError, match="needs --consensus"):
        agree(crowd, min_votes=1)
    with pytest.raises(UsageError, match="unknown consensus method"):
        agree(crowd, consensus="median")


# ------------------------------------------------------------------ Dawid-Skene
def _simulated(seed: int, annotators: int = 10, items: int = 5000, per_item: int | None = None):
    """Token labels of a simulated crowd: annotator j gives the true label with
    probability acc[j] (0.6 .. 0.95), otherwise one of the other labels uniformly."""
    rng = np.random.default_rng(seed)
    prior = np.array([0.7, 0.06, 0.04, 0.06, 0.04, 0.06, 0.04])
    truth = rng.choice(len(prior), items, p=prior)
    accuracy = np.linspace(0.6, 0.95, annotators)
    labels = np.full((annotators, items), -1)
    for j in range(annotators):
        right = rng.random(items) < accuracy[j]
        labels[j] = np.where(right, truth, (truth + rng.integers(1, len(prior), items)) % len(prior))
    if per_item is not None:  # each item labelled by per_item annotators only
        keep = np.argsort(rng.random((annotators, items)), axis=0) < per_item
        labels[~keep] = -1
    return labels, truth, accuracy, len(prior)


@pytest.mark.parametrize("per_item", [None, 5])
def test_dawid_skene_recovers_known_accuracies_within_0_05(per_item):
    labels, truth, accuracy, n_labels = _simulated(20, per_item=per_item)
    fit = dawid_skene(labels, n_labels)
    assert fit.converged
    assert np.abs(np.array(fit.accuracy()) - accuracy).max() < 0.05
    assert (fit.posteriors.argmax(axis=1) == truth).mean() > 0.97


def test_dawid_skene_is_deterministic_and_stops_at_max_iter():
    labels, _, _, n_labels = _simulated(3, items=800, per_item=3)
    a, b = dawid_skene(labels, n_labels), dawid_skene(labels, n_labels)
    assert a.iterations == b.iterations and np.array_equal(a.posteriors, b.posteriors)
    assert np.array_equal(a.confusion, b.confusion)
    one = dawid_skene(labels, n_labels, max_iter=1)
    assert one.iterations == 1 and not one.converged and one.change > 1e-6


def test_dawid_skene_accuracy_is_prior_weighted_diagonal():
    labels, _, _, n_labels = _simulated(5, items=500)
    fit = dawid_skene(labels, n_labels)
    for j, value in enumerate(fit.accuracy()):
        assert value == pytest.approx(sum(fit.priors[k] * fit.confusion[j, k, k] for k in range(n_labels)))
    entity = fit.entity_accuracy()[0]
    assert entity == pytest.approx(sum(fit.priors[k] * fit.confusion[0, k, k] for k in range(1, n_labels))
                                   / fit.priors[1:].sum())
    assert np.allclose(fit.confusion.sum(axis=2), 1.0) and fit.priors.sum() == pytest.approx(1.0)


def test_dawid_skene_without_answers_for_an_annotator():
    labels = np.array([[0, 1, 1], [0, 1, 0], [-1, -1, -1]])
    fit = dawid_skene(labels, 2)
    assert fit.accuracy()[2] is None and fit.accuracy()[0] is not None


def test_dawid_skene_needs_annotators_who_share_tokens():
    """With one annotator per token any relabelling of its answers explains them as
    well (the model is not identifiable): the Dawid-Skene consensus is refused, an
    isolated annotator's accuracy is null and named in a warning."""
    a1 = [list(s.tags) for s in read_tagged(FILES[0])]
    a2 = [list(s.tags) for s in read_tagged(FILES[1])]
    alone = {"a": [t if i % 2 else None for i, t in enumerate(a1)], "b": [None if i % 2 else t for i, t in enumerate(a2)]}
    with pytest.raises(DataError, match="no token has two annotators"):
        agree(alone, consensus="dawid-skene")
    report = agree(alone, consensus="majority")
    assert [q.ds_accuracy for q in report.quality] == [None, None]
    assert [q.f1_vs_consensus for q in report.quality] == [1.0, 1.0]
    mixed = {"a": list(a1), "b": list(a2), "c": [None] * 40, "d": [None] * 40}
    mixed["c"][0], mixed["d"][1] = a1[0], a2[1]  # c shares sentence 1 with a and b; d too
    mixed["e"] = [None] * 39 + [a1[39]]
    mixed["a"][39] = mixed["b"][39] = None  # e alone on the last sentence
    report = agree(mixed, consensus="dawid-skene")
    assert report.quality[4].ds_accuracy is None and report.quality[2].ds_accuracy is not None
    assert any("e shares no token with another annotator" in w for w in report.warnings)
    assert report.to_dict()["consensus"]["dawid_skene"]["tokens_with_one_annotator"] == len(a1[39])


def test_dawid_skene_equals_crowd_kit():
    """Differential check against crowd-kit's DawidSkene (an optional oracle: run when
    it is installed). Same model and initialisation; crowd-kit clips zero counts at
    1e-10 where this module adds ``smoothing``, so that is set to 1e-10 here."""
    pd = pytest.importorskip("pandas")
    crowdkit = pytest.importorskip("crowdkit.aggregation")
    labels, _, _, n_labels = _simulated(3, annotators=12, items=3000, per_item=4)
    fit = dawid_skene(labels, n_labels, smoothing=1e-10, tol=1e-10, max_iter=5000)
    item, worker = np.nonzero(labels.T >= 0)
    frame = pd.DataFrame({"task": item, "worker": worker, "label": labels.T[item, worker]})
    theirs = crowdkit.DawidSkene(n_iter=5000, tol=1e-12).fit(frame)
    probas = theirs.probas_.reindex(columns=range(n_labels)).fillna(0.0).loc[range(labels.shape[1])].to_numpy()
    # crowd-kit stops on its evidence bound (tol 1e-12 here) and clips posteriors at 1e-10.
    assert np.abs(probas - fit.posteriors).max() < 1e-4
    assert np.array_equal(probas.argmax(axis=1), fit.posteriors.argmax(axis=1))


def _valid_iob2(sequence) -> bool:
    previous = 0
    for label in sequence:
        if label > 0 and label % 2 == 0 and previous not in (label - 1, label):
            return False
        previous = label
    return True


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(1, 4), min_size=1, max_size=4), st.sampled_from([3, 5]), st.integers(0, 2 ** 32 - 1))
def test_decode_iob2_is_the_best_valid_sequence(lengths, n_labels, seed):
    rng = np.random.default_rng(seed)
    first = np.r_[0, np.cumsum(lengths)[:-1]]
    log_p = np.log(rng.dirichlet(np.ones(n_labels), sum(lengths)))
    got = decode_iob2(log_p, first, np.array(lengths))
    for start, n in zip(first, lengths):
        best = max((s for s in itertools.product(range(n_labels), repeat=n) if _valid_iob2(s)),
                   key=lambda s: sum(log_p[start + i, x] for i, x in enumerate(s)))
        assert tuple(got[start:start + n]) == best


def test_dawid_skene_consensus_is_valid_and_keeps_adjacent_entities():
    # Two one-token PER entities side by side: IOB2 labels keep them apart.
    crowd = {name: [["B-PER", "B-PER", "O"]] for name in ("a", "b")} | {"c": [["B-PER", "I-PER", "O"]]}
    report = agree(crowd, consensus="dawid-skene")
    assert report.consensus.spans == [[(0, 1, "PER"), (1, 2, "PER")]]
    assert report.consensus.converged and report.consensus.iterations >= 1


# ------------------------------------------------------------------ the demo corpus, end to end
@pytest.mark.parametrize("method", ["majority", "dawid-skene"])
@pytest.mark.parametrize("name, scheme", [("c.conll", None), ("c.jsonl", None), ("c.conll", "BILOU"),
                                          ("c.txt", "IOBES"), ("c.jsonl", "IOB1")])
def test_written_consensus_reads_back_to_the_same_entities(cli, tmp_path, method, name, scheme):
    target = tmp_path / name
    args = ["agree", *FILES, "--consensus", method, "--consensus-output", target, "-q"]
    result = cli(*args, *(["--to-scheme", scheme] if scheme else []))
    assert result.exit_code == 0, result.stderr
    expected = agree(FILES, consensus=method).consensus
    back = list(read_tagged(target))
    assert len(back) == len(expected.spans)
    originals = list(read_tagged(FILES[0]))
    for sentence, original, spans in zip(back, originals, expected.spans):
        assert list(sentence.tokens) == list(original.tokens)
        assert decode(list(sentence.tags), from_scheme=scheme or "IOB2")[0] == spans


def test_consensus_majority_on_the_demo_keeps_what_a_strict_majority_says():
    report = agree(FILES, consensus="majority")
    assert report.consensus.entities > 0 and report.consensus.dropped == 0
    # In a sentence ann3 skipped ('?'), only ann1 and ann2 vote: both must agree.
    ann = [list(read_tagged(f)) for f in FILES]
    for s, spans in enumerate(report.consensus.spans):
        held = [set(decode(list(a[s].tags))[0]) if "?" not in a[s].tags else None for a in ann]
        who = [h for h in held if h is not None]
        for span in spans:
            assert sum(span in h for h in who) > len(who) / 2


def test_disagreement_csv_has_the_consensus_spans(cli, tmp_path):
    target = tmp_path / "dis.csv"
    result = cli("agree", *FILES, "--consensus", "majority", "--disagreements", target, "-q")
    assert result.exit_code == 0, result.stderr
    text = target.read_text()
    assert text.splitlines()[0].endswith(",kind,consensus")
    rows = list(csv.DictReader(io.StringIO(text)))
    spans = agree(FILES, consensus="majority").consensus.spans
    assert rows and any(r["consensus"] for r in rows) and any(not r["consensus"] for r in rows)
    for row in rows:
        s, start, end = int(row["sentence"]) - 1, int(row["start"]), int(row["end"])
        expected = " ".join(f"{t}[{b},{e})" for b, e, t in spans[s] if b < end and start < e)
        assert row["consensus"] == expected
    plain = tmp_path / "plain.csv"
    cli("agree", *FILES, "--disagreements", plain)
    assert "consensus" not in plain.read_text().splitlines()[0]


def test_json_keys(cli):
    out = json.loads(cli("agree", *FILES, "--consensus", "dawid-skene", "--gold-file", FILES[0], "-f", "json").stdout)
    c = out["consensus"]
    assert c["method"] == "dawid-skene" and c["converged"] is True and c["iterations"] >= 1
    assert {"tol", "max_iter", "smoothing", "labels", "init", "decoding"} <= set(c["parameters"])
    assert c["dawid_skene"]["labels"][0] == "O" and c["labelled_sentences"] == 40
    assert set(out["quality"]) == {"ann1", "ann2", "ann3"}
    for q in out["quality"].values():
        assert {"sentences", "ds_accuracy", "ds_entity_accuracy", "f1_vs_consensus", "precision_vs_consensus",
                "recall_vs_consensus", "f1_vs_gold", "precision_vs_gold", "recall_vs_gold"} <= set(q)
        assert 0 < q["ds_accuracy"] <= 1 and 0 < q["f1_vs_consensus"] <= 1
    assert out["quality"]["ann1"]["f1_vs_gold"] == 1.0  # ann1 is the gold file here
    assert out["consensus_vs_gold"]["micro"]["f1"] > 0.9
    assert "consensus:dawid-skene" in out["signature"]
    json.dumps(out, allow_nan=False)
    plain = json.loads(cli("agree", *FILES, "-f", "json").stdout)
    assert plain["consensus"] is None and plain["quality"] is None and plain["consensus_vs_gold"] is None
    majority = json.loads(cli("agree", *FILES, "--consensus", "majority", "-f", "json").stdout)["consensus"]
    assert majority["iterations"] is None and majority["converged"] is None
    assert majority["parameters"]["min_votes"] == "strict majority" and majority["dawid_skene"]["converged"]


@pytest.mark.parametrize("fmt, marker", [
    ("table", "annotator quality"), ("markdown", "ds_accuracy"), ("latex", "ds\\_accuracy"),
    ("csv", "ds_accuracy,dawid-skene,ann1"),
])
def test_every_format_shows_the_quality(cli, fmt, marker):
    result = cli("agree", *FILES, "--consensus", "majority", "--gold-file", FILES[0], "-f", fmt)
    assert result.exit_code == 0
    assert marker in result.stdout


def test_gold_scores_equal_evaluate_on_lists():
    report = agree(FILES, consensus="majority", gold_file=FILES[1])
    ann = [[list(s.tags) for s in read_tagged(f)] for f in FILES]
    gold = ann[1]
    consensus = report.consensus.tags()
    for k, q in enumerate(report.quality):
        own = [s for s, tags in enumerate(ann[k]) if "?" not in tags]
        expected = evaluate([gold[s] for s in own], [ann[k][s] for s in own])
        assert q.vs_gold.micro == expected.micro and q.vs_gold.per_type == expected.per_type
        against = evaluate([consensus[s] for s in own], [ann[k][s] for s in own])
        assert q.vs_consensus.micro == against.micro
    expected = evaluate(gold, consensus)
    assert report.consensus_vs_gold.micro == expected.micro
    assert report.consensus_vs_gold.sentences == 40


def test_gold_file_alone_scores_every_annotator(cli):
    out = json.loads(cli("agree", *FILES[:2], "--gold-file", FILES[2], "-f", "json", "-q").stdout)
    assert out["consensus"] is None and out["consensus_vs_gold"] is None
    # ann3 skipped 3 sentences ('?'): those are not scored, so this is the ann3~annK pair.
    pairs = json.loads(cli("agree", *FILES, "-f", "json").stdout)["f1_matrix"]
    assert out["quality"]["ann1"]["f1_vs_gold"] == pairs["ann1"]["ann3"]
    assert out["quality"]["ann1"]["ds_accuracy"] is None


def test_multi_column_crowd_with_question_marks_and_a_conll_gold(cli, write):
    """The real-data form: one file, a column per annotator, '?' where one did not
    label; a CoNLL gold over the same tokens. Annotators of known error rates come out
    ranked as made by their Dawid-Skene entity accuracy."""
    rng = random.Random(7)
    annotators, rates = 8, [0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5]
    rows, gold_rows = [], []
    for _ in range(300):
        n = rng.randint(3, 12)
        gold = []
        while len(gold) < n:
            if rng.random() < 0.3:
                t = rng.choice("ABC")
                gold += [f"B-{t}"] + [f"I-{t}"] * min(rng.randint(0, 2), n - len(gold) - 1)
            else:
                gold.append("O")
        who = set(rng.sample(range(annotators), 4))
        columns = []
        for k in range(annotators):
            if k not in who:
                columns.append(["?"] * n)
                continue
            tags = [t if rng.random() > rates[k] else rng.choice(["O", "B-A", "B-B", "B-C"]) for t in gold]
            columns.append(tags)
        words = [f"w{rng.randint(0, 99)}" for _ in range(n)]
        rows.append([(w, *(c[i] for c in columns)) for i, w in enumerate(words)])
        gold_rows.append([(w, g) for w, g in zip(words, gold)])
    crowd = write("answers.conll", conll(rows))
    gold = write("gold.conll", conll(gold_rows))
    cols = ",".join(str(k) for k in range(1, annotators + 1))
    f1 = {}
    for method in ("majority", "dawid-skene"):
        result = cli("agree", crowd, "--columns", cols, "--consensus", method, "--gold-file", gold, "-f", "json",
                     "--consensus-output", Path(gold).with_name(f"{method}.conll"))
        assert result.exit_code == 0, result.stderr
        out = json.loads(result.stdout)
        f1[method] = out["consensus_vs_gold"]["micro"]["f1"]
        assert f1[method] > 0.75
        quality = out["quality"]
        ranked = sorted(quality, key=lambda n: -quality[n]["ds_entity_accuracy"])
        assert ranked[:3] == ["col1", "col2", "col3"] and ranked[-1] == "col8"
        f1_gold = [quality[f"col{k}"]["f1_vs_gold"] for k in range(1, annotators + 1)]
        assert f1_gold == sorted(f1_gold, reverse=True)
    # Token noise breaks entities apart; weighing annotators by their confusion recovers
    # more of them than counting votes does (0.95 against 0.79 on this seed).
    assert f1["dawid-skene"] > f1["majority"] + 0.1


@pytest.mark.parametrize("form", ["jsonl", "tags-only", "crlf"])
def test_gold_file_in_other_forms_scores_the_same(tmp_path, form):
    from seqeval_suite.io.jsonl import write_jsonl

    sentences = list(read_tagged(FILES[1]))
    if form == "jsonl":
        gold = tmp_path / "gold.jsonl"
        write_jsonl(str(gold), [(s.tokens, s.tags) for s in sentences])
    elif form == "tags-only":  # no token column: only the lengths can be checked
        gold = tmp_path / "gold.conll"
        gold.write_text(conll([[(t,) for t in s.tags] for s in sentences]))
    else:
        gold = tmp_path / "gold.conll"
        gold.write_bytes(Path(FILES[1]).read_bytes().replace(b"\n", b"\r\n"))
    expected = agree(FILES, consensus="majority", gold_file=FILES[1])
    got = agree(FILES, consensus="majority", gold_file=str(gold))
    assert got.consensus_vs_gold.micro == expected.consensus_vs_gold.micro
    assert [q.f1_vs_gold for q in got.quality] == [q.f1_vs_gold for q in expected.quality]


def test_files_of_tags_alone_write_tags_alone_and_take_a_gold_with_tokens(cli, write, tmp_path):
    a = write("a.conll", "B-PER\nO\n\nB-LOC\n")
    b = write("b.conll", "B-PER\nO\n\nO\n")
    gold = write("gold.conll", "Ann B-PER\nsaid O\n\nRome B-LOC\n")
    target = tmp_path / "c.conll"
    result = cli("agree", a, b, "--consensus", "majority", "--consensus-output", target, "--gold-file", gold,
                 "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert target.read_text() == "B-PER\nO\n\nO\n\n"
    assert json.loads(result.stdout)["consensus_vs_gold"]["micro"]["recall"] == 0.5
    result = cli("agree", a, b, "--consensus", "majority", "--consensus-output", tmp_path / "c.jsonl")
    assert result.exit_code == 2 and "no tokens" in result.stderr and result.stdout == ""


def test_dawid_skene_reads_every_scheme_into_one_label_space():
    iobes = {k: [["B-PER", "E-PER", "S-LOC", "O"]] for k in ("a", "b")} | {"c": [["S-PER", "O", "S-LOC", "O"]]}
    bilou = {k: [["B-PER", "L-PER", "U-LOC", "O"]] for k in ("a", "b")} | {"c": [["U-PER", "O", "U-LOC", "O"]]}
    for crowd in (iobes, bilou):
        report = agree(crowd, consensus="dawid-skene")
        assert report.consensus.spans == [[(0, 2, "PER"), (2, 3, "LOC")]]
        assert report.consensus.fit.labels == ["O", "B-LOC", "I-LOC", "B-PER", "I-PER"]


def test_sentences_nobody_labelled_are_written_as_o(cli, write, tmp_path):
    a = write("a.conll", conll([["B-PER", "O"], ["?", "?"]]))
    b = write("b.conll", conll([["B-PER", "O"], ["?", "?"]]))
    target = tmp_path / "c.conll"
    result = cli("agree", a, b, "--consensus", "majority", "--consensus-output", target)
    assert result.exit_code == 0
    assert "1 sentence labelled by no annotator" in result.stderr
    assert [list(s.tags) for s in read_tagged(target)] == [["B-PER", "O"], ["O", "O"]]


def test_strict_mode_scores_the_consensus_in_the_input_scheme():
    crowd = {k: [["B-PER", "E-PER", "S-LOC"]] for k in ("a", "b")} | {"c": [["S-PER", "O", "S-LOC"]]}
    report = agree(crowd, consensus="majority", mode="strict", scheme="IOBES")
    assert report.consensus.spans == [[(0, 2, "PER"), (2, 3, "LOC")]]
    assert [q.f1_vs_consensus for q in report.quality] == [1.0, 1.0, 0.5]


def test_non_convergence_is_reported():
    report = agree(FILES, consensus="dawid-skene", ds_max_iter=1)
    assert report.consensus.converged is False
    assert any("without converging" in w for w in report.warnings)


def test_build_consensus_refuses_bad_em_settings():
    from seqeval_suite.agreement import _crowd, _encode  # the corpus -> crowd step agree() takes
    from seqeval_suite.core.options import Options
    from seqeval_suite.io.annotations import read_corpus

    corpus = read_corpus(FILES, options=Options.build())
    _encode(corpus)
    crowd = _crowd(corpus, Options.build())
    for bad in ({"tol": 0}, {"max_iter": 0}, {"smoothing": -1}):
        with pytest.raises(UsageError):
            build_consensus(crowd, "dawid-skene", **bad)
    assert isinstance(build_consensus(crowd, "ds").fit, DawidSkeneFit)


# ------------------------------------------------------------------ bad inputs on the command line
@pytest.mark.parametrize("args, message", [
    (["--consensus-output", "x.conll"], "--consensus-output needs --consensus"),
    (["--consensus", "median"], "'median' is not one of"),
    (["--consensus", "majority", "--consensus-output", "x.json"], "CoNLL or JSON Lines"),
    (["--consensus", "majority", "--consensus-output", FILES[0]], "choose another file"),
    (["--to-scheme", "BILOU"], "needs --consensus-output"),
    (["--min-votes", "2"], "--min-votes needs --consensus majority"),
    (["--consensus", "dawid-skene", "--min-votes", "2"], "applies to --consensus majority"),
    (["--consensus", "majority", "--min-votes", "4"], "give 1 to 3"),
    (["--ds-tol", "1e-3"], "needs --consensus"),
    (["--consensus", "dawid-skene", "--ds-tol", "0"], "must be above 0"),
])
def test_usage_errors_exit_2(cli, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    result = cli("agree", *FILES, *args)
    assert result.exit_code == 2, result.stderr
    assert message in result.stderr and result.stdout == ""
    assert "Traceback" not in result.stderr and not list(tmp_path.iterdir())


def test_output_naming_a_tag_file_receives_the_consensus(cli, tmp_path, monkeypatch):
    """The issue's form, `agree ... --consensus majority --output consensus.conll`."""
    monkeypatch.chdir(tmp_path)
    result = cli("agree", *FILES, "--consensus", "majority", "-o", "consensus.conll")
    assert result.exit_code == 0, result.stderr
    assert "annotator quality" in result.stdout  # the report on stdout
    other = cli("agree", *FILES, "--consensus", "majority", "--consensus-output", "again.conll")
    assert other.exit_code == 0
    assert (tmp_path / "consensus.conll").read_bytes() == (tmp_path / "again.conll").read_bytes()


def test_nested_input_refuses_a_consensus(cli):
    nested = Path(__file__).resolve().parents[1] / "corpora" / "nested"
    result = cli("agree", nested / "gold.conll", nested / "pred.conll", "--layers", "1,2,3", "--consensus", "majority")
    assert result.exit_code == 2 and "flat input" in result.stderr


@pytest.mark.parametrize("edit, message", [
    (lambda s: s[:5] + [s[5][:-1]] + s[6:], "sentence 6 has"),                        # a token fewer
    (lambda s: s[:7] + [[("Zzz", s[7][0][1])] + s[7][1:]] + s[8:], "token mismatch at sentence 8, token 1"),
    (lambda s: s[:30], "ends after 30 sentences"),
    (lambda s: s + [[("extra", "O")]], "goes on after 40 sentences"),
])
def test_gold_file_over_other_tokens_exits_1_naming_files_and_sentence(cli, write, edit, message):
    sentences = [[(tok, tag) for tok, tag in zip(s.tokens, s.tags)] for s in read_tagged(FILES[0])]
    gold = write("gold.conll", conll(edit(sentences)))
    result = cli("agree", MULTI, "--columns", "1,2,3", "--consensus", "majority", "--gold-file", gold)
    assert result.exit_code == 1, result.stderr
    assert message in result.stderr and "gold.conll" in result.stderr and "all.conll" in result.stderr
    assert result.stdout == "" and "Traceback" not in result.stderr


@pytest.mark.parametrize("method", ["majority", "dawid-skene"])
def test_consensus_conll_keeps_the_documents_of_the_input(cli, write, tmp_path, method):
    """The consensus written as CoNLL has the annotators' -DOCSTART- lines (it had none,
    so a CoNLL-2003-style consensus lost its documents), from separate files or from the
    columns of one file; an input without them gets none."""
    text = "-DOCSTART- O\n\nEU B-ORG\nrejects O\n\nPeter B-PER\n\n-DOCSTART- O\n\nBonn {}\n\n-DOCSTART- O\n\n"
    files = [write(f"{n}.conll", text.format(tag)) for n, tag in (("a", "B-LOC"), ("b", "O"), ("c", "B-LOC"))]
    target = tmp_path / "cons.conll"
    result = cli("agree", *files, "--consensus", method, "--consensus-output", target, "-q")
    assert result.exit_code == 0, result.stderr
    assert target.read_text() == text.format("B-LOC")
    columns = write("all.conll", "-DOCSTART- O O O\n\nEU B-ORG B-ORG B-ORG\nrejects O O O\n\n"
                                 "Peter B-PER B-PER B-PER\n\n-DOCSTART- O O O\n\nBonn B-LOC O B-LOC\n\n"
                                 "-DOCSTART- O O O\n\n")
    result = cli("agree", columns, "--columns", "1,2,3", "--consensus", method, "--consensus-output", target, "-q")
    assert result.exit_code == 0, result.stderr
    assert target.read_text() == text.format("B-LOC")
    plain = [write(f"p{n}.conll", "EU B-ORG\nrejects O\n\n") for n in "ab"]
    assert cli("agree", *plain, "--consensus", method, "--consensus-output", target, "-q").exit_code == 0
    assert target.read_text() == "EU B-ORG\nrejects O\n\n"
