"""`python -m cap`: the commands, their outputs, and errors as one French line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import MINI, ROOT, assessment


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cap", "-q", str(MINI), *args], capture_output=True, text=True,
                          cwd=cwd, env={"PYTHONPATH": str(ROOT / "py"), "PATH": "/usr/bin:/bin"})


@pytest.fixture()
def files(tmp_path: Path) -> list[Path]:
    paths = []
    for n, answers in enumerate(({"AA-ONE-01": 2, "AA-ONE-02": 2}, {"AA-ONE-01": 4, "AA-ONE-02": 1})):
        p = tmp_path / f"p{n}.json"
        p.write_text(json.dumps(assessment(answers, id=str(n))), encoding="utf-8")
        paths.append(p)
    return paths


def test_score_json_has_the_documented_keys(files) -> None:
    out = run("score", str(files[0]), "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["overall"]["percent"] == pytest.approx(100 / 3)
    assert set(data["pillars"]["AA"]) >= {"percent", "completion"}
    assert "percent" in data["themes"]["AA-ONE"]


def test_score_text_is_french(files) -> None:
    assert "Score global : 33,3" in run("score", str(files[0])).stdout


def test_validate_real_questionnaire() -> None:
    out = subprocess.run([sys.executable, "-m", "cap", "validate", "questionnaire"], capture_output=True, text=True,
                         cwd=ROOT, env={"PYTHONPATH": str(ROOT / "py"), "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0 and "valide" in out.stdout


def test_report_plan_csv_consolidate_compare_aggregate(files, tmp_path) -> None:
    assert run("report", str(files[0]), "-o", str(tmp_path / "plan.html")).returncode == 0
    assert "Plan de progrès" in (tmp_path / "plan.html").read_text(encoding="utf-8")
    assert run("plan", str(files[0]), "--csv", "-o", str(tmp_path / "plan.csv")).returncode == 0
    assert (tmp_path / "plan.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    out = run("consolidate", *map(str, files), "-o", str(tmp_path / "merged.json"))
    assert out.returncode == 0, out.stderr
    merged = json.loads((tmp_path / "merged.json").read_text(encoding="utf-8"))
    assert merged["kind"] == "consolidated" and merged["answers"]["AA-ONE-01"] == {"value": 2}
    assert "Critères en progrès : 1" in run("compare", *map(str, files)).stdout
    assert run("evolution", *map(str, files), "-o", str(tmp_path / "evo.html")).returncode == 0
    assert "Évolution dans le temps" in (tmp_path / "evo.html").read_text(encoding="utf-8")
    out = run("aggregate", *map(str, files), "--json", "--html", str(tmp_path / "reseau.html"))
    assert json.loads(out.stdout)["count"] == 2
    assert (tmp_path / "reseau.html").exists()


def test_error_is_one_french_line_without_traceback(tmp_path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("pas du json", encoding="utf-8")
    out = run("score", str(bad))
    assert out.returncode == 1
    assert out.stderr.strip().count("\n") == 0 and "Traceback" not in out.stderr
    assert "n'est pas au format JSON" in out.stderr
    assert run("score", str(tmp_path / "absent.json")).returncode == 1


def test_invalid_questionnaire_names_file_id_field(tmp_path) -> None:
    import shutil
    q = tmp_path / "q"
    shutil.copytree(MINI, q)
    path = q / "pillars" / "a.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("weight: 2", "weight: 0"), encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "cap", "validate", str(q)], capture_output=True, text=True,
                         env={"PYTHONPATH": str(ROOT / "py"), "PATH": "/usr/bin:/bin"})
    assert out.returncode == 1
    assert "pillars/a.yaml, « AA-ONE-02 », champ « weight »" in out.stderr and "Traceback" not in out.stderr
