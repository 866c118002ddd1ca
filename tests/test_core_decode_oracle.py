"""The core's vectorised decoders against the pure-Python oracles (tests/oracles.py):
the same entities for random tag sequences, many sentences decoded at once, in lenient
mode and strict mode under every scheme."""
from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from oracles import decode_lenient, decode_strict, uncovered_runs

from seqeval_suite.core.options import Options
from seqeval_suite.core.score import decode_entities
from seqeval_suite.core.vocab import TagVocabulary
from seqeval_suite.schemes import SCHEME_PREFIXES, SCHEMES, TagTable, strict_type

TYPES = ("PER", "LOC")


def tags_of(prefixes):
    return st.lists(st.lists(st.one_of(st.just("O"), st.builds(lambda p, t: f"{p}-{t}", st.sampled_from(prefixes),
                                                               st.sampled_from(TYPES))),
                             min_size=1, max_size=8), min_size=1, max_size=6)


def core(sentences, options):
    vocab = TagVocabulary(options.mode == "strict", options.scheme, options.suffix)
    ids = vocab.ids_of([t for s in sentences for t in s])
    lengths = [len(s) for s in sentences]
    first = np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.int64)
    sentence, start, end, kind, dropped = decode_entities(ids, first, vocab, options, dropped=True)
    out = [[] for _ in sentences]
    for s, b, e, k in zip(sentence.tolist(), start.tolist(), end.tolist(), kind.tolist()):
        out[s].append((b, e, vocab.type_names[k]))
    return out, dropped


@settings(max_examples=300, deadline=None)
@given(tags_of("BIESLU"))
def test_decode_lenient_equals_oracle(sentences):
    table = TagTable()
    expected = [decode_lenient(table.parse_all(s)) for s in sentences]
    assert core(sentences, Options())[0] == expected


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_decode_strict_equals_oracle_for_every_scheme(data):
    scheme = data.draw(st.sampled_from(SCHEMES))
    sentences = data.draw(tags_of(sorted(SCHEME_PREFIXES[scheme])))
    table = TagTable(lenient=False)
    parsed = [[p if p[0] == "O" else (p[0], strict_type(p[1])) for p in map(table.parse, s)] for s in sentences]
    expected = [decode_strict(p, scheme) for p in parsed]
    runs = sum(uncovered_runs(p, spans) for p, spans in zip(parsed, expected))
    assert core(sentences, Options(mode="strict", scheme=scheme)) == (expected, runs)
