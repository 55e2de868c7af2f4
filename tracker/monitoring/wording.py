"""Plain-language pieces for the reasons shown beside a recommendation."""

from __future__ import annotations

from decimal import Decimal


def number(value: Decimal) -> str:
    """62 -> "62", 46.5 -> "46.5", 62.0 -> "62" (no exponent notation)."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def percent(value: Decimal) -> str:
    return number(value) + "%"


def points(value: Decimal) -> str:
    return number(value) + (" point" if value == 1 else " points")
