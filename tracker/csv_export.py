"""CSV files for spreadsheets (the worklist, the patient list and the quality drill-downs):
the cell escaping every CSV view shares."""

from __future__ import annotations

import unicodedata


def csv_safe(text: str) -> str:
    """Staff open CSV files in spreadsheets: neutralise cells that would run as formulas, also
    behind leading invisible characters (U+200B, U+FEFF: format, category Cf) or white space,
    which spreadsheets skip (issue 9 finding 11)."""
    first = text[:1]
    if first.isascii() and first.isalnum():  # most cells (issue 16: 100,000 rows)
        return text
    if first in ("\t", "\r"):
        return "'" + text
    visible = next((c for c in text if not (c.isspace() or _invisible(c))), "")
    first = unicodedata.normalize("NFKC", visible)  # a full-width ＝ reads as =
    return "'" + text if first[:1] in ("=", "+", "-", "@") else text


def _invisible(char: str) -> bool:
    return unicodedata.category(char) in ("Cf", "Cc", "Zs", "Zl", "Zp")
