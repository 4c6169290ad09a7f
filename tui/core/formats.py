"""What ``faultline export`` and ``faultline diff`` can write, by name: the CLI offers
these as choices without importing the exporters (export.py), which the dashboard never
needs."""

from __future__ import annotations

# faultline/1 JSON or TOML, the Markdown brief, the timeline as CSV.
FORMATS = ("json", "toml", "md", "csv")
# Positions written under their disagreement, or as top-level ``positions``.
POSITION_FORMS = ("nested", "top")
# What moved between two dates: a report for people, JSON, or Markdown.
DIFF_FORMATS = ("text", "json", "md")

__all__ = ["DIFF_FORMATS", "FORMATS", "POSITION_FORMS"]
