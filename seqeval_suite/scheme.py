"""Scheme classes with seqeval's names, so code written for seqeval keeps working.

``from seqeval_suite.scheme import IOB2`` then ``f1_score(y_true, y_pred, mode="strict",
scheme=IOB2)`` (from :mod:`seqeval_suite.metrics`) behaves as it does with
``seqeval.scheme.IOB2``. The classes are markers: decoding is done by the scoring core's
tables (:mod:`seqeval_suite.schemes`), which follow seqeval 1.2.2's; a scheme name
(``scheme="IOB2"``) is accepted everywhere too.
"""
from __future__ import annotations

__all__ = ["Token", "IOB1", "IOE1", "IOB2", "IOE2", "IOBES", "BILOU"]


class Token:
    """Base of the scheme classes (seqeval's ``seqeval.scheme.Token``); ``allowed_prefix``
    lists the prefixes the scheme uses besides O."""

    allowed_prefix: tuple[str, ...] = ()


class IOB1(Token):
    """Inside-outside-begin 1: ``I-`` inside, ``B-`` only where an entity follows one of
    its type (Ramshaw and Marcus 1995)."""

    allowed_prefix = ("I", "B")


class IOE1(Token):
    """Inside-outside-end 1: ``E-`` only where an entity is followed by one of its type."""

    allowed_prefix = ("I", "E")


class IOB2(Token):
    """IOB2 (BIO): every entity starts with ``B-``."""

    allowed_prefix = ("I", "B")


class IOE2(Token):
    """IOE2: every entity ends with ``E-``."""

    allowed_prefix = ("I", "E")


class IOBES(Token):
    """IOBES (BIOES): ``B-`` begins, ``E-`` ends, ``S-`` is a one-token entity."""

    allowed_prefix = ("I", "B", "E", "S")


class BILOU(Token):
    """BILOU: ``B-``, ``I-``, ``L-`` (last), ``U-`` (unit)."""

    allowed_prefix = ("B", "I", "L", "U")
