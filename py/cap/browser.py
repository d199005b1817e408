"""JSON-in / JSON-out entry points that the web worker calls (one call per request).

The worker loads the questionnaire bundle once (`init`), then calls `call(op, payload_json)`.
Every reply is JSON text: `{"ok": true, "data": …}` or `{"ok": false, "error": {message, code, field}}`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from . import report
from .aggregate import anonymise
from .compare import compare
from .consolidate import check_set
from .contracts import (  # the reply of each op, declared
    AnonymiseReply,
    CampaignReply,
    CatalogueReply,
    CompactDecodeReply,
    CompactEncodeReply,
    CompareReply,
    EvolutionReply,
    HtmlReply,
    InitReply,
    NetworkPeersReply,
    NetworkViewReply,
    OdtReply,
    ReadReply,
    ScoreReply,
    SynthesisReply,
    TextReply,
)
from .errors import AssessmentError, CapError
from .formats import dump, nesting_depth, read_and_migrate, read_assessment
from .load import from_bundle
from .model import Questionnaire
from .plan import plan_csv, suggestions
from .score import indicator_values, score

_state: dict[str, Questionnaire] = {}
MAX_PAYLOAD_DEPTH = 100  # an assessment nests 5 levels, a file inside a payload is a string


def _q() -> Questionnaire:
    if "q" not in _state:
        raise CapError("Le questionnaire n'est pas chargé.")
    return _state["q"]


def op_init(payload: dict[str, Any]) -> InitReply:
    q = from_bundle(payload["bundle"])
    _state["q"] = q
    return {"id": q.id, "version": q.version, "criteria": len(q.criteria)}


def op_score(payload: dict[str, Any]) -> ScoreReply:
    """Scores, their HTML, the indicators and the plan suggestions: everything a change redraws."""
    q, a = _q(), payload["assessment"]
    s = score(q, a)
    p = suggestions(q, a, s)
    return {"scores": s, "html": report.results_html(q, a, s, p), "plan": p,
            "indicators": indicator_values(q, a.get("indicators") or {})}


def _size(entry: dict[str, Any]) -> int | None:
    """The real size of a picked file (`file.size`), sent because the page reads only its beginning."""
    size = entry.get("size")
    return size if type(size) is int and size >= 0 else None


def op_read(payload: dict[str, Any]) -> ReadReply:
    """A file the user opens (`text`, with its `size`) or an assessment the page stored (`assessment`),
    checked and brought up to date: `{assessment, warnings, migration?}`.

    `migration` is present only when the file was made with an older referential or format:
    `{summary, changes: [{kind, old, new, note}], review: {id: kind}, from_version, to_version,
    from_format, to_format}` (see `formats.read_and_migrate`). The assessment's `review` holds the
    criteria to answer or check again; the page removes an id from it once the user answers it.
    """
    if isinstance(payload.get("assessment"), dict):
        source: Any = payload["assessment"]
    else:
        source = payload.get("text")
        if not isinstance(source, str):
            raise AssessmentError("Le fichier n'a pas pu être lu : aucun texte reçu.", code="not_json")
    assessment, warnings, migration = read_and_migrate(source, _q(), _size(payload))
    reply: dict[str, Any] = {"assessment": assessment, "warnings": warnings}
    if migration:
        reply["migration"] = migration
        # the summary says which versions, and more: the page shows it instead of this line
        reply["warnings"] = [w for w in warnings if not w.startswith("Évaluation faite avec la version")]
    return reply


def op_catalogue(payload: dict[str, Any]) -> CatalogueReply:
    """What the plan editor shows beside ids (asked once): offers and criteria, in order."""
    q = _q()
    return {"offers": [{"id": o.id, "title": o.title, "field": o.field, "description": o.description,
                        "external": o.external} for o in q.offers],
            "criteria": [{"id": c.id, "question": c.question, "offers": list(c.offers), "requirement": c.requirement,
                          "pillar": c.pillar_id, "theme": c.theme_id} for c in q.criteria]}


def op_report(payload: dict[str, Any]) -> HtmlReply:
    q, a = _q(), payload["assessment"]
    return {"html": report.summary_page(q, a) if payload.get("summary") else report.plan_page(q, a)}


def op_csv(payload: dict[str, Any]) -> TextReply:
    return {"text": plan_csv(_q(), payload["assessment"])}


def op_export(payload: dict[str, Any]) -> TextReply:
    """Check what is about to be written, so that an export can always be re-imported."""
    assessment, _ = read_assessment(payload["assessment"], _q())
    return {"text": dump(assessment)}


Named = list[tuple[str, dict[str, Any]]]
Notes = list[dict[str, str]]


def _read_files(q: Questionnaire, payload: dict[str, Any]) -> tuple[Named, Notes]:
    """Read every `{name, text, size}` of `payload["files"]`: (name, assessment) pairs and French notes.

    One file that cannot be read is set aside with a note naming it; it never stops the others,
    whatever goes wrong while reading it.
    """
    files = payload.get("files")
    if not isinstance(files, list):
        raise CapError("Aucune liste de fichiers reçue.")
    read: Named = []
    notes: Notes = []
    unreadable = "Le fichier n'a pas pu être lu : aucun texte reçu."
    for n, f in enumerate(files, start=1):
        name = f.get("name") if isinstance(f, dict) else None
        name = name if isinstance(name, str) and name else f"fichier n° {n}"
        text = f.get("text") if isinstance(f, dict) else None
        if not isinstance(text, str):
            notes.append({"file": name, "level": "refused", "message": unreadable})
            continue
        try:
            a, warnings, migration = read_and_migrate(text, q, _size(f))
        except AssessmentError as exc:
            notes.append({"file": name, "level": "refused", "message": str(exc)})
            continue
        except Exception as exc:  # last guard (RecursionError, MemoryError…): read_assessment raises only the above
            notes.append({"file": name, "level": "refused",
                          "message": f"Fichier illisible : son contenu n'a pas pu être vérifié ({type(exc).__name__}). "
                                     "Les autres fichiers sont pris en compte."})
            continue
        read.append((name, a))
        if migration:
            notes.append({"file": name, "level": "warning", "message": migration["summary"]})
        notes.extend({"file": name, "level": "warning", "message": w} for w in warnings)
    return read, notes


def op_compare(payload: dict[str, Any]) -> CompareReply:
    return compare(_q(), payload["old"], payload["new"])


def op_anonymise(payload: dict[str, Any]) -> AnonymiseReply:
    return anonymise(_q(), payload["assessment"], payload.get("region", ""))


OPS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "init": op_init, "score": op_score, "read": op_read, "catalogue": op_catalogue, "report": op_report, "csv": op_csv,
    "export": op_export, "compare": op_compare, "anonymise": op_anonymise,
}


def _payload(payload_json: str) -> dict[str, Any]:
    """The request's JSON, checked for depth first: in Pyodide, parsing absurd nesting is a fatal error."""
    if nesting_depth(payload_json, MAX_PAYLOAD_DEPTH) > MAX_PAYLOAD_DEPTH:
        raise AssessmentError("Données trop imbriquées pour être une évaluation CAP.", code="too_deep")
    try:
        payload = json.loads(payload_json)
    except ValueError as exc:  # not JSON, or an integer of thousands of digits
        raise CapError("Requête illisible pour le moteur de calcul.") from exc
    if not isinstance(payload, dict):
        raise CapError("Requête illisible pour le moteur de calcul.")
    return payload


def call(op: str, payload_json: str) -> str:
    try:
        handler = OPS.get(op)
        if handler is None:
            raise CapError(f"Opération inconnue : {op}")
        data = handler(_payload(payload_json))
        return json.dumps({"ok": True, "data": data}, ensure_ascii=False)
    except CapError as exc:
        return json.dumps({"ok": False, "error": {"message": str(exc), "code": getattr(exc, "code", "invalid"),
                                                  "field": getattr(exc, "field", None)}}, ensure_ascii=False)
    except Exception as exc:  # a bug: say so plainly rather than hang the page
        return json.dumps({"ok": False, "error": {"message": f"Erreur interne du moteur de calcul ({type(exc).__name__}).",
                                                  "code": "internal", "field": None}}, ensure_ascii=False)


# -- collective pages: évolution -----------------------------------------------------------------

def op_evolution(payload: dict[str, Any]) -> EvolutionReply:
    """Files of earlier assessments → read, ordered by date, compared; HTML of the page or (print) a document."""
    from . import evolution as evo

    q = _q()
    read, notes = _read_files(q, payload)
    ordered = evo.order(read)
    kept = ordered["kept"]
    notes.extend(ordered["notes"])
    files = [{"name": name, "date": evo.date_of(a), "kind": a.get("kind", "individual"), "id": a.get("id"),
              "structure": (a.get("structure") or {}).get("name") or ""} for name, a in kept]
    if len(kept) < 2:
        return {"files": files, "notes": notes, "html": ""}
    assessments = [a for _, a in kept]
    result = evo.evolution(q, assessments)
    html = (evo.evolution_page if payload.get("print") else evo.evolution_html)(q, assessments, result)
    return {"files": files, "notes": notes, "html": html}


OPS["evolution"] = op_evolution


# -- the plan as an editable document (ODT) --------------------------------------------------------

def op_odt(payload: dict[str, Any]) -> OdtReply:
    """The plan as an OpenDocument text: `{base64, size, day}`, the bytes `python -m cap report FILE
    --odt` writes for the same file and date. The assessment is first read as the CLI reads a file
    (normalised, brought up to date); one the reader refuses is used as the page holds it."""
    import base64

    from . import odt

    q = _q()
    a = payload["assessment"]
    try:
        a, _ = read_assessment(a, q)
    except AssessmentError:
        pass
    date = payload.get("date")
    data = odt.plan_odt(q, a, date if isinstance(date, str) else None)
    return {"base64": base64.b64encode(data).decode("ascii"), "size": len(data),
            "day": odt.document_day(a, date if isinstance(date, str) else None)}


OPS["odt"] = op_odt


# -- Réseau page: the network view, its exports, the network file; a structure's peers -------------

def op_network_view(payload: dict[str, Any]) -> NetworkViewReply:
    """Anonymised files (or assessments) → the view of the group `filters` describes, with `own`
    (one structure's file) placed in it; `output`: "view" (HTML for the page), "csv", "print" (a
    standalone document), "network" (the network file to publish, as JSON text) or "read" (only read
    the files, which the engine keeps: the page sends them ahead in batches while it reads the rest).
    A file sent with an `id` may later be sent as `{name, id}` only; `{missing: [ids]}` says which
    ones the engine does not hold, and the page sends them again with their text."""
    import datetime

    from . import network
    from . import network_view as nv

    q = _q()
    try:
        read = nv.read_files(q, payload.get("files"))
    except nv.Missing as exc:  # files sent by id only, not held (the worker restarted): ask for their texts
        return {"missing": exc.ids}
    output = payload.get("output") or "view"
    if output == "read":  # files sent ahead while the page reads the others: read (and kept) only
        return {"accepted": len(read[0]), "refused": len(read[1]) - len(read[0])}
    result = nv.network_view(q, None, payload.get("filters"), payload.get("own"), read=read)
    date = payload.get("date") if isinstance(payload.get("date"), str) else datetime.date.today().isoformat()
    view, own = result["view"], result["own"]
    if output == "csv":
        result["text"] = network.view_csv(q, view, own)
    elif output == "print":
        result["html"] = network.network_page(q, view, own, date[:10])
    elif output == "network":
        data = nv.network_file(q, [item for _, item in read[0]], view["filters"], date)
        result["text"] = json.dumps(data, ensure_ascii=False, indent=1, allow_nan=False)
        result["groups"] = len(data["groups"])
    else:
        result["html"] = network.view_html(q, view, own)
    return result


def op_network_peers(payload: dict[str, Any]) -> NetworkPeersReply:
    """A published network file (`network`, its text) and the structure's `assessment` → the group
    most like the structure and where it stands (`network_view.peers`); figures only, the page draws."""
    from . import network_view as nv

    return nv.peers(_q(), payload.get("network"), payload["assessment"])


OPS["network_view"] = op_network_view
OPS["network_peers"] = op_network_peers


# -- a new campaign from the last one (assessment page) ---------------------------------------------

def op_campaign(payload: dict[str, Any]) -> CampaignReply:
    """Three requests, one concern (`campaign`):
    - `{earlier}` (a stored assessment) or `{text, size}` (a picked file), optional `date` → the new
      assessment made from it, `{assessment, year, warnings}` (`campaign.new_campaign`);
    - `{assessment, statuses: {action id: done | doing | dropped | postponed}}` → `{assessment}` with
      `previous.plan` and `plan` reviewed (`campaign.review_plan`);
    - `{assessment, take_answers: true}` → `{assessment, copied: [criterion ids]}` (`campaign.take_answers`)."""
    from . import campaign

    q = _q()
    if isinstance(payload.get("assessment"), dict):
        a = payload["assessment"]
        if payload.get("take_answers"):
            a, copied = campaign.take_answers(a)
            return {"assessment": a, "copied": copied}
        statuses = payload.get("statuses")
        if not isinstance(statuses, dict):
            raise CapError("Aucun statut reçu pour le bilan du plan.")
        try:
            return {"assessment": campaign.review_plan(a, statuses)}
        except ValueError as exc:
            raise CapError(str(exc)) from exc
    source: Any = payload["earlier"] if isinstance(payload.get("earlier"), dict) else payload.get("text")
    if not isinstance(source, (dict, str)):
        raise AssessmentError("Le fichier n'a pas pu être lu : aucun texte reçu.", code="not_json")
    earlier, warnings, migration = read_and_migrate(source, q, _size(payload))
    date = payload.get("date") if isinstance(payload.get("date"), str) else None
    made = campaign.new_campaign(q, earlier, date)
    if migration:
        warnings = [migration["summary"], *(w for w in warnings if not w.startswith("Évaluation faite avec"))]
    return {"assessment": made, "year": campaign.year_of(earlier), "warnings": warnings}


OPS["campaign"] = op_campaign


# -- answers as a short code (QR codes, lien de réponse): issue 16 ---------------------------------

def op_compact_encode(payload: dict[str, Any]) -> CompactEncodeReply:
    """An assessment → `{link, parts, bytes, cut, limit}`: the link code, the QR texts (`part_chars` each at most),
    the packet's size, the criteria whose comment was cut, and the length texts are cut to."""
    from . import compact
    a = payload.get("assessment")
    if not isinstance(a, dict):
        raise CapError("Aucune évaluation reçue.")
    session = payload.get("session") if isinstance(payload.get("session"), str) else ""
    chars = payload.get("part_chars")
    enc = compact.encode(_q(), a, session)
    parts = enc.parts(chars if type(chars) is int and 60 <= chars <= 3000 else compact.PART_CHARS)
    return {"link": enc.link, "parts": parts, "bytes": len(enc.packet), "cut": list(enc.cut), "limit": compact.TEXT_LIMIT}


def op_compact_decode(payload: dict[str, Any]) -> CompactDecodeReply:
    """A link code (`code`) or the QR texts read so far (`parts`) → `{complete: true, assessment, session}`, or
    `{complete: false, total, have}` while parts are missing. A damaged code is an error (codes `code_*`)."""
    from . import compact
    q = _q()
    if isinstance(payload.get("parts"), list):
        gathered = compact.gather(payload["parts"][:1000], q)
        if gathered.decoded is None:
            return {"complete": False, "total": gathered.total, "have": list(gathered.have)}
        decoded = gathered.decoded
    elif isinstance(payload.get("code"), str):
        decoded = compact.unpack_link(payload["code"], q)
    else:
        raise CapError("Aucun code reçu.")
    return {"complete": True, "assessment": decoded.assessment, "session": decoded.session}


OPS["compact_encode"] = op_compact_encode
OPS["compact_decode"] = op_compact_decode


# -- the synthesis page: a collective session's whole view in one call ------------------------------

def op_synthesis(payload: dict[str, Any]) -> SynthesisReply:
    """Participants' files (`files`, read as `_read_files` does, checked by `check_set`) and the session's
    settings (`show_names`, `agreed`, `order`, `session: {id, created}`, `structure`, `saved`: the copy
    the Évaluer page completes) → `{files: [{name, participant}], notes, assessment, html, criteria, order,
    meeting, labels}` (see `synthesis.synthesis`): the merge, its scores' HTML and every part of the page."""
    from . import synthesis

    q = _q()
    read, notes = _read_files(q, payload)
    checked = check_set(q, read)
    kept = checked["kept"]
    view = synthesis.synthesis(q, [a for _, a in kept], payload)
    view["files"] = [{"name": name, "participant": who} for (name, _), who in zip(kept, view.pop("participants"),
                                                                                     strict=True)]
    view["notes"] = notes + checked["notes"]
    return view


OPS["synthesis"] = op_synthesis
