"""French display formats."""

from cap import fmt


def test_percent_uses_comma_and_no_break_space() -> None:
    assert fmt.percent(66.66666) == "66,7\u00a0%"
    assert fmt.percent(50.0) == "50\u00a0%"
    assert fmt.percent(None) == "–"


def test_level_and_dates() -> None:
    assert fmt.level(2.7) == "2,7\u00a0/\u00a04"
    assert fmt.month("2027-06") == "juin 2027"
    assert fmt.month("") == ""
    assert fmt.date("2026-11-28T10:00:00Z") == "28/11/2026"


def test_thousands_separator() -> None:
    assert fmt.number(1234567, 0) == "1\u202f234\u202f567"
