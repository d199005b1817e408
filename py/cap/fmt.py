"""French display formats. Only display rounds; JSON keeps unrounded figures."""

from __future__ import annotations

from collections.abc import Iterable

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")
NBSP = "\u00a0"
NNBSP = "\u202f"


def number(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "–"
    text = f"{value:,.{digits}f}".replace(",", NNBSP).replace(".", ",")
    if digits and text.endswith("," + "0" * digits):
        text = text[: -(digits + 1)]
    return text


def percent(value: float | None) -> str:
    return "–" if value is None else f"{number(value)}{NBSP}%"


def level(value: float | None) -> str:
    return "–" if value is None else f"{number(value)}{NBSP}/{NBSP}4"


def month(value: str | None) -> str:
    """'2027-06' → 'juin 2027'."""
    if not value or len(value) != 7:
        return ""
    year, m = value.split("-")
    return f"{MONTHS[int(m) - 1]} {year}" if m.isdigit() and 1 <= int(m) <= 12 else value


def date(value: str | None) -> str:
    """ISO timestamp → '28/11/2026'."""
    if not value or len(value) < 10:
        return ""
    y, m, d = value[:10].split("-")
    return f"{d}/{m}/{y}"


def quoted(values: Iterable[object]) -> str:
    """« a », « b »: names listed in a message."""
    return ", ".join(f"« {v} »" for v in values)
