"""The Réseau page's engine: same figures as `aggregate --json`, filters, small groups withheld,
bad files refused with their reason, the published network file and a structure's peers."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from cap import browser
from cap.aggregate import MIN_GROUP, aggregate, anonymise
from cap.errors import AssessmentError
from cap.load import make_bundle, read_sources
from cap.network_view import network_file, network_view, peers, read_network
from tests.conftest import REAL, ROOT
from tests.network_files import SMALL_REGION, generate, make_assessment

COUNT = 60


@pytest.fixture(scope="module")
def exports(real) -> list[dict]:
    return generate(real, COUNT, seed=7)


@pytest.fixture(scope="module")
def folder(exports, tmp_path_factory):
    out = tmp_path_factory.mktemp("reseau")
    paths = []
    for n, data in enumerate(exports):
        path = out / f"f{n:03d}.json"
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        paths.append(path)
    return paths


def _files(paths) -> list[dict]:
    return [{"name": p.name, "text": p.read_text(encoding="utf-8")} for p in paths]


def _cli(paths, *options) -> dict:
    out = subprocess.run([sys.executable, "-m", "cap", "-q", str(REAL), "aggregate", "--json", *options,
                          *map(str, paths)], capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout)


def test_the_view_has_the_cli_aggregate_figures(real, folder) -> None:
    view = network_view(real, _files(folder))["view"]
    cli = _cli(folder)
    cli.pop("refused")
    assert view == cli


def test_a_filter_gives_the_cli_figures_of_that_group(real, folder) -> None:
    result = network_view(real, _files(folder), {"type": "ACI"})
    cli = _cli(folder, "--type", "ACI")
    cli.pop("refused")
    assert result["view"] == cli
    assert result["view"]["count"] < COUNT
    assert result["view"]["themes"] != network_view(real, _files(folder))["view"]["themes"]


def test_a_group_under_the_minimum_is_withheld(real, folder) -> None:
    view = network_view(real, _files(folder), {"region": SMALL_REGION})["view"]
    assert 0 < view["count"] < MIN_GROUP
    for s in [view["overall"], *view["pillars"].values(), *view["themes"].values()]:
        assert s["median"] is None and s["min"] is None and s["max"] is None
    assert view["overall"]["withheld"] is True
    assert _cli(folder, "--region", SMALL_REGION)["overall"]["median"] is None


def test_bad_files_are_refused_with_a_reason_and_the_others_kept(real, folder, exports) -> None:
    broken = dict(exports[0], scores={**exports[0]["scores"], "overall": 250})
    files = [
        *_files(folder[:10]),
        {"name": "pas-json.json", "text": "bonjour"},
        {"name": "poison.json", "text": json.dumps(broken)},
        {"name": "reseau.json", "text": json.dumps(network_file(real, exports, {}, "2027-01-01"))},
        {"name": "vide.json"},
    ]
    result = network_view(real, files)
    refused = {f["file"]: f["message"] for f in result["files"] if f["status"] == "refused"}
    assert set(refused) == {"pas-json.json", "poison.json", "reseau.json", "vide.json"}
    assert "JSON" in refused["pas-json.json"] and "scores.overall" in refused["poison.json"]
    assert "fichier réseau" in refused["reseau.json"]
    assert result["accepted"] == 10 and result["view"]["count"] == 10


def test_a_structures_own_file_is_placed_in_the_group(real, folder) -> None:
    import random
    own = make_assessment(real, random.Random(1), 9999)
    result = network_view(real, _files(folder), {}, {"name": "ma-structure.json", "text": json.dumps(own)})
    mine = result["own"]
    assert mine["overall"]["percent"] == pytest.approx(anonymise(real, own)["scores"]["overall"])
    assert mine["overall"]["position"]
    assert mine["similar"]["type"] == own["structure"]["types"][0]


def test_the_network_file_reads_back_and_gives_peers(real, exports) -> None:
    data = json.loads(json.dumps(network_file(real, exports, {}, "2027-02-01")))
    assert data["format"] == "cap-reseau" and data["count"] == COUNT
    assert all(g["count"] >= MIN_GROUP for g in data["groups"])
    assert data["groups"][0]["overall"] == {k: v for k, v in aggregate(real, exports)["overall"].items()}
    net = read_network(real, data)
    assert len(net["groups"]) == len(data["groups"])
    import random
    own = make_assessment(real, random.Random(2), 1)
    own["structure"]["types"], own["indicators"] = ["ACI"], {}
    got = peers(real, json.dumps(data), own)
    assert got["group"]["key"] == {"type": "ACI"}
    expected = aggregate(real, exports, {"type": "ACI"})
    assert got["stats"]["themes"] == {k: {**v} for k, v in expected["themes"].items()}
    assert got["own"]["overall"]["position"]


@pytest.mark.parametrize(("bad", "field"), [
    ({"format": "autre"}, "format"),
    ({"questionnaire": {"id": "autre"}}, "questionnaire.id"),
    ({"format_version": 99}, "format_version"),
    ({"groups": "x"}, "groups"),
])
def test_a_bad_network_file_is_refused_naming_the_field(real, exports, bad, field) -> None:
    data = {**network_file(real, exports[:10], {}, "2027-01-01"), **bad}
    with pytest.raises(AssessmentError) as err:
        read_network(real, data)
    assert err.value.field == field


def test_a_poisoned_figure_in_a_network_file_is_refused(real, exports) -> None:
    data = network_file(real, exports[:10], {}, "2027-01-01")
    data["groups"][0]["overall"]["median"] = float("inf")
    with pytest.raises(AssessmentError):
        read_network(real, json.loads(json.dumps(data)))


def test_the_worker_ops_answer_with_the_same_figures(real, exports) -> None:
    browser.call("init", json.dumps({"bundle": make_bundle(read_sources(REAL))}))
    files = [{"name": f"{n}.json", "text": json.dumps(e)} for n, e in enumerate(exports)]
    reply = json.loads(browser.call("network_view", json.dumps({"files": files, "filters": {"type": "EI"}})))
    assert reply["ok"] and reply["data"]["view"] == json.loads(json.dumps(aggregate(real, exports, {"type": "EI"})))
    assert 'data-stat="overall"' in reply["data"]["html"]
    csv = json.loads(browser.call("network_view", json.dumps({"files": files, "output": "csv"})))["data"]["text"]
    assert csv.startswith("\ufeffGroupe;")
    published = json.loads(browser.call("network_view", json.dumps({"files": files, "output": "network",
                                                                     "date": "2027-03-01"})))["data"]["text"]
    own = make_assessment(real, __import__("random").Random(3), 5)
    got = json.loads(browser.call("network_peers", json.dumps({"network": published, "assessment": own})))
    assert got["ok"] and got["data"]["group"]["count"] >= MIN_GROUP


def test_the_cli_writes_the_same_network_file_as_the_page(real, exports, folder, tmp_path) -> None:
    out = tmp_path / "reseau.json"
    subprocess.run([sys.executable, "-m", "cap", "-q", str(REAL), "aggregate", "--reseau", str(out),
                    *map(str, folder)], capture_output=True, text=True, check=True, cwd=ROOT)
    browser.call("init", json.dumps({"bundle": make_bundle(read_sources(REAL))}))
    files = [{"name": p.name, "text": p.read_text(encoding="utf-8")} for p in folder]
    page = json.loads(json.loads(browser.call("network_view", json.dumps({"files": files, "output": "network"})))
                      ["data"]["text"])
    cli = json.loads(out.read_text(encoding="utf-8"))
    assert cli.pop("date") and page.pop("date")
    assert cli == page


def test_files_sent_once_by_id_and_asked_again_when_the_engine_lacks_them(real, exports) -> None:
    browser.call("init", json.dumps({"bundle": make_bundle(read_sources(REAL))}))
    ask = lambda files: json.loads(browser.call("network_view", json.dumps({"files": files})))["data"]  # noqa: E731
    ids = [{"id": 10_000 + n, "name": f"{n}.json"} for n in range(len(exports))]
    assert ask(ids)["missing"] == [f["id"] for f in ids]  # never sent: the page must send the texts
    full = ask([{**f, "text": json.dumps(e)} for f, e in zip(ids, exports, strict=True)])
    assert ask(ids)["view"] == full["view"]
