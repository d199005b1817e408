"""Check the questionnaire sources (one dict per YAML file) before the model is built.

Every check names the file, the id and the field, in French. `check_sources` collects all the
errors of one pass, so an author fixes them together rather than one build at a time.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import Any

from .errors import QuestionnaireError, QuestionnaireErrors
from .model import ID_CHANGE_KINDS

SHARED_FILES = ("meta.yaml", "scale.yaml", "structure_types.yaml", "offers.yaml", "indicators.yaml")
ID_RE = re.compile(r"^[A-Z]{2,4}$")
THEME_RE = re.compile(r"^[A-Z]{2,4}-[A-Z]{2,6}$")
CRITERION_RE = re.compile(r"^[A-Z]{2,4}-[A-Z]{2,6}-\d{2}$")
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
ISO_RE = re.compile(r"^(4|5|6|7|8|9|10)(\.\d{1,2}){0,2}$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
VERSION_RE = re.compile(r"^\d{4}\.\d+$")
# Legal references link to official sites only (Légifrance, ministries, service-public, EU law, CNIL).
OFFICIAL_URL_RE = re.compile(r"^https://([a-z0-9-]+\.)*(gouv\.fr|service-public\.fr|europa\.eu|cnil\.fr)(/\S*)?$")
MAX_TEXT = 2000
MAX_WEIGHT = 100
MAX_SHORT_TITLE = 30  # a pillar's label under a chart's bar


class _Checker:
    def __init__(self, sources: dict[str, Any]) -> None:
        self.sources = sources
        self.errors: list[QuestionnaireError] = []

    def fail(self, file: str, item_id: str | None, field: str | None, problem: str) -> None:
        self.errors.append(QuestionnaireError(file, item_id, field, problem))

    # -- small typed getters: they report and return a usable default --------------------

    def text(self, file: str, item: dict[str, Any], key: str, item_id: str | None,
             required: bool = True) -> str:
        value = item.get(key)
        if value is None:
            if required:
                self.fail(file, item_id, key, "champ obligatoire absent")
            return ""
        if not isinstance(value, str) or not value.strip():
            self.fail(file, item_id, key, f"doit être un texte non vide (trouvé : {value!r})")
            return ""
        if len(value) > MAX_TEXT:
            self.fail(file, item_id, key, f"texte trop long ({len(value)} caractères, {MAX_TEXT} au plus)")
        return value

    def source(self, file: str) -> dict[str, Any]:
        """One source file as a dictionary; an absent file is reported once by `run`, an empty one here."""
        if file not in self.sources:
            return {}
        value = self.sources[file]
        if value is None or value == {}:
            self.fail(file, None, None, "fichier vide")
            return {}
        return self.mapping(file, value, None, None)

    def listed(self, file: str, data: dict[str, Any], key: str) -> list[dict[str, Any]]:
        """The required list `key` of a shared file (its items must be dictionaries)."""
        if not data:
            return []
        if key not in data:
            self.fail(file, None, key, "champ obligatoire absent")
            return []
        return self.items(file, data[key], None, key)

    def mapping(self, file: str, value: Any, item_id: str | None, field: str | None) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(file, item_id, field, f"doit être un dictionnaire (trouvé : {type(value).__name__})")
            return {}
        return value

    def items(self, file: str, value: Any, item_id: str | None, field: str) -> list[dict[str, Any]]:
        if not isinstance(value, list):
            self.fail(file, item_id, field, "doit être une liste")
            return []
        good = []
        for n, item in enumerate(value):
            if isinstance(item, dict):
                good.append(item)
            else:
                self.fail(file, item_id, f"{field}[{n}]", "chaque élément doit être un dictionnaire")
        return good

    def strings(self, file: str, value: Any, item_id: str, field: str) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.fail(file, item_id, field, "doit être une liste de textes non vides")
            return []
        return value

    def ids(self, file: str, items: list[dict[str, Any]], pattern: re.Pattern[str], seen: dict[str, str],
            what: str) -> Iterator[tuple[str, dict[str, Any]]]:
        """Yield (id, item) for items whose id is well-formed; report bad and duplicate ids."""
        for n, item in enumerate(items):
            item_id = item.get("id")
            if not isinstance(item_id, str) or not pattern.match(item_id):
                self.fail(file, None if not isinstance(item_id, str) else item_id, f"{what}[{n}].id",
                          f"identifiant absent ou mal formé (attendu : {pattern.pattern})")
                continue
            if item_id in seen:
                self.fail(file, item_id, "id", f"identifiant en double (déjà utilisé dans {seen[item_id]})")
                continue
            seen[item_id] = file
            yield item_id, item

    # -- the files --------------------------------------------------------------------------

    def run(self) -> list[QuestionnaireError]:
        for name in SHARED_FILES:
            if name not in self.sources:
                self.fail(name, None, None, "fichier absent")
        meta = self.source("meta.yaml")
        self.check_kind("meta.yaml", meta, "meta")
        types = self.check_types()
        offers = self.check_offers()
        registers = self.check_indicators()
        self.check_scale()
        self.check_meta(meta)
        pillar_files = meta.get("pillars") if isinstance(meta.get("pillars"), list) else []
        seen: dict[str, str] = {}
        questions: dict[str, str] = {}
        used_offers: set[str] = set()
        for name in pillar_files:
            if not isinstance(name, str) or name not in self.sources:
                self.fail("meta.yaml", None, "pillars", f"fichier de pilier introuvable : {name!r}")
                continue
            self.check_pillar(name, types, offers, registers, seen, questions, used_offers)
        listed = {p for p in pillar_files if isinstance(p, str)}
        for extra in sorted(set(self.sources) - set(SHARED_FILES) - listed, key=str):
            self.fail(extra, None, None, "fichier non listé dans meta.yaml → pillars")
        self.check_id_changes(meta, seen)
        return self.errors

    def check_kind(self, file: str, data: dict[str, Any], kind: str) -> None:
        if data and data.get("kind") != kind:
            self.fail(file, None, "kind", f"doit valoir « {kind} » (trouvé : {data.get('kind')!r})")

    def check_meta(self, meta: dict[str, Any]) -> None:
        if not meta:
            return
        if meta.get("id") is not None and (not isinstance(meta.get("id"), str) or not SLUG_RE.match(meta["id"])):
            self.fail("meta.yaml", None, "id", "identifiant du questionnaire mal formé")
        self.text("meta.yaml", meta, "id", None)
        version = self.text("meta.yaml", meta, "version", None)
        if version and not VERSION_RE.match(version):
            self.fail("meta.yaml", None, "version", f"version attendue sous la forme AAAA.N (trouvé : {version!r})")
        self.text("meta.yaml", meta, "title", None)
        self.text("meta.yaml", meta, "licence", None)
        if not isinstance(meta.get("pillars"), list) or not meta.get("pillars"):
            self.fail("meta.yaml", None, "pillars", "doit lister au moins un fichier de pilier")
        roles = self.items("meta.yaml", meta.get("roles"), None, "roles")
        if not roles:
            self.fail("meta.yaml", None, "roles", "doit lister au moins un rôle")
        for role_id, role in self.ids("meta.yaml", roles, SLUG_RE, {}, "roles"):
            self.text("meta.yaml", role, "label", role_id)

    def check_scale(self) -> None:
        file = "scale.yaml"
        data = self.source(file)
        if not data:
            return
        self.check_kind(file, data, "scale")
        levels = self.items(file, data.get("levels"), None, "levels")
        values = [lv.get("value") for lv in levels]
        if values != [1, 2, 3, 4]:
            self.fail(file, None, "levels", f"l'échelle doit avoir les niveaux 1, 2, 3, 4 dans l'ordre (trouvé : {values})")
        for lv in levels:
            self.text(file, lv, "label", f"niveau {lv.get('value')}")
            self.text(file, lv, "meaning", f"niveau {lv.get('value')}")
        for key in ("na", "dk"):
            sub = self.mapping(file, data.get(key), None, key)
            self.text(file, sub, "label", key)
            self.text(file, sub, "meaning", key)

    def check_types(self) -> set[str]:
        file = "structure_types.yaml"
        data = self.source(file)
        self.check_kind(file, data, "structure_types")
        seen: dict[str, str] = {}
        for type_id, item in self.ids(file, self.listed(file, data, "types"),
                                      re.compile(r"^[A-Z]{2,5}$"), seen, "types"):
            self.text(file, item, "label", type_id)
        if "activities" in data:  # optional: activities any type may run (services à la personne, formation…)
            for act_id, item in self.ids(file, self.items(file, data["activities"], None, "activities"),
                                         re.compile(r"^[A-Z][A-Z_]{1,19}$"), seen, "activities"):
                self.text(file, item, "label", act_id)
        for key in sorted(set(data) - {"kind", "types", "activities"}, key=str):
            self.fail(file, None, key, "champ inconnu (attendu : types, activities)")
        return set(seen)

    def check_offers(self) -> set[str]:
        file = "offers.yaml"
        data = self.source(file)
        self.check_kind(file, data, "offers")
        seen: dict[str, str] = {}
        for offer_id, item in self.ids(file, self.listed(file, data, "offers"),
                                       SLUG_RE, seen, "offers"):
            for key in ("field", "title", "description"):
                self.text(file, item, key, offer_id)
            if "external" in item and not isinstance(item["external"], bool):
                self.fail(file, offer_id, "external", "doit valoir true ou false")
        return set(seen)

    def check_indicators(self) -> set[str]:
        file = "indicators.yaml"
        data = self.source(file)
        self.check_kind(file, data, "indicators")
        registers: dict[str, str] = {}
        for reg_id, item in self.ids(file, self.listed(file, data, "registers"),
                                     SLUG_RE, registers, "registers"):
            self.text(file, item, "title", reg_id)
            self.text(file, item, "description", reg_id)
        seen: dict[str, str] = {}
        kinds: dict[str, str] = {}
        rates: list[tuple[str, dict[str, Any]]] = []
        for ind_id, item in self.ids(file, self.items(file, data.get("indicators", []), None, "indicators"),
                                     SLUG_RE, seen, "indicators"):
            for key in ("label", "definition", "unit", "period"):
                self.text(file, item, key, ind_id)
            register = item.get("register")
            if not isinstance(register, str) or register not in registers:
                self.fail(file, ind_id, "register", f"registre inconnu : {item.get('register')!r}")
            self.text(file, item, "source", ind_id, required=False)
            if "nature" in item and item["nature"] not in ("realisation", "resultat"):
                self.fail(file, ind_id, "nature", f"doit valoir « realisation » ou « resultat » (trouvé : {item['nature']!r})")
            kind = item.get("type")
            if kind not in ("count", "rate"):
                self.fail(file, ind_id, "type", f"doit valoir « count » ou « rate » (trouvé : {kind!r})")
            kinds[ind_id] = str(kind)
            if kind == "rate":
                rates.append((ind_id, item))
            elif "numerator" in item or "denominator" in item:
                self.fail(file, ind_id, "numerator", "seul un indicateur de type « rate » a un numérateur et un dénominateur")
        for ind_id, item in rates:
            for key in ("numerator", "denominator"):
                ref = item.get(key)
                if kinds.get(str(ref)) != "count":
                    self.fail(file, ind_id, key, f"doit nommer un indicateur de type « count » de ce fichier (trouvé : {ref!r})")
            if item.get("numerator") == item.get("denominator") and item.get("numerator") is not None:
                self.fail(file, ind_id, "denominator", "le numérateur et le dénominateur doivent être différents")
        return set(registers)

    def check_pillar(self, file: str, types: set[str], offers: set[str], registers: set[str],
                     seen: dict[str, str], questions: dict[str, str], used_offers: set[str]) -> None:
        data = self.source(file)
        if not data:
            return
        self.check_kind(file, data, "pillar")
        pillar_ids = list(self.ids(file, [data], ID_RE, seen, "pillar"))
        if not pillar_ids:
            return
        pillar_id = pillar_ids[0][0]
        self.text(file, data, "title", pillar_id)
        short = self.text(file, data, "short_title", pillar_id, required=False)
        if len(short) > MAX_SHORT_TITLE:
            self.fail(file, pillar_id, "short_title", f"titre court trop long ({len(short)} caractères, "
                      f"{MAX_SHORT_TITLE} au plus : il tient sous une barre de graphique)")
        self.text(file, data, "description", pillar_id)
        themes = self.items(file, data.get("themes"), pillar_id, "themes")
        if not themes:
            self.fail(file, pillar_id, "themes", "un pilier doit avoir au moins un thème")
        for theme_id, theme in self.ids(file, themes, THEME_RE, seen, "themes"):
            if not theme_id.startswith(pillar_id + "-"):
                self.fail(file, theme_id, "id", f"l'identifiant d'un thème commence par celui de son pilier ({pillar_id}-)")
            self.text(file, theme, "title", theme_id)
            self.text(file, theme, "description", theme_id, required=False)
            criteria = self.items(file, theme.get("criteria"), theme_id, "criteria")
            if not criteria:
                self.fail(file, theme_id, "criteria", "un thème doit avoir au moins un critère")
            for crit_id, crit in self.ids(file, criteria, CRITERION_RE, seen, "criteria"):
                if not crit_id.startswith(theme_id + "-"):
                    self.fail(file, crit_id, "id", f"l'identifiant d'un critère commence par celui de son thème ({theme_id}-)")
                self.check_criterion(file, crit_id, crit, types, offers, registers, questions)

    def check_criterion(self, file: str, cid: str, crit: dict[str, Any], types: set[str], offers: set[str],
                        registers: set[str], questions: dict[str, str]) -> None:
        known = {"id", "question", "why", "easy_read", "easy_answers", "actions", "audience", "levels", "evidence",
                 "requirement", "weight", "core", "applies_to", "applies_note", "offers", "refs", "regulatory",
                 "checked", "legal"}
        for key in sorted(set(crit) - known, key=str):
            self.fail(file, cid, key, "champ inconnu")
        question = self.text(file, crit, "question", cid)
        if question:
            key = " ".join(question.lower().split())
            if key in questions:
                self.fail(file, cid, "question", f"même question que le critère {questions[key]}")
            questions[key] = cid
        self.text(file, crit, "why", cid)
        self.text(file, crit, "easy_read", cid)
        self.check_texts(file, cid, crit, "easy_answers", 4, "une réponse simplifiée par niveau, de 1 à 4")
        self.check_texts(file, cid, crit, "actions", 3, "une action pour viser chacun des niveaux 2, 3 et 4")
        if "audience" in crit and crit["audience"] != "direction":
            self.fail(file, cid, "audience", f"seule valeur possible : « direction » (trouvé : {crit['audience']!r})")
        self.check_levels(file, cid, crit.get("levels"))
        evidence = self.strings(file, crit.get("evidence"), cid, "evidence")
        if evidence and not 2 <= len(evidence) <= 4:
            self.fail(file, cid, "evidence", f"entre 2 et 4 preuves attendues (trouvé : {len(evidence)})")
        requirement = crit.get("requirement", 3)
        if type(requirement) is not int or not 1 <= requirement <= 4:
            self.fail(file, cid, "requirement", f"doit être un entier de 1 à 4 (trouvé : {requirement!r})")
        weight = crit.get("weight", 1)
        if type(weight) not in (int, float) or not math.isfinite(weight) or not weight > 0:
            self.fail(file, cid, "weight", f"doit être un nombre strictement positif (trouvé : {weight!r})")
        elif weight > MAX_WEIGHT:
            self.fail(file, cid, "weight", f"poids trop grand : {MAX_WEIGHT} au plus (trouvé : {weight!r})")
        core = crit.get("core", False)
        if not isinstance(core, bool):
            self.fail(file, cid, "core", "doit valoir true ou false")
        applies = crit.get("applies_to")
        if "applies_to" in crit:
            listed = self.strings(file, applies, cid, "applies_to")
            for t in listed:
                if t not in types:
                    self.fail(file, cid, "applies_to", f"type de structure ou activité inconnu : {t!r}")
            if not listed:
                self.fail(file, cid, "applies_to", "ne peut pas être vide (retirez le champ pour « tous les types »)")
            if core is True:
                self.fail(file, cid, "core", "un critère essentiel (core) concerne toutes les structures : retirez applies_to ou core")
            self.text(file, crit, "applies_note", cid)
        elif "applies_note" in crit:
            self.fail(file, cid, "applies_note", "n'a de sens qu'avec applies_to")
        crit_offers = self.strings(file, crit.get("offers", []), cid, "offers")
        if not crit_offers:
            self.fail(file, cid, "offers", "au moins une offre de services est attendue")
        for o in crit_offers:
            if o not in offers:
                self.fail(file, cid, "offers", f"offre inconnue : {o!r}")
        self.check_refs(file, cid, crit.get("refs"), registers)
        regulatory = crit.get("regulatory", False)
        if not isinstance(regulatory, bool):
            self.fail(file, cid, "regulatory", "doit valoir true ou false")
        checked = crit.get("checked")
        self.check_legal(file, cid, crit.get("legal"), regulatory is True)
        if regulatory is True or crit.get("legal") is not None:
            if not isinstance(checked, str) or not DATE_RE.match(checked):
                self.fail(file, cid, "checked", "un critère réglementaire, ou qui cite des textes (legal), porte la "
                          "date de vérification de la règle (AAAA-MM-JJ)")
        elif checked is not None:
            self.fail(file, cid, "checked", "n'a de sens qu'avec regulatory: true ou des textes cités (legal)")

    def check_texts(self, file: str, cid: str, crit: dict[str, Any], key: str, count: int, what: str) -> None:
        """An optional list of exactly `count` distinct texts (simplified answers, actions in verbs)."""
        if key not in crit:
            return
        texts = self.strings(file, crit[key], cid, key)
        if len(texts) != count:
            self.fail(file, cid, key, f"{count} textes attendus, {what} (trouvé : {len(texts)})")
        for n, text in enumerate(texts):
            if not text.strip() or len(text) > MAX_TEXT:
                self.fail(file, cid, f"{key}[{n}]", "texte vide ou trop long")
        if len({" ".join(t.lower().split()) for t in texts}) != len(texts):
            self.fail(file, cid, key, "deux textes sont identiques")

    def check_levels(self, file: str, cid: str, levels: Any) -> None:
        items = self.items(file, levels, cid, "levels")
        numbers = [lv.get("level") for lv in items]
        for n in (1, 2, 3, 4):
            count = numbers.count(n)
            if count == 0:
                self.fail(file, cid, "levels", f"le descripteur du niveau {n} manque")
            elif count > 1:
                self.fail(file, cid, "levels", f"le niveau {n} est décrit {count} fois")
        for n in numbers:
            if n not in (1, 2, 3, 4):
                self.fail(file, cid, "levels", f"niveau hors de l'échelle 1 à 4 : {n!r}")
        if all(type(n) is int for n in numbers) and numbers != sorted(numbers):
            self.fail(file, cid, "levels", "les niveaux doivent être dans l'ordre 1, 2, 3, 4")
        texts = [self.text(file, lv, "text", f"{cid} niveau {lv.get('level')}") for lv in items]
        normalized = [" ".join(t.lower().split()) for t in texts if t]
        if len(set(normalized)) != len(normalized):
            self.fail(file, cid, "levels", "deux niveaux ont le même descripteur")

    def check_refs(self, file: str, cid: str, refs: Any, registers: set[str]) -> None:
        data = self.mapping(file, refs, cid, "refs")
        for key in sorted(set(data) - {"csess", "iso9001", "ust"}, key=str):
            self.fail(file, cid, f"refs.{key}", "référence inconnue (attendu : csess, iso9001, ust)")
        csess = data.get("csess")
        if not isinstance(csess, list) or not csess or not all(type(n) is int and 1 <= n <= 8 for n in csess):
            self.fail(file, cid, "refs.csess", f"liste de thèmes du guide CSESS, de 1 à 8 (trouvé : {csess!r})")
        iso = data.get("iso9001", [])
        if not isinstance(iso, list) or not all(isinstance(c, str) and ISO_RE.match(c) for c in iso):
            self.fail(file, cid, "refs.iso9001", f"liste de chapitres ISO 9001 entre guillemets, de \"4\" à \"10.3\" (trouvé : {iso!r})")
        ust = data.get("ust", [])
        if not isinstance(ust, list) or not all(isinstance(r, str) for r in ust):
            self.fail(file, cid, "refs.ust", "liste d'identifiants de registres UST")
        else:
            for r in ust:
                if r not in registers:
                    self.fail(file, cid, "refs.ust", f"registre UST inconnu : {r!r}")

    def check_legal(self, file: str, cid: str, legal: Any, required: bool) -> None:
        """The texts a criterion restates: a list of {text, url}; required when it is regulatory."""
        if legal is None:
            if required:
                self.fail(file, cid, "legal", "un critère réglementaire cite ses textes (liste de {text, url})")
            return
        if isinstance(legal, list) and not legal:
            self.fail(file, cid, "legal", "la liste des textes cités ne peut pas être vide")
        for n, ref in enumerate(self.items(file, legal, cid, "legal")):
            for key in sorted(set(ref) - {"text", "url"}, key=str):
                self.fail(file, cid, f"legal[{n}].{key}", "champ inconnu (attendu : text, url)")
            text = ref.get("text")
            if not isinstance(text, str) or not text.strip() or len(text) > MAX_TEXT:
                self.fail(file, cid, f"legal[{n}].text",
                          "le nom du texte est obligatoire (par exemple « Code du travail, art. L5132-5 »)")
            url = ref.get("url")
            if url is not None and not (isinstance(url, str) and OFFICIAL_URL_RE.match(url)):
                self.fail(file, cid, f"legal[{n}].url", "lien vers un site officiel attendu (https://…gouv.fr, "
                          f"service-public.fr, europa.eu ou cnil.fr ; trouvé : {str(url)[:80]!r})")

    def check_id_changes(self, meta: dict[str, Any], seen: dict[str, str]) -> None:
        """Each entry: {version, kind, old, new, note}. `kind` absent: renamed (or removed when
        `new` is null), as the entries written before kinds existed.

        renamed, merged, removed: `old` is gone from the referential (never reused), `new` exists
        (null for removed). split: `old` and `new` both exist. reworded: `old` exists, `new` is null
        or the same id. added: `old` is null, `new` exists. A gone id is gone once.
        """
        file = "meta.yaml"
        changes = meta.get("id_changes", [])
        current = meta.get("version") if isinstance(meta.get("version"), str) else ""
        gone: dict[str, int] = {}
        for n, change in enumerate(self.items(file, changes, None, "id_changes")):
            field = f"id_changes[{n}]"
            old, new = change.get("old"), change.get("new")
            for key in sorted(set(change) - {"version", "kind", "old", "new", "note"}, key=str):
                self.fail(file, None, f"{field}.{key}", "champ inconnu (attendu : version, kind, old, new, note)")
            version = change.get("version")
            if not isinstance(version, str) or not VERSION_RE.match(version):
                self.fail(file, None, f"{field}.version", f"version obligatoire, sous la forme AAAA.N (trouvé : {version!r})")
            elif VERSION_RE.match(current) and _version_key(version) > _version_key(current):
                self.fail(file, None, f"{field}.version",
                          f"version postérieure à celle du questionnaire ({version} > {current})")
            kind = change.get("kind")
            if kind is None:
                kind = "removed" if new is None else "renamed"
            elif kind not in ID_CHANGE_KINDS:
                self.fail(file, None, f"{field}.kind", f"genre de changement inconnu : {kind!r} (attendu : "
                          + ", ".join(ID_CHANGE_KINDS) + ")")
                continue
            if change.get("note") is not None and not isinstance(change.get("note"), str):
                self.fail(file, None, f"{field}.note", "doit être un texte")
            # old
            if kind == "added":
                if old is not None:
                    self.fail(file, None, f"{field}.old", "un critère ajouté n'a pas d'ancien identifiant (old: null)")
            elif not isinstance(old, str) or not CRITERION_RE.match(old):
                self.fail(file, None, f"{field}.old", f"identifiant d'origine mal formé : {old!r}")
            elif kind in ("renamed", "merged", "removed"):
                if old in seen:
                    self.fail(file, old, f"{field}.old", "un identifiant retiré ou renommé ne peut pas être réutilisé")
                if old in gone:
                    self.fail(file, old, f"{field}.old", f"identifiant déjà retiré, renommé ou fusionné (id_changes[{gone[old]}])")
                gone.setdefault(old, n)
            elif old not in seen:
                self.fail(file, old, f"{field}.old", f"un critère {'reformulé' if kind == 'reworded' else 'scindé'} "
                          "existe toujours : identifiant inconnu du questionnaire")
            # new
            if kind == "removed":
                if new is not None:
                    self.fail(file, None, f"{field}.new", "un critère retiré n'a pas de nouvel identifiant (new: null)")
            elif kind == "reworded":
                if new is not None and new != old:
                    self.fail(file, None, f"{field}.new", "un critère reformulé garde son identifiant (new: null ou égal à old)")
            elif not isinstance(new, str) or new not in seen:
                self.fail(file, None, f"{field}.new", f"le nouvel identifiant n'existe pas : {new!r}")
            elif kind == "split" and new == old:
                self.fail(file, None, f"{field}.new", "une scission crée un autre identifiant que old")


def _version_key(version: str) -> tuple[int, ...]:
    """'2027.1' → (2027, 1), to compare versions."""
    return tuple(int(part) for part in version.split("."))


def check_sources(sources: dict[str, Any]) -> list[QuestionnaireError]:
    """Return every error found in the sources (empty when the questionnaire is valid)."""
    return _Checker(sources).run()


def validate_sources(sources: dict[str, Any]) -> None:
    """Raise `QuestionnaireErrors` listing every error, or return when the sources are valid."""
    errors = check_sources(sources)
    if errors:
        raise QuestionnaireErrors(errors)
