"""The Réseau page with 600 generated anonymised exports: the figures of `python -m cap aggregate
--json`, a filter that changes them, a withheld small group, a bad file listed with its reason while
the others stay; a structure placed among them; the network file it publishes, loaded on a
structure's results step, draws the "structures similaires" marks. No request leaves localhost
(the `page` fixture checks it)."""

from __future__ import annotations

import json
import random
import subprocess
import sys

import pytest

from cap.aggregate import anonymise
from cap.load import load
from cap.network_view import peers
from tests.e2e.conftest import ROOT, goto, open_assessment, open_menu, wait_scored
from tests.network_files import SMALL_REGION, make_assessment, write

pytestmark = pytest.mark.e2e

Q = load(ROOT / "questionnaire")
FIGURES = ("n", "min", "q1", "median", "q3", "max", "mean")


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    folder = tmp_path_factory.mktemp("exports")
    return write(folder / "structures", 600, seed=2027, q=Q)


def cli(paths, *options) -> dict:
    out = subprocess.run([sys.executable, "-m", "cap", "aggregate", "--json", *options, *map(str, paths)],
                         capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout)


def wait_updated(page) -> None:
    page.wait_for_function(
        "() => { const r = document.getElementById('cap-reseau');"
        " return r.dataset.state === 'ready' && r.dataset.updated !== undefined"
        " && r.dataset.updated === (r.dataset.changes || '0'); }", timeout=120_000)


def shown(page) -> dict[str, dict[str, str]]:
    return page.eval_on_selector_all("[data-stat]", "els => Object.fromEntries(els.map(e => [e.dataset.stat, "
                                     "{...e.dataset}]))")


def same_figures(page, expected: dict) -> None:
    got = shown(page)
    wanted = {"overall": expected["overall"], **expected["pillars"], **expected["themes"]}
    assert set(got) == set(wanted)
    for item_id, s in wanted.items():
        for key in FIGURES:
            value = got[item_id][key]
            assert (value == "" if s[key] is None else float(value) == s[key]), (item_id, key, value, s[key])
        assert got[item_id]["withheld"] == ("true" if s["withheld"] else "false")


def open_reseau(page, server: str, paths, folder=None) -> None:
    page.goto(server + "reseau.html")
    page.wait_for_selector("#cap-reseau[data-state=ready]", timeout=120_000)
    if folder:  # the folder picker (input webkitdirectory)
        page.set_input_files('[data-action="add-folder"]', str(folder))
    else:
        page.set_input_files('[data-action="add-files"]', [str(p) for p in paths])
    wait_updated(page)


def test_600_files_give_the_cli_figures_and_filters_and_small_groups_follow(page, server, exports, tmp_path) -> None:
    open_reseau(page, server, exports, folder=exports[0].parent)
    summary = page.locator("[data-files-summary]")
    assert summary.get_attribute("data-accepted") == "600" and summary.get_attribute("data-refused") == "0"
    same_figures(page, cli(exports))

    # a bad file added afterwards is listed with its reason; the 600 stay
    bad = tmp_path / "pas-un-export.json"
    bad.write_text("{ce n'est pas du JSON", encoding="utf-8")
    page.set_input_files('[data-action="add-files"]', str(bad))
    wait_updated(page)
    assert summary.get_attribute("data-accepted") == "600" and summary.get_attribute("data-refused") == "1"
    row = page.locator('tr[data-file="pas-un-export.json"][data-file-status="refused"]')
    assert "JSON" in row.inner_text()

    page.select_option('[data-filter="type"]', "ACI")
    wait_updated(page)
    aci = cli(exports, "--type", "ACI")
    assert aci["count"] < 600 and aci["themes"] != cli(exports)["themes"]
    same_figures(page, aci)
    assert page.locator("[data-count]").get_attribute("data-count") == str(aci["count"])

    page.select_option('[data-filter="type"]', "")
    page.select_option('[data-filter="region"]', SMALL_REGION)
    wait_updated(page)
    small = cli(exports, "--region", SMALL_REGION)
    assert 0 < small["count"] < 5
    same_figures(page, small)
    assert page.locator("[data-withheld-group]").is_visible()
    assert "moins de 5 structures" in page.locator("[data-withheld-group]").inner_text()
    assert page.locator(".cap-net-chart .cap-net-box").count() == 0
    assert "Moins de 5 structures" in page.locator(".cap-net-table").inner_text()


def test_a_structure_is_placed_and_the_view_exports(page, server, exports, tmp_path) -> None:
    open_reseau(page, server, exports[:80])
    # two more dropped on the zone; one is already there (same content): counted once
    page.evaluate("""([a, b]) => { const t = new DataTransfer();
        t.items.add(new File([a], 'depose-1.json')); t.items.add(new File([b], 'depose-2.json'));
        document.querySelector('[data-drop]').dispatchEvent(new DragEvent('drop', {dataTransfer: t, bubbles: true,
        cancelable: true})); }""", [exports[80].read_text(encoding="utf-8"), exports[0].read_text(encoding="utf-8")])
    page.wait_for_function("() => document.querySelector('[data-files-summary]').dataset.accepted === '81'")
    wait_updated(page)
    assert "pris en compte une seule fois" in page.inner_text("[data-alerts]")
    own = make_assessment(Q, random.Random(5), 1)
    own["structure"]["types"] = ["ACI"]
    own_path = tmp_path / "ma-structure.json"
    own_path.write_text(json.dumps(own), encoding="utf-8")
    page.set_input_files('[data-action="own-file"]', str(own_path))
    wait_updated(page)
    sc = anonymise(Q, own)["scores"]
    scored = [v for v in [sc["overall"], *sc["pillars"].values(), *sc["themes"].values()] if v is not None]
    assert page.locator(".cap-net-chart .cap-net-own").count() == len(scored) > 20
    assert "Votre structure" in page.locator(".cap-net-table thead").inner_text()
    page.click('[data-action="similar"]')
    wait_updated(page)
    assert page.input_value('[data-filter="type"]') == "ACI"

    with page.expect_download() as info:
        page.click('[data-action="export-csv"]')
    csv = info.value.path().read_text(encoding="utf-8-sig")
    assert csv.startswith("Groupe;Niveau;Identifiant") and "type : Atelier" in csv
    page.click('[data-action="print"]')
    page.wait_for_function("() => (document.querySelector('[data-print-frame]').srcdoc || '').includes('cap-net-row')")


def test_the_network_file_shows_similar_structures_on_the_results_step(page, server, exports, tmp_path) -> None:
    open_reseau(page, server, exports)
    with page.expect_download() as info:
        page.click('[data-action="export-network"]')
    network = tmp_path / "fichier-reseau.json"
    info.value.save_as(network)
    data = json.loads(network.read_text(encoding="utf-8"))
    assert data["format"] == "cap-reseau" and all(g["count"] >= 5 for g in data["groups"])

    own = make_assessment(Q, random.Random(9), 2)
    own["structure"] = {"name": "ACI des Tests", "types": ["ACI"], "activities": []}
    own["indicators"] = {"personnes_accompagnees": 40}
    path = tmp_path / "evaluation.json"
    path.write_text(json.dumps(own), encoding="utf-8")
    open_assessment(page, server)
    open_menu(page)
    page.set_input_files('[data-action="import-json"]', str(path))
    page.wait_for_function("() => document.querySelector('#cap-structure-name').value === 'ACI des Tests'")
    wait_scored(page)
    goto(page, "resultats")
    bad = tmp_path / "pas-reseau.json"
    bad.write_text(json.dumps(own), encoding="utf-8")
    page.set_input_files('[data-action="load-network"]', str(bad))
    page.wait_for_selector("[data-peers][data-peers-state=error]")
    assert "pas un fichier réseau" in page.inner_text("[data-peers-status]")

    page.set_input_files('[data-action="load-network"]', str(network))
    page.wait_for_selector("[data-peers][data-peers-state=shown]")
    expected = peers(Q, network.read_text(encoding="utf-8"), own)
    assert expected["group"]["key"] == {"type": "ACI", "size": "20-49"}
    assert "20 à 49" in page.inner_text("[data-peers-status]")
    marks = page.eval_on_selector_all("li[data-bar-id] .cap-peer-median", "els => els.map(e => "
                                      "[e.closest('li').dataset.barId, Number(e.dataset.peerMedian)])")
    assert len(marks) == len(Q.pillars) + len(Q.themes)
    for item_id, median in marks:
        stats = expected["stats"]["pillars"].get(item_id) or expected["stats"]["themes"][item_id]
        assert median == stats["median"]
    assert "Structures similaires : médiane" in page.inner_text("li[data-bar-id] .cap-peer-text")
    assert page.locator(".cap-peers-table tbody tr").count() == 1 + len(Q.pillars) + len(Q.themes)

    page.reload()  # the network file stays on the device
    page.wait_for_selector("#cap-app[data-state=ready]", timeout=120_000)
    goto(page, "resultats")
    page.wait_for_selector("[data-peers][data-peers-state=shown] li[data-bar-id] .cap-peer-median, "
                           "li[data-bar-id] .cap-peer-median")
    page.click('[data-action="forget-network"]')
    page.wait_for_selector("[data-peers][data-peers-state=none]")
    assert page.locator(".cap-peer-median").count() == 0


def test_the_view_is_accessible_and_fits_a_360px_phone(browser, server, exports, tmp_path) -> None:
    from tests.e2e.conftest import axe_violations, new_page

    own = tmp_path / "structure.json"
    own.write_text(exports[10].read_text(encoding="utf-8"), encoding="utf-8")
    for viewport, check_axe in (({"width": 1280, "height": 900}, True), ({"width": 360, "height": 740}, False)):
        page = new_page(browser, server, bypass_csp=check_axe, viewport=viewport)
        open_reseau(page, server, exports[:100])
        page.set_input_files('[data-action="own-file"]', str(own))
        wait_updated(page)
        if check_axe:
            violations = axe_violations(page)
            assert violations == [], json.dumps(violations, ensure_ascii=False, indent=1)
        else:
            width = page.evaluate("() => document.documentElement.scrollWidth")
            assert width <= 360, f"{width}px wide"
            for table in page.locator("#cap-reseau table").all():  # no column cut off: each table fits
                box = table.bounding_box()
                assert box is None or box["x"] + box["width"] <= 360, box
        assert page.watch.foreign == [] and page.watch.errors == []
        page.context.close()
