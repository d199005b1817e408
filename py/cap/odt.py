"""The progress plan as an editable OpenDocument text (.odt): LibreOffice and Word open it.

Built with the standard library only (a zip of XML), so the browser (worker op `odt`) and the CLI
(`python -m cap report FILE --odt -o plan.odt`) give the same document. What it holds comes from
the functions behind the printed plan and the one-page summary (`score`, `suggestions`,
`strengths`, `report.plan_items`): a cover, the summary (scores per pillar beside the tool's
reference level, strengths, main gaps, offers), then the plan table on landscape pages (action
and its "situation visée", criterion, owner, deadline, status, offers). With an empty plan, the
printed plan's rule: the first suggestions, marked "Proposée".

Deterministic: the same assessment and date give the same bytes. The date is the assessment's
`updated` day unless one is given; never the clock. Every text goes through `_inline`, which
escapes it and keeps it text: spaces, tabs and line breaks as ODF elements, characters that XML
cannot hold (control characters, lone surrogates) as U+FFFD.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from typing import Any

from . import fmt
from .model import Questionnaire
from .plan import STATUS_LABELS, suggestions
from .report import GAP_NOTE, PROPOSED_LABEL, REPERE, REPERE_NOTE, plan_items, proposed_note
from .score import score, strengths
from .typo import fr

MIMETYPE = "application/vnd.oasis.opendocument.text"
ODF_VERSION = "1.2"  # what Word 2013 and later read; everything used here is in 1.2
SUMMARY_STRENGTHS = 3  # as the one-page summary
SUMMARY_GAPS = 5

NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
    "svg": "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0",
    "dc": "http://purl.org/dc/elements/1.1/",
    "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
}
_XMLNS = " ".join(f'xmlns:{k}="{v}"' for k, v in NS.items())
_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'

# Colours of the printed plan (html.PRINT_CSS).
BLUE, GREY, LINE, HEAD_BG, ROW_BG, PARTIAL = "#0b3d62", "#444444", "#8a8a8a", "#e8eef4", "#f1f4f7", "#8a3b00"


# -- text: escaped, and kept as text --------------------------------------------------------------

# What XML 1.0 cannot hold: C0 controls but tab, LF and CR; lone surrogates; U+FFFE, U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SPACES = re.compile(" {2,}|^ ")


def clean(value: Any) -> str:
    """Any value as text XML can hold: U+FFFD for what it cannot, CR and CRLF as LF."""
    text = "" if value is None else value if isinstance(value, str) else str(value)
    return _NOT_XML.sub("\ufffd", text.replace("\r\n", "\n").replace("\r", "\n"))


def _esc(text: str) -> str:
    return html.escape(text, quote=True)  # & < > " ' : text and attribute values alike


def _space_run(found: re.Match[str]) -> str:
    run = found.group()
    if found.start() == 0:  # a leading space would be dropped by the reader
        return f'<text:s text:c="{len(run)}"/>' if len(run) > 1 else "<text:s/>"
    return " " + (f'<text:s text:c="{len(run) - 1}"/>' if len(run) > 2 else "<text:s/>")


def _inline(value: Any) -> str:
    """Text as ODF paragraph content: escaped; runs of spaces, tabs and line breaks kept
    (ODF collapses white space, so they become `text:s`, `text:tab`, `text:line-break`)."""
    lines = []
    for line in clean(value).split("\n"):
        lines.append("<text:tab/>".join(_SPACES.sub(_space_run, _esc(part)) for part in line.split("\t")))
    return "<text:line-break/>".join(lines)


def _plain(markup: str) -> str:
    """The text of one of the printed plan's fixed HTML sentences (no user text in them)."""
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def _f(text: str) -> str:
    """Our own French sentences, with French typography (as the site's pages)."""
    return _inline(fr(text))


def _p(style: str, *content: str) -> str:
    return f'<text:p text:style-name="{style}">{"".join(content)}</text:p>'


def _h(level: int, content: str, style: str | None = None) -> str:
    name = style or f"Heading_20_{level}"
    return f'<text:h text:style-name="{name}" text:outline-level="{level}">{content}</text:h>'


def _span(style: str, content: str) -> str:
    return f'<text:span text:style-name="{style}">{content}</text:span>'


def _list(items: list[str], style: str = "CAP_20_Puces") -> str:
    rows = "".join(f"<text:list-item>{_p('CAP_20_Liste', i)}</text:list-item>" for i in items)
    return f'<text:list text:style-name="{style}">{rows}</text:list>'


# -- tables ---------------------------------------------------------------------------------------

class _Tables:
    """Tables of content.xml and their automatic styles (one style per table and column)."""

    def __init__(self) -> None:
        self.styles: list[str] = []

    def table(self, name: str, widths: list[float], head: list[str], rows: list[list[str]],
              keep_rows: bool = True) -> str:
        """`widths` in cm; `head` the header cells' text (already inline markup); `rows` the body cells'
        content (paragraphs). The header row repeats on every page the table runs over."""
        total = sum(widths)
        self.styles.append(
            f'<style:style style:name="{name}" style:family="table"><style:table-properties '
            f'style:width="{total:.2f}cm" table:align="left" fo:margin-top="0.1cm" fo:margin-bottom="0.25cm"/>'
            "</style:style>")
        columns = []
        for n, width in enumerate(widths):
            col = f"{name}.{chr(65 + n)}"
            self.styles.append(f'<style:style style:name="{col}" style:family="table-column"><style:table-column-properties '
                               f'style:column-width="{width:.2f}cm"/></style:style>')
            columns.append(f'<table:table-column table:style-name="{col}"/>')
        cells = "".join(f'<table:table-cell table:style-name="CAP_Head" office:value-type="string">'
                        f'{_p("Table_20_Heading", h)}</table:table-cell>' for h in head)
        row_style = ' table:style-name="CAP_Row"' if keep_rows else ""
        body = "".join(
            f"<table:table-row{row_style}>"
            + "".join(f'<table:table-cell table:style-name="CAP_Cell" office:value-type="string">{c}</table:table-cell>'
                      for c in row)
            + "</table:table-row>" for row in rows)
        return (f'<table:table table:name="{name}" table:style-name="{name}">{"".join(columns)}'
                f"<table:table-header-rows><table:table-row>{cells}</table:table-row></table:table-header-rows>"
                f"{body}</table:table>")


# -- the document's parts -------------------------------------------------------------------------

def _name(a: dict[str, Any]) -> str:
    return (a.get("structure") or {}).get("name") or "Structure sans nom"


def _facts(q: Questionnaire, a: dict[str, Any]) -> list[tuple[str, str]]:
    """The cover's lines (as the printed plan's heading): profile, date, referential, who answered."""
    structure = a.get("structure") or {}
    rows = [("Profil", ", ".join(q.profile_labels(structure)) or "non précisé"),
            ("Date de l'évaluation", fmt.date(a.get("updated")) or "non datée"),
            ("Référentiel", f"{q.title}, version {q.version}")]
    if a.get("kind") == "consolidated":
        roles: dict[str, int] = {}
        for p in a.get("participants") or []:
            label = q.role_label(p.get("role") if isinstance(p, dict) else None)
            roles[label] = roles.get(label, 0) + 1
        rows.append(("Participants", ", ".join(f"{label} ({n})" for label, n in roles.items()) or "–"))
    else:
        rows.append(("Répondant", q.role_label((a.get("respondent") or {}).get("role"))))
    return rows


def _cover(q: Questionnaire, a: dict[str, Any]) -> str:
    kind = "Évaluation collective" if a.get("kind") == "consolidated" else "Auto-évaluation"
    facts = "".join(_p("CAP_20_Fait", _span("Strong_20_Emphasis", _f(f"{k} :")), " ", _inline(v))
                    for k, v in _facts(q, a))
    return (_p("CAP_Cover", _f(f"CAP en ligne · {kind}"))
            + _p("Title", _f("Plan de progrès"))
            + _p("Subtitle", _inline(_name(a)))
            + facts
            + _p("CAP_20_Avertissement", _f(
                "Ce document est modifiable : complétez le plan d'actions, les responsables et les échéances, "
                "puis présentez-le au conseil d'administration ou à l'assemblée générale."))
            + _p("CAP_20_Note", _f("Document produit par CAP en ligne, outil libre d'auto-évaluation. Les réponses "
                                   "sont restées sur l'appareil de la structure.")))


def _code(value: Any) -> str:
    return _span("CAP_20_Code", _inline(value))


def _summary(q: Questionnaire, a: dict[str, Any], s: dict[str, Any], p: dict[str, Any],
             items: list[dict[str, Any]], tables: _Tables) -> str:
    o = s["overall"]
    completion = fmt.percent(None if o["completion"] is None else o["completion"] * 100)
    overall = _p("CAP_20_Score", _f("Score global : "), _span("Strong_20_Emphasis", _inline(fmt.percent(o["percent"]))),
                 _inline(f" ({fmt.level(o['level'])})"),
                 _f(f" · {o['answered']} réponses sur {o['applicable']} critères ({completion})."))
    if o["partial"]:
        overall += _p("CAP_20_Partiel", _f("Résultat partiel : au moins un pilier a moins de la moitié de réponses."))
    rows = []
    for pl in q.pillars:
        ps = s["pillars"][pl.id]
        done = fmt.percent(None if ps["completion"] is None else ps["completion"] * 100)
        flag = _span("CAP_20_Partiel_20_Texte", _f(" résultat partiel")) if ps["partial"] else ""
        rows.append([_p("Table_20_Contents", _inline(pl.title)),
                     _p("CAP_20_Nombre", _inline(fmt.percent(ps["percent"]))),
                     _p("CAP_20_Nombre", _inline(fmt.level(ps["level"]))),
                     _p("CAP_20_Nombre", _inline(fmt.percent(ps["expected"]))),
                     _p("CAP_20_Nombre", _inline(done), flag)])
    pillars = tables.table("Piliers", [7.3, 2.2, 2.2, 2.9, 2.8],
                           [_f("Pilier"), _f("Score"), _f("Niveau"), _f(REPERE), _f("Réponses")], rows)

    found = strengths(q, s, SUMMARY_STRENGTHS)
    strong = (_list([_inline(q.criterion_by_id[c].question) + _f(f" (niveau {s['criteria'][c]['value']})")
                     + "<text:line-break/>" + _code(c) for c in found]) if found
              else _p("Text_20_body", _f("Aucun point fort encore : aucun critère n'atteint le niveau visé.")))

    gaps = p["suggestions"][:SUMMARY_GAPS]
    if gaps:
        gap_rows = [[_p("Table_20_Contents", _inline(g["question"])) + _p("CAP_20_Secondaire", _code(g["criterion"])),
                     _p("CAP_20_Nombre", _inline(g["value"])), _p("CAP_20_Nombre", _inline(g["target"])),
                     _p("CAP_20_Nombre", _inline(fmt.number(g["priority"])))] for g in gaps]
        more = len(p["suggestions"]) - len(gaps)
        plural = "s" if more > 1 else ""
        gap_part = (tables.table("Ecarts", [11.2, 2.1, 2.1, 2.0], [_f("Critère"), _f("Niveau"), _f("Visé"),
                                                                   _f("Priorité")], gap_rows)
                    + (_p("Text_20_body", _f(f"… et {more} autre{plural} écart{plural} : voir le plan d'actions "
                                             "et l'étape « Plan de progrès » de CAP en ligne.")) if more else "")
                    + _p("CAP_20_Note", _f(GAP_NOTE)))
    else:
        gap_part = _p("Text_20_body", _f("Aucun écart avec le niveau visé pour les critères répondus."))
    clarify = ""
    if p["clarify"]:
        n = len(p["clarify"])
        clarify = _p("Text_20_body", _f(f"{n} critère{'s' if n > 1 else ''} à clarifier (« je ne sais pas ») : "),
                     ", ".join(_code(i["criterion"]) for i in p["clarify"]))

    offers: list[str] = []
    for i in items:
        offers.extend(o for o in _offers(i) if o in q.offer_by_id and o not in offers)
    offer_line = ", ".join(q.offer_by_id[o].title for o in offers) or "aucune pour l'instant"
    return (_h(1, _f("Synthèse"), "CAP_Summary") + overall + pillars + _p("CAP_20_Note", _f(_plain(REPERE_NOTE)))
            + _h(2, _f("Points forts")) + strong
            + _h(2, _f("Principaux écarts au niveau visé")) + gap_part + clarify
            + _p("Text_20_body", _span("Strong_20_Emphasis", _f("Offres de services à mobiliser :")), " ",
                 _inline(offer_line), "."))


def _offers(item: dict[str, Any]) -> list[str]:
    offers = item.get("offers")
    return [o for o in offers if isinstance(o, str)] if isinstance(offers, list) else []


def _plan(q: Questionnaire, items: list[dict[str, Any]], proposed: bool, more: int, tables: _Tables) -> str:
    title = "Plan d'actions : actions proposées" if proposed and items else "Plan d'actions"
    out = _h(1, _f(title), "CAP_Plan")
    if not items:
        return out + _p("Text_20_body", _f("Aucune action dans le plan."))
    if proposed:
        out += _p("CAP_20_Note", _f(_plain(proposed_note(len(items), more))))
    rows = []
    for i in items:
        criterion = i.get("criterion")
        c = q.criterion_by_id.get(criterion) if isinstance(criterion, str) else None
        situation = i.get("situation") if isinstance(i.get("situation"), str) else ""
        action = _p("Table_20_Contents", _inline(i.get("action")))
        if situation:
            action += _p("CAP_20_Situation", _f("Situation visée : "), _inline(situation))
        if c is not None:
            about = _p("Table_20_Contents", _inline(c.question))
            secondary = _code(c.id) + _inline(" · " + q.theme_by_id[c.theme_id].title)
            if proposed:
                secondary += _f(f" · niveau {i.get('value')}, visé {i.get('target')}")
            about += _p("CAP_20_Secondaire", secondary)
        elif isinstance(criterion, str) and criterion:
            about = _p("Table_20_Contents", _code(criterion)) + _p("CAP_20_Secondaire", _f("critère retiré du référentiel"))
        else:
            about = _p("Table_20_Contents", _f("Action libre"))
        status = PROPOSED_LABEL if proposed else STATUS_LABELS.get(i.get("status") or "todo", i.get("status"))
        offers = "".join(_p("CAP_20_Offre", _inline(q.offer_by_id[o].title if o in q.offer_by_id else o))
                         for o in _offers(i))
        rows.append([action, about, _p("Table_20_Contents", _inline(i.get("owner"))),
                     _p("Table_20_Contents", _inline(fmt.month(i.get("due")) if isinstance(i.get("due"), str) else "")),
                     _p("CAP_20_Propose" if proposed else "Table_20_Contents", _inline(status)),
                     offers or _p("Table_20_Contents", "")])
    head = [_f("Action proposée" if proposed else "Action"), _f("Critère"), _f("Responsable"), _f("Échéance"),
            _f("Statut"), _f("Offres à mobiliser")]
    out += tables.table("Plan", [9.2, 6.3, 3.0, 2.3, 1.9, 4.0], head, rows, keep_rows=False)
    used: list[str] = []
    for i in items:
        used.extend(o for o in _offers(i) if o in q.offer_by_id and o not in used)
    if used:
        out += _h(2, _f("Offres de services à mobiliser"))
        for oid in used:
            o = q.offer_by_id[oid]
            ext = _f(" (ressource externe au réseau)") if o.external and "extern" not in o.field.lower() else ""
            out += _p("CAP_20_Offre_20_Detail", _span("Strong_20_Emphasis", _inline(o.title)), ext,
                      _inline(f" · {o.field} — {o.description}"))
    return out


def content_xml(q: Questionnaire, a: dict[str, Any]) -> str:
    """content.xml: cover, summary (portrait), plan (landscape)."""
    s = score(q, a)
    p = suggestions(q, a, s)
    items, proposed, more = plan_items(q, a, p)
    tables = _Tables()
    body = _cover(q, a) + _summary(q, a, s, p, items, tables) + _plan(q, items, proposed, more, tables)
    auto = (
        # page changes: the summary on a portrait page after the cover, the plan on landscape pages
        '<style:style style:name="CAP_Cover" style:family="paragraph" style:parent-style-name="CAP_20_Surtitre" '
        'style:master-page-name="CAP_20_Couverture"/>'
        '<style:style style:name="CAP_Summary" style:family="paragraph" style:parent-style-name="Heading_20_1" '
        'style:master-page-name="Standard"/>'
        '<style:style style:name="CAP_Plan" style:family="paragraph" style:parent-style-name="Heading_20_1" '
        'style:master-page-name="CAP_20_Paysage"/>'
        f'<style:style style:name="CAP_Head" style:family="table-cell"><style:table-cell-properties '
        f'fo:background-color="{HEAD_BG}" fo:border="0.5pt solid {LINE}" fo:padding="0.1cm" '
        'style:vertical-align="bottom"/></style:style>'
        f'<style:style style:name="CAP_Cell" style:family="table-cell"><style:table-cell-properties '
        f'fo:border="0.5pt solid {LINE}" fo:padding="0.1cm" style:vertical-align="top"/></style:style>'
        '<style:style style:name="CAP_Row" style:family="table-row"><style:table-row-properties '
        'fo:keep-together="always"/></style:style>'
        + "".join(tables.styles))
    return (f'{_HEAD}<office:document-content {_XMLNS} office:version="{ODF_VERSION}">'
            f"<office:automatic-styles>{auto}</office:automatic-styles>"
            f"<office:body><office:text>{body}</office:text></office:body></office:document-content>")


def _pstyle(name: str, display: str, parent: str, para: str = "", text: str = "", extra: str = "") -> str:
    return (f'<style:style style:name="{name}" style:display-name="{display}" style:family="paragraph" '
            f'style:parent-style-name="{parent}" style:class="text"{extra}>'
            + (f"<style:paragraph-properties {para}/>" if para else "")
            + (f"<style:text-properties {text}/>" if text else "") + "</style:style>")


def _layout(name: str, width: float, height: float, margins: str, footer: bool = True) -> str:
    orientation = "landscape" if width > height else "portrait"
    foot = ('<style:footer-style><style:header-footer-properties fo:min-height="0cm" fo:margin-top="0.3cm"/>'
            "</style:footer-style>") if footer else ""
    return (f'<style:page-layout style:name="{name}"><style:page-layout-properties fo:page-width="{width}cm" '
            f'fo:page-height="{height}cm" style:print-orientation="{orientation}" {margins}/>{foot}</style:page-layout>')


def styles_xml(q: Questionnaire, a: dict[str, Any]) -> str:
    """styles.xml: named styles (editable in the word processor), A4 pages, the footer."""
    small = f'fo:font-size="8pt" fo:color="{GREY}"'
    styles = (
        '<style:default-style style:family="paragraph"><style:paragraph-properties style:writing-mode="lr-tb"/>'
        '<style:text-properties style:font-name="Arial" fo:font-size="10pt" fo:language="fr" fo:country="FR" '
        'fo:color="#1a1a1a"/></style:default-style>'
        '<style:default-style style:family="table"><style:table-properties table:border-model="collapsing"/>'
        "</style:default-style>"
        '<style:style style:name="Standard" style:family="paragraph" style:class="text">'
        '<style:paragraph-properties fo:margin-top="0cm" fo:margin-bottom="0.12cm" fo:line-height="120%"/>'
        "</style:style>"
        + _pstyle("Text_20_body", "Text body", "Standard", 'fo:margin-bottom="0.18cm"')
        + _pstyle("Title", "Title", "Standard", 'fo:margin-top="0.2cm" fo:margin-bottom="0.4cm"',
                  f'fo:font-size="28pt" fo:font-weight="bold" fo:color="{BLUE}"')
        + _pstyle("Subtitle", "Subtitle", "Standard", 'fo:margin-bottom="1.6cm"', 'fo:font-size="18pt" fo:color="#333333"')
        + _pstyle("CAP_20_Surtitre", "CAP Surtitre", "Standard", 'fo:margin-top="5cm"',
                  'fo:font-size="12pt" fo:color="#333333" fo:letter-spacing="0.02cm"')
        + _pstyle("CAP_20_Fait", "CAP Fait", "Standard", 'fo:margin-bottom="0.18cm"', 'fo:font-size="11pt"')
        + _pstyle("CAP_20_Avertissement", "CAP Avertissement", "Standard",
                  f'fo:margin-top="2.5cm" fo:margin-bottom="0.3cm" fo:padding="0.25cm" fo:border-left="0.1cm solid {BLUE}" '
                  f'fo:background-color="{ROW_BG}"', 'fo:font-size="10pt"')
        + _pstyle("Heading", "Heading", "Standard", 'fo:margin-top="0.5cm" fo:margin-bottom="0.2cm" fo:keep-with-next="always"',
                  f'fo:font-weight="bold" fo:color="{BLUE}"', ' style:next-style-name="Text_20_body"')
        + _pstyle("Heading_20_1", "Heading 1", "Heading",
                  f'fo:margin-top="0cm" fo:padding-bottom="0.08cm" fo:border-bottom="0.06cm solid {BLUE}"',
                  'fo:font-size="16pt"', ' style:default-outline-level="1"')
        + _pstyle("Heading_20_2", "Heading 2", "Heading", "", 'fo:font-size="12pt"', ' style:default-outline-level="2"')
        + _pstyle("Table_20_Contents", "Table Contents", "Standard", 'fo:margin-bottom="0.05cm" fo:line-height="115%"',
                  'fo:font-size="9pt"')
        + _pstyle("Table_20_Heading", "Table Heading", "Table_20_Contents", "", 'fo:font-weight="bold"')
        + _pstyle("CAP_20_Nombre", "CAP Nombre", "Table_20_Contents", "", "")
        + _pstyle("CAP_20_Secondaire", "CAP Secondaire", "Table_20_Contents", "", small)
        + _pstyle("CAP_20_Situation", "CAP Situation visée", "Table_20_Contents", 'fo:margin-top="0.05cm"',
                  'fo:font-size="8.5pt" fo:font-style="italic"')
        + _pstyle("CAP_20_Offre", "CAP Offre", "Table_20_Contents", "", 'fo:font-size="8.5pt"')
        + _pstyle("CAP_20_Propose", "CAP Proposée", "Table_20_Contents", "", 'fo:font-style="italic"')
        + _pstyle("CAP_20_Offre_20_Detail", "CAP Offre détaillée", "Standard", 'fo:margin-bottom="0.1cm"',
                  'fo:font-size="9pt"')
        + _pstyle("CAP_20_Note", "CAP Note", "Standard", 'fo:margin-bottom="0.2cm"', f'fo:font-size="8.5pt" fo:color="{GREY}"')
        + _pstyle("CAP_20_Score", "CAP Score", "Standard", 'fo:margin-top="0.2cm" fo:margin-bottom="0.2cm"',
                  'fo:font-size="12pt"')
        + _pstyle("CAP_20_Partiel", "CAP Partiel", "Standard", "", f'fo:color="{PARTIAL}" fo:font-weight="bold"')
        + _pstyle("CAP_20_Liste", "CAP Liste", "Standard", 'fo:margin-bottom="0.08cm"', "")
        + _pstyle("Footer", "Footer", "Standard", 'fo:text-align="center" fo:margin-bottom="0cm"',
                  'fo:font-size="8pt" fo:color="#555555"')
        + '<style:style style:name="Strong_20_Emphasis" style:display-name="Strong Emphasis" style:family="text">'
        '<style:text-properties fo:font-weight="bold"/></style:style>'
        + f'<style:style style:name="CAP_20_Code" style:display-name="CAP Code" style:family="text"><style:text-properties '
        f'style:font-name="Courier New" {small}/></style:style>'
        + '<style:style style:name="CAP_20_Partiel_20_Texte" style:display-name="CAP Partiel texte" style:family="text">'
        f'<style:text-properties fo:color="{PARTIAL}" fo:font-weight="bold" fo:font-size="8pt"/></style:style>'
        + '<text:list-style style:name="CAP_20_Puces" style:display-name="CAP Puces">'
        '<text:list-level-style-bullet text:level="1" text:bullet-char="•"><style:list-level-properties '
        'text:list-level-position-and-space-mode="label-alignment"><style:list-level-label-alignment '
        'text:label-followed-by="listtab" text:list-tab-stop-position="0.6cm" fo:text-indent="-0.4cm" '
        'fo:margin-left="0.6cm"/></style:list-level-properties></text:list-level-style-bullet></text:list-style>')
    portrait = 'fo:margin-top="1.5cm" fo:margin-bottom="1.2cm" fo:margin-left="1.8cm" fo:margin-right="1.8cm"'
    layouts = (_layout("CAP_Portrait", 21, 29.7, portrait)
               + _layout("CAP_Paysage", 29.7, 21, 'fo:margin-top="1.3cm" fo:margin-bottom="1.1cm" '
                                                  'fo:margin-left="1.5cm" fo:margin-right="1.5cm"')
               + _layout("CAP_Couverture", 21, 29.7, 'fo:margin-top="2.5cm" fo:margin-bottom="2.5cm" '
                                                     'fo:margin-left="2.5cm" fo:margin-right="2.5cm"', footer=False))
    footer = ("<style:footer>" + _p("Footer", _f("CAP en ligne · Plan de progrès — "), _inline(_name(a)),
                                    _f(" · page "), '<text:page-number text:select-page="current">1</text:page-number>',
                                    _f(" sur "), "<text:page-count>1</text:page-count>") + "</style:footer>")
    masters = (f'<style:master-page style:name="Standard" style:page-layout-name="CAP_Portrait">{footer}</style:master-page>'
               f'<style:master-page style:name="CAP_20_Paysage" style:display-name="CAP Paysage" '
               f'style:page-layout-name="CAP_Paysage">{footer}</style:master-page>'
               '<style:master-page style:name="CAP_20_Couverture" style:display-name="CAP Couverture" '
               'style:page-layout-name="CAP_Couverture" style:next-style-name="Standard"/>')
    fonts = ('<style:font-face style:name="Arial" svg:font-family="Arial" style:font-family-generic="swiss" '
             'style:font-pitch="variable"/><style:font-face style:name="Courier New" svg:font-family="&apos;Courier New&apos;" '
             'style:font-family-generic="modern" style:font-pitch="fixed"/>')
    return (f'{_HEAD}<office:document-styles {_XMLNS} office:version="{ODF_VERSION}">'
            f"<office:font-face-decls>{fonts}</office:font-face-decls><office:styles>{styles}</office:styles>"
            f"<office:automatic-styles>{layouts}</office:automatic-styles>"
            f"<office:master-styles>{masters}</office:master-styles></office:document-styles>")


def meta_xml(q: Questionnaire, a: dict[str, Any], day: str | None) -> str:
    stamp = f"<meta:creation-date>{day}T00:00:00</meta:creation-date><dc:date>{day}T00:00:00</dc:date>" if day else ""
    return (f'{_HEAD}<office:document-meta {_XMLNS} office:version="{ODF_VERSION}"><office:meta>'
            "<meta:generator>CAP en ligne</meta:generator>"
            f"<dc:title>{_esc(clean(fr('Plan de progrès — ') + _name(a)))}</dc:title>"
            f"<dc:subject>{_esc(clean(f'{q.title}, version {q.version}'))}</dc:subject>"
            f"<dc:language>fr-FR</dc:language>{stamp}</office:meta></office:document-meta>")


MANIFEST = (f'{_HEAD}<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
            f'manifest:version="{ODF_VERSION}">'
            f'<manifest:file-entry manifest:full-path="/" manifest:version="{ODF_VERSION}" manifest:media-type="{MIMETYPE}"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            '<manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>'
            '<manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>'
            "</manifest:manifest>")

_DAY = re.compile(r"(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])")


def document_day(a: dict[str, Any], date: str | None = None) -> str | None:
    """The document's day, 'YYYY-MM-DD': `date` when given (a day or an ISO timestamp), else the
    assessment's last change; None when neither starts with a day (zip entries then say 1980-01-01)."""
    for value in (date, a.get("updated"), a.get("created")):
        found = _DAY.match(value) if isinstance(value, str) else None
        if found and int(found[1]) >= 1980:
            return found.group()
    return None


def parts(q: Questionnaire, a: dict[str, Any], date: str | None = None) -> dict[str, bytes]:
    """The files of the package, in the order they are zipped (`mimetype` first)."""
    day = document_day(a, date)
    return {"mimetype": MIMETYPE.encode("ascii"),
            "META-INF/manifest.xml": MANIFEST.encode("utf-8"),
            "meta.xml": meta_xml(q, a, day).encode("utf-8"),
            "styles.xml": styles_xml(q, a).encode("utf-8"),
            "content.xml": content_xml(q, a).encode("utf-8")}


def plan_odt(q: Questionnaire, a: dict[str, Any], date: str | None = None) -> bytes:
    """The .odt file's bytes. `mimetype` comes first, stored uncompressed with no extra field (so
    that tools read the type at a fixed offset, as ODF requires); every entry has the document's
    day as its time, so the same input and date give the same bytes."""
    day = document_day(a, date)
    stamp = (int(day[:4]), int(day[5:7]), int(day[8:10]), 0, 0, 0) if day else (1980, 1, 1, 0, 0, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in parts(q, a, date).items():
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, wherever it runs (CPython or Pyodide)
            info.external_attr = 0o644 << 16
            z.writestr(info, data)
    return out.getvalue()
