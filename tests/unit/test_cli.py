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


def test_version_is_the_package_version() -> None:
    """One version number: pyproject.toml reads cap.__version__ (setuptools dynamic version)."""
    import tomllib
    from importlib.metadata import version

    import cap

    result = run("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"CAP en ligne {cap.__version__}"
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" in project["project"]["dynamic"] and "version" not in project["project"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "cap.__version__"}
    assert version("cap-en-ligne") == cap.__version__  # the installed metadata says the same


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


# -- no traceback, whatever the input: bad files are set aside or refused in French -------------

_BUNDLE: list[Path] = []


@pytest.fixture(scope="module", autouse=True)
def _mini_bundle(tmp_path_factory) -> None:
    """The mini questionnaire as a JSON bundle: loads in 1 ms rather than 60 (YAML)."""
    from cap.load import make_bundle, read_sources
    path = tmp_path_factory.mktemp("bundle") / "questionnaire.json"
    path.write_text(json.dumps(make_bundle(read_sources(MINI))), encoding="utf-8")
    _BUNDLE[:] = [path]


def cli(capsys, *args: str) -> tuple[int, str, str]:
    """Run the CLI in-process (fast); an exception escaping `main` fails the test by itself."""
    from cap.cli import main
    try:
        code = main(["-q", str(_BUNDLE[0]), *args])
    except SystemExit as exc:  # argparse
        code = exc.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture()
def bad_files(tmp_path: Path) -> dict[str, Path]:
    """One of each kind of file that crashed a command before."""
    folder = tmp_path / "bad"
    folder.mkdir()
    paths = {
        "nested": folder / "nested.json", "nested-object": folder / "nested-object.json",
        "invalid-utf8": folder / "latin1.json", "huge-int": folder / "huge-int.json",
        "directory": folder / "a-folder.json", "missing": folder / "missing.json",
        "big-float": folder / "big-float.json", "empty": folder / "empty.json",
    }
    paths["nested"].write_text("[" * 100_000)
    paths["nested-object"].write_text('{"format": "cap-evaluation", "answers": ' + "[" * 100_000)
    paths["invalid-utf8"].write_bytes('{"format": "cap-évaluation"}'.encode("latin-1"))
    paths["huge-int"].write_text('{"format": "cap-evaluation", "format_version": ' + "9" * 5000 + "}")
    paths["directory"].mkdir()
    paths["big-float"].write_text('{"format": "cap-evaluation", "format_version": 1e999}')
    paths["empty"].write_bytes(b"")
    return paths


@pytest.fixture()
def many(tmp_path: Path) -> list[Path]:
    """Three good files of one structure, at three dates."""
    paths = []
    for n, (answers, when) in enumerate((({"AA-ONE-01": 2}, "2025-01-10"), ({"AA-ONE-01": 3}, "2026-01-10"),
                                         ({"AA-ONE-01": 4, "AA-ONE-02": 1}, "2027-01-10"))):
        p = tmp_path / f"good{n}.json"
        p.write_text(json.dumps(assessment(answers, id=f"g{n}", updated=f"{when}T10:00:00Z")), encoding="utf-8")
        paths.append(p)
    return paths


@pytest.mark.parametrize("command", ["consolidate", "evolution", "aggregate"])
def test_one_bad_file_among_many_is_set_aside_with_its_reason(command, many, bad_files, tmp_path) -> None:
    out_file = tmp_path / "out.file"
    target = ["--html", str(out_file)] if command == "aggregate" else ["-o", str(out_file)]
    files = [str(many[0]), *map(str, bad_files.values()), *map(str, many[1:])]
    out = run(command, *files, *target)
    assert out.returncode == 0, out.stderr
    assert "Traceback" not in out.stderr and "Error" not in out.stderr
    for path in bad_files.values():
        line = next((x for x in out.stderr.splitlines() if str(path) in x), "")
        assert "écarté" in line, (path, out.stderr)
    assert "introuvable" in out.stderr and "est un dossier" in out.stderr
    assert "8 fichiers écartés sur 11" in out.stderr
    assert out_file.stat().st_size > 0


@pytest.mark.parametrize("kind", ["nested", "nested-object", "invalid-utf8", "huge-int", "directory", "missing",
                                  "big-float", "empty"])
@pytest.mark.parametrize("command", [("score",), ("report",), ("plan",), ("plan", "--csv"), ("compare", "GOOD")])
def test_a_bad_single_file_is_one_french_error(capsys, command, kind, bad_files, many) -> None:
    args = [str(many[0]) if a == "GOOD" else a for a in command]
    code, out, err = cli(capsys, args[0], str(bad_files[kind]), *args[1:])
    assert code == 1 and out == ""
    assert err.startswith("Erreur : ") and str(bad_files[kind]) in err and err.count("\n") == 1


def test_all_files_bad_is_an_error(capsys, bad_files) -> None:
    for command in ("consolidate", "evolution", "aggregate"):
        code, _, err = cli(capsys, command, *map(str, bad_files.values()))
        assert code == 1 and "Erreur : " in err


# -- aggregate: anonymised files are checked like assessments --------------------------------------

def _anonymised(n: int, **scores) -> dict:
    from cap.aggregate import anonymise
    from cap.load import load
    data = anonymise(load(MINI), assessment({"AA-ONE-01": n}, id=str(n)))
    data["scores"].update(scores)
    return data


def test_aggregate_refuses_poisoned_scores_and_never_writes_nan(capsys, tmp_path) -> None:
    good = [tmp_path / f"ok{n}.json" for n in (1, 2, 3, 4, 5)]  # five: below five, no figure is given
    for n, p in enumerate(good, start=1):
        p.write_text(json.dumps(_anonymised(1 + n % 4)), encoding="utf-8")
    poisons = {"nan": "NaN", "inf": "Infinity", "big": "1e300", "neg": "-5000", "bool": "true", "text": '"50"'}
    bad = {}
    for name, literal in poisons.items():
        p = tmp_path / f"poison-{name}.json"
        p.write_text(json.dumps(_anonymised(2, overall=0)).replace('"overall": 0', f'"overall": {literal}'),
                     encoding="utf-8")
        bad[name] = p
    wrong_type = tmp_path / "wrong-type.json"
    wrong_type.write_text(json.dumps(_anonymised(2, pillars=[1, 2])), encoding="utf-8")
    html = tmp_path / "reseau.html"
    code, out, err = cli(capsys, "aggregate", *map(str, good), *map(str, bad.values()), str(wrong_type),
                         "--json", "--html", str(html))
    assert code == 0, err
    result = json.loads(out, parse_constant=lambda c: pytest.fail(f"{c} in the JSON output"))
    assert result["count"] == 5 and result["refused"] == len(bad) + 1
    assert result["overall"]["max"] <= 100 and result["overall"]["min"] >= 0
    for p in bad.values():
        assert f"{p} : écarté : " in err
    assert "champ « scores.overall »" in err and "champ « scores.pillars »" in err
    assert "inf" not in html.read_text(encoding="utf-8").lower().replace("information", "")


def test_aggregate_reads_full_assessments_and_exports_together(capsys, many, tmp_path) -> None:
    export = tmp_path / "export.json"
    export.write_text(json.dumps(_anonymised(4)), encoding="utf-8")
    code, out, _ = cli(capsys, "aggregate", str(many[0]), str(export), "--json")
    assert code == 0 and json.loads(out)["count"] == 2


# -- outputs: never over an input, French OS errors, atomic writes ---------------------------------

OUTPUT_COMMANDS = {
    "report": lambda f: ["report", str(f[0]), "-o"],
    "report --summary": lambda f: ["report", str(f[0]), "--summary", "-o"],
    "plan": lambda f: ["plan", str(f[0]), "-o"],
    "plan --csv": lambda f: ["plan", str(f[0]), "--csv", "-o"],
    "consolidate": lambda f: ["consolidate", str(f[0]), str(f[1]), "-o"],
    "evolution": lambda f: ["evolution", str(f[0]), str(f[1]), "-o"],
    "aggregate --html": lambda f: ["aggregate", str(f[0]), str(f[1]), "--html"],
    "aggregate -o": lambda f: ["aggregate", str(f[0]), str(f[1]), "-o"],
}


def _bad_output(case: str, inputs: list[Path], tmp_path: Path) -> tuple[str, str]:
    """(output path, what the French message must say)."""
    if case == "directory":
        return str(tmp_path), "est un dossier"
    if case == "missing folder":
        return str(tmp_path / "nope" / "out.txt"), "n'existe pas"
    if case == "file as folder":
        return str(inputs[0] / "out.txt"), "n'est pas un dossier"
    if case == "first input":
        return str(inputs[0]), "fichier d'entrée"
    if case == "second input":
        return str(inputs[1]), "fichier d'entrée"
    if case == "symlink to input":
        link = tmp_path / "link.json"
        link.symlink_to(inputs[0])
        return str(link), "fichier d'entrée"
    if case == "hard link to input":
        link = tmp_path / "hard.json"
        link.hardlink_to(inputs[0])
        return str(link), "fichier d'entrée"
    if case == "input by another path":
        return str(tmp_path / "." / ".." / tmp_path.name / inputs[0].name), "fichier d'entrée"
    raise AssertionError(case)


BAD_OUTPUTS = ["directory", "missing folder", "file as folder", "first input", "second input", "symlink to input",
               "hard link to input", "input by another path"]


@pytest.mark.parametrize(("command", "case"), [
    (command, case) for command in OUTPUT_COMMANDS for case in BAD_OUTPUTS
    if not (case == "second input" and command.startswith(("report", "plan")))  # one input: the 2nd file is free
])
def test_bad_output_is_refused_in_french_and_inputs_are_untouched(capsys, command, case, files, tmp_path) -> None:
    before = [p.read_bytes() for p in files]
    listing = sorted(tmp_path.iterdir())
    output, says = _bad_output(case, files, tmp_path)
    if case in ("symlink to input", "hard link to input"):
        listing = sorted(tmp_path.iterdir())
    args = OUTPUT_COMMANDS[command](files)
    code, _, err = cli(capsys, *args, output)
    assert code == 1, err
    assert err.startswith("Erreur : ") and says in err and "Errno" not in err, err
    assert [p.read_bytes() for p in files] == before
    assert sorted(tmp_path.iterdir()) == listing  # no half-written or temporary file left behind


def test_output_over_the_questionnaire_is_refused(capsys, files, tmp_path) -> None:
    import shutil
    q = tmp_path / "q"
    shutil.copytree(MINI, q)
    before = (q / "meta.yaml").read_bytes()
    from cap.cli import main
    code = main(["-q", str(q), "report", str(files[0]), "-o", str(q / "meta.yaml")])
    assert code == 1 and "questionnaire" in capsys.readouterr().err
    assert (q / "meta.yaml").read_bytes() == before


def test_same_path_for_two_outputs_is_refused(capsys, files, tmp_path) -> None:
    code, _, err = cli(capsys, "aggregate", *map(str, files), "--html", str(tmp_path / "x"), "-o", str(tmp_path / "x"))
    assert code == 1 and "même fichier" in err


@pytest.mark.parametrize(("error", "says"), [
    (PermissionError(13, "Permission denied"), "droit"),
    (OSError(28, "No space left on device"), "place"),
    (OSError(30, "Read-only file system"), "lecture seule"),
    (OSError(5, "Input/output error"), "erreur système 5"),
])
@pytest.mark.parametrize("command", ["report", "plan --csv", "consolidate", "aggregate --html"])
def test_failed_write_leaves_the_old_file_whole(capsys, monkeypatch, files, tmp_path, command, error, says) -> None:
    import os
    target = tmp_path / "existing.out"
    target.write_text("previous content", encoding="utf-8")
    real_replace = os.replace

    def failing_replace(src, dst):
        if Path(dst) == target:
            raise error
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_replace)
    code, _, err = cli(capsys, *OUTPUT_COMMANDS[command](files), str(target))
    assert code == 1 and err.startswith("Erreur : ") and says in err and "Errno" not in err, err
    assert target.read_text(encoding="utf-8") == "previous content"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["existing.out", *(p.name for p in files)])


def test_write_replaces_an_existing_output_and_keeps_its_permissions(capsys, files, tmp_path) -> None:
    target = tmp_path / "plan.csv"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    code, _, err = cli(capsys, "plan", str(files[0]), "--csv", "-o", str(target))
    assert code == 0, err
    assert target.read_bytes().startswith(b"\xef\xbb\xbf") and (target.stat().st_mode & 0o777) == 0o640
    assert f"Écrit : {target}" in err


def test_write_through_a_symlink_keeps_the_link(capsys, files, tmp_path) -> None:
    real = tmp_path / "real.html"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.html"
    link.symlink_to(real)
    code, _, _ = cli(capsys, "report", str(files[0]), "-o", str(link))
    assert code == 0 and link.is_symlink() and "Plan de progrès" in real.read_text(encoding="utf-8")


def test_plan_csv_over_its_input_is_refused_by_the_real_cli(files) -> None:
    before = files[0].read_bytes()
    out = run("plan", str(files[0]), "--csv", "-o", str(files[0]))
    assert out.returncode == 1 and "Traceback" not in out.stderr and "fichier d'entrée" in out.stderr
    assert files[0].read_bytes() == before


# -- usage and help -----------------------------------------------------------------------------

def test_help_documents_the_exit_codes() -> None:
    out = run("--help")
    assert out.returncode == 0
    assert "Codes de sortie" in out.stdout
    for code in ("0 ", "1 ", "2 ", "3 "):
        assert f"\n  {code}" in out.stdout


@pytest.mark.parametrize("args", [("score",), ("nope",), ("score", "a.json", "--nope"), ()])
def test_usage_errors_exit_2_in_french(args) -> None:
    out = run(*args)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert "erreur" in out.stderr and "error:" not in out.stderr and "usage:" not in out.stderr


def test_internal_error_is_exit_3_without_traceback(capsys, monkeypatch, files) -> None:
    import cap.cli

    def broken(*_args, **_kwargs):
        raise ZeroDivisionError("bug")

    monkeypatch.setattr(cap.cli, "score", broken)
    code, _, err = cli(capsys, "score", str(files[0]))
    assert code == 3 and "Erreur interne" in err and "ZeroDivisionError" in err


def test_a_pipe_as_output_is_written_to_not_replaced(capsys, files, tmp_path) -> None:
    import os
    import threading
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    code, _, err = cli(capsys, "plan", str(files[0]), "--csv", "-o", str(fifo))
    reader.join(timeout=10)
    assert code == 0, err
    assert received and received[0].startswith(b"\xef\xbb\xbf")
    assert fifo.is_fifo()


def test_a_name_with_a_nul_byte_is_refused_in_french(capsys, files) -> None:
    code, _, err = cli(capsys, "score", "bad\x00name.json")
    assert code == 1 and "nom de fichier invalide" in err


def _old_file(tmp_path: Path, stype: str = "SAP") -> Path:
    raw = assessment({"AA-ONE-01": 2, "AA-ONE-09": 3}, plan=[{"id": "p", "criterion": "AA-ONE-09", "action": "Écrire"}])
    raw["format_version"] = 1
    raw["questionnaire"]["version"] = "2025.1"
    raw["structure"] = {"name": "Ancienne", "type": stype}
    path = tmp_path / "ancien.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    return path


def test_migrate_writes_the_file_brought_up_to_date_and_says_what_changed(tmp_path) -> None:
    old = _old_file(tmp_path)
    before = old.read_bytes()
    out = run("migrate", str(old), "-o", str(tmp_path / "nouveau.json"))
    assert out.returncode == 0, out.stderr
    assert "mis à jour : Votre fichier a été créé avec le référentiel 2025.1" in out.stderr
    assert "Services à la personne" in out.stderr and "1 critère renommé" in out.stderr
    new = json.loads((tmp_path / "nouveau.json").read_text(encoding="utf-8"))
    assert new["format_version"] == 2 and new["structure"]["activities"] == ["SAP_PRESTATAIRE", "SAP_MANDATAIRE",
                                                                             "SAP_MAD"]
    assert new["answers"]["AA-ONE-02"] == {"value": 3} and new["plan"][0]["criterion"] == "AA-ONE-02"
    assert old.read_bytes() == before  # the input is never changed
    again = run("migrate", str(tmp_path / "nouveau.json"))
    assert again.returncode == 0 and "déjà à jour" in again.stderr and json.loads(again.stdout) == new
    assert run("migrate", str(old), "-o", str(old)).returncode == 1  # never over its input
    assert run("migrate", str(tmp_path / "absent.json")).returncode == 1


@pytest.mark.parametrize("command", [["score"], ["plan"], ["report", "-o", "-"]])
def test_score_report_plan_print_the_summary_of_an_older_file(tmp_path, command) -> None:
    old = _old_file(tmp_path, "ACI")
    out = run(command[0], str(old), *command[1:])
    assert out.returncode == 0, out.stderr
    assert "mis à jour : Votre fichier a été créé avec le référentiel 2025.1" in out.stderr
