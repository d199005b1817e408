"""HTML shared by the engine's documents and the site's generated pages.

- `esc`: every text that comes from a user or a file goes through it;
- `page`: the shell of a standalone printable document (A4, no script, a strict
  Content-Security-Policy, the `PRINT_CSS` styles): the plan, the summary, the evolution and the
  network documents;
- raw inserts: `raw_number` (a figure unrounded in a `data-value` attribute, read by the tests and
  the page's scripts) and `raw_block` (generated HTML kept as one raw block by Markdown).
"""

from __future__ import annotations

from html import escape
from typing import Any


def esc(value: Any) -> str:
    """`value` as text safe in an element or a quoted attribute (None is empty)."""
    return escape("" if value is None else str(value), quote=True)


def raw_number(value: float | None) -> str:
    """A figure as written in a `data-value` attribute: unrounded, empty when there is none."""
    return "" if value is None else repr(float(value))


def raw_block(html: str) -> str:
    """No blank line inside the block, so that Markdown keeps it as one raw HTML block."""
    return "\n".join(line for line in html.splitlines() if line.strip()) + "\n"


PRINT_CSS = """
@page { size: A4; margin: 14mm 12mm; }
* { box-sizing: border-box; }
body { font: 9.5pt/1.35 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: #1a1a1a; margin: 0; }
h1 { font-size: 18pt; margin: 0 0 1mm; color: #0b3d62; }
h2 { font-size: 13pt; color: #0b3d62; border-bottom: 2px solid #0b3d62; padding-bottom: 1mm; margin: 5mm 0 2mm;
  break-after: avoid; }
h3 { font-size: 11pt; margin: 4mm 0 1.5mm; break-after: avoid; }
p { margin: 1.5mm 0; }
table { border-collapse: collapse; width: 100%; margin: 1.5mm 0 3mm; font-size: 9pt; }
caption { text-align: left; font-weight: 600; padding: 1mm 0; }
th, td { border: 1px solid #8a8a8a; padding: 1mm 1.6mm; vertical-align: top; text-align: left;
  overflow-wrap: break-word; }
thead th { background: #e8eef4; }
tr { break-inside: avoid; }
tr.pillar th, tr.pillar td { background: #f1f4f7; font-weight: 600; }
tr.theme th { font-weight: normal; padding-left: 5mm; }
.doc-head { border-bottom: 1px solid #8a8a8a; padding-bottom: 2mm; margin-bottom: 2mm; }
.doc-head .sub { font-size: 10pt; color: #333; margin: 0; }
.doc-head dl { display: flex; flex-wrap: wrap; gap: 0.5mm 6mm; margin: 1.5mm 0 0; }
.doc-head dl div { display: flex; gap: 1.5mm; }
.doc-head dt { font-weight: 600; flex: none; }
.doc-head dt::after { content: " :"; }
.doc-head dd { margin: 0; }
.cap-overall { font-size: 11pt; }
.cap-partial { color: #8a3b00; font-weight: 600; }
.cap-note { font-size: 8.5pt; color: #444; margin: 0 0 2mm; }
.cap-id { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 8pt; color: #444; white-space: nowrap; }
.cap-bars-doc { margin: 1mm 0 2mm; break-inside: avoid; print-color-adjust: exact; -webkit-print-color-adjust: exact; }
.cap-bars-doc figcaption { font-size: 8.5pt; color: #444; margin-bottom: 1mm; }
.cap-bars-doc ul { list-style: none; margin: 0; padding: 0; }
.cap-bars-doc li { display: grid; grid-template-columns: 30mm 1fr 13mm; gap: 2mm; align-items: center;
  margin: 1.2mm 0; }
.cap-bars-doc .label { font-size: 8.5pt; line-height: 1.2; }
.cap-bars-doc .track { position: relative; height: 4mm; background: #eef1f4; border: 1px solid #8a8a8a; }
.cap-bars-doc .fill { position: absolute; left: 0; top: 0; bottom: 0; background: #0b3d62; }
.cap-bars-doc .mark { position: absolute; top: -1mm; bottom: -1mm; width: 0; border-left: 2px solid #b34700;
  margin-left: -1px; }
.cap-bars-doc .value { font-weight: 600; text-align: right; }
.offers { columns: 2; column-gap: 8mm; font-size: 8.5pt; line-height: 1.3; }
.offer { break-inside: avoid; margin: 0 0 1.5mm; }
.offer h3 { display: inline; font-size: 9pt; margin: 0; }
.offer h3::after { content: " · "; font-weight: normal; }
.offer p { display: inline; margin: 0; }
.offer .ext { font-size: 8.5pt; font-weight: normal; color: #555; }
/* The action text gets the width: about 75 characters a line on a portrait page. Landscape pages
   for the plan (a named @page) were tried: the change of orientation leaves half-empty pages. */
.cap-actions { table-layout: fixed; }
.cap-actions tr { break-inside: auto; }  /* a long action may go on over the next page, under the repeated header */
.cap-actions th:nth-child(1) { width: 72%; }
.cap-actions th:nth-child(2) { width: 17%; }
.cap-actions th:nth-child(3) { width: 11%; }
.cap-actions .due { display: block; }
.cap-actions .meta { display: block; margin-top: 0.6mm; font-size: 8pt; line-height: 1.3; color: #444; }
.cap-actions .situation, .cap-gaps .situation { display: block; margin-top: 0.6mm; font-size: 8.5pt; line-height: 1.3;
  font-style: italic; }
.cap-actions.proposed td:nth-child(3) { font-style: italic; }
/* proposals: the team writes owner and due date by hand; the action and its situation take the width */
.cap-actions.proposed th:nth-child(1) { width: 76%; }
.cap-actions.proposed th:nth-child(2) { width: 13%; }
.cap-actions.proposed th:nth-child(3) { width: 11%; }
.cap-actions.proposed th:nth-child(n+2), .cap-actions.proposed td:nth-child(3) { font-size: 8pt; }
.cap-actions.proposed .situation, .cap-actions.proposed .meta { font-size: 7.5pt; line-height: 1.25;
  margin-top: 0.3mm; }
.cap-actions.proposed td { padding-top: 1mm; padding-bottom: 1mm; }
.cap-scores { font-size: 8.5pt; }
.cap-scores th, .cap-scores td { padding-top: 0.7mm; padding-bottom: 0.7mm; }
.cap-gaps { table-layout: fixed; }
.cap-gaps th:nth-child(1) { width: 31%; }
.cap-gaps th:nth-child(2) { width: 9%; }
.cap-gaps th:nth-child(3) { width: 7%; }
.cap-gaps th:nth-child(4) { width: 32%; }
.cap-gaps th:nth-child(5) { width: 21%; }
.summary h2 { margin-top: 0; }
.summary .facts { color: #444; margin-top: -1mm; }
.summary-grid { display: grid; grid-template-columns: 88mm 1fr; gap: 4mm; align-items: center; }
.summary ol, .summary ul { margin: 1mm 0; padding-left: 6mm; }
.summary li { margin: 0.8mm 0; }
.summary .more { font-style: italic; margin: 0 0 2mm 6mm; }
tbody th { font-weight: normal; }
.no-print { display: none; }
footer { margin-top: 6mm; font-size: 8.5pt; color: #555; }
@media screen { body { max-width: 277mm; margin: 0 auto; padding: 8mm; background: #fff; } }
"""


def page(title: str, body: str) -> str:
    """A standalone printable document: no interface chrome, no script, nothing fetched."""
    return ('<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            '<meta http-equiv="Content-Security-Policy" '
            "content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"
            f'<title>{esc(title)}</title><style>{PRINT_CSS}</style></head><body>{body}'
            '<footer>Document produit par CAP en ligne, outil libre d\'auto-évaluation. Les réponses sont restées '
            'sur l\'appareil de la structure.</footer></body></html>')
