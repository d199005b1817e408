"""French typography (issue 13 §5): one pure, idempotent function for every French text."""

from __future__ import annotations

import pytest

from cap.typo import fr, fr_html, fr_sources

NNBSP = "\u202f"  # espace fine insécable
NBSP = "\u00a0"  # espace insécable
APOS = "\u2019"  # apostrophe typographique


@pytest.mark.parametrize(("raw", "expected"), [
    # before ; : ! ? a narrow no-break space, whether there was a space or none
    ("Pourquoi ?", f"Pourquoi{NNBSP}?"),
    ("Pourquoi?", f"Pourquoi{NNBSP}?"),
    ("Trois cas : a, b", f"Trois cas{NNBSP}: a, b"),
    ("Note: voir", f"Note{NNBSP}: voir"),
    ("un ; deux", f"un{NNBSP}; deux"),
    ("Attention !", f"Attention{NNBSP}!"),
    (f"Déjà{NBSP}?", f"Déjà{NNBSP}?"),
    ("Oui ?!", f"Oui{NNBSP}?!"),
    # guillemets
    ("« CAP »", f"«{NNBSP}CAP{NNBSP}»"),
    ("«CAP»", f"«{NNBSP}CAP{NNBSP}»"),
    (f"«{NBSP}CAP{NBSP}»", f"«{NNBSP}CAP{NNBSP}»"),
    # numbers and units
    ("480 heures", f"480{NBSP}heures"),
    ("20 h par semaine", f"20{NBSP}h par semaine"),
    ("10 %", f"10{NNBSP}%"),
    ("10%", f"10{NNBSP}%"),
    ("1 607 heures", f"1{NNBSP}607{NBSP}heures"),
    ("12 000 €", f"12{NNBSP}000{NBSP}€"),
    ("2,5 ETP", f"2,5{NBSP}ETP"),
    ("le 31 décembre 2025", f"le 31{NBSP}décembre 2025"),
    # apostrophes inside words
    ("l'outil d'insertion", f"l{APOS}outil d{APOS}insertion"),
    ("aujourd'hui", f"aujourd{APOS}hui"),
])
def test_french_rules(raw: str, expected: str) -> None:
    assert fr(raw) == expected


@pytest.mark.parametrize("text", [
    "https://www.legifrance.gouv.fr/loda/id/JORFTEXT000042744452?a=1&b=l'x",
    "voir http://exemple.fr/a:b;c!d?e",
    "à 14:32",
    "un rapport 1:2",
    "2021-1129",
    "31/12/2025",
    "ID-PROJ-01",
    "art. L5132-5",
    "cap-en-ligne:index",
    "",
    "CAP",
])
def test_untouched(text: str) -> None:
    assert fr(text) == text


def test_url_inside_a_sentence_is_kept_and_the_sentence_is_fixed() -> None:
    out = fr("Voir l'aide : https://aide.inclusion.beta.gouv.fr/fr/?q=l'x ; merci !")
    assert out == f"Voir l{APOS}aide{NNBSP}: https://aide.inclusion.beta.gouv.fr/fr/?q=l'x{NNBSP}; merci{NNBSP}!"


def test_code_spans_are_kept() -> None:
    assert fr("la clé `cap-en-ligne:index` d'un navigateur") == f"la clé `cap-en-ligne:index` d{APOS}un navigateur"


@pytest.mark.parametrize("text", [
    "Pourquoi ? « Parce que » : 10 % de 1 607 heures, l'outil ; 480 heures !",
    "Note:voir « x» et «y »?", "a  :  b", "«»", "? ! : ;", "1 2 3 4", "l''x", "d'« un »",
])
def test_idempotent(text: str) -> None:
    once = fr(text)
    assert fr(once) == once


def test_html_only_text_nodes_change() -> None:
    html = ('<p title="Pourquoi ?" data-x="l\'a">Pourquoi ? <a href="https://x.fr/a?b">l\'aide</a></p>'
            "<code>a : b</code><pre>c ; d</pre><script>var s = 'x : y';</script><style>a:hover{}</style>"
            "<!-- l'x : y --><textarea>l'a ?</textarea>")
    out = fr_html(html)
    assert out == ('<p title="Pourquoi ?" data-x="l\'a">Pourquoi\u202f? <a href="https://x.fr/a?b">l\u2019aide</a></p>'
                   "<code>a : b</code><pre>c ; d</pre><script>var s = 'x : y';</script><style>a:hover{}</style>"
                   "<!-- l'x : y --><textarea>l'a ?</textarea>")
    assert fr_html(out) == out


def test_html_entities_and_split_text() -> None:
    assert fr_html("<p>l&#39;outil &amp; la m&eacute;thode ?</p>") == (
        "<p>l\u2019outil &amp; la m&eacute;thode\u202f?</p>")
    # a sign right after an inline tag: the space before the tag is the one to fix
    assert fr_html("<p>Voir <em>ceci</em> :</p>") == "<p>Voir <em>ceci</em>\u202f:</p>"
    assert fr_html('<p>Version <span class="x">: suite</span></p>') == (
        '<p>Version\u202f<span class="x">: suite</span></p>')
    assert fr_html("<p>Version <code>x</code>: suite</p>") == "<p>Version <code>x</code>: suite</p>"
    assert fr_html("<p>Fin </p><p>: suite</p>") == "<p>Fin </p><p>: suite</p>"
    assert fr_html("<p>d'<strong>exporter</strong></p>") == "<p>d\u2019<strong>exporter</strong></p>"
    assert fr_html("<p>d'<code>x</code></p>") == "<p>d'<code>x</code></p>"
    assert fr_html("<p><strong>Niveau 3</strong> : texte</p>") == "<p><strong>Niveau 3</strong>\u202f: texte</p>"


def test_sources_change_only_french_text_fields() -> None:
    sources = {
        "meta.yaml": {"id": "cap", "version": "2027.1", "title": "CAP : l'outil",
                      "id_changes": [{"version": "2027.1", "old": "SR-CLIE-03", "new": "ID-TERR-01",
                                      "note": "fusion d'un critère"}]},
        "offers.yaml": {"offers": [{"id": "dla", "field": "Ressource externe", "title": "DLA",
                                    "description": "Dispositif d'accompagnement", "external": True}]},
        "pillars/1.yaml": {"id": "ID", "title": "Identité", "themes": [{
            "id": "ID-PROJ", "title": "Projet", "criteria": [{
            "id": "ID-PROJ-01", "question": "L'objet est-il écrit ?", "why": "Parce que.",
            "easy_read": "Le projet est-il écrit?", "easy_answers": ["Non.", "Un peu : oui"],
            "actions": [{"level": 2, "text": "Écrire l'objet"}],
            "levels": [{"level": 1, "text": "Rien d'écrit"}], "evidence": ["Statuts d'association"],
            "offers": ["dla"], "refs": {"csess": ["projet"], "iso9001": ["4.1"]},
            "checked": "2026-11-30", "applies_to": ["ai"], "applies_note": "Seulement l'AI",
            "legal": [{"text": "Code du travail, art. L5132-5", "url": "https://www.legifrance.gouv.fr/a?b=l'c"}],
        }]}]},
    }
    out = fr_sources(sources)
    crit = out["pillars/1.yaml"]["themes"][0]["criteria"][0]
    assert crit["question"] == f"L{APOS}objet est-il écrit{NNBSP}?"
    assert crit["easy_read"] == f"Le projet est-il écrit{NNBSP}?"
    assert crit["easy_answers"] == ["Non.", f"Un peu{NNBSP}: oui"]
    assert crit["actions"] == [{"level": 2, "text": f"Écrire l{APOS}objet"}]
    assert crit["levels"][0]["text"] == f"Rien d{APOS}écrit"
    assert crit["evidence"] == [f"Statuts d{APOS}association"]
    assert crit["applies_note"] == f"Seulement l{APOS}AI"
    assert crit["legal"][0] == {"text": "Code du travail, art. L5132-5", "url": "https://www.legifrance.gouv.fr/a?b=l'c"}
    for key in ("id", "checked", "applies_to", "offers", "refs"):
        assert crit[key] == sources["pillars/1.yaml"]["themes"][0]["criteria"][0][key]
    assert out["meta.yaml"]["title"] == f"CAP{NNBSP}: l{APOS}outil"
    assert out["meta.yaml"]["version"] == "2027.1"
    assert out["meta.yaml"]["id_changes"][0]["old"] == "SR-CLIE-03"
    assert out["meta.yaml"]["id_changes"][0]["note"] == f"fusion d{APOS}un critère"
    assert out["offers.yaml"]["offers"][0]["description"] == f"Dispositif d{APOS}accompagnement"
    assert out["offers.yaml"]["offers"][0]["id"] == "dla"
    # pure: the input is not modified, and a second pass changes nothing
    assert sources["pillars/1.yaml"]["themes"][0]["criteria"][0]["question"] == "L'objet est-il écrit ?"
    assert fr_sources(out) == out


def test_sources_of_odd_shape_pass_through() -> None:
    assert fr_sources({"meta.yaml": None, "x.yaml": [1, "a : b"], "y.yaml": {"question": 3}}) == {
        "meta.yaml": None, "x.yaml": [1, "a : b"], "y.yaml": {"question": 3}}


def test_html_no_break_entity_and_urls_in_text() -> None:
    assert fr_html("<p>Note&nbsp;: voir https://x.gouv.fr/a?b ; fin</p>") == (
        "<p>Note\u202f: voir https://x.gouv.fr/a?b\u202f; fin</p>")
