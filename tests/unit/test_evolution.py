"""Follow-up over time: ordering, deltas, the SVG chart with its table, the printable page, the worker op."""

from __future__ import annotations

import json

import pytest

from cap import browser
from cap.compare import compare
from cap.evolution import evolution, evolution_html, evolution_page, line_chart_svg, order, signed
from cap.load import make_bundle, read_sources
from cap.score import score
from tests.conftest import MINI, assessment

EVIL = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _pair() -> tuple[dict, dict]:
    old = assessment({"AA-ONE-01": 1, "AA-ONE-02": 3, "BB-ONE-01": 2}, id="a", updated="2025-03-01T09:00:00Z")
    old["plan"] = [{"id": "x", "criterion": "AA-ONE-01", "action": "Écrire", "status": "todo"}]
    new = assessment({"AA-ONE-01": 4, "AA-ONE-02": 2, "BB-ONE-01": 2}, id="a", updated="2026-03-01T09:00:00Z")
    new["plan"] = [{"id": "x", "criterion": "AA-ONE-01", "action": "Écrire", "status": "done", "owner": "Lou"}]
    return old, new


def test_order_sorts_by_date_and_drops_the_same_assessment_given_twice() -> None:
    old, new = _pair()
    result = order([("new.json", new), ("old.json", old), ("old-copie.json", dict(old))])
    assert [n for n, _ in result["kept"]] == ["old.json", "new.json"]
    assert "comptée une seule fois" in result["notes"][0]["message"]
    assert result["notes"][0]["file"] == "old-copie.json"


def test_order_flags_several_structures() -> None:
    old, new = _pair()
    new["structure"] = {"name": "Autre", "type": "ACI"}
    notes = order([("a", old), ("b", new)])["notes"]
    assert any("plusieurs structures" in n["message"] for n in notes)


def test_evolution_total_is_compare_first_to_last_and_steps_are_consecutive(mini) -> None:
    old, new = _pair()
    mid = assessment({"AA-ONE-01": 2}, id="m", updated="2025-09-01T09:00:00Z")
    r = evolution(mini, [old, mid, new])
    assert r["total"] == compare(mini, old, new)
    assert r["steps"] == [compare(mini, old, mid), compare(mini, mid, new)]
    assert [p["date"][:10] for p in r["points"]] == ["2025-03-01", "2025-09-01", "2026-03-01"]
    assert r["points"][0]["themes"]["AA-ONE"] == score(mini, old)["themes"]["AA-ONE"]["percent"]
    assert r["points"][2]["overall"] == score(mini, new)["overall"]["percent"]


def test_html_carries_unrounded_deltas_chart_table_and_lists(mini) -> None:
    old, new = _pair()
    html = evolution_html(mini, [old, new])
    r = compare(mini, old, new)
    assert f'data-delta="AA-ONE" data-value="{float(r["themes"]["AA-ONE"]["delta"])!r}"' in html
    assert 'data-delta="AA-TWO" data-value=""' in html  # no score on either side
    assert f'data-delta="overall" data-value="{float(r["overall_delta"])!r}"' in html
    assert "<svg" in html and 'role="img"' in html and "<desc" in html and "<table" in html
    assert 'data-criterion="AA-ONE-01"' in html and "Écrire — Lou" in html
    assert "▲" in html and "en hausse" in html  # a symbol and words, not colour alone


def test_user_text_is_escaped_and_print_page_is_standalone(mini) -> None:
    old, new = _pair()
    for a in (old, new):
        a["structure"]["name"] = EVIL
        a["plan"][0]["action"] = EVIL
    for html in (evolution_html(mini, [old, new]), evolution_page(mini, [old, new])):
        assert "<script>" not in html and "<img" not in html
    page = evolution_page(mini, [old, new])
    assert page.startswith("<!DOCTYPE html>") and "Content-Security-Policy" in page
    assert "Évolution dans le temps" in page
    three = evolution_page(mini, [old, assessment({"AA-ONE-01": 2}, id="m", updated="2025-09-01T09:00:00Z"), new])
    assert "<details open" in three and "Étape 2" in three  # every step printed unfolded


def test_chart_breaks_lines_on_missing_values_and_describes_every_value() -> None:
    svg = line_chart_svg(["01/01/2025", "01/01/2026", "01/01/2027"],
                         [("A", [10.0, None, 30.0], ("#000", "", "circle"), "a")], "Titre")
    assert svg.count("<line x1") == 0  # no segment touches the missing middle value
    assert "A : 01/01/2025 10 %" in svg.replace("\u00a0", " ")


@pytest.mark.parametrize(("delta", "text"), [(None, "–"), (0.0, "0\u00a0pt"), (4.44, "+4,4\u00a0pts"),
                                             (-2.0, "\u22122\u00a0pts")])
def test_signed(delta, text) -> None:
    assert signed(delta) == text


def test_worker_op_reads_orders_and_reports_bad_files() -> None:
    browser.call("init", json.dumps({"bundle": make_bundle(read_sources(MINI))}))
    old, new = _pair()
    files = [{"name": "2026.json", "text": json.dumps(new)}, {"name": "2025.json", "text": json.dumps(old)},
             {"name": "cassé.json", "text": "{"}]
    reply = json.loads(browser.call("evolution", json.dumps({"files": files})))
    assert reply["ok"], reply
    data = reply["data"]
    assert [f["name"] for f in data["files"]] == ["2025.json", "2026.json"]
    assert any(n["file"] == "cassé.json" and n["level"] == "refused" for n in data["notes"])
    assert set(data) == {"files", "notes", "html"}  # no `result`: the page reads only the HTML
    assert 'data-delta="overall"' in data["html"] and 'data-criterion="AA-ONE-01"' in data["html"]
    printed = json.loads(browser.call("evolution", json.dumps({"files": files, "print": True})))["data"]["html"]
    assert printed.startswith("<!DOCTYPE html>")
    one = json.loads(browser.call("evolution", json.dumps({"files": files[:1]})))["data"]
    assert one == {"files": one["files"], "notes": [], "html": ""}
