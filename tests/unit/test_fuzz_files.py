"""Fuzzing the file reader: whatever a file holds, it is refused in French or it goes everywhere.

A file `read_assessment` accepts must then go through every later step (scores, plan, reports,
CSV, export and re-import, consolidation, anonymised export, evolution) without an exception,
and every output must be writable as UTF-8 (and, for what the worker returns, as strict JSON).
A file it refuses must be refused with `AssessmentError`, never with another exception.

The seed is fixed (`derandomize`) and the number of examples small, so that this file runs in a
few seconds. To search longer, set CAP_FUZZ_EXAMPLES (e.g. 5000) in the environment.
"""

from __future__ import annotations

import copy
import json
import os
from typing import Any

import jsonschema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cap import fmt, report
from cap.aggregate import anonymise
from cap.consolidate import check_set, consolidate
from cap.errors import AssessmentError
from cap.evolution import evolution, evolution_html, order
from cap.formats import dump, nesting_depth, parse_text, read_assessment
from cap.load import load
from cap.plan import plan_csv, suggestions
from cap.score import indicator_values, score
from tests.conftest import MINI, REAL, ROOT, assessment

SCALE = int(os.environ.get("CAP_FUZZ_EXAMPLES", "0"))


def _settings(examples: int) -> settings:
    return settings(derandomize=True, max_examples=SCALE or examples, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much])


SCHEMA = json.loads((ROOT / "py" / "cap" / "schema" / "cap-evaluation.schema.json").read_text(encoding="utf-8"))
Q_MINI = load(MINI)
Q_REAL = load(REAL)


def _deep(levels: int) -> Any:
    value: Any = []
    for _ in range(levels):
        value = [value]
    return value


# Values that broke something once, or sit on a boundary.
NASTY = [
    None, True, False, 0, -1, 1, 2, 3, 4, 5, 2.0, 2.5, 4.0, -0.0, 1e-300, 1e9, 1e9 + 1, 1e308, 2**53 - 1, 2**53,
    10**20, 10**400, float("inf"), float("-inf"), float("nan"), "", "na", "dk", "x" * 6000, "\ud800", "a\udfffb",
    "=1+1", "<script>alert(1)</script>", "2026-11-28", "2026-11-28T10:30:00Z", "2026-13-45", "pas une date",
    "2027-06", "2027-6", "20-7-06", "juin", "ACI", "AI", "cap", "individual", "consolidated", "done", "todo",
    "AA-ONE-01", "AA-ONE-09", "AA-ONE-08", "ZZ-OLD-01", [], {}, [1, 2], {"value": 2}, _deep(20), _deep(70),
]
KEYS = ["format", "format_version", "questionnaire", "id", "version", "read_from", "kind", "created", "updated",
        "exported", "structure", "name", "type", "region", "respondent", "role", "answers", "unknown_answers",
        "value", "comment", "justification", "agreed", "targets", "importance", "indicators", "plan", "criterion",
        "action", "owner", "due", "status", "offers", "done_on", "participants", "label", "stats", "sorties",
        "dynamiques", "taux", "AA-ONE-01", "AA-ONE-02", "AA-ONE-09", "ZZ-OLD-01", "\ud800", "x" * 61]
SCALARS = (st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70) | st.floats()
           | st.text(max_size=20) | st.sampled_from(NASTY))
JSONISH = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                       | st.dictionaries(st.text(max_size=8) | st.sampled_from(KEYS), inner, max_size=4),
                       max_leaves=12)
REPLACEMENT = st.sampled_from(NASTY) | JSONISH  # half the time, a value known to be risky
VALUE = st.sampled_from([1, 2, 3, 4, "na", "dk", None])
TEXT = st.text(max_size=40)
STAMP = st.sampled_from(["2026-11-28T10:30:00Z", "2027-01-05", "2026-02-01T08:00:00+01:00", ""])


@st.composite
def valid_files(draw: st.DrawFn, q: Any) -> dict[str, Any]:
    """A valid assessment of questionnaire `q`, with every optional part sometimes there."""
    ids = [c.id for c in q.criteria]
    some_ids = st.sampled_from(ids)
    answers = draw(st.dictionaries(some_ids, st.fixed_dictionaries({"value": VALUE},
                                                                   optional={"comment": TEXT, "justification": TEXT}),
                                   max_size=min(len(ids), 12)))
    stype = draw(st.sampled_from([t.id for t in q.structure_types] + [None, "AUTRE"]))
    extra: dict[str, Any] = {
        "targets": draw(st.dictionaries(some_ids, st.integers(1, 4), max_size=3)),
        "importance": draw(st.dictionaries(some_ids, st.integers(1, 3), max_size=3)),
        "indicators": draw(st.dictionaries(st.sampled_from([i.id for i in q.indicators] + ["autre"]),
                                           st.none() | st.integers(0, 10**9) | st.floats(0, 1e9), max_size=3)),
        "plan": draw(st.lists(st.fixed_dictionaries(
            {"action": TEXT, "criterion": st.none() | some_ids | st.just("ZZ-OLD-01"),
             "status": st.sampled_from(["todo", "doing", "done", "dropped"]),
             "due": st.sampled_from(["", "2027-06", "2026-12"]),
             "offers": st.lists(st.sampled_from([o.id for o in q.offers] + ["o-inconnue"]), max_size=2)},
            optional={"done_on": STAMP, "owner": TEXT}), max_size=3)),
        "created": draw(STAMP), "updated": draw(STAMP),
    }
    a = assessment(answers, stype, **extra)
    if draw(st.booleans()):
        a["unknown_answers"] = {"ZZ-OLD-01": {"value": draw(VALUE), "comment": draw(TEXT)}}
    if draw(st.booleans()):
        a["questionnaire"]["version"] = draw(st.sampled_from(["2025.1", q.version, ""]))
    if draw(st.booleans()):
        a["futur"] = draw(JSONISH)
    return a


@st.composite
def mutated_files(draw: st.DrawFn, q: Any) -> dict[str, Any]:
    """A valid assessment with a few values replaced, removed or added, anywhere in it."""
    a = draw(valid_files(q))
    for _ in range(draw(st.integers(1, 4))):
        node: Any = a
        while True:  # walk down to a random container
            keys = list(node) if isinstance(node, dict) else list(range(len(node)))
            children = [k for k in keys if isinstance(node[k], (dict, list)) and node[k]]
            if not children or draw(st.booleans()):
                break
            node = node[draw(st.sampled_from(children))]
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        action = draw(st.sampled_from(["replace", "delete", "add"]) if keys else st.just("add"))
        if action == "add":
            if isinstance(node, dict):
                node[draw(st.sampled_from(KEYS) | st.text(max_size=8))] = draw(REPLACEMENT)
            else:
                node.append(draw(REPLACEMENT))
        else:
            key = draw(st.sampled_from(keys))
            if action == "delete":
                del node[key]
            else:
                node[key] = draw(REPLACEMENT)
    return a


def _outputs(q: Any, a: dict[str, Any]) -> list[str]:
    """Every later step on an accepted file; returns what is written out."""
    for entry in [*a["answers"].values(), *a.get("unknown_answers", {}).values()]:  # one rule for levels
        assert entry["value"] in ("na", "dk", None) or (type(entry["value"]) is int and 1 <= entry["value"] <= 4)
    assert all(type(v) is int for v in [*a["targets"].values(), *a["importance"].values()])
    assert fmt.date(a["created"]) and fmt.date(a["updated"])
    jsonschema.validate(a, SCHEMA)  # what the reader keeps, the published schema accepts
    s = score(q, a)
    p = suggestions(q, a, s)
    worker = {"scores": s, "plan": p, "indicators": indicator_values(q, a.get("indicators") or {})}
    out = [report.results_html(q, a, s, p), report.plan_page(q, a), report.summary_page(q, a), plan_csv(q, a),
           json.dumps(worker, ensure_ascii=False, allow_nan=False)]
    text = dump(a)
    out.append(text)
    again, _ = read_assessment(text, q)
    assert again == a, "export then import changed the assessment"
    twin = copy.deepcopy(a)
    twin.update(id="jumeau", kind="individual", updated="2030-01-01T00:00:00Z")
    twin.pop("stats", None)
    kept = check_set(q, [("a.json", a), ("b.json", twin)])["kept"]
    merged = consolidate(q, [x for _, x in kept])
    out.append(dump(merged))
    assert read_assessment(dump(merged), q)[0]["kind"] == "consolidated"
    out.append(json.dumps(anonymise(q, a, "Bretagne"), ensure_ascii=False, allow_nan=False))
    ordered = [x for _, x in order([("a.json", a), ("b.json", twin)])["kept"]]
    result = evolution(q, ordered)
    out.append(json.dumps(result, ensure_ascii=False, allow_nan=False))
    out.append(evolution_html(q, ordered, result))
    return out


def _check(q: Any, data: Any) -> None:
    """Refused with AssessmentError (not the last-resort one), or accepted and usable everywhere."""
    for given_as in (copy.deepcopy(data), json.dumps(data)):
        try:
            a, warnings = read_assessment(given_as, q)
        except AssessmentError as exc:
            assert exc.code != "unreadable", f"an exception escaped the checks: {exc.__cause__!r}"
            str(exc).encode("utf-8")
            continue
        for text in [*_outputs(q, a), *warnings]:
            text.encode("utf-8")


@_settings(80)
@given(st.data())
def test_mutated_files_for_the_mini_questionnaire(data: st.DataObject) -> None:
    _check(Q_MINI, data.draw(mutated_files(Q_MINI)))


@_settings(40)
@given(st.data())
def test_mutated_files_for_the_real_questionnaire(data: st.DataObject) -> None:
    _check(Q_REAL, data.draw(mutated_files(Q_REAL)))


@_settings(60)
@given(JSONISH | st.dictionaries(st.sampled_from(KEYS), JSONISH, max_size=6).map(
    lambda d: {"format": "cap-evaluation", "format_version": 1, "questionnaire": {"id": "cap"}, **d}))
def test_any_json_value(data: Any) -> None:
    _check(Q_MINI, data)


TOKENS = ['[', ']', '{', '}', '"', '\\', '\\"', '\\\\', ',', ':', ' ', '1', '-', '9' * 20, 'e400', '1e-400', 'NaN',
          'Infinity', 'true', 'null', '"\\ud800"', '"\\udc00\\ud800"', '\ud800', 'é', '"a"', '"format"',
          '"cap-evaluation"', '\ufeff']


@_settings(150)
@given(st.text(max_size=200) | st.lists(st.sampled_from(TOKENS), max_size=60).map("".join) | st.binary(max_size=200))
def test_any_text_or_bytes(text: str | bytes) -> None:
    try:
        data = parse_text(text)
    except AssessmentError:
        return
    json.dumps(data, ensure_ascii=False, allow_nan=False).encode("utf-8")  # what is kept can be written


def _reference_depth(text: str) -> int:
    """Depth outside strings, one character at a time (slow, obviously right)."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


@_settings(150)
@given(JSONISH.filter(lambda v: v is not None), st.integers(0, 10**6), st.text(max_size=30) | st.sampled_from(TOKENS))
def test_depth_scan_matches_the_parser(value: Any, cut: int, tail: str) -> None:
    """Exact on valid JSON; on a valid beginning followed by anything, never below the depth the
    parser reaches before it fails (what keeps Pyodide's stack safe)."""
    text = json.dumps(value, ensure_ascii=bool(cut % 2))
    assert nesting_depth(text) == _reference_depth(text)
    start = text[: cut % (len(text) + 1)]
    assert nesting_depth(start + tail) >= _reference_depth(start)
    assert nesting_depth(start + tail, 3) >= min(4, _reference_depth(start))


@_settings(100)
@given(st.text(max_size=30) | st.sampled_from(NASTY[:40]).map(str))
def test_french_formats_never_raise(value: str) -> None:
    fmt.date(value)
    fmt.month(value)
    for number in (value, len(value), 10**400, float("inf"), float("nan"), -0.0):
        if isinstance(number, (int, float)):
            fmt.number(number)
            fmt.percent(number)
