"""Timing of the issue-5 statistics on a CoNLL-2003-test-sized synthetic corpus.

About 3,500 sentences (~46k tokens, ~5,600 gold entities over 4 types) as per-sentence
count matrices, which is what the resampling code sees. Run:
    python benchmarks/bench_stats.py
"""
import time

import numpy as np

from seqeval_suite import stats


def corpus(seed=0, sentences=3453, types=4):
    rng = np.random.default_rng(seed)
    gold = rng.poisson(5648 / sentences / types, size=(sentences, types))
    def system(rate, fp):
        tp = rng.binomial(gold, rate)
        return np.stack([tp, rng.poisson(fp, size=gold.shape), gold - tp], axis=2)
    return system(0.91, 0.1), system(0.90, 0.11)


def timed(label, func):
    start = time.perf_counter()
    result = func()
    print(f"{label:45s} {time.perf_counter() - start:7.3f} s   {result}")


if __name__ == "__main__":
    a, b = corpus()
    print(f"{a.shape[0]} sentences, {int(a[:, :, [0, 2]].sum())} gold entities, {a.shape[1]} types")
    timed("bootstrap CI, 1000 resamples", lambda: stats.bootstrap_ci(a, resamples=1000))
    timed("paired bootstrap, 1000 resamples", lambda: stats.paired_test(a, b, test="bootstrap", resamples=1000).p_value)
    timed("approximate randomization, 10000 shuffles", lambda: stats.paired_test(a, b, test="ar").p_value)
