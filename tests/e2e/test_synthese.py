"""The collective synthesis page, as a facilitator meets it: six participants' files (two strongly
divergent, one with many "je ne sais pas", one unreadable), flags and proposed values, meeting mode,
a reload, the consolidated scores and plan, and the anonymised export for the network."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cap.consolidate import consolidate, criterion_stats
from cap.formats import read_assessment
from cap.load import load
from cap.score import score
from tests.e2e.conftest import ROOT, wait_merged, wait_scored

pytestmark = pytest.mark.e2e

Q = load(ROOT / "questionnaire")
IDS = [c.id for c in Q.criteria]
STRUCTURE = "ACI Les Jardins du Test"
NAMES = ["Alice Dupont", "Bruno Lefort", "Chloé Martin", "Driss Amrani", "Emma Roux"]
ROLES = ["direction", "parcours", "permanent", "benevole", "administrateur"]
COMMENT = "Commentaire confidentiel d'Alice sur le projet"
JUSTIFICATION = "Justification libre de Driss"
NA_CRITERION = next(c.id for c in Q.criteria if not c.core and not c.applies_to)


def base(i: int) -> int:
    return 2 + (i % 2)


def participant(n: int, values: dict[str, object], comments: dict[str, str] | None = None) -> dict:
    answers: dict[str, dict] = {cid: {"value": v} for cid, v in values.items()}
    for cid, text in (comments or {}).items():
        answers[cid]["comment"] = text
    return {"format": "cap-evaluation", "format_version": 1, "questionnaire": {"id": "cap", "version": "2026.1"},
            "id": f"participant-{n}", "kind": "individual", "created": "2026-11-20T09:00:00Z",
            "updated": f"2026-11-2{n}T10:00:00Z", "structure": {"name": STRUCTURE, "type": "ACI"},
            "respondent": {"name": NAMES[n], "role": ROLES[n]}, "answers": answers}


def participants() -> list[dict]:
    """Five readable participants: P2 and P3 strongly divergent on the first twenty criteria, P4 with
    many "je ne sais pas" (and one "non concerné" with a free-text justification), P5 with some
    "je ne sais pas" too (so that a third is reached) and a few criteria left unanswered."""
    p1 = participant(0, {cid: base(i) for i, cid in enumerate(IDS)}, {"ID-PROJ-01": COMMENT})
    p2 = participant(1, {cid: 4 if i < 20 else base(i) for i, cid in enumerate(IDS)})
    p3 = participant(2, {cid: 1 if i < 20 else base(i) for i, cid in enumerate(IDS)})
    p4 = participant(3, {cid: "dk" if 10 <= i < 50 else base(i) for i, cid in enumerate(IDS)})
    p4["answers"][NA_CRITERION] = {"value": "na", "justification": JUSTIFICATION}
    p5 = participant(4, {cid: "dk" if 35 <= i < 50 else min(4, base(i) + (i % 3 == 0))
                         for i, cid in enumerate(IDS) if i % 7})
    return [p1, p2, p3, p4, p5]


def write_files(tmp_path: Path) -> list[Path]:
    """Six files; two share a name (participants' exports often do), the last is unreadable."""
    paths = []
    for n, data in enumerate(participants()):
        folder = tmp_path / f"p{n}"
        folder.mkdir()
        name = "cap-aci-les-jardins-du-test-2026-11-28.json" if n < 2 else f"evaluation-{ROLES[n]}.json"
        path = folder / name
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        paths.append(path)
    bad = tmp_path / "illisible.json"
    bad.write_text("{ ceci n'est pas une évaluation", encoding="utf-8")
    paths.append(bad)
    return paths


def read_all() -> list[dict]:
    return [read_assessment(json.dumps(p), Q)[0] for p in participants()]


def open_synthese(page, server: str) -> None:
    page.goto(server + "synthese.html")
    page.wait_for_selector("#cap-synthese[data-state=ready]", timeout=120_000)
    wait_merged(page)


def cards(page) -> dict[str, dict]:
    return page.eval_on_selector_all(
        "article[data-criterion]",
        "els => Object.fromEntries(els.map(e => [e.dataset.criterion, {proposed: e.dataset.proposed,"
        " divergent: e.dataset.divergent, clarify: e.dataset.clarify, spread: e.dataset.spread,"
        " agreed: e.dataset.agreed}]))")


def result_scores(page) -> dict[str, str]:
    return page.eval_on_selector_all("#syn-result [data-score]",
                                     "els => Object.fromEntries(els.map(e => [e.dataset.score, e.dataset.value]))")


def assert_scores(on_page: dict[str, str], expected: dict) -> None:
    assert float(on_page["overall"]) == pytest.approx(expected["overall"]["percent"])
    for group in ("pillars", "themes"):
        for key, value in expected[group].items():
            if value["percent"] is None:
                assert on_page[key] == "", key
            else:
                assert float(on_page[key]) == pytest.approx(value["percent"]), key


def test_six_files_merge_flags_meeting_reload_plan_and_anonymised_export(page, server, tmp_path) -> None:
    open_synthese(page, server)
    page.set_input_files('[data-action="add-files"]', [str(p) for p in write_files(tmp_path)])
    wait_merged(page)

    # Six files: five accepted (the two that shared a name both count), the unreadable one set aside.
    assert page.locator('[data-files] tr[data-file-status="accepted"]').count() == 5
    refused = page.locator('[data-files] tr[data-file-status="refused"]')
    assert refused.count() == 1
    assert "illisible.json" in refused.inner_text() and "n'est pas au format JSON" in refused.inner_text()
    assert "5 participant(s) dans la synthèse" in page.inner_text("[data-files-summary]")

    # Flags and proposed values are those of the engine's rule, criterion by criterion.
    people = read_all()
    shown = cards(page)
    expected = {c.id: criterion_stats([(p["answers"].get(c.id) or {}).get("value") for p in people])
                for c in Q.criteria}
    for cid, st in expected.items():
        assert shown[cid]["proposed"] == ("" if st["proposed"] is None else str(st["proposed"])), cid
        assert shown[cid]["divergent"] == str(st["divergent"]).lower(), cid
        assert shown[cid]["clarify"] == str(st["clarify"]).lower(), cid
    assert sum(st["divergent"] for st in expected.values()) >= 15
    assert sum(st["clarify"] for st in expected.values()) >= 10
    first = page.locator("#s-ID-PROJ-01")
    assert "divergent" in first.inner_text() and COMMENT in first.inner_text()
    assert "Participant 1 (Direction)" in first.inner_text()
    assert not any(name in page.inner_text("#cap-synthese") for name in NAMES)  # names hidden by default

    # The map puts the divergent criteria first, with symbols and words, not colour alone.
    cells = page.locator('[data-map-pillar="ID"] a.cap-cell')
    assert cells.first.inner_text().startswith("≠")
    assert "divergent" in cells.first.get_attribute("title")

    # Consolidated scores on the page = the engine's scores of the engine's consolidation.
    assert_scores(result_scores(page), score(Q, consolidate(Q, people)))

    # Meeting mode: keys record the agreed value; Enter moves on; the reason is typed in its box.
    page.click('[data-action="meeting"]')
    dialog = page.locator("dialog[data-meeting]")
    assert dialog.is_visible()
    order = [cid for cid in IDS if expected[cid]["divergent"] and Q.criterion_by_id[cid].applies("ACI")]
    assert dialog.get_attribute("data-criterion") == order[0]
    page.keyboard.press("3")
    assert dialog.locator('[data-value="3"]').get_attribute("aria-pressed") == "true"
    page.keyboard.press("r")
    page.keyboard.type("Preuves vues en séance")
    page.keyboard.press("Escape")  # leaves the text box, not the meeting
    assert dialog.is_visible()
    page.keyboard.press("Enter")
    assert dialog.get_attribute("data-criterion") == order[1]
    page.keyboard.press("?")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("1")
    page.keyboard.press("ArrowLeft")
    assert dialog.get_attribute("data-criterion") == order[1]
    assert "Je ne sais pas" in dialog.locator("[data-meet-agreed]").inner_text()
    page.keyboard.press("Escape")
    assert not dialog.is_visible()
    wait_merged(page)
    agreed = {order[0]: {"value": 3, "reason": "Preuves vues en séance"}, order[1]: {"value": "dk"},
              order[2]: {"value": 1}}
    shown = cards(page)
    assert [shown[c]["agreed"] for c in order[:3]] == ["3", "dk", "1"]
    assert "Preuves vues en séance" in page.inner_text(f"#s-{order[0]}")
    with_agreed = score(Q, consolidate(Q, people, agreed=agreed))
    assert_scores(result_scores(page), with_agreed)

    # A reload keeps the session: files, agreed values and reason.
    page.reload()
    page.wait_for_selector("#cap-synthese[data-state=ready]", timeout=120_000)
    wait_merged(page)
    shown = cards(page)
    assert [shown[c]["agreed"] for c in order[:3]] == ["3", "dk", "1"]
    assert "Preuves vues en séance" in page.inner_text(f"#s-{order[0]}")
    assert page.locator('[data-files] tr[data-file-status="accepted"]').count() == 5
    session = json.loads(page.evaluate("() => localStorage.getItem('cap-en-ligne:session')"))
    assert session["agreed"][order[0]] == {"value": 3, "reason": "Preuves vues en séance"}
    assert_scores(result_scores(page), with_agreed)

    # Names only when the facilitator asks.
    page.check('[data-action="show-names"]')
    wait_merged(page)
    assert "Alice Dupont" in page.inner_text("#s-ID-PROJ-01")
    page.uncheck('[data-action="show-names"]')
    wait_merged(page)
    assert "Alice Dupont" not in page.inner_text("#cap-synthese")

    # The profile starts from what the participants ticked (ACI) and takes several types.
    assert page.is_checked('input[data-field="types"][value="ACI"]')
    assert not page.is_checked('input[data-field="types"][value="EI"]')
    page.check('input[data-field="types"][value="EI"]')
    wait_merged(page)

    # Saved on the device as a consolidated assessment, listed for the Évaluer page.
    page.click('[data-action="save"]')
    page.wait_for_function("() => document.querySelector('[data-save-status]').textContent.includes('Enregistrée')")
    index = json.loads(page.evaluate("() => localStorage.getItem('cap-en-ligne:index')"))
    saved = [i for i in index if i["kind"] == "consolidated"]
    assert len(saved) == 1 and saved[0]["name"] == STRUCTURE
    stored = json.loads(page.evaluate(f"() => localStorage.getItem('cap-en-ligne:a:{saved[0]['id']}')"))
    assert stored["kind"] == "consolidated" and [p["role"] for p in stored["participants"]] == ROLES
    assert stored["stats"][order[0]]["divergent"] is True
    assert stored["answers"][order[0]] == {"value": 3, "agreed": True, "comment": "Preuves vues en séance"}
    assert all(p["name"] == "" for p in stored["participants"])
    assert stored["structure"]["types"] == ["ACI", "EI"]

    # The consolidated plan prints.
    page.click('[data-action="print-plan"]')
    page.wait_for_function("() => (document.querySelector('[data-print-frame]').srcdoc || '')"
                           ".includes('Plan de progrès')")
    srcdoc = page.get_attribute("[data-print-frame]", "srcdoc")
    assert STRUCTURE in srcdoc and "Évaluation collective" in srcdoc

    # The anonymised export: every field shown first, then a file without names or free text.
    page.select_option("[data-anon-source]", "current")
    page.select_option("[data-anon-region]", "Bretagne")
    page.click('[data-action="anon-preview"]')
    page.wait_for_selector("[data-anon-box]:not([hidden])")
    preview = page.inner_text("[data-anon-preview]")
    with page.expect_download() as info:
        page.click('[data-action="anon-download"]')
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    text = target.read_text(encoding="utf-8")
    data = json.loads(text)
    assert set(data) == {"format", "format_version", "kind", "questionnaire", "structure", "date", "scores", "values"}
    assert data["kind"] == "anonymous"
    assert data["structure"] == {"types": ["ACI", "EI"], "activities": [], "region": "Bretagne", "size": ""}
    assert data["scores"]["overall"] == pytest.approx(with_agreed["overall"]["percent"])
    # the preview names each field in words (the questions themselves may say "parcours"): no secret in
    # what the file holds, nor in the preview's values; no name or free text anywhere in the preview
    shown_values = " ".join(page.locator("[data-anon-preview] td").all_inner_texts())
    for secret in [*NAMES, STRUCTURE, "Jardins", COMMENT, JUSTIFICATION, "Preuves vues", "Participant", *ROLES]:
        assert secret not in text, secret
        assert secret not in shown_values, secret
    for secret in [*NAMES, STRUCTURE, "Jardins", COMMENT, JUSTIFICATION, "Preuves vues", "Participant"]:
        assert secret not in preview, secret
    leaves = 0
    stack = [data]
    while stack:
        item = stack.pop()
        for v in item.values():
            if isinstance(v, dict):
                stack.append(v)
            else:
                leaves += 1
    assert page.locator("[data-anon-preview] tbody tr").count() == leaves
    assert "Bretagne" in preview and "values.ID-PROJ-01" in preview
    # titles first: the question, then the field's name in small type
    field = page.locator("[data-anon-preview] tbody th", has_text="values.ID-PROJ-01").inner_text()
    assert field.startswith("Réponse : " + Q.criterion_by_id["ID-PROJ-01"].question[:30])
    assert page.locator("[data-anon-preview] tbody th", has_text="scores.themes.ID-GOUV").inner_text().startswith(
        "Score du thème : Gouvernance")
    assert target.name.startswith("cap-anonyme-aci-") and "jardins" not in target.name

    # The Évaluer page opens the consolidated assessment with the same scores.
    page.click('[data-action="open-evaluer"]')
    page.wait_for_selector("#cap-app[data-state=ready][data-form=complete]", timeout=120_000)
    wait_scored(page)
    assert page.input_value("#cap-structure-name") == STRUCTURE
    assert float(page.get_attribute('[data-score="overall"]', "data-value")) == pytest.approx(
        with_agreed["overall"]["percent"])
    assert "(synthèse)" in page.inner_text('[data-action="switch"]')


def test_files_set_aside_or_flagged_are_explained_and_saved_ones_can_be_added(page, server, tmp_path) -> None:
    p1, p2, *_ = participants()
    older = dict(p2, id="older-version", questionnaire={"id": "cap", "version": "2025.1"})
    other_q = dict(p1, id="x", questionnaire={"id": "autre-grille", "version": "1"})
    other_structure = dict(p1, id="y", structure={"name": "Une autre structure", "type": "ACI"})
    merged = consolidate(Q, [read_assessment(json.dumps(p1), Q)[0]])
    files = {"p1.json": p1, "p1-encore.json": p1, "ancienne-version.json": older, "autre-grille.json": other_q,
             "autre-structure.json": other_structure, "deja-synthese.json": merged}
    paths = []
    for name, data in files.items():
        (tmp_path / name).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        paths.append(str(tmp_path / name))
    # An assessment saved on this device by the Évaluer page.
    saved = participant(4, {"ID-PROJ-01": 4})
    page.goto(server + "synthese.html")
    page.evaluate(f"""() => {{ localStorage.setItem('cap-en-ligne:a:participant-4', {json.dumps(json.dumps(saved))});
        localStorage.setItem('cap-en-ligne:index', JSON.stringify([{{id: 'participant-4', name: 'Saisie locale',
        updated: '2026-11-24T10:00:00Z', kind: 'individual', role: 'administrateur'}}])); }}""")
    open_synthese(page, server)
    page.set_input_files('[data-action="add-files"]', paths)
    wait_merged(page)
    page.check('[data-saved-list] input[value="participant-4"]')
    page.click('[data-action="add-saved"]')
    wait_merged(page)

    def row(name: str) -> tuple[str, str]:
        tr = page.locator(f'[data-files] tr[data-file="{name}"]')
        return tr.get_attribute("data-file-status"), tr.inner_text()

    assert row("p1.json")[0] == "accepted"
    status, text = row("p1-encore.json")
    assert status == "refused" and "Même fichier que « p1.json »" in text
    status, text = row("ancienne-version.json")
    assert status == "accepted" and "version 2025.1" in text
    status, text = row("autre-grille.json")
    assert status == "refused" and "autre questionnaire" in text
    assert row("autre-structure.json")[0] == "accepted"
    assert "plusieurs structures" in page.inner_text("[data-general-notes]")
    status, text = row("deja-synthese.json")
    assert status == "refused" and "déjà une synthèse" in text
    saved_rows = page.locator('[data-files] tr[data-file-status="accepted"]', has_text="Enregistrée")
    assert saved_rows.count() == 1
    assert "4 participant(s)" in page.inner_text("[data-files-summary]")

    # Removing a file and starting a new session.
    page.locator('[data-files] tr[data-file="autre-structure.json"] button').click()
    wait_merged(page)
    assert "plusieurs structures" not in page.inner_text("[data-general-notes]")
    page.once("dialog", lambda d: d.accept())
    page.click('[data-action="new-session"]')
    wait_merged(page)
    assert page.locator("[data-files] tr").count() == 0
    assert page.evaluate("() => localStorage.getItem('cap-en-ligne:session')") is None
    assert page.locator("#syn-map").is_hidden()


@pytest.fixture(scope="module")
def merged(browser, server, tmp_path_factory):
    """One started page with the six files merged, shared by the checks below (axe needs CSP bypassed to be
    injected; the first test runs the same page, meeting mode included, under the site's CSP)."""
    from tests.e2e.conftest import new_page

    page = new_page(browser, server, bypass_csp=True, viewport={"width": 1280, "height": 900})
    open_synthese(page, server)
    page.set_input_files('[data-action="add-files"]', [str(p) for p in write_files(tmp_path_factory.mktemp("six"))])
    wait_merged(page)
    yield page
    watch = page.watch
    page.context.close()
    assert watch.foreign == [] and watch.errors == [], (watch.foreign, watch.errors)


def test_meeting_mode_buttons_and_focus(merged) -> None:
    """Everything the keys do, buttons do too; focus goes back where it was when the meeting ends."""
    page = merged
    button = page.locator('#s-ID-PROJ-02 [data-discuss]')
    button.click()
    dialog = page.locator("dialog[data-meeting]")
    assert dialog.get_attribute("data-criterion") == "ID-PROJ-02"
    assert page.evaluate("() => document.activeElement.id") == "syn-meet-title"
    assert dialog.locator('[data-value="na"]').is_hidden()  # core criterion: no "non concerné"
    dialog.locator('[data-value="2"]').click()
    assert "2 · Initié" in dialog.locator("[data-meet-agreed]").inner_text()
    dialog.locator('[data-value=""]').click()
    assert "pas encore" in dialog.locator("[data-meet-agreed]").inner_text()
    dialog.locator('[data-meet="next"]').click()
    assert dialog.get_attribute("data-criterion") != "ID-PROJ-02"
    dialog.locator('[data-meet="close"]').click()
    assert not dialog.is_visible()
    assert page.evaluate("() => document.activeElement.dataset.discuss") == "ID-PROJ-02"


def axe(page) -> list[dict]:
    page.add_script_tag(path=str(ROOT / "node_modules" / "axe-core" / "axe.min.js"))
    return page.evaluate("""async () => {
        const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
        const r = await axe.run(document, { runOnly: { type: 'tag', values: tags } });
        return r.violations.filter(v => ['serious', 'critical'].includes(v.impact))
          .map(v => ({ id: v.id, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ')) })); }""")


def test_merged_page_and_meeting_mode_are_accessible_and_fit_a_phone(merged) -> None:
    page = merged
    wait_merged(page)  # the decisions of the test before are merged
    page.select_option("[data-anon-source]", "current")
    page.click('[data-action="anon-preview"]')
    page.wait_for_selector("[data-anon-box]:not([hidden])")
    assert axe(page) == []
    page.click('[data-action="meeting"]')
    page.keyboard.press("2")
    assert axe(page) == []
    page.keyboard.press("Escape")
    page.set_viewport_size({"width": 360, "height": 740})
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
    page.set_viewport_size({"width": 1280, "height": 900})
