"""Merge several participants' assessments into one (the consolidation rule: README.md, « Scoring rule »)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

from . import fmt
from .formats import new_assessment, now_iso
from .model import Criterion, Questionnaire

DIVERGENT_SPREAD = 2
LEVELS = (1, 2, 3, 4)


def choices(c: Criterion) -> tuple[int | str, ...]:
    """The answers a criterion takes: the four levels, "non concerné" unless it is core, "je ne sais pas"."""
    return (*LEVELS, "dk") if c.core else (*LEVELS, "na", "dk")


def agreed_value(c: Criterion, decision: Any) -> int | str | None:
    """The value the team retained for `c` (`decision` = {"value", "reason"}), or None when there is none
    or when it is not one of `choices(c)` ("non concerné" on a core criterion): the proposal stands then."""
    value = decision.get("value") if isinstance(decision, dict) else None
    if type(value) is int:
        return value if value in LEVELS else None
    return value if isinstance(value, str) and value in choices(c) else None


def criterion_stats(answers: list[Any]) -> dict[str, Any]:
    """Statistics of one criterion over the participants' answer values (None = unanswered)."""
    levels = sorted(v for v in answers if type(v) is int and 1 <= v <= 4)
    na = sum(1 for v in answers if v == "na")
    dk = sum(1 for v in answers if v == "dk")
    n = len(answers)
    if levels:
        proposed: Any = levels[(len(levels) - 1) // 2]  # lower median
        spread = levels[-1] - levels[0]
    else:
        proposed = "dk" if dk else ("na" if n and na == n else None)
        spread = None
    return {
        "n": n, "values": list(answers), "proposed": proposed,
        "mean": sum(levels) / len(levels) if levels else None,
        "min": levels[0] if levels else None, "max": levels[-1] if levels else None,
        "spread": spread, "na": na, "dk": dk,
        "counts": {str(level): levels.count(level) for level in (1, 2, 3, 4)},
        "divergent": spread is not None and spread >= DIVERGENT_SPREAD,
        "clarify": n > 0 and dk * 3 >= n and dk > 0,
    }


def structure_names(assessments: Iterable[dict[str, Any]]) -> dict[str, str]:
    """The structure names the assessments give, one per spelling that differs beyond case and spaces."""
    names: dict[str, str] = {}
    for a in assessments:
        name = ((a.get("structure") or {}).get("name") or "").strip()
        if name:
            names.setdefault(" ".join(name.lower().split()), name)
    return names


def fingerprint(assessment: dict[str, Any]) -> str:
    """Same answers from the same file: used to spot a file dropped twice."""
    body = json.dumps([assessment.get("id"), assessment.get("answers")], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(body.encode()).hexdigest()


def _most_common(values: list[str]) -> str | None:
    """The most frequent non-empty value; ties go to the one met first."""
    counts: dict[str, int] = {}
    for v in values:
        if v:
            counts[v] = counts.get(v, 0) + 1
    return max(counts, key=lambda v: counts[v]) if counts else None  # max keeps the first of equals


def common_structure(q: Questionnaire, participants: list[dict[str, Any]]) -> dict[str, Any]:
    """The structure the participants name most often (a few may have left the name empty), with
    every type and activity any of them ticked: a criterion that concerns one part of a group
    concerns the group, and the team can untick what does not fit."""
    structures = [p.get("structure") or {} for p in participants]
    names = [str(s.get("name") or "").strip() for s in structures]
    profile = list(dict.fromkeys(i for s in structures for i in q.profile_of(s)))
    kinds = {a.id for a in q.activities}
    types = [i for i in profile if i not in kinds]
    activities = [i for i in profile if i in kinds]
    out: dict[str, Any] = {"name": _most_common(names) or "", "types": types, "activities": activities}
    region = _most_common([str(s.get("region") or "") for s in structures])
    if region:
        out["region"] = region
    return out


def consolidate(q: Questionnaire, participants: list[dict[str, Any]], show_names: bool = False,
                agreed: dict[str, Any] | None = None) -> dict[str, Any]:
    """A `consolidated` assessment from already-read individual ones (see formats.read_assessment).

    Proposed values come from the rule; `agreed` ({criterion: {"value", "reason"}}) records what
    the team decided and wins over the proposal (unless `agreed_value` refuses it: the proposal
    stands, as the synthesis page says). Duplicates must be removed before (see `check_set`).
    """
    agreed = agreed or {}
    structure = common_structure(q, participants)
    merged = new_assessment(q, (), structure.get("name", ""), kind="consolidated")
    merged["structure"] = structure
    labels = []
    for n, p in enumerate(participants, start=1):
        resp = p.get("respondent") or {}
        labels.append({"label": f"Participant {n}", "role": resp.get("role"),
                       "name": resp.get("name", "") if show_names else ""})
    merged["participants"] = labels
    stats: dict[str, Any] = {}
    answers: dict[str, Any] = {}
    for c in q.criteria:
        values = [((p.get("answers") or {}).get(c.id) or {}).get("value") for p in participants]
        st = criterion_stats(values)
        st["roles"] = [lab["role"] for lab in labels]
        st["comments"] = [
            {"label": labels[i]["label"], "role": labels[i]["role"], "text": text}
            for i, p in enumerate(participants)
            if (text := ((p.get("answers") or {}).get(c.id) or {}).get("comment"))
        ]
        stats[c.id] = st
        decision = agreed.get(c.id)
        value = agreed_value(c, decision)
        if value is not None:
            entry = {"value": value, "agreed": True}
            if decision.get("reason"):
                entry["comment"] = str(decision["reason"])
            answers[c.id] = entry
        elif st["proposed"] is not None and not (st["proposed"] == "na" and c.core):
            answers[c.id] = {"value": st["proposed"]}
    merged["answers"] = answers
    merged["stats"] = stats
    merged["updated"] = now_iso()
    return merged


def check_set(q: Questionnaire, files: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """Sort read files into those to merge and those set aside, with French reasons.

    `files` are (file name, read assessment). Same file twice → kept once; two versions of one
    participant's file (same id, other answers) → the most recent is kept; another structure or
    another structure profile → merged but flagged, since a participant may have ticked it differently.
    """
    kept: list[tuple[str, dict[str, Any]]] = []
    notes: list[dict[str, str]] = []
    seen: dict[str, str] = {}
    by_id: dict[str, int] = {}
    for name, a in files:
        if a.get("kind") == "consolidated":
            notes.append({"file": name, "level": "refused",
                          "message": "C'est déjà une synthèse collective : ajoutez les fichiers individuels."})
            continue
        fp = fingerprint(a)
        if fp in seen:
            notes.append({"file": name, "level": "refused",
                          "message": f"Même fichier que « {seen[fp]} » : compté une seule fois."})
            continue
        seen[fp] = name
        aid = str(a.get("id") or "")
        if aid and aid in by_id:
            index = by_id[aid]
            other_name, other = kept[index]
            if str(a.get("updated") or "") > str(other.get("updated") or ""):
                kept[index] = (name, a)
                newer, older = name, other_name
            else:
                newer, older = other_name, name
            notes.append({"file": older, "level": "refused",
                          "message": f"Version plus ancienne de la même évaluation que « {newer} » : seule la plus "
                                     "récente est comptée."})
            continue
        if aid:
            by_id[aid] = len(kept)
        kept.append((name, a))
    profiles: dict[tuple[str, ...], str] = {}
    names = structure_names(a for _, a in kept)
    for _, a in kept:
        profile = q.profile_of(a.get("structure"))
        if profile:
            profiles.setdefault(tuple(sorted(profile)), " + ".join(q.profile_label(i) for i in profile))
    if len(names) > 1:
        listed = fmt.quoted(names.values())
        notes.append({"file": "", "level": "warning",
                      "message": f"Les fichiers nomment plusieurs structures ({listed}) : vérifiez qu'ils viennent "
                                 "tous de la même structure."})
    if len(profiles) > 1:
        listed = fmt.quoted(profiles.values())
        notes.append({"file": "", "level": "warning",
                      "message": f"Les fichiers indiquent des profils de structure différents ({listed}) : la synthèse "
                                 "retient tous les types et activités cochés, que vous pouvez changer."})
    return {"kept": kept, "notes": notes}
