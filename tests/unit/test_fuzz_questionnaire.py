"""Fuzzing the questionnaire loader: random damage to the mini questionnaire's sources must give
French `CapError`s (file, id, field), never another Python exception; and when the damaged sources
still pass the validator, the engine must work on them.

The committed run is small and seeded (`derandomize=True`). To search harder, run once with
`CAP_FUZZ_EXAMPLES=20000 .venv/bin/pytest tests/unit/test_fuzz_questionnaire.py -q`.
"""

from __future__ import annotations

import copy
import math
import os
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cap.errors import CapError, QuestionnaireError
from cap.load import from_sources, read_sources
from cap.plan import plan_csv, suggestions
from cap.score import score
from cap.validate import check_sources
from tests.conftest import MINI, assessment

SOURCES = read_sources(MINI)
EXAMPLES = int(os.environ.get("CAP_FUZZ_EXAMPLES", "300"))

# What a YAML file (after `cap.load._plain`) or a JSON bundle can hold, and a few nasty ones.
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-10, max_value=10), st.sampled_from([10**30, -(10**30), 2**63]),
    st.floats(allow_nan=True, allow_infinity=True), st.sampled_from(["", "   ", "x" * 3000, "\x00", "é" * 5]),
    st.text(max_size=6),
    st.sampled_from(["AA", "AA-ONE", "AA-ONE-01", "AA-ONE-02", "BB-ONE-01", "o-one", "reg-a", "AI", "ACI", "count",
                     "rate", "sorties", "taux", "pillar", "meta", "2026.1", "pillars/a.yaml", "4", "1"]),
)
VALUES = st.one_of(
    SCALARS,
    st.lists(SCALARS, max_size=3),
    st.dictionaries(st.sampled_from(["id", "level", "text", "label", "value", "x", "kind"]), SCALARS, max_size=3),
)


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out.extend(_paths(v, (*prefix, k)))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out.extend(_paths(v, (*prefix, i)))
    return out


def _get(root: Any, path: tuple) -> Any:
    for k in path:
        root = root[k]
    return root


def _mutate(data: st.DataObject, sources: dict[str, Any]) -> None:
    paths = [p for p in _paths(sources) if p]
    path = data.draw(st.sampled_from(paths), label="path")
    parent, key = _get(sources, path[:-1]), path[-1]
    op = data.draw(st.sampled_from(["replace", "replace", "delete", "duplicate", "graft", "unknown key"]), label="op")
    if op == "replace":
        parent[key] = data.draw(VALUES, label="value")
    elif op == "delete":
        del parent[key]
    elif op == "duplicate" and isinstance(parent, list):
        parent.append(copy.deepcopy(parent[key]))
    elif op == "graft":
        donor = data.draw(st.sampled_from(paths), label="donor")
        parent[key] = copy.deepcopy(_get(sources, donor))
    elif op == "unknown key" and isinstance(parent[key], dict):
        parent[key][data.draw(st.sampled_from(["x", "id", "kind", "themes", "levels"]))] = data.draw(VALUES)


@settings(derandomize=True, max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_damaged_sources_give_french_errors_or_a_working_questionnaire(data: st.DataObject) -> None:
    sources = copy.deepcopy(SOURCES)
    for _ in range(data.draw(st.integers(min_value=1, max_value=4), label="mutations")):
        _mutate(data, sources)
    errors = check_sources(sources)
    assert all(isinstance(e, QuestionnaireError) and isinstance(e.file, str) and e.problem for e in errors)
    try:
        q = from_sources(sources)
    except CapError:
        assert errors
        return
    # Valid for the validator: the engine must then work on it.
    answers = {c.id: v for c, v in zip(q.criteria, [1, 2, 3, 4, "na", "dk", None] * 10, strict=False)}
    a = assessment(answers, plan=[{"id": "x", "criterion": q.criteria[0].id, "action": "=1", "offers": ["o-one"]}])
    s = score(q, a)
    assert s["overall"]["percent"] is None or math.isfinite(s["overall"]["percent"])
    suggestions(q, a, s)
    plan_csv(q, a)
