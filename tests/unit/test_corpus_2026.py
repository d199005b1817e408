"""A corpus of files made with the referential 2026.1 opens with the current referential, nothing lost
(issue 13 §6).

Files are written as CAP en ligne 2026.1 wrote them (format 1, one structure type, for each of the
nine types of the time), from the frozen copy in `tests/fixtures/referential-2026.1/`, with answers
(levels, "na" with a reason, "dk"), comments, targets, importance and a plan. Expectations are
derived from the current `meta.yaml` → `id_changes`, so this test follows the referential as it
evolves: what it checks is that the migration does what the entries say, and that nothing is lost
whatever they say.
"""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from cap.formats import read_and_migrate
from cap.load import load
from cap.model import LEGACY_TYPES, Questionnaire
from tests.conftest import REAL, ROOT

OLD_DIR = ROOT / "tests" / "fixtures" / "referential-2026.1"
OLD_TYPES = ["AI", "ACI", "EI", "ETTI", "GES", "SAP", "EBE", "OF", "ESS"]


@pytest.fixture(scope="module")
def old() -> Questionnaire:
    return load(OLD_DIR)


@pytest.fixture(scope="module")
def new() -> Questionnaire:
    return load(REAL)


def _roll(*parts: str) -> int:
    return hashlib.sha256("/".join(parts).encode()).digest()[0]


def old_file(q: Questionnaire, stype: str) -> dict[str, Any]:
    """One structure's 2026.1 file: every criterion of its type answered, a plan on its weak points."""
    answers: dict[str, Any] = {}
    targets: dict[str, int] = {}
    importance: dict[str, int] = {}
    plan = []
    for c in q.criteria:
        if not c.applies(stype):
            continue
        roll = _roll(stype, c.id)
        if roll % 11 == 0 and not c.core:
            entry: dict[str, Any] = {"value": "na", "justification": f"Pas concerné ({stype})."}
        elif roll % 13 == 0:
            entry = {"value": "dk"}
        else:
            entry = {"value": 1 + roll % 4}
        if roll % 3 == 0:
            entry["comment"] = f"Commentaire de {stype} sur {c.id}."
        answers[c.id] = entry
        if roll % 5 == 0:
            targets[c.id] = 4
        if roll % 7 == 0:
            importance[c.id] = 1 + roll % 3
        if entry["value"] in (1, 2) or roll % 9 == 0:
            plan.append({"id": f"{stype}-{c.id}", "criterion": c.id, "action": f"Action de {stype} pour {c.id}",
                         "owner": "Direction", "due": "2027-06", "status": "todo", "offers": list(c.offers[:1])})
    plan.append({"id": f"{stype}-libre", "criterion": None, "action": f"Action libre de {stype}", "owner": "",
                 "due": "", "status": "doing", "offers": []})
    return {"format": "cap-evaluation", "format_version": 1, "questionnaire": {"id": "cap", "version": q.version},
            "id": f"corpus-{stype}", "kind": "individual", "created": "2026-11-02T09:00:00Z",
            "updated": "2026-11-20T16:30:00Z", "structure": {"name": f"Structure {stype}", "type": stype},
            "respondent": {"name": "", "role": "direction"}, "answers": answers, "targets": targets,
            "importance": importance, "indicators": {"personnes_accompagnees": 40}, "plan": plan}


def _changes(q: Questionnaire, since: str) -> list[Any]:
    from cap.formats import version_key

    return [c for c in q.id_changes if (version_key(c.version) or ()) > (version_key(since) or ())]


def _final(q: Questionnaire, cid: str) -> str | None:
    """Where the answer to `cid` ends: its own id, the id it was renamed or merged into, or None (removed)."""
    gone = {c.old: c.new for c in q.id_changes if c.kind in ("renamed", "merged", "removed")}
    seen = set()
    while cid in gone and cid not in seen:
        seen.add(cid)
        cid = gone[cid]
        if not cid:
            return None
    return cid


def _level(entry: dict[str, Any] | None) -> int | None:
    value = (entry or {}).get("value")
    return value if type(value) is int else None


@pytest.mark.parametrize("stype", OLD_TYPES)
def test_a_2026_file_opens_with_nothing_lost(old, new, stype) -> None:
    raw = old_file(old, stype)
    a, _, migration = read_and_migrate(raw, new)
    changes = _changes(new, old.version)
    by_old = {c.old: c for c in new.id_changes if c.old}
    merged_into: dict[str, list[str]] = {}
    for c in new.id_changes:
        if c.kind == "merged" and c.old in raw["answers"]:
            merged_into.setdefault(_final(new, c.new) or "", []).append(c.old)

    # the profile: one type became the lists
    if stype in LEGACY_TYPES:
        _, types, activities = LEGACY_TYPES[stype]
        assert (a["structure"]["types"], a["structure"]["activities"]) == (list(types), list(activities))
    else:
        assert a["structure"]["types"] == [stype] and a["structure"]["activities"] == []
    assert a["format_version"] == 2 and a["questionnaire"]["version"] == new.version
    assert a["questionnaire"]["read_from"] == old.version

    review = a.get("review", {})
    kept_aside = a.get("unknown_answers", {})
    for cid, entry in raw["answers"].items():
        final = _final(new, cid)
        if final is None or final not in new.criterion_by_id:
            # removed, or gone without an entry (see the test below): kept aside, unchanged
            assert kept_aside[cid] == entry, cid
            continue
        got = a["answers"][final]
        if final in merged_into:
            sources = [raw["answers"].get(final)] + [raw["answers"][o] for o in merged_into[final]]
            levels = [lv for lv in map(_level, sources) if lv is not None]
            if levels:
                assert got["value"] == min(levels), final
            assert review[final] == "merged", final
            if entry.get("comment") and cid != final:
                assert f"[{cid}] {entry['comment']}" in got["comment"]
            continue
        expected = dict(entry)
        if expected["value"] == "na" and new.criterion_by_id[final].core:  # core since: back to unanswered
            expected = {"value": None, "comment": "\n".join(
                t for t in (entry.get("comment", ""), entry["justification"]) if t)}
        assert got == expected, cid
        change = by_old.get(cid)
        if change is not None and change.kind == "reworded" and change in changes and entry["value"] is not None:
            assert review[cid] == "reworded"

    # new and split criteria are flagged to answer (those that concern the structure's profile)
    profile = new.profile_of(a["structure"])
    for c in changes:
        if c.kind in ("added", "split") and new.criterion_by_id[c.new].applies(profile):
            assert review.get(c.new) in ("added", "split"), c.new

    # targets and importance follow their criterion
    for key in ("targets", "importance"):
        for cid, value in raw[key].items():
            final = _final(new, cid)
            if final in new.criterion_by_id and final not in merged_into and cid == final:
                assert a[key][cid] == value

    # the plan: every action kept, on its criterion's id now (a removed one keeps its old id)
    assert [i["action"] for i in a["plan"]] == [i["action"] for i in raw["plan"]]
    for before, after in zip(raw["plan"], a["plan"], strict=True):
        if before["criterion"] is None:
            assert after["criterion"] is None
        else:
            final = _final(new, before["criterion"])
            assert after["criterion"] == (final or before["criterion"])

    # the summary says what changed, with the counts
    assert migration is not None
    summary = migration["summary"]
    assert summary.startswith(f"Votre fichier a été créé avec le référentiel {old.version}. Il a été mis à jour "
                              f"vers {new.version}")
    counts = {kind: list(review.values()).count(kind) for kind in ("merged", "reworded")}
    counts["new"] = list(review.values()).count("added") + list(review.values()).count("split")
    for kind, word in (("merged", "fusionné"), ("new", "nouveau"), ("reworded", "reformulé")):
        if counts[kind]:
            assert f"{counts[kind]} " in summary and word in summary, kind
    if stype == "SAP":
        assert "« Services à la personne » est devenu une activité : précisez le mode" in summary
    if stype == "OF":
        assert "« Organisme de formation » est devenu une activité" in summary


def test_a_2026_file_read_twice_is_stable(old, new) -> None:
    from cap.formats import dump

    a, _, _ = read_and_migrate(old_file(old, "GES"), new)
    again, _, migration = read_and_migrate(dump(a), new)
    assert again == a and migration is None


def test_every_2026_id_that_is_gone_is_accounted_for_in_id_changes(old, new) -> None:
    accounted = {c.old for c in new.id_changes if c.kind in ("renamed", "merged", "removed")}
    gone = sorted(c.id for c in old.criteria if c.id not in new.criterion_by_id and c.id not in accounted)
    assert gone == []


def test_every_new_id_since_2026_is_announced_in_id_changes(old, new) -> None:
    """A criterion that did not exist in 2026.1 is added, split from another, or the target of a rename."""
    announced = {c.new for c in new.id_changes if c.new}
    fresh = sorted(c.id for c in new.criteria if c.id not in old.criterion_by_id and c.id not in announced)
    assert fresh == []
