"""French display formats. Only display rounds; JSON keeps unrounded figures."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")
NBSP = "\u00a0"
NNBSP = "\u202f"
DAY_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)
MONTH_RE = re.compile(r"(\d{4})-(\d{2})", re.ASCII)


def number(value: float | None, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    if isinstance(value, int) and abs(value) > 10**15:  # beyond a float's exact integers: no rounding to do
        return f"{value:,}".replace(",", NNBSP)
    text = f"{value:,.{digits}f}".replace(",", NNBSP).replace(".", ",")
    if digits and text.endswith("," + "0" * digits):
        text = text[: -(digits + 1)]
    return text


def percent(value: float | None) -> str:
    return "–" if value is None else f"{number(value)}{NBSP}%"


def level(value: float | None) -> str:
    return "–" if value is None else f"{number(value)}{NBSP}/{NBSP}4"


def month(value: str | None) -> str:
    """'2027-06' → 'juin 2027' (the reader refuses other forms; shown as they are if 7 long, else '')."""
    if not value:
        return ""
    found = MONTH_RE.fullmatch(value)
    if not found or not 1 <= int(found[2]) <= 12:
        return value if len(value) == 7 else ""
    return f"{MONTHS[int(found[2]) - 1]} {found[1]}"


def date(value: str | None) -> str:
    """ISO timestamp → '28/11/2026'; '' when it does not start with a day (the reader refuses that)."""
    found = DAY_RE.match(value or "")
    return f"{found[3]}/{found[2]}/{found[1]}" if found else ""


def quoted(values: Iterable[object]) -> str:
    """« a », « b »: names listed in a message."""
    return ", ".join(f"« {v} »" for v in values)
