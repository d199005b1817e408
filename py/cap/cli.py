"""`python -m cap`: validate, score, report, plan, consolidate, compare, evolution, aggregate.

Library errors become one French line on stderr and exit code 1 (2 for usage errors), in one place.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from . import report
from .aggregate import ANONYMOUS_KIND, aggregate
from .compare import compare
from .consolidate import check_set, consolidate
from .errors import AssessmentError, CapError, QuestionnaireErrors
from .formats import dump, parse_text, read_assessment
from .load import load
from .model import Questionnaire
from .plan import plan_csv, suggestions
from .score import score

DEFAULT_QUESTIONNAIRE = "questionnaire"


def _questionnaire(args: argparse.Namespace) -> Questionnaire:
    return load(args.questionnaire)


def _read(q: Questionnaire, path: str) -> dict[str, Any]:
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise CapError(f"{path} : fichier introuvable ou illisible.") from exc
    try:
        assessment, warnings = read_assessment(raw, q)
    except AssessmentError as exc:
        raise CapError(f"{path} : {exc}") from exc
    for w in warnings:
        print(f"{path} : attention : {w}", file=sys.stderr)
    return assessment


def _write(text: str, output: str | None, encoding: str = "utf-8") -> None:
    if output in (None, "-"):
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        Path(output).write_text(text, encoding=encoding, newline="")
        print(f"Écrit : {output}", file=sys.stderr)


def cmd_validate(args: argparse.Namespace) -> int:
    q = load(args.dir)
    print(f"Questionnaire « {q.id} » version {q.version} valide : {len(q.pillars)} piliers, {len(q.themes)} thèmes, "
          f"{len(q.criteria)} critères, {len(q.offers)} offres, {len(q.indicators)} indicateurs.")
    return 0


def _scores_json(s: dict[str, Any]) -> dict[str, Any]:
    return {"overall": s["overall"], "pillars": s["pillars"],
            "themes": s["themes"], "criteria": s["criteria"]}


def cmd_score(args: argparse.Namespace) -> int:
    from . import fmt
    q = _questionnaire(args)
    s = score(q, _read(q, args.file))
    if args.json:
        print(json.dumps(_scores_json(s), ensure_ascii=False, indent=2))
        return 0
    print(f"Score global : {fmt.percent(s['overall']['percent'])} ({fmt.level(s['overall']['level'])})")
    for p in q.pillars:
        ps = s["pillars"][p.id]
        flag = " — résultat partiel" if ps["partial"] else ""
        done = fmt.percent(None if ps["completion"] is None else ps["completion"] * 100)
        print(f"  {p.title} : {fmt.percent(ps['percent'])} (réponses : {done}){flag}")
        for t in p.themes:
            print(f"    {t.title} : {fmt.percent(s['themes'][t.id]['percent'])}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    q = _questionnaire(args)
    a = _read(q, args.file)
    _write(report.summary_page(q, a) if args.summary else report.plan_page(q, a), args.output)
    return 0


def cmd_plan(args: argparse.Namespace) -> int:
    q = _questionnaire(args)
    a = _read(q, args.file)
    if args.csv:
        _write(plan_csv(q, a), args.output)
    else:
        _write(json.dumps(suggestions(q, a), ensure_ascii=False, indent=2), args.output)
    return 0


def cmd_consolidate(args: argparse.Namespace) -> int:
    q = _questionnaire(args)
    files = []
    for path in args.files:
        try:
            files.append((path, _read(q, path)))
        except CapError as exc:
            print(f"écarté : {exc}", file=sys.stderr)
    checked = check_set(q, files)
    for note in checked["notes"]:
        print(f"{note['file'] or 'ensemble'} : {note['message']}", file=sys.stderr)
    if not checked["kept"]:
        raise CapError("Aucun fichier lisible à consolider.")
    merged = consolidate(q, [a for _, a in checked["kept"]], show_names=args.names)
    _write(dump(merged), args.output)
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    from . import fmt
    q = _questionnaire(args)
    result = compare(q, _read(q, args.old), _read(q, args.new))
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return 0
    print(f"Score global : {fmt.percent(result['old']['overall'])} → {fmt.percent(result['new']['overall'])}")
    for p in q.pillars:
        d = result["pillars"][p.id]
        print(f"  {p.title} : {fmt.percent(d['old'])} → {fmt.percent(d['new'])}")
    print(f"Critères en progrès : {len(result['rose'])} ; en recul : {len(result['fell'])} ; "
          f"actions terminées : {len(result['plan_done'])}")
    return 0


def cmd_evolution(args: argparse.Namespace) -> int:
    from .evolution import evolution_page, order
    q = _questionnaire(args)
    ordered = order([(path, _read(q, path)) for path in args.files])
    for note in ordered["notes"]:
        print(f"{note['file'] or 'ensemble'} : {note['message']}", file=sys.stderr)
    if len(ordered["kept"]) < 2:
        raise CapError("Il faut au moins deux évaluations différentes pour voir une évolution.")
    _write(evolution_page(q, [a for _, a in ordered["kept"]]), args.output)
    return 0


def _read_any(q: Questionnaire, path: str) -> dict[str, Any]:
    data = parse_text(Path(path).read_bytes())
    if data.get("kind") == ANONYMOUS_KIND:
        if data.get("format") != "cap-evaluation" or (data.get("questionnaire") or {}).get("id") != q.id:
            raise AssessmentError("export anonymisé d'un autre questionnaire")
        if not isinstance(data.get("scores"), dict):
            raise AssessmentError("export anonymisé sans scores", "scores", code="types")
        return data
    assessment, _ = read_assessment(data, q)
    return assessment


def cmd_aggregate(args: argparse.Namespace) -> int:
    q = _questionnaire(args)
    items, refused = [], 0
    for path in args.files:
        try:
            items.append(_read_any(q, path))
        except (AssessmentError, OSError) as exc:
            refused += 1
            print(f"{path} : écarté : {exc}", file=sys.stderr)
    if not items:
        raise CapError("Aucun fichier lisible à agréger.")
    result = aggregate(q, items)
    result["refused"] = refused
    if args.html:
        from .network import network_page
        _write(network_page(q, result), args.html)
    if args.json or not args.html:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m cap", description="CAP en ligne : moteur d'auto-évaluation.")
    parser.add_argument("-q", "--questionnaire", default=DEFAULT_QUESTIONNAIRE,
                        help="dossier du questionnaire (YAML) ou paquet questionnaire.json (défaut : questionnaire)")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("validate", help="vérifier le questionnaire")
    p.add_argument("dir", nargs="?", default=DEFAULT_QUESTIONNAIRE)
    p.set_defaults(func=cmd_validate)
    p = sub.add_parser("score", help="calculer les scores d'une évaluation")
    p.add_argument("file")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_score)
    p = sub.add_parser("report", help="plan de progrès imprimable (HTML autonome)")
    p.add_argument("file")
    p.add_argument("-o", "--output")
    p.add_argument("--summary", action="store_true", help="la synthèse d'une page seulement")
    p.set_defaults(func=cmd_report)
    p = sub.add_parser("plan", help="plan de progrès (JSON, ou CSV avec --csv)")
    p.add_argument("file")
    p.add_argument("--csv", action="store_true")
    p.add_argument("-o", "--output")
    p.set_defaults(func=cmd_plan)
    p = sub.add_parser("consolidate", help="fusionner les évaluations des participants")
    p.add_argument("files", nargs="+")
    p.add_argument("-o", "--output")
    p.add_argument("--names", action="store_true", help="garder les noms des participants")
    p.set_defaults(func=cmd_consolidate)
    p = sub.add_parser("compare", help="comparer deux évaluations")
    p.add_argument("old")
    p.add_argument("new")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_compare)
    p = sub.add_parser("evolution", help="évolution dans le temps de plusieurs évaluations (HTML imprimable)")
    p.add_argument("files", nargs="+")
    p.add_argument("-o", "--output")
    p.set_defaults(func=cmd_evolution)
    p = sub.add_parser("aggregate", help="statistiques réseau à partir de nombreux fichiers")
    p.add_argument("files", nargs="+")
    p.add_argument("--json", action="store_true")
    p.add_argument("--html", help="écrire aussi un rapport HTML autonome")
    p.set_defaults(func=cmd_aggregate)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except QuestionnaireErrors as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 1
    except CapError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
