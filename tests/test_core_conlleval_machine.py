"""The vectorised conlleval.pl machine (seqeval_suite.core.chunks) against the
one-token-at-a-time reference (tests/oracles.py ChunkMachine): the same counts per
type, per sentence (a correct chunk charged to the sentence where it started), the
same tokens and correct tags, and the same "mis-scored" warning, on random tags
including conlleval.pl's odd prefixes and types."""
from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from oracles import ChunkMachine, misscored_reason

from seqeval_suite import evaluate

TAGS = ["O", "B-PER", "I-PER", "E-PER", "S-PER", "B-LOC", "I-LOC", "E-LOC", "L-LOC", "U-LOC", "I-0",
        "B", "I", "E", ".", "[", "]", "X", "B-", "I-A-B"]

corpora = st.lists(st.lists(st.tuples(st.sampled_from(TAGS), st.sampled_from(TAGS)), min_size=1, max_size=7),
                   min_size=1, max_size=8)


@settings(max_examples=400, deadline=None)
@given(corpora)
def test_conlleval_machine_equals_reference(sentences):
    gold = [[g for g, _ in s] for s in sentences]
    pred = [[p for _, p in s] for s in sentences]
    machine = ChunkMachine()
    for g, p in zip(gold, pred):
        machine.add_sentence(g, p)
    machine.finish(trailing_boundary=True)
    report = evaluate(gold, pred, mode="conlleval")
    counter = report.conlleval_counter
    assert (counter.gold, counter.found, counter.correct) == (machine.gold, machine.found, machine.correct)
    assert (report.tokens, report.correct_tags) == (machine.tokens, machine.correct_tags)
    types = sorted(set(machine.gold) | set(machine.found))
    expected = np.zeros((len(sentences), len(types), 3), dtype=np.int64)
    for s, bucket in machine.by_sentence.items():
        for (t, kind), n in bucket.items():
            cell = expected[s, types.index(t)]
            if kind == "correct":
                cell[0] += n
            elif kind == "found":
                cell[1] += n
            else:
                cell[2] += n
    expected[:, :, 1] -= expected[:, :, 0]  # tp, fp = found - correct, fn = gold - correct
    expected[:, :, 2] -= expected[:, :, 0]
    assert np.array_equal(report.sentence_counts.dense(len(sentences), types), expected)
    reason = next((r for g, p in zip(gold, pred) if (r := misscored_reason(g, p))), None)
    assert any(reason in w for w in report.warnings) if reason else not any("mis-scores" in w for w in report.warnings)
