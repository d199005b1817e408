"""`python -m cap`: validate, score, report, plan, migrate, consolidate, compare, evolution, aggregate.

The promise: no traceback on any input, French messages, nothing lost. Library errors become one
French line on stderr, in one place (`main`), with the exit codes of `EPILOG`. A file that cannot
be read is refused by a one-file command, and set aside (named, with its reason) by the commands
that take many. Outputs never replace an input and are written atomically.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import json
import os
import re
import stat
import sys
import tempfile
from pathlib import Path
from typing import Any

from . import __version__, report
from .aggregate import ANONYMOUS_KIND, FILTER_KEYS, MIN_GROUP, SIZE_LABELS, aggregate, read_anonymous
from .compare import compare
from .consolidate import check_set, consolidate
from .errors import CapError, QuestionnaireErrors
from .formats import MAX_BYTES, dump, parse_text, read_and_migrate
from .load import load
from .model import Questionnaire
from .plan import plan_csv, suggestions
from .score import score

DEFAULT_QUESTIONNAIRE = "questionnaire"

EXIT_OK, EXIT_USER, EXIT_USAGE, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
EPILOG = """\
Codes de sortie :
  0   terminé ; les fichiers écartés (illisibles, invalides, en double) sont nommés, avec la
      raison, sur la sortie d'erreur
  1   erreur que vous pouvez corriger : fichier illisible ou invalide, questionnaire invalide, aucun
      fichier lisible, sortie impossible à écrire (dossier absent, droits, disque plein) ou qui
      écraserait un fichier d'entrée
  2   commande mal formée (argument manquant ou inconnu)
  3   erreur interne du moteur : merci de la signaler (CAP_DEBUG=1 affiche le détail technique)
  130 interrompu (Ctrl+C)
"""


# -- French argparse ----------------------------------------------------------------------------

_ARGPARSE_FR = (
    (r"the following arguments are required: (.*)", r"argument(s) obligatoire(s) manquant(s) : \1"),
    (r"unrecognized arguments: (.*)", r"argument(s) inconnu(s) : \1"),
    (r"argument (.*?): invalid choice: (.*?) \(choose from (.*)\)", r"argument \1 : choix inconnu \2 (possibles : \3)"),
    (r"argument (.*?): expected one argument", r"argument \1 : une valeur est attendue"),
    (r"argument (.*?): expected at least one argument", r"argument \1 : au moins une valeur est attendue"),
    (r"ambiguous option: (.*?) could match (.*)", r"option ambiguë : \1 peut désigner \2"),
    (r"argument (.*?): (.*)", r"argument \1 : \2"),
)


def _french_usage_error(message: str) -> str:
    for pattern, french in _ARGPARSE_FR:
        if re.fullmatch(pattern, message, flags=re.DOTALL):
            return re.sub(pattern, french, message, flags=re.DOTALL)
    return message


class _Formatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, "usage : " if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """argparse with French titles and messages (Python's own are English)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "arguments"
        self._optionals.title = "options"
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                          help="afficher cette aide et quitter")

    def error(self, message: str) -> Any:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog} : erreur : {_french_usage_error(message)}\n")


# -- reading inputs: every failure is a French reason naming the file -----------------------------

class Unreadable(CapError):
    """One input file that cannot be used; `reason` is French, the message names the file."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path} : {reason}")


def _os_reason(exc: OSError, path: str, writing: bool) -> str:
    """A French reason for an OS error on `path` (Python's own messages are English)."""
    folder = os.path.dirname(os.path.abspath(path))
    if isinstance(exc, IsADirectoryError):
        return ("est un dossier : indiquez un nom de fichier dans ce dossier" if writing
                else "c'est un dossier, pas un fichier")
    if isinstance(exc, FileNotFoundError):
        return f"le dossier « {folder} » n'existe pas" if writing else "fichier introuvable"
    if isinstance(exc, NotADirectoryError):
        return f"« {folder} » n'est pas un dossier" if writing else "chemin invalide (une partie n'est pas un dossier)"
    if isinstance(exc, PermissionError):
        return ("vous n'avez pas le droit d'écrire ici (permissions)" if writing
                else "vous n'avez pas le droit de lire ce fichier (permissions)")
    known = {errno.ENOSPC: "plus de place sur le disque", errno.EROFS: "disque en lecture seule",
             errno.ENAMETOOLONG: "nom de fichier trop long", errno.ELOOP: "trop de liens symboliques en boucle",
             errno.EDQUOT: "quota de disque dépassé"}
    if exc.errno in known:
        return known[exc.errno]
    action = "écriture" if writing else "lecture"
    return f"{action} impossible (erreur système {exc.errno})" if exc.errno else f"{action} impossible"


def _read_reason(exc: BaseException) -> str:
    """A French reason for any other exception raised while reading one input file."""
    if isinstance(exc, RecursionError):
        return "le fichier est trop imbriqué pour être une évaluation CAP"
    if isinstance(exc, MemoryError):
        return "le fichier est trop gros pour la mémoire disponible"
    if isinstance(exc, UnicodeError):
        return "le texte n'est pas lisible (encodage UTF-8 attendu) : ce n'est pas une évaluation CAP"
    if isinstance(exc, OverflowError):
        return "un nombre du fichier est hors limites : ce n'est pas une évaluation CAP"
    if isinstance(exc, ValueError):
        return ("une valeur du fichier est illisible (un nombre trop long, par exemple) : "
                "ce n'est pas une évaluation CAP")
    return f"le fichier ne peut pas être lu comme une évaluation CAP (erreur interne : {type(exc).__name__})"


def _read_bytes(path: str) -> bytes:
    try:
        with open(path, "rb") as f:
            raw = f.read(MAX_BYTES + 1)
            size = max(len(raw), os.fstat(f.fileno()).st_size)
    except OSError as exc:
        raise Unreadable(path, _os_reason(exc, path, writing=False)) from exc
    except ValueError as exc:  # a NUL byte in the name
        raise Unreadable(path, "nom de fichier invalide") from exc
    if len(raw) > MAX_BYTES:
        raise Unreadable(path, f"fichier trop volumineux ({size / 1_000_000:.1f} Mo) : une évaluation CAP pèse moins "
                               f"de {MAX_BYTES // 1_000_000} Mo")
    return raw


def _read(q: Questionnaire, path: str, anonymous: bool = False, summary: bool = False) -> dict[str, Any]:
    """One input file, checked; with `anonymous`, an anonymised export is accepted too.

    Raises `Unreadable` whatever goes wrong (the format reader's French message, or a reason for
    an OS error, a nesting too deep, a huge number, bad UTF-8…); prints the reader's warnings and,
    with `summary`, what the reading changed in an older file.
    """
    return _read_migrated(q, path, anonymous, summary)[0]


def _read_migrated(q: Questionnaire, path: str, anonymous: bool = False,
                   summary: bool = False) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """`_read`, with the migration (`formats.read_and_migrate`) or None."""
    raw = _read_bytes(path)
    try:
        data = parse_text(raw)
        if anonymous and data.get("kind") == ANONYMOUS_KIND:
            return read_anonymous(data, q), None
        assessment, warnings, migration = read_and_migrate(data, q)
    except CapError as exc:
        raise Unreadable(path, str(exc)) from exc
    except Exception as exc:  # any other failure on one untrusted file is that file's, not the command's
        raise Unreadable(path, _read_reason(exc)) from exc
    if summary and migration:
        _err(f"{path} : mis à jour : {migration['summary']}")
    for w in warnings:
        _err(f"{path} : attention : {w}")
    return assessment, migration


def _read_many(q: Questionnaire, paths: list[str], anonymous: bool = False) -> tuple[list[tuple[str, Any]], int]:
    """Read many files, setting aside (and naming, with the reason) those that cannot be used."""
    kept, refused = [], 0
    for path in paths:
        try:
            kept.append((path, _read(q, path, anonymous)))
        except Unreadable as exc:
            refused += 1
            _err(f"{exc.path} : écarté : {exc.reason}")
    if refused:
        s = "s" if refused > 1 else ""
        _err(f"{refused} fichier{s} écarté{s} sur {len(paths)} (illisible{s} ou invalide{s}).")
    return kept, refused


# -- writing outputs: never over an input, French errors, atomic ----------------------------------

def _err(text: str) -> None:
    print(text, file=sys.stderr)


def _out(text: str) -> None:
    """Standard output, always UTF-8 (JSON is), whatever the console's encoding; never a crash."""
    data = (text if text.endswith("\n") else text + "\n").encode("utf-8", "backslashreplace")
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        sys.stdout.write(data.decode("utf-8"))
        return
    sys.stdout.flush()
    buffer.write(data)
    buffer.flush()


def _json(data: Any) -> str:
    """JSON as `formats.dump` writes it; NaN and infinities are a bug, never written."""
    return json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False)


def _resolve(path: str) -> Path:
    """The absolute path with links followed, as far as they can be (a loop, a NUL byte: as given)."""
    try:
        return Path(path).resolve()
    except (OSError, RuntimeError, ValueError):
        return Path(os.path.abspath(path))


def _same(a: Path, a_stat: os.stat_result | None, b: str) -> bool:
    """Same file: same path once links are followed, or (a hard link) same regular file on disk."""
    if a == _resolve(b):
        return True
    if a_stat is None or not stat.S_ISREG(a_stat.st_mode):
        return False
    try:
        b_stat = os.stat(b)
    except (OSError, ValueError):
        return False
    return (a_stat.st_dev, a_stat.st_ino) == (b_stat.st_dev, b_stat.st_ino)


def _check_outputs(args: argparse.Namespace, outputs: list[str | None], inputs: list[str]) -> None:
    """Refuse, before any work, an output that would replace an input (also through a link) or
    the questionnaire, or that cannot be written (a folder, a missing folder)."""
    seen: dict[Path, str] = {}
    questionnaire = _resolve(getattr(args, "questionnaire", DEFAULT_QUESTIONNAIRE))
    for output in outputs:
        if output in (None, "-"):
            continue
        target = _resolve(output)
        if target in seen:
            raise CapError(f"{output} : même fichier que la sortie « {seen[target]} » : choisissez deux noms.")
        seen[target] = output
        try:
            target_stat: os.stat_result | None = os.stat(output)
        except (OSError, ValueError):
            target_stat = None
        for path in inputs:
            if _same(target, target_stat, path):
                raise CapError(f"{output} : c'est un fichier d'entrée (« {path} ») : choisissez un autre nom de "
                               "sortie, l'original n'est pas écrasé.")
        if target == questionnaire or (questionnaire in target.parents and questionnaire.is_dir()):
            raise CapError(f"{output} : se trouve dans le questionnaire (« {questionnaire} ») : écrivez les "
                           "sorties ailleurs.")
        if target_stat is not None and stat.S_ISDIR(target_stat.st_mode):
            raise CapError(f"{output} : {_os_reason(IsADirectoryError(), output, writing=True)}.")
        folder = target.parent
        if not folder.exists():
            raise CapError(f"{output} : {_os_reason(FileNotFoundError(), output, writing=True)}.")
        if not folder.is_dir():
            raise CapError(f"{output} : {_os_reason(NotADirectoryError(), output, writing=True)}.")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _write_file(text: str | bytes, output: str) -> None:
    """Write through a temporary file in the same folder, then `os.replace`: a failed write
    never leaves half a file, and an existing output keeps its permissions (and its links).
    A device or a pipe (`/dev/stdout`, `/dev/null`, a FIFO) is written to directly, never replaced."""
    target = os.path.realpath(output)
    data = text if isinstance(text, bytes) else text.encode("utf-8", "backslashreplace")
    tmp = None
    try:
        try:
            info = os.stat(output)
        except FileNotFoundError:
            mode = 0o666 & ~_umask()
        else:
            if not stat.S_ISREG(info.st_mode):
                with open(output, "wb") as f:
                    f.write(data)
                return
            mode = stat.S_IMODE(info.st_mode)
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(target), prefix=f".{os.path.basename(target)[:100]}.",
                                   suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
        tmp = None
    except OSError as exc:
        raise CapError(f"{output} : {_os_reason(exc, output, writing=True)}.") from exc
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _write(text: str, output: str | None) -> None:
    if output in (None, "-"):
        _out(text)
    else:
        _write_file(text, output)
        _err(f"Écrit : {output}")


# -- the commands ---------------------------------------------------------------------------------

def _questionnaire(args: argparse.Namespace) -> Questionnaire:
    return load(args.questionnaire)


def cmd_validate(args: argparse.Namespace) -> int:
    q = load(args.dir)
    _out(f"Questionnaire « {q.id} » version {q.version} valide : {len(q.pillars)} piliers, {len(q.themes)} thèmes, "
         f"{len(q.criteria)} critères, {len(q.offers)} offres, {len(q.indicators)} indicateurs.")
    return EXIT_OK


def _scores_json(s: dict[str, Any]) -> dict[str, Any]:
    return {"overall": s["overall"], "pillars": s["pillars"],
            "themes": s["themes"], "criteria": s["criteria"]}


def cmd_score(args: argparse.Namespace) -> int:
    from . import fmt
    q = _questionnaire(args)
    s = score(q, _read(q, args.file, summary=True))
    if args.json:
        _out(_json(_scores_json(s)))
        return EXIT_OK
    lines = [f"Score global : {fmt.percent(s['overall']['percent'])} ({fmt.level(s['overall']['level'])})"]
    for p in q.pillars:
        ps = s["pillars"][p.id]
        flag = " — résultat partiel" if ps["partial"] else ""
        done = fmt.percent(None if ps["completion"] is None else ps["completion"] * 100)
        lines.append(f"  {p.title} : {fmt.percent(ps['percent'])} (réponses : {done}){flag}")
        lines.extend(f"    {t.title} : {fmt.percent(s['themes'][t.id]['percent'])}" for t in p.themes)
    _out("\n".join(lines))
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from .odt import document_day, plan_odt
    if args.odt and args.output in (None, "-"):
        _err("Erreur : --odt écrit un fichier : indiquez son nom avec -o, par exemple « -o plan.odt ».")
        return EXIT_USAGE
    if args.odt and args.summary:
        _err("Erreur : --odt et --summary ne vont pas ensemble : le document ODT contient déjà la synthèse.")
        return EXIT_USAGE
    if args.date is not None and (not args.odt or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", args.date)
                                  or document_day({}, args.date) != args.date):
        _err(f"Erreur : --date « {args.date} » : une date AAAA-MM-JJ (depuis 1980) est attendue, avec --odt.")
        return EXIT_USAGE
    _check_outputs(args, [args.output], [args.file])
    q = _questionnaire(args)
    a = _read(q, args.file, summary=True)
    if args.odt:
        _write_file(plan_odt(q, a, args.date), args.output)
        _err(f"Écrit : {args.output}")
        return EXIT_OK
    _write(report.summary_page(q, a) if args.summary else report.plan_page(q, a), args.output)
    return EXIT_OK


def cmd_plan(args: argparse.Namespace) -> int:
    _check_outputs(args, [args.output], [args.file])
    q = _questionnaire(args)
    a = _read(q, args.file, summary=True)
    _write(plan_csv(q, a) if args.csv else _json(suggestions(q, a)), args.output)
    return EXIT_OK


def cmd_migrate(args: argparse.Namespace) -> int:
    """Write the file brought up to date (format and referential), and say what changed."""
    _check_outputs(args, [args.output], [args.file])
    q = _questionnaire(args)
    a, migration = _read_migrated(q, args.file, summary=True)
    if not migration:
        _err(f"{args.file} : déjà à jour (format {a['format_version']}, référentiel {q.version}) : le fichier écrit "
             "est le même, remis en forme.")
    _write(dump(a), args.output)
    return EXIT_OK


def _notes(notes: list[dict[str, str]]) -> None:
    for note in notes:
        _err(f"{note['file'] or 'ensemble'} : {note['message']}")


def cmd_consolidate(args: argparse.Namespace) -> int:
    _check_outputs(args, [args.output], args.files)
    q = _questionnaire(args)
    files, _ = _read_many(q, args.files)
    checked = check_set(q, files)
    _notes(checked["notes"])
    if not checked["kept"]:
        raise CapError("Aucun fichier lisible à consolider.")
    merged = consolidate(q, [a for _, a in checked["kept"]], show_names=args.names)
    _write(_json(merged), args.output)
    return EXIT_OK


def cmd_compare(args: argparse.Namespace) -> int:
    from . import fmt
    q = _questionnaire(args)
    result = compare(q, _read(q, args.old, summary=True), _read(q, args.new, summary=True))
    if args.json:
        _out(_json(result))
        return EXIT_OK
    lines = [f"Score global : {fmt.percent(result['old']['overall'])} → {fmt.percent(result['new']['overall'])}"]
    for p in q.pillars:
        d = result["pillars"][p.id]
        lines.append(f"  {p.title} : {fmt.percent(d['old'])} → {fmt.percent(d['new'])}")
    lines.append(f"Critères en progrès : {len(result['rose'])} ; en recul : {len(result['fell'])} ; "
                 f"actions terminées : {len(result['plan_done'])}")
    _out("\n".join(lines))
    return EXIT_OK


def cmd_evolution(args: argparse.Namespace) -> int:
    from .evolution import evolution_page, order
    _check_outputs(args, [args.output], args.files)
    q = _questionnaire(args)
    files, _ = _read_many(q, args.files)
    ordered = order(files)
    _notes(ordered["notes"])
    if len(ordered["kept"]) < 2:
        raise CapError("Il faut au moins deux évaluations différentes et lisibles pour voir une évolution.")
    _write(evolution_page(q, [a for _, a in ordered["kept"]]), args.output)
    return EXIT_OK


def cmd_aggregate(args: argparse.Namespace) -> int:
    _check_outputs(args, [args.html, args.output, args.network], args.files)
    q = _questionnaire(args)
    items, refused = _read_many(q, args.files, anonymous=True)
    if not items:
        raise CapError("Aucun fichier lisible à agréger.")
    filters = {key: getattr(args, key) for key in FILTER_KEYS if getattr(args, key)}
    result = aggregate(q, [a for _, a in items], filters)
    result["refused"] = refused
    text = _json(result)
    if args.html:
        from .network import network_page
        _write(network_page(q, result), args.html)
    if args.output:
        _write(text, args.output)
    if args.network:  # the file the Réseau page publishes, for the structures' results step
        import datetime

        from .network_view import network_file
        _write(_json(network_file(q, [a for _, a in items], filters, datetime.date.today().isoformat())), args.network)
    if args.json or not (args.html or args.output or args.network):
        _out(text)
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m cap", description="CAP en ligne : moteur d'auto-évaluation.", epilog=EPILOG)
    parser.add_argument("-q", "--questionnaire", default=DEFAULT_QUESTIONNAIRE, metavar="QUESTIONNAIRE",
                        help="dossier du questionnaire (YAML) ou paquet questionnaire.json (défaut : questionnaire)")
    parser.add_argument("--version", action="version", version=f"CAP en ligne {__version__}",
                        help="afficher la version du moteur et quitter")
    sub = parser.add_subparsers(dest="command", required=True, metavar="commande", title="commandes")
    out_help = "fichier à écrire (défaut : la sortie standard) ; jamais un fichier d'entrée"
    aside = "un fichier illisible est écarté (nommé, avec la raison)"

    def command(name: str, text: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=text, description=text, epilog=EPILOG)

    p = command("validate", "vérifier le questionnaire")
    p.add_argument("dir", nargs="?", default=DEFAULT_QUESTIONNAIRE, metavar="dossier",
                   help="dossier du questionnaire (défaut : questionnaire)")
    p.set_defaults(func=cmd_validate)
    p = command("score", "calculer les scores d'une évaluation")
    p.add_argument("file", metavar="fichier", help="fichier d'évaluation (JSON)")
    p.add_argument("--json", action="store_true", help="sortie JSON, pour un programme")
    p.set_defaults(func=cmd_score)
    p = command("report", "plan de progrès imprimable (HTML autonome)")
    p.add_argument("file", metavar="fichier", help="fichier d'évaluation (JSON)")
    p.add_argument("-o", "--output", metavar="FICHIER", help=out_help)
    p.add_argument("--summary", action="store_true", help="la synthèse d'une page seulement")
    p.add_argument("--odt", action="store_true", help="le plan en document modifiable OpenDocument (.odt, pour "
                                                      "LibreOffice ou Word) ; -o obligatoire")
    p.add_argument("--date", metavar="AAAA-MM-JJ", help="avec --odt : date du document (défaut : date de la dernière "
                                                         "modification de l'évaluation)")
    p.set_defaults(func=cmd_report)
    p = command("plan", "plan de progrès (JSON, ou CSV avec --csv)")
    p.add_argument("file", metavar="fichier", help="fichier d'évaluation (JSON)")
    p.add_argument("--csv", action="store_true", help="CSV pour tableur (UTF-8, séparateur « ; »)")
    p.add_argument("-o", "--output", metavar="FICHIER", help=out_help)
    p.set_defaults(func=cmd_plan)
    p = command("migrate", "mettre un fichier d'évaluation à jour (format et version du référentiel)")
    p.add_argument("file", metavar="fichier", help="fichier d'évaluation (JSON), jamais modifié")
    p.add_argument("-o", "--output", metavar="FICHIER", help=out_help)
    p.set_defaults(func=cmd_migrate)
    p = command("consolidate", "fusionner les évaluations des participants")
    p.add_argument("files", nargs="+", metavar="fichier", help=f"fichiers des participants ; {aside}")
    p.add_argument("-o", "--output", metavar="FICHIER", help=out_help)
    p.add_argument("--names", action="store_true", help="garder les noms des participants")
    p.set_defaults(func=cmd_consolidate)
    p = command("compare", "comparer deux évaluations")
    p.add_argument("old", metavar="ancien", help="l'évaluation la plus ancienne")
    p.add_argument("new", metavar="nouveau", help="l'évaluation la plus récente")
    p.add_argument("--json", action="store_true", help="sortie JSON, pour un programme")
    p.set_defaults(func=cmd_compare)
    p = command("evolution", "évolution dans le temps de plusieurs évaluations (HTML imprimable)")
    p.add_argument("files", nargs="+", metavar="fichier", help=f"évaluations d'une même structure ; {aside}")
    p.add_argument("-o", "--output", metavar="FICHIER", help=out_help)
    p.set_defaults(func=cmd_evolution)
    p = command("aggregate", "statistiques réseau à partir de nombreux fichiers")
    p.add_argument("files", nargs="+", metavar="fichier", help=f"exports anonymisés ou évaluations ; {aside}")
    p.add_argument("--json", action="store_true", help="statistiques JSON sur la sortie standard (par défaut "
                                                        "sans --html ni -o)")
    p.add_argument("-o", "--output", metavar="FICHIER", help="écrire les statistiques JSON dans ce fichier")
    p.add_argument("--html", metavar="FICHIER", help="écrire aussi un rapport HTML autonome")
    p.add_argument("--reseau", dest="network", metavar="FICHIER",
                   help="écrire aussi le fichier réseau (JSON), que chaque structure charge sur ses résultats")
    p.add_argument("--type", metavar="TYPE", help="seulement les structures de ce type (AI, ACI, EI…)")
    p.add_argument("--activity", metavar="ACTIVITÉ", help="seulement les structures qui ont cette activité")
    p.add_argument("--region", metavar="RÉGION", help="seulement les structures de cette région")
    p.add_argument("--size", metavar="TAILLE", choices=list(SIZE_LABELS),
                   help=f"seulement cette tranche de taille ({', '.join(SIZE_LABELS)})")
    p.epilog = (f"Les statistiques d'un groupe de moins de {MIN_GROUP} structures ne sont pas données (« withheld »), "
                "pour qu'aucune structure ne puisse être reconnue.\n\n" + EPILOG)
    p.set_defaults(func=cmd_aggregate)
    return parser


def _silence_stdout() -> None:
    """After a closed pipe (`… | head`), send what is left to /dev/null rather than fail again."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except (QuestionnaireErrors, CapError) as exc:
        _err(f"Erreur : {exc}")
        return EXIT_USER
    except KeyboardInterrupt:
        _err("Interrompu.")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_USER
    except Exception as exc:  # a bug: one French line, not a traceback (CAP_DEBUG=1 shows it)
        if os.environ.get("CAP_DEBUG"):
            raise
        _err(f"Erreur interne du moteur ({type(exc).__name__}) : merci de signaler ce problème, avec la commande "
             "lancée (CAP_DEBUG=1 affiche le détail technique).")
        return EXIT_INTERNAL
