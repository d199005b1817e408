"""French typography for every text the referential and the site show (issue 13 §5).

`fr(text)` is pure and idempotent; the loader applies it to the referential's French text
fields (`fr_sources`), so the form, the method pages, the reports and the browser get the same
text, and the site build applies it to the text nodes of every page (`fr_html`).

Rules (after the *Lexique des règles typographiques en usage à l'Imprimerie nationale*):

- before `;` `:` `!` `?`: a narrow no-break space (U+202F), replacing a space or added when the
  sign follows a word directly (`:` only when a space or the end follows, so `14:32`,
  `https://` and `cap:form` stay as they are);
- after `«` and before `»`: a narrow no-break space;
- before `%`: a narrow no-break space (the Imprimerie nationale's rule; one rule for the site);
- between a number and its unit or a counted noun from a short list (`480 heures`, `20 h`,
  `12 €`, `2 ETP`, `31 décembre`): a no-break space (U+00A0);
- digit groups already written with a space (`1 607`, `12 000`): a narrow no-break space.
  Numbers written without a space are never grouped (years, article and law numbers);
- a straight apostrophe between two letters becomes a curly one (’).

Never changed: URLs (`http(s)://…`, `www.…`), e-mail addresses, code spans between backquotes,
and, in HTML, tags, attributes, comments and the contents of `code`, `pre`, `kbd`, `samp`,
`script`, `style` and `textarea`.
"""

from __future__ import annotations

import re
from typing import Any

NNBSP = "\u202f"
NBSP = "\u00a0"
APOS = "\u2019"
_SPACES = f" {NBSP}{NNBSP}\t"

# Protected tokens inside a text: kept exactly as they are.
_PROTECT = re.compile(r"`[^`\n]*`|(?:https?|ftp|mailto):[^\s<>\"«»]+|www\.[^\s<>\"«»]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")

_UNITS = (
    "h|min|heures?|minutes?|jours?|semaines?|mois|ans?|années?|trimestres?|"
    "€|euros?|k€|M€|ETP|Mo|Ko|Go|km|kg|m²|"
    "salariés?|salariées?|personnes?|participants?|critères?|niveaux?|piliers?|thèmes?|postes?|"
    "places?|structures?|contrats?|questions?|réponses?|actions?|indicateurs?|sorties?|"
    "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
)
_LETTER = r"[^\W\d_]"
_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    # spaces before the high signs become one narrow no-break space
    (re.compile(rf"[{_SPACES}]+([;!?])"), NNBSP + r"\1"),
    (re.compile(rf"[{_SPACES}]+:(?!\d)"), NNBSP + ":"),
    # a word directly followed by ; ! ? (or : then a space or the end)
    (re.compile(r"(?<=[\w)»\]…])([;!?])(?=[\s)»!?.,;:]|$)"), NNBSP + r"\1"),
    (re.compile(rf"(?<={_LETTER}):(?=[ {NBSP}\n]|$)"), NNBSP + ":"),
    # guillemets
    (re.compile(rf"«[{_SPACES}]*"), "«" + NNBSP),
    (re.compile(rf"[{_SPACES}]*»"), NNBSP + "»"),
    # digit groups already spaced, then percent, then number + unit
    (re.compile(rf"(?<![\w.,/-])(\d{{1,3}})((?:[ {NBSP}{NNBSP}]\d{{3}})+)(?![\d\w])"),
     lambda m: m.group(1) + re.sub(rf"[ {NBSP}]", NNBSP, m.group(2))),  # type: ignore[list-item]
    (re.compile(rf"(?<=\d)[ {NBSP}]?%"), NNBSP + "%"),
    (re.compile(rf"(?<![\w.,/-])(\d+(?:[.,]\d+)?)[ {NNBSP}](?=(?:{_UNITS})(?![\w€²]))"), r"\1" + NBSP),
    # apostrophes inside words
    (re.compile(rf"(?<={_LETTER})'(?={_LETTER})"), APOS),
)


def _apply(text: str) -> str:
    for pattern, repl in _RULES:
        text = pattern.sub(repl, text)  # type: ignore[arg-type]
    return text


def fr(text: str) -> str:
    """French typography of one text (see the module's rules); URLs and code spans are kept."""
    if not text:
        return text
    out: list[str] = []
    last = 0
    for m in _PROTECT.finditer(text):
        out.append(_apply(text[last:m.start()]))
        out.append(m.group(0))
        last = m.end()
    out.append(_apply(text[last:]))
    return "".join(out)


# --- the referential ---------------------------------------------------------------------------

#: Keys whose string values (or lists of strings) are French text. Everything else (ids, URLs,
#: dates, types, offers, refs, units, versions) is left as it is; nested dicts and lists are
#: walked, so `levels[].text`, `legal[].text`, `scale.na.label` are reached (not `legal[].url`).
TEXT_KEYS = frozenset({
    "question", "why", "easy_read", "easy_answers", "actions", "text", "evidence", "applies_note",
    "title", "short_title", "description", "label", "meaning", "note", "definition", "field",
    "period", "source",
})


def fr_sources(sources: dict[str, Any]) -> dict[str, Any]:
    """A copy of the questionnaire sources with `fr` applied to the French text fields."""
    return {name: _walk(data, False) for name, data in sources.items()}


def _walk(value: Any, text: bool) -> Any:
    if isinstance(value, str):
        return fr(value) if text else value
    if isinstance(value, dict):
        return {k: _walk(v, k in TEXT_KEYS) for k, v in value.items()}
    if isinstance(value, list):
        return [_walk(v, text) for v in value]
    return value


# --- HTML ---------------------------------------------------------------------------------------

_RAW = "code|pre|kbd|samp|script|style|textarea"
_HTML_SKIP = re.compile(
    rf"<!--.*?-->|<({_RAW})\b[^>]*>.*?</\1\s*>|<[^>]*>",
    re.S | re.I,
)
_ELIDED_END = re.compile(rf"(?<={_LETTER})'$")
_INLINE_TAG = re.compile(r"</?(?:a|abbr|b|em|i|mark|small|span|strong|sub|sup|u)\b[^>]*>", re.I)
_ENTITY = re.compile(r"&(?:#39|#x27|apos);")
_OTHER_ENTITY = re.compile(r"&[#\w]+;")
_MASK, _MASK_SIZE = 0xE000, 6400  # the Private Use Area U+E000–U+F8FF
_PUA = re.compile(f"[{chr(_MASK)}-{chr(_MASK + _MASK_SIZE - 1)}]")


def fr_html(html: str) -> str:
    """French typography of an HTML document's text nodes only (tags, attributes and raw
    elements such as `code`, `pre`, `script`, `style`, `textarea` are kept)."""
    texts: list[str] = []  # even indexes: text nodes; odd: markup kept as it is
    last = 0
    for m in _HTML_SKIP.finditer(html):
        texts += [_text_node(html[last:m.start()]), m.group(0)]
        last = m.end()
    texts.append(_text_node(html[last:]))
    # a space, then inline tags, then the sign: "Voir <em>ceci</em> :" is done by the rules, but
    # "Version simplifiée <span>: des…" has its space in the text node before the tags
    # and "d'<strong>exporter</strong>" has its apostrophe before the tag
    for i in range(0, len(texts) - 2, 2):
        spaced, elided = texts[i].endswith((" ", NBSP)), _ELIDED_END.search(texts[i])
        if not (spaced or elided):
            continue
        j = i + 1  # skip inline tags (and the empty text nodes between them)
        while j < len(texts) and ((j % 2 == 1 and _INLINE_TAG.fullmatch(texts[j])) or (j % 2 == 0 and not texts[j])):
            j += 1
        if j >= len(texts) or j % 2 == 1:
            continue
        if spaced and texts[j][:1] in (";", ":", "!", "?", "»"):
            texts[i] = texts[i].rstrip(" " + NBSP) + NNBSP
        elif elided and re.match(_LETTER, texts[j]):
            texts[i] = texts[i][:-1] + APOS
    return "".join(texts)


def _text_node(text: str) -> str:
    if not text.strip():
        return text
    if _PUA.search(text):  # pragma: no cover - icon fonts: leave such a node alone
        return text
    text = _ENTITY.sub("'", text).replace("&nbsp;", NBSP).replace("&#160;", NBSP)
    # other entities (&amp; &eacute; …) are kept as they are: each is masked by one character of
    # Unicode's private use area (neither a letter, a digit nor a space) so no rule reads it
    entities: list[str] = []

    def mask(m: re.Match[str]) -> str:
        entities.append(m.group(0))
        return chr(_MASK + len(entities) - 1)

    masked = _OTHER_ENTITY.sub(mask, text)
    if len(entities) > _MASK_SIZE:  # pragma: no cover - thousands of entities in one text node
        return text
    done = fr(masked)
    return _PUA.sub(lambda m: entities[ord(m.group(0)) - _MASK], done) if entities else done
