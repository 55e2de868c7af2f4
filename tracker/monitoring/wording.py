"""Plain-language pieces for the sentences shown beside a flag or a recommendation."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


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


def days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"


def day(value: date) -> str:
    """18 Mar 2026 (fixed English month names, whatever the server's locale)."""
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"


def in_sentence(label: str) -> str:
    """A label inside a sentence: its first letter lower-cased, an acronym kept ("Cardiac (LVEF
    decline or heart failure)" -> "cardiac (LVEF decline ...)", not "... (lvef decline ...)")."""
    return label[:1].lower() + label[1:]
