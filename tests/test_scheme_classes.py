"""``seqeval_suite.scheme`` mirrors ``seqeval.scheme``: same class names, same results
when passed to the drop-in metrics (issue 19); ``py.typed`` ships with the package."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seqeval_suite import metrics, scheme

seqeval_metrics = pytest.importorskip("seqeval.metrics")
seqeval_scheme = pytest.importorskip("seqeval.scheme")

@settings(max_examples=80, deadline=None)
@given(st.sampled_from(["IOB1", "IOB2", "IOE1", "IOE2", "IOBES", "BILOU"]), st.randoms(),
       st.lists(st.integers(1, 6), min_size=1, max_size=4))
def test_scheme_classes_score_as_seqevals_classes(name, rng, lengths):
    tags = ["O"] + [f"{p}-{t}" for p in getattr(scheme, name).allowed_prefix for t in "AB"]
    gold = [[rng.choice(tags) for _ in range(n)] for n in lengths]
    pred = [[rng.choice(tags) for _ in range(n)] for n in lengths]
    ours = metrics.f1_score(gold, pred, mode="strict", scheme=getattr(scheme, name))
    theirs = seqeval_metrics.f1_score(gold, pred, mode="strict", scheme=getattr(seqeval_scheme, name))
    assert ours == pytest.approx(theirs, abs=1e-12)


def test_scheme_module_exports_seqevals_names_and_py_typed_ships():
    assert set(scheme.__all__) == {"Token", "IOB1", "IOE1", "IOB2", "IOE2", "IOBES", "BILOU"}
    assert all(issubclass(getattr(scheme, n), scheme.Token) for n in scheme.__all__)
    root = Path(scheme.__file__).parent
    assert (root / "py.typed").is_file()
    text = (root.parent / "pyproject.toml").read_text(encoding="utf-8")
    assert '"py.typed"' in text
