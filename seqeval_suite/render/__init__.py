"""Renderers: each takes a report (or rows) and returns text. Nothing here prints."""
from __future__ import annotations

from .report import FORMATS, render_report

__all__ = ["FORMATS", "render_report"]
