"""With two problems in one block, the one in the earlier sentence is reported, as when
sentences are read one at a time: a tag strict mode refuses in sentence 1 comes before
a token mismatch (or a truncated prediction) in sentence 3."""
from __future__ import annotations

import pytest

from seqeval_suite import evaluate
from seqeval_suite.errors import DataError

GOLD = "EU X-ORG\nrejects O\n\nBonn B-LOC\n\nParis B-LOC\nis O\n"
MISMATCH = "EU B-ORG\nrejects O\n\nBonn B-LOC\n\nParis B-LOC\nwas O\n"
TRUNCATED = "EU B-ORG\nrejects O\n\nBonn B-LOC\n"


@pytest.mark.parametrize("pred", [MISMATCH, TRUNCATED], ids=["mismatch", "truncated"])
@pytest.mark.parametrize("comments", [False, True], ids=["numpy-blocks", "line-reader"])
def test_error_order_earlier_sentence_first(tmp_path, pred, comments):
    (tmp_path / "g.conll").write_text(GOLD, encoding="utf-8")
    (tmp_path / "p.conll").write_text(pred, encoding="utf-8")
    args = (str(tmp_path / "g.conll"), str(tmp_path / "p.conll"))
    with pytest.raises(DataError, match=r"g\.conll:1: invalid tag 'X-ORG' \(strict mode\)"):
        evaluate(*args, mode="strict", scheme="IOB2", comments=comments)
    # Lenient mode reads X-ORG as O, so the later problem is the one reported.
    with pytest.raises(DataError, match=r"sentence 3|ends after 2 sentences"):
        evaluate(*args, comments=comments)
