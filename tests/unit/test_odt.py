"""The plan as an OpenDocument text: a valid package a real ODF reader (odfpy) opens, every plan
action in it, hostile text kept as text, the same bytes for the same input and date, the same
file from the CLI and the worker op; converted to PDF by LibreOffice when it is installed."""

from __future__ import annotations

import base64
import io
import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
from odf import teletype
from odf.namespaces import TABLENS, TEXTNS
from odf.opendocument import load as odf_load
from odf.table import Table, TableCell, TableRow
from odf.text import H, P

from cap import browser, odt
from cap.cli import main
from cap.consolidate import consolidate
from cap.load import make_bundle, read_sources
from cap.plan import suggestions
from cap.report import PROPOSED
from tests.conftest import MINI, assessment

HOSTILE = [
    "<text:p>injecté</text:p>",
    "]]>",
    "a & b &amp; <c> \"d\" 'e'",
    "deux  espaces,\ttab, trois   espaces\net une ligne",
    " espace au début et à la fin ",
    "<?xml version='1.0'?><!DOCTYPE x [<!ENTITY e 'x'>]>&e;",
    "contrôle \x00\x01\x08\x0b\x0c\x1b\x7f fin",
    "moitié \ud800 de caractère",
    "x" * 4000,
    "mot " * 1200,
]
CONTROL = {0x00, 0x01, 0x08, 0x0B, 0x0C, 0x1B, 0xD800}


def expected(text: str) -> str:
    """What the document shows for `text`: characters XML cannot hold as U+FFFD."""
    return "".join("\ufffd" if ord(ch) in CONTROL else ch for ch in text)


def _plan(items: list[tuple[str | None, str]]) -> list[dict]:
    return [{"id": f"a{n}", "criterion": c, "action": text, "owner": f"Resp {n}", "due": f"2027-0{n % 9 + 1}",
             "status": ("todo", "doing", "done")[n % 3], "offers": ["o-one"] if c else []}
            for n, (c, text) in enumerate(items)]


def _hostile() -> dict:
    a = assessment({"AA-ONE-01": 2, "AA-ONE-02": 1, "BB-TWO-01": "dk"}, updated="2026-11-28T10:30:00Z")
    a["structure"]["name"] = "<Atelier> & ]]> \x01"
    a["plan"] = _plan([("AA-ONE-01" if n % 2 else None, text) for n, text in enumerate(HOSTILE)])
    return a


def _read(data: bytes):
    return odf_load(io.BytesIO(data))


def _paragraphs(doc) -> list[str]:
    return [teletype.extractText(p) for p in doc.getElementsByType(P) + doc.getElementsByType(H)]


def _plan_table(doc) -> list[list[str]]:
    """The plan table's rows (header first), each cell's paragraphs joined by a line break."""
    table = next(t for t in doc.getElementsByType(Table) if t.getAttribute("name") == "Plan")
    return [["\n".join(teletype.extractText(p) for p in cell.getElementsByType(P))
             for cell in row.getElementsByType(TableCell)] for row in table.getElementsByType(TableRow)]


def test_the_package_starts_with_an_uncompressed_mimetype_and_lists_its_parts(mini) -> None:
    data = odt.plan_odt(mini, _hostile())
    assert data[:4] == b"PK\x03\x04" and data[30:38] == b"mimetype"  # the type at a fixed offset, as ODF says
    assert data[38:38 + len(odt.MIMETYPE)] == odt.MIMETYPE.encode()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        first = z.infolist()[0]
        assert (first.filename, first.compress_type, first.extra) == ("mimetype", zipfile.ZIP_STORED, b"")
        assert z.namelist() == ["mimetype", "META-INF/manifest.xml", "meta.xml", "styles.xml", "content.xml"]
        assert z.testzip() is None
        manifest = z.read("META-INF/manifest.xml").decode()
        for name in ("content.xml", "styles.xml", "meta.xml"):
            assert f'manifest:full-path="{name}"' in manifest
            ET.fromstring(z.read(name))  # well-formed XML, whatever the text held
    assert _read(data).mimetype == odt.MIMETYPE


def test_every_plan_action_is_in_the_reader_with_its_criterion_owner_deadline_status_and_offers(mini) -> None:
    a = assessment({"AA-ONE-01": 2, "AA-ONE-02": 1}, updated="2026-11-28T10:30:00Z")
    a["plan"] = _plan([("AA-ONE-01", "Écrire le projet"), (None, "Présenter le plan à l'AG"),
                       ("AA-ONE-02", "Former l'équipe")])
    a["plan"].append({"id": "x", "criterion": "AA-ONE-02", "action": "Abandonnée", "status": "dropped"})
    rows = _plan_table(_read(odt.plan_odt(mini, a)))
    assert rows[0] == ["Action", "Critère", "Responsable", "Échéance", "Statut", "Offres à mobiliser"]
    actions = [r[0].split("\n")[0] for r in rows[1:]]
    assert actions == ["Écrire le projet", "Présenter le plan à l'AG", "Former l'équipe"]  # dropped left out
    first = rows[1]
    question = mini.criterion_by_id["AA-ONE-01"].question
    assert first[0].startswith("Écrire le projet\nSituation visée\u202f: ")  # the target level's descriptor
    assert first[1].startswith(question + "\nAA-ONE-01 · ")
    assert first[2:5] == ["Resp 0", "janvier 2027", "À faire"]
    assert first[5] == mini.offer_by_id["o-one"].title
    assert rows[2][1] == "Action libre" and rows[2][4] == "En cours" and rows[3][4] == "Fait"


def test_hostile_text_stays_text_and_round_trips(mini) -> None:
    a = _hostile()
    data = odt.plan_odt(mini, a)
    doc = _read(data)
    rows = _plan_table(doc)[1:]
    assert len(rows) == len(HOSTILE)
    for row, text in zip(rows, HOSTILE, strict=True):
        assert row[0].split("\nSituation visée")[0] == expected(text)
    # no paragraph was injected: one per action (plus its situation visée when it has a criterion)
    content = zipfile.ZipFile(io.BytesIO(data)).read("content.xml")
    table = next(t for t in ET.fromstring(content).iter(f"{{{TABLENS}}}table") if t.get(f"{{{TABLENS}}}name") == "Plan")
    for n, row in enumerate(list(table.iter(f"{{{TABLENS}}}table-row"))[1:]):
        cell = next(row.iter(f"{{{TABLENS}}}table-cell"))
        assert len(cell.findall(f"{{{TEXTNS}}}p")) == (2 if n % 2 else 1)
    assert "<text:p>injecté".encode() not in content and "&lt;text:p&gt;injecté".encode() in content
    assert "<Atelier> & ]]> \ufffd" in _paragraphs(doc)  # the cover's name
    assert "<Atelier> & ]]>" in teletype.extractText(doc.meta) and "<Atelier>" in teletype.extractText(doc.masterstyles)


def test_the_same_input_and_date_give_the_same_bytes_and_the_date_is_never_the_clock(mini) -> None:
    a = _hostile()
    one, two = odt.plan_odt(mini, a), odt.plan_odt(mini, json.loads(json.dumps(a)))
    assert one == two
    parts = odt.parts(mini, a)
    assert parts["content.xml"] == odt.parts(mini, a, "2030-01-02")["content.xml"]
    assert b"2026-11-28T00:00:00" in parts["meta.xml"]
    with zipfile.ZipFile(io.BytesIO(one)) as z:
        assert {i.date_time for i in z.infolist()} == {(2026, 11, 28, 0, 0, 0)}
    dated = odt.plan_odt(mini, a, "2030-01-02")
    with zipfile.ZipFile(io.BytesIO(dated)) as z:
        assert {i.date_time for i in z.infolist()} == {(2030, 1, 2, 0, 0, 0)}
        assert b"2030-01-02T00:00:00" in z.read("meta.xml")
    undated = {k: v for k, v in a.items() if k not in ("updated", "created")}
    with zipfile.ZipFile(io.BytesIO(odt.plan_odt(mini, undated))) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert b"creation-date" not in z.read("meta.xml")
    assert odt.plan_odt(mini, undated) == odt.plan_odt(mini, undated)


def test_the_cover_and_the_summary_hold_the_structure_date_version_scores_strengths_and_gaps(mini) -> None:
    a = assessment({"AA-ONE-01": 4, "AA-ONE-02": 1}, updated="2026-11-28T10:30:00Z")
    a["structure"]["name"] = "Atelier des Trois Vallées"
    text = "\n".join(_paragraphs(_read(odt.plan_odt(mini, a))))
    for part in ("Plan de progrès", "Atelier des Trois Vallées", "28/11/2026", f"version {mini.version}",
                 "Synthèse", "Score global", "Repère de l'outil", "Points forts", "Principaux écarts au niveau visé",
                 mini.criterion_by_id["AA-ONE-01"].question, mini.criterion_by_id["AA-ONE-02"].question,
                 "Offres de services à mobiliser"):
        assert part.replace("'", "\u2019").replace(" :", "\u202f:") in text or part in text, part
    for p in mini.pillars:
        assert p.title in text


def test_an_empty_plan_lists_the_first_suggestions_as_proposed_as_the_printed_plan(real) -> None:
    answers = {c.id: 1 for c in real.criteria[:20]}
    a = assessment(answers, updated="2026-11-28T10:30:00Z")
    first = suggestions(real, a)["suggestions"][0]["criterion"]
    a["plan"] = [{"id": "d", "criterion": first, "action": "non", "status": "dropped"}]
    fresh = [s for s in suggestions(real, a)["suggestions"] if s["criterion"] != first]
    doc = _read(odt.plan_odt(real, a))
    rows = _plan_table(doc)
    assert rows[0][0] == "Action proposée"
    assert len(rows) - 1 == PROPOSED and {r[4] for r in rows[1:]} == {"Proposée"}
    assert [r[0].split("\n")[0] for r in rows[1:]] == [s["action"] for s in fresh[:PROPOSED]]
    assert any("actions proposées" in t for t in _paragraphs(doc))


def test_a_collective_assessment_names_its_participants_on_the_cover(mini) -> None:
    merged = consolidate(mini, [assessment({"AA-ONE-01": v}, id=str(v)) for v in (1, 3)])
    text = _paragraphs(_read(odt.plan_odt(mini, merged)))
    assert "CAP en ligne · Évaluation collective" in text
    assert any(t.startswith("Participants") and "(2)" in t for t in text)


def test_a_plan_with_nothing_to_propose_says_so(mini) -> None:
    doc = _read(odt.plan_odt(mini, assessment({})))
    assert "Aucune action dans le plan." in _paragraphs(doc)


@pytest.fixture()
def worker() -> None:
    reply = json.loads(browser.call("init", json.dumps({"bundle": make_bundle(read_sources(MINI))})))
    assert reply["ok"]


def _op(payload: dict) -> dict:
    return json.loads(browser.call("odt", json.dumps(payload)))


def test_the_cli_writes_the_bytes_of_the_worker_op(worker, tmp_path: Path, capsys) -> None:
    a = _hostile()
    a["plan"] = [i for i in a["plan"] if "\ud800" not in i["action"]]  # a file cannot hold a lone surrogate
    source = tmp_path / "évaluation.json"
    source.write_text(json.dumps(a, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "plan.odt"
    assert main(["-q", str(MINI), "report", str(source), "--odt", "-o", str(out)]) == 0
    assert "Écrit" in capsys.readouterr().err
    reply = _op({"assessment": a})
    assert reply["ok"], reply
    assert base64.b64decode(reply["data"]["base64"]) == out.read_bytes()
    assert reply["data"]["size"] == out.stat().st_size and reply["data"]["day"] == "2026-11-28"
    dated = tmp_path / "daté.odt"
    assert main(["-q", str(MINI), "report", str(source), "--odt", "--date", "2027-01-15", "-o", str(dated)]) == 0
    assert base64.b64decode(_op({"assessment": a, "date": "2027-01-15"})["data"]["base64"]) == dated.read_bytes()


def test_the_op_still_gives_a_document_for_what_the_reader_refuses(worker) -> None:
    a = _hostile()
    a["plan"][0]["action"] = "y" * 6000  # longer than a file may hold: the page's state is used as it is
    reply = _op({"assessment": a})
    assert reply["ok"]
    rows = _plan_table(_read(base64.b64decode(reply["data"]["base64"])))
    assert rows[1][0] == "y" * 6000


@pytest.mark.parametrize(("args", "message"), [
    (["--odt"], "-o plan.odt"), (["--odt", "-o", "-"], "-o plan.odt"),
    (["--odt", "--summary", "-o", "x.odt"], "contient déjà la synthèse"),
    (["--odt", "--date", "28/11/2026", "-o", "x.odt"], "AAAA-MM-JJ"), (["--date", "2026-11-28"], "avec --odt"),
])
def test_the_cli_refuses_odt_without_a_file_to_write_in_french(tmp_path: Path, capsys, args, message) -> None:
    source = tmp_path / "a.json"
    source.write_text(json.dumps(assessment({})), encoding="utf-8")
    assert main(["-q", str(MINI), "report", str(source), *args]) == 2
    assert message in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == [source]


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) absent : paquet Debian libreoffice-writer-nogui")
def test_libreoffice_converts_it_to_a_pdf_of_a_sensible_length(real, tmp_path: Path) -> None:
    """The real referential, half answered, with the proposals of an empty plan; then a kept plan
    with hostile and very long actions: a cover, a summary page, a few landscape plan pages."""
    from pypdf import PdfReader

    answers = {c.id: (1, 2, 3, 4)[n % 4] for n, c in enumerate(real.criteria) if n % 2 == 0}
    proposed = assessment(answers, updated="2026-11-28T10:30:00Z")
    kept = dict(proposed, plan=_plan([(real.criteria[n].id if n % 2 else None, t) for n, t in enumerate(HOSTILE)]))
    pages = {}
    for name, a in (("propose", proposed), ("garde", kept)):
        (tmp_path / f"{name}.odt").write_bytes(odt.plan_odt(real, a))
        subprocess.run([SOFFICE, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to",
                        "pdf", "--outdir", str(tmp_path), str(tmp_path / f"{name}.odt")],
                       check=True, capture_output=True, timeout=180)
        reader = PdfReader(str(tmp_path / f"{name}.pdf"))
        pages[name] = len(reader.pages)
        text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
        assert "Plan de progrès" in text and "Synthèse" in text
        first, last = reader.pages[0].mediabox, reader.pages[-1].mediabox
        assert first.width < first.height and last.width > last.height  # portrait cover, landscape plan
    assert 3 <= pages["propose"] <= 6, pages
    assert 4 <= pages["garde"] <= 12, pages
