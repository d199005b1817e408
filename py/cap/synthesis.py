"""The synthesis page's view of a collective session, in one call (worker op `synthesis`).

The participants' files are read and checked elsewhere (`browser._read_files`, `consolidate.check_set`);
`synthesis` takes the kept assessments and the session's settings and returns everything the page
shows: the consolidated assessment as it is saved, exported and printed (the merge, the session's
id, date and structure, and the fields a saved copy keeps: `SAVED_FIELDS`), its results HTML, the
flags and order of the criteria, and the HTML of the divergence map, its table, each criterion's
card and the meeting mode's parts. The page only inserts it (every text is escaped here).
"""

from __future__ import annotations

import re
from typing import Any

from . import report
from .consolidate import agreed_value, choices, consolidate
from .html import esc
from .model import Criterion, Questionnaire
from .plan import suggestions
from .score import score

# Fields of the consolidated assessment that the Évaluer page completes on a saved copy: a new merge keeps them.
SAVED_FIELDS = ("plan", "targets", "importance", "indicators", "exported")
SAVED_TYPES: dict[str, type] = {"plan": list, "targets": dict, "importance": dict, "indicators": dict, "exported": str}
# Flags of a criterion, in the order they are shown: css class, symbol (also in the map's legend).
EXCLUDED, DIVERGENT, CLARIFY, EMPTY, AGREE = "is-excluded", "is-divergent", "is-clarify", "is-empty", "is-agree"
SYMBOLS = {EXCLUDED: "/", DIVERGENT: "≠", CLARIFY: "?", EMPTY: "–", AGREE: "="}
# "À discuter d'abord" order: divergent, then to clarify, then the others, then those that do not apply.
RANK_TEXT = ("à discuter d'abord : divergent", "à clarifier", "sans divergence", "")
SHORT = {"na": "NC", "dk": "?"}
ORDERS = ("talk", "grid")


# -- labels -------------------------------------------------------------------------------------------

def role_label(q: Questionnaire, role: Any) -> str:
    """A role's label without its details in brackets: "Salarié permanent (accompagnement, …)" → "Salarié permanent"."""
    if not role:
        return "Rôle non précisé"
    return re.sub(r"\s*\([^)]*\)$", "", q.role_label(str(role)))


def labels(q: Questionnaire) -> dict[str, str]:
    """Every answer's label by its value as text: the meeting mode shows a decision before the next merge."""
    return {str(v): q.scale.answer_label(v) for v in (1, 2, 3, 4, "na", "dk")}


def who(q: Questionnaire, participant: dict[str, Any] | None, show_names: bool) -> str:
    """"Participant 2 (Direction)", with the name only when the facilitator shows names."""
    if not participant:
        return ""
    name = f" · {participant['name']}" if show_names and participant.get("name") else ""
    return f"{participant.get('label', '')} ({role_label(q, participant.get('role'))}{name})"


def _key(value: Any) -> str | None:
    """An answer value as the page's keys ("1".."4", "na", "dk"); None when unanswered."""
    if type(value) is int and 1 <= value <= 4:
        return str(value)
    return value if value in ("na", "dk") else None


# -- flags and order ------------------------------------------------------------------------------------

def flags(st: dict[str, Any], applies: bool) -> list[tuple[str, str]]:
    """(css class, words) of a criterion's signals, from its statistics (rule 8) and whether it applies."""
    out = []
    if not applies:
        out.append((EXCLUDED, "ne concerne pas ce type de structure"))
    if st["divergent"]:
        out.append((DIVERGENT, f"divergent (écart de {st['spread']} niveaux)"))
    if st["clarify"]:
        out.append((CLARIFY, f"à clarifier ({st['dk']} « je ne sais pas »)"))
    if not out:
        if st["spread"] is None:
            out.append((EMPTY, "sans réponse chiffrée"))
        else:
            out.append((AGREE, "réponses identiques" if st["spread"] == 0 else "réponses proches"))
    return out


def rank(st: dict[str, Any], applies: bool) -> int:
    """0 divergent, 1 to clarify, 2 the others, 3 does not apply."""
    if not applies:
        return 3
    return 0 if st["divergent"] else 1 if st["clarify"] else 2


def ordered(q: Questionnaire, ranks: dict[str, int], order: str = "talk") -> list[str]:
    """Criterion ids in the questionnaire's order ("grid") or to discuss first ("talk": by rank, then grid)."""
    ids = [c.id for c in q.criteria]
    return ids if order == "grid" else sorted(ids, key=lambda cid: (ranks[cid], q.order[cid]))


def distribution(q: Questionnaire, c: Criterion, st: dict[str, Any], people: list[str]) -> list[dict[str, Any]]:
    """Rows of a criterion's answers: {key, label, count, people, proposed}; "na" only where it may be given
    (or was), a "none" row only when someone left it unanswered. `people`: each participant's `who`."""
    counts = {**st["counts"], "na": st["na"], "dk": st["dk"]}
    keys = ["1", "2", "3", "4", *(["na"] if not c.core or st["na"] else []), "dk"]
    unanswered = st["n"] - sum(counts[k] for k in keys)
    if unanswered > 0:
        keys.append("none")
    rows = []
    for key in keys:
        if key == "none":
            label, count = "Sans réponse", unanswered
            names = [p for v, p in zip(st["values"], people, strict=True) if _key(v) is None]
        else:
            label, count = q.scale.answer_label(int(key) if key.isdigit() else key), counts[key]
            names = [p for v, p in zip(st["values"], people, strict=True) if _key(v) == key]
        rows.append({"key": key, "label": label, "count": count, "people": names,
                     "proposed": _key(st["proposed"]) == key})
    return rows


# -- HTML -------------------------------------------------------------------------------------------------

def _flags_html(found: list[tuple[str, str]]) -> str:
    return "".join(f'<span class="cap-flag {cls}"><span aria-hidden="true">{SYMBOLS[cls]} </span>{esc(text)}</span>'
                   for cls, text in found)


def _dist_html(c: Criterion, st: dict[str, Any], rows: list[dict[str, Any]]) -> str:
    """The table of a criterion's answers; the descriptors of the levels in play are shown in the meeting mode."""
    n = st["n"]
    body = []
    for row in rows:
        head = esc(row["label"])
        if row["key"].isdigit() and row["count"]:  # the levels in play: read them aloud in the meeting
            head += f'<span class="cap-meet-descriptor">{esc(c.descriptor(int(row["key"])))}</span>'
        width = row["count"] / n * 100 if n else 0
        proposed = ' class="is-proposed"' if row["proposed"] else ""
        body.append(f'<tr{proposed}><th scope="row">{head}</th><td class="cap-count" data-label="Nombre">'
                    f'<span class="cap-bar-box"><span class="cap-bar" aria-hidden="true" style="width:{width:.1f}%">'
                    f'</span></span><span>{row["count"]}</span></td>'
                    f'<td data-label="Qui (par rôle)">{esc(", ".join(row["people"]) or "–")}</td></tr>')
    return ('<div class="cap-table-scroll" data-part="dist"><table class="cap-dist cap-stack"><caption>'
            f'Répartition des réponses ({n} participant{"s" if n > 1 else ""})</caption><thead><tr>'
            '<th scope="col">Réponse</th><th scope="col">Nombre</th><th scope="col">Qui (par rôle)</th></tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table></div>')


def _roles_html(q: Questionnaire, st: dict[str, Any]) -> str:
    groups: dict[str, list[str]] = {r.id: [] for r in q.roles}
    for value, role in zip(st["values"], st["roles"], strict=True):
        short = str(value) if type(value) is int else SHORT.get(value, "–")
        groups.setdefault(role or "", []).append(short)
    items = "".join(f'<li><strong>{esc(role_label(q, role))} : </strong>{esc(", ".join(values))}</li>'
                    for role, values in groups.items() if values)
    return ('<div class="cap-by-role" data-part="roles"><p class="cap-sub">Par rôle (NC : non concerné ; '
            f'? : je ne sais pas ; – : sans réponse)</p><ul>{items}</ul></div>')


def _comments_html(q: Questionnaire, st: dict[str, Any], by_label: dict[str, dict[str, Any]], show: bool) -> str:
    found = st.get("comments") or []
    if not found:
        return '<div data-part="comments"><p class="cap-hint">Aucun commentaire.</p></div>'
    items = "".join(f'<li><strong>{esc(who(q, by_label.get(c["label"]) or c, show))} : </strong>{esc(c["text"])}</li>'
                    for c in found)
    return (f'<div class="cap-comments" data-part="comments"><p class="cap-sub">Commentaires ({len(found)})</p>'
            f'<ul>{items}</ul></div>')


def _decision_html(q: Questionnaire, st: dict[str, Any], agreed: Any, reason: Any) -> str:
    proposed = st["proposed"]
    line = (f'Valeur proposée : <strong data-proposed-label="">{esc(q.scale.answer_label(proposed))}</strong>'
            + (" (médiane basse des réponses chiffrées)" if type(proposed) is int else ""))
    if agreed is not None:
        line += f'<br>Retenu en séance : <strong class="cap-agreed">{esc(q.scale.answer_label(agreed))}</strong>'
        if reason:
            line += f" — <q>{esc(reason)}</q>"
    return f'<p class="cap-decision">{line}</p>'


def _cell_html(q: Questionnaire, c: Criterion, found: list[tuple[str, str]], agreed: Any) -> str:
    kept = f", retenu : {q.scale.answer_label(agreed)}" if agreed is not None else ""
    words = ", ".join(text for _, text in found) + kept
    classes = f"cap-cell {found[0][0]}" + (" is-agreed" if agreed is not None else "")
    symbol = "".join(SYMBOLS[cls] for cls, _ in found) + ("✔" if agreed is not None else "")
    said = esc(f"{c.question} ({c.id}) : {words}")
    return (f'<li><a href="#s-{esc(c.id)}" class="{classes}" title="{said}" data-cell="{esc(c.id)}">'
            f'<span class="cap-cell-sym" aria-hidden="true">{symbol}</span>'
            f'<span class="cap-cell-id" aria-hidden="true">{esc(c.id.split("-")[-1])}</span>'
            f'<span class="cap-sr">{said}</span></a></li>')


def _table_html(q: Questionnaire, order: list[str], found: dict[str, list[tuple[str, str]]],
                stats: dict[str, Any], agreed: dict[str, Any]) -> str:
    heads = ("N°", "Critère", "Signal", "Écart", "Réponses (1 / 2 / 3 / 4 / NC / ?)", "Proposé", "Retenu")
    rows = []
    for i, cid in enumerate(order, start=1):
        st, c = stats[cid], q.criterion_by_id[cid]
        counts = " / ".join(str(v) for v in [*(st["counts"][k] for k in "1234"), st["na"], st["dk"]])
        signal = " ; ".join(f"{SYMBOLS[cls]} {text}" for cls, text in found[cid])
        kept = "–" if agreed[cid] is None else q.scale.answer_label(agreed[cid])
        rows.append(f'<tr data-row="{esc(cid)}"><td>{i}</td><th scope="row">{esc(c.question)} '
                    f'<span class="cap-id">{esc(cid)}</span></th><td>{esc(signal)}</td>'
                    f'<td>{"–" if st["spread"] is None else st["spread"]}</td><td>{counts}</td>'
                    f'<td>{esc(q.scale.answer_label(st["proposed"]))}</td><td>{esc(kept)}</td></tr>')
    head = "".join(f'<th scope="col">{esc(h)}</th>' for h in heads)
    return ('<table class="cap-map-table"><caption>Tous les critères, dans l\'ordre choisi, avec leurs signaux'
            f'</caption><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>')


def _overview_html(q: Questionnaire, merged: dict[str, Any], live: list[str], stats: dict[str, Any],
                   agreed: dict[str, Any]) -> str:
    roles: dict[str, int] = {}
    for p in merged["participants"]:
        label = role_label(q, p.get("role"))
        roles[label] = roles.get(label, 0) + 1
    listed = ", ".join(f"{label} : {n}" for label, n in roles.items())
    divergent = sum(1 for cid in live if stats[cid]["divergent"])
    clarify = sum(1 for cid in live if stats[cid]["clarify"])
    kept = sum(1 for cid in live if agreed[cid] is not None)
    return (f'<strong>{len(merged["participants"])} participant(s)</strong> ({esc(listed)}). '
            f'<strong>{divergent} critère(s) divergent(s)</strong>, <strong>{clarify} à clarifier</strong>, '
            f"{kept} réponse(s) retenue(s) en séance, sur {len(live)} critères qui concernent la structure.")


# -- the view -------------------------------------------------------------------------------------------

def assessment_of(merged: dict[str, Any], session: dict[str, Any], structure: Any, saved: Any) -> dict[str, Any]:
    """The consolidated assessment as saved, exported and printed: the merge under the session's id and
    date, with the structure set on the page over the merged one, and the `SAVED_FIELDS` of a saved copy
    (the Évaluer page completes them there; a new merge must not lose them)."""
    a = dict(merged)
    for key in ("id", "created"):
        if isinstance(session.get(key), str) and session[key]:
            a[key] = session[key]
    if isinstance(structure, dict):
        given = {k: v for k, v in structure.items() if k in ("name", "types", "activities")}
        a["structure"] = {**a["structure"], **given}
    if isinstance(saved, dict):
        for key in SAVED_FIELDS:
            if isinstance(saved.get(key), SAVED_TYPES[key]):
                a[key] = saved[key]
    return a


def synthesis(q: Questionnaire, participants: list[dict[str, Any]], settings: dict[str, Any]) -> dict[str, Any]:
    """The page's view of the session: `settings` = {show_names, agreed, order, session: {id, created},
    structure, saved} (see `browser.op_synthesis`). Returns {assessment, html: {results, overview, table,
    map: {theme: cells}}, criteria: {id: {data, applies, choices, card, and where it applies: proposed,
    note, spoken}}, order, meeting, labels, participants}."""
    show = bool(settings.get("show_names"))
    decisions = settings.get("agreed") if isinstance(settings.get("agreed"), dict) else {}
    order_name = settings.get("order") if settings.get("order") in ORDERS else "talk"
    session = settings.get("session") if isinstance(settings.get("session"), dict) else {}
    merged = consolidate(q, participants, show, decisions)
    a = assessment_of(merged, session, settings.get("structure"), settings.get("saved"))
    s = score(q, a)
    stats = merged["stats"]
    people = [who(q, p, show) for p in merged["participants"]]
    by_label = {p["label"]: p for p in merged["participants"]}
    applies = {c.id: s["criteria"][c.id]["applies"] for c in q.criteria}
    agreed = {c.id: agreed_value(c, decisions.get(c.id)) for c in q.criteria}
    found = {c.id: flags(stats[c.id], applies[c.id]) for c in q.criteria}
    ranks = {c.id: rank(stats[c.id], applies[c.id]) for c in q.criteria}
    order = ordered(q, ranks, order_name)
    criteria = {}
    for c in q.criteria:
        st = stats[c.id]
        line = f'<p class="cap-flags" data-part="flags">{_flags_html(found[c.id])}</p>'
        given = decisions.get(c.id)
        decision = _decision_html(q, st, agreed[c.id], given.get("reason") if isinstance(given, dict) else None)
        if applies[c.id]:  # the meeting mode clones its `data-part`s: flags, table (with descriptors), roles, comments
            card = (f'{line}{decision}{_dist_html(c, st, distribution(q, c, st, people))}{_roles_html(q, st)}'
                    f'{_comments_html(q, st, by_label, show)}<div class="cap-buttons">'
                    f'<button type="button" class="md-button cap-small" data-discuss="{esc(c.id)}">'
                    "Discuter en mode réunion</button></div>")
        else:
            card = (f'{line}{decision}<p class="cap-hint">Ce critère ne concerne pas ce type de structure : '
                    "il n'est pas compté.</p>")
        entry: dict[str, Any] = {
            "data": {"proposed": "" if st["proposed"] is None else str(st["proposed"]),
                     "divergent": str(st["divergent"]).lower(), "clarify": str(st["clarify"]).lower(),
                     "spread": "" if st["spread"] is None else str(st["spread"]),
                     "agreed": "" if agreed[c.id] is None else str(agreed[c.id])},
            "applies": applies[c.id], "choices": [str(v) for v in choices(c)], "card": card}
        if applies[c.id]:  # what the meeting mode says (only the criteria that apply are discussed)
            entry.update(proposed=q.scale.answer_label(st["proposed"]),
                         note=RANK_TEXT[ranks[c.id]] if order_name == "talk" else "",
                         spoken=f"{c.id}, {c.question}. " + ", ".join(t for _, t in found[c.id])
                         + f". Proposé : {q.scale.answer_label(st['proposed'])}.")
        criteria[c.id] = entry
    live = [c.id for c in q.criteria if applies[c.id]]
    cells = {t.id: "".join(_cell_html(q, q.criterion_by_id[cid], found[cid], agreed[cid])
                           for cid in order if q.criterion_by_id[cid].theme_id == t.id) for t in q.themes}
    return {
        "assessment": a, "criteria": criteria, "order": order, "meeting": [cid for cid in order if applies[cid]],
        "labels": labels(q), "participants": people,
        "html": {"results": report.results_html(q, a, s, suggestions(q, a, s)),
                 "overview": _overview_html(q, merged, live, stats, agreed),
                 "table": _table_html(q, order, found, stats, agreed), "map": cells},
    }
