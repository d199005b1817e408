"""The synthesis page's view (cap.synthesis, worker op `synthesis`): rules that only a browser could check
before: "non concerné" refused on a core criterion, flags, the order to discuss, the distribution, which
fields of a saved copy survive a new merge, and the whole view in one round trip."""

from __future__ import annotations

import json

import pytest

from cap import browser, synthesis
from cap.consolidate import agreed_value, choices, consolidate, criterion_stats
from cap.load import make_bundle, read_sources
from tests.conftest import MINI, assessment


def people(values: dict[str, list], roles: tuple[str, ...] = ("direction", "parcours", "benevole")) -> list[dict]:
    """One assessment per participant; `values`: criterion → each participant's value."""
    n = len(next(iter(values.values())))
    out = []
    for i in range(n):
        a = assessment({cid: vs[i] for cid, vs in values.items() if vs[i] is not None}, id=f"p{i}")
        a["respondent"] = {"name": f"Nom {i}", "role": roles[i % len(roles)]}
        out.append(a)
    return out


def view(mini, values: dict[str, list], **settings) -> dict:
    return synthesis.synthesis(mini, people(values), settings)


# -- "non concerné" on a core criterion -------------------------------------------------------------------

def test_core_criterion_refuses_non_concerne_as_agreed_value(mini) -> None:
    core, other = mini.criterion_by_id["AA-ONE-01"], mini.criterion_by_id["AA-ONE-02"]
    assert core.core and not other.core
    assert choices(core) == (1, 2, 3, 4, "dk") and choices(other) == (1, 2, 3, 4, "na", "dk")
    assert agreed_value(core, {"value": "na"}) is None
    assert agreed_value(other, {"value": "na"}) == "na"
    for bad in ({"value": 5}, {"value": True}, {"value": 2.0}, {"value": "4"}, "na", None, {"reason": "x"}):
        assert agreed_value(other, bad) is None, bad
    assert agreed_value(core, {"value": 4, "reason": "vu"}) == 4


def test_the_view_keeps_the_proposal_when_na_is_retained_on_a_core_criterion(mini) -> None:
    v = view(mini, {"AA-ONE-01": [1, 2, 4], "AA-ONE-02": [2, 2, 3]},
             agreed={"AA-ONE-01": {"value": "na", "reason": "?"}, "AA-ONE-02": {"value": "na", "reason": "hors champ"}})
    assert v["assessment"]["answers"]["AA-ONE-01"] == {"value": 2}
    assert v["assessment"]["answers"]["AA-ONE-02"] == {"value": "na", "agreed": True, "comment": "hors champ"}
    assert v["criteria"]["AA-ONE-01"]["data"]["agreed"] == "" and v["criteria"]["AA-ONE-02"]["data"]["agreed"] == "na"
    assert v["criteria"]["AA-ONE-01"]["choices"] == ["1", "2", "3", "4", "dk"]  # the meeting hides "N"
    assert "Retenu en séance" not in v["criteria"]["AA-ONE-01"]["card"]
    card = v["criteria"]["AA-ONE-02"]["card"]
    assert "Retenu en séance" in card and "hors champ" in card


def test_distribution_offers_na_only_where_it_may_be_given_and_names_the_unanswered(mini) -> None:
    core, other = mini.criterion_by_id["AA-ONE-01"], mini.criterion_by_id["AA-ONE-02"]
    who = ["P1 (Direction)", "P2 (Salarié en parcours)", "P3 (Bénévole)"]
    rows = synthesis.distribution(mini, core, criterion_stats([2, None, "dk"]), who)
    assert [r["key"] for r in rows] == ["1", "2", "3", "4", "dk", "none"]
    assert {r["key"]: r["people"] for r in rows}["none"] == ["P2 (Salarié en parcours)"]
    assert [r["proposed"] for r in rows] == [False, True, False, False, False, False]
    rows = synthesis.distribution(mini, other, criterion_stats([2, "na", 2]), who)
    assert [(r["key"], r["count"]) for r in rows] == [("1", 0), ("2", 2), ("3", 0), ("4", 0), ("na", 1), ("dk", 0)]
    assert rows[4]["label"] == "Non concerné" and rows[1]["label"] == "2 · Initié"


# -- flags and order ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("values", "applies", "expected"), [
    ([1, 4], True, [("is-divergent", "divergent (écart de 3 niveaux)")]),
    (["dk", "dk", 3], True, [("is-clarify", "à clarifier (2 « je ne sais pas »)")]),
    ([1, 4, "dk"], True, [("is-divergent", "divergent (écart de 3 niveaux)"),
                          ("is-clarify", "à clarifier (1 « je ne sais pas »)")]),
    ([2, 2], True, [("is-agree", "réponses identiques")]),
    ([2, 3], True, [("is-agree", "réponses proches")]),
    (["na", None], True, [("is-empty", "sans réponse chiffrée")]),
    ([2, 3], False, [("is-excluded", "ne concerne pas ce type de structure")]),
])
def test_flags(values, applies, expected) -> None:
    assert synthesis.flags(criterion_stats(values), applies) == expected


def test_talk_order_puts_divergent_then_unclear_first_and_what_does_not_apply_last(mini) -> None:
    # AA-ONE-03 concerns AI only: the participants are ACI
    v = view(mini, {"AA-ONE-01": [2, 2, 2], "AA-ONE-02": ["dk", 2, 3], "AA-ONE-03": [1, 4, 4],
                    "AA-TWO-01": [2, 3, 3], "AA-TWO-02": [1, 3, 4], "BB-ONE-01": [1, 1, 2]})
    assert v["order"] == ["AA-TWO-02", "AA-ONE-02", "AA-ONE-01", "AA-TWO-01", "BB-ONE-01", "BB-ONE-02", "AA-ONE-03"]
    assert v["meeting"] == v["order"][:-1]
    assert v["criteria"]["AA-TWO-02"]["note"] == "à discuter d'abord : divergent"
    assert v["criteria"]["AA-ONE-02"]["note"] == "à clarifier"
    assert "note" not in v["criteria"]["AA-ONE-03"]  # not discussed: it does not apply
    assert "il n'est pas compté" in v["criteria"]["AA-ONE-03"]["card"]
    assert "data-discuss" not in v["criteria"]["AA-ONE-03"]["card"]
    grid = view(mini, {"AA-ONE-01": [2, 2, 2], "AA-TWO-02": [1, 3, 4]}, order="grid")
    assert grid["order"] == [c.id for c in mini.criteria] and grid["criteria"]["AA-TWO-02"]["note"] == ""
    # the map's cells follow the order, theme by theme; the table too
    cells = v["html"]["map"]["AA-TWO"]
    assert cells.index('data-cell="AA-TWO-02"') < cells.index('data-cell="AA-TWO-01"')
    assert v["html"]["table"].index('data-row="AA-TWO-02"') < v["html"]["table"].index('data-row="AA-ONE-01"')


def test_card_data_and_overview(mini) -> None:
    v = view(mini, {"AA-ONE-01": [1, 4, 4], "AA-ONE-02": ["dk", "dk", 3]}, agreed={"AA-ONE-01": {"value": 3}})
    assert v["criteria"]["AA-ONE-01"]["data"] == {"proposed": "4", "divergent": "true", "clarify": "false",
                                                   "spread": "3", "agreed": "3"}
    assert v["criteria"]["AA-ONE-02"]["data"]["clarify"] == "true"
    assert v["html"]["overview"].startswith("<strong>3 participant(s)</strong> (Direction : 1, Salarié en parcours : 1")
    assert "<strong>1 critère(s) divergent(s)</strong>, <strong>1 à clarifier</strong>, 1 réponse(s) retenue(s)" in (
        v["html"]["overview"])
    assert "sur 6 critères" in v["html"]["overview"]  # AA-ONE-03 does not concern an ACI
    assert v["labels"]["3"] == "3 · Structuré" and v["labels"]["dk"] == "Je ne sais pas"
    assert v["criteria"]["AA-ONE-01"]["spoken"].startswith("AA-ONE-01, ")
    assert 'class="cap-cell is-divergent is-agreed"' in v["html"]["map"]["AA-ONE"]


def test_names_only_when_asked_and_text_from_files_is_escaped(mini) -> None:
    ps = people({"AA-ONE-01": [{"value": 2, "comment": "<script>alert(1)</script>"}, 3]})
    ps[0]["respondent"]["name"] = "Alice <b>"
    hidden = synthesis.synthesis(mini, ps, {})
    assert "Alice" not in json.dumps(hidden) and hidden["participants"][0] == "Participant 1 (Direction)"
    shown = synthesis.synthesis(mini, ps, {"show_names": True})
    assert shown["participants"][0] == "Participant 1 (Direction · Alice <b>)"
    card = shown["criteria"]["AA-ONE-01"]["card"]
    assert "Alice &lt;b&gt;" in card and "<script>" not in card and "&lt;script&gt;" in card


# -- the assessment saved, exported and printed -------------------------------------------------------------

def test_session_structure_and_a_saved_copys_fields_override_the_merge(mini) -> None:
    values = {"AA-ONE-01": [1, 2, 2], "AA-ONE-02": [3, 3, 3]}
    saved = {"plan": [{"id": "x", "criterion": "AA-ONE-01", "action": "Faire", "status": "todo"}],
             "targets": {"AA-ONE-01": 4}, "importance": {"AA-ONE-01": 3}, "indicators": {"sorties": 4},
             "exported": "2026-11-29T10:00:00Z", "answers": {"AA-ONE-01": {"value": 4}}, "kind": "individual",
             "id": "other"}
    v = view(mini, values, session={"id": "seance-1", "created": "2026-11-28T09:00:00Z"},
             structure={"name": "Les Jardins", "types": ["ACI", "EI"], "activities": [], "evil": 1}, saved=saved)
    a = v["assessment"]
    assert a["id"] == "seance-1" and a["created"] == "2026-11-28T09:00:00Z" and a["kind"] == "consolidated"
    assert a["structure"] == {"name": "Les Jardins", "types": ["ACI", "EI"], "activities": []}
    for key in synthesis.SAVED_FIELDS:
        assert a[key] == saved[key], key
    assert a["answers"]["AA-ONE-01"] == {"value": 2}  # answers come from the merge, never from the saved copy
    # scored as saved: the structure's own target on AA-ONE-01 makes its gap 2 (4 − 2), in the results HTML
    assert "data-score=\"overall\"" in v["html"]["results"]
    merged_only = view(mini, values)
    assert merged_only["assessment"]["targets"] == {} and merged_only["assessment"]["plan"] == []
    # a damaged saved copy: its fields of the wrong kind are ignored, the merge stands
    broken = view(mini, values, saved={"plan": "x", "targets": [1], "importance": None})
    assert broken["assessment"]["plan"] == [] and broken["assessment"]["targets"] == {}


def test_the_structure_set_on_the_page_decides_what_applies(mini) -> None:
    values = {"AA-ONE-03": [1, 4, 4]}
    assert not view(mini, values)["criteria"]["AA-ONE-03"]["applies"]
    v = view(mini, values, structure={"types": ["ACI", "AI"]})
    assert v["criteria"]["AA-ONE-03"]["applies"] and v["order"][0] == "AA-ONE-03"


# -- the worker op: one round trip --------------------------------------------------------------------------

def test_op_synthesis_reads_checks_merges_and_scores_in_one_call() -> None:
    browser.call("init", json.dumps({"bundle": make_bundle(read_sources(MINI))}))
    files = [{"name": f"p{n}.json", "text": json.dumps(assessment({"AA-ONE-01": v}, id=str(n)))}
             for n, v in enumerate((1, 2, 4))]
    files += [{"name": "cassé.json", "text": "{"}, {"name": "p0 encore.json", "text": files[0]["text"]}]
    reply = json.loads(browser.call("synthesis", json.dumps({
        "files": files, "agreed": {"AA-ONE-01": {"value": 3}, "AA-ONE-02": "n'importe quoi"}, "order": "nope",
        "session": {"id": "s1", "created": "2026-11-28T09:00:00Z"}})))
    assert reply["ok"], reply
    data = reply["data"]
    assert set(data) == {"files", "notes", "assessment", "html", "criteria", "order", "meeting", "labels"}
    assert data["files"] == [{"name": f"p{n}.json", "participant": f"Participant {n + 1} (Direction)"}
                             for n in range(3)]
    refused = {n["file"]: n["message"] for n in data["notes"] if n["level"] == "refused"}
    assert set(refused) == {"cassé.json", "p0 encore.json"}
    assert data["assessment"]["answers"]["AA-ONE-01"] == {"value": 3, "agreed": True}
    assert data["assessment"]["id"] == "s1" and data["assessment"]["stats"]["AA-ONE-01"]["divergent"] is True
    expected = consolidate(browser._q(), [assessment({"AA-ONE-01": v}, id=str(n)) for n, v in enumerate((1, 2, 4))],
                           agreed={"AA-ONE-01": {"value": 3}})
    assert data["assessment"]["answers"] == expected["answers"]
    assert 'data-score="overall"' in data["html"]["results"]
    assert json.loads(browser.call("synthesis", json.dumps({"files": "x"})))["ok"] is False
