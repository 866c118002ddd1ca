"""seqeval-suite: exact, fast evaluation of sequence labelling (NER, chunking).

>>> from seqeval_suite import evaluate
>>> report = evaluate([["B-PER", "I-PER", "O", "B-LOC"]], [["B-PER", "I-PER", "O", "O"]])
>>> round(report.micro.f1, 4)
0.6667
"""
from ._version import __version__  # noqa: E402

from .errors import ConfigError, DataError, SeqevalSuiteError, UsageError  # noqa: E402
from .evaluate import evaluate  # noqa: E402
from .counts import Counts  # noqa: E402
from .report import Report  # noqa: E402

__all__ = ["evaluate", "Report", "Counts", "SeqevalSuiteError", "DataError", "ConfigError", "UsageError", "__version__"]
