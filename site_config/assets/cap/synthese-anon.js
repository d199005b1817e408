// @ts-check
// The anonymised export for the network (synthesis page, section 5): the engine (op `anonymise`)
// makes the file from this session's consolidated assessment or one saved on this device; every
// field is shown first, named in words, then the user may download it. Nothing is sent anywhere.
import { download, el, engineTrouble, slug } from "./util.js";

// What a field of the anonymised file is, in words (titles and questions from the page itself);
// the field's name stays beside it, small, for those who will open the file.
const FIELD_WORDS = {
  format: "Format du fichier", format_version: "Version du format", kind: "Nature du fichier",
  "questionnaire.id": "Questionnaire", "questionnaire.version": "Version du questionnaire",
  "structure.types": "Types de structure", "structure.activities": "Activités", "structure.region": "Région",
  "structure.size": "Taille de la structure", date: "Date de l'évaluation", "scores.overall": "Score global",
};

/**
 * Every leaf of the file as [dotted path, value as shown].
 * @param {any} value
 * @param {string} path
 * @param {[string, string][]} rows
 */
function flatten(value, path, rows) {
  if (value && typeof value === "object" && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, path ? `${path}.${k}` : k, rows);
  } else {
    const empty = value === null || value === "" || (Array.isArray(value) && !value.length);
    rows.push([path, empty ? "(vide)" : typeof value === "number" && !Number.isInteger(value)
      ? value.toLocaleString("fr-FR", { maximumFractionDigits: 2 }) : Array.isArray(value) ? value.join(", ") : String(value)]);
  }
  return rows;
}

/**
 * @param {object} o
 * @param {HTMLElement} o.root the synthesis page
 * @param {import("./storage.js").Store} o.store
 * @param {{ call: (op: string, payload?: object) => Promise<any> }} o.engine
 * @param {ReturnType<typeof import("./util.js").alertBox>} o.alerts
 * @param {() => any} o.current this session's consolidated assessment (null before a merge)
 * @param {() => string} o.sessionId
 */
export function setupAnon({ root, store, engine, alerts, current, sessionId }) {
  /** @param {string} selector */
  const $ = (selector) => /** @type {HTMLElement} */ (root.querySelector(selector));
  const source = /** @type {HTMLSelectElement} */ ($("[data-anon-source]"));
  const region = /** @type {HTMLSelectElement} */ ($("[data-anon-region]"));
  let made = null; // the file shown, to download

  /** @param {string} path */
  function words(path) {
    if (FIELD_WORDS[path]) return FIELD_WORDS[path];
    const [group, sub, id] = path.split(".");
    const text = (selector) => root.querySelector(selector)?.textContent.trim();
    const question = group === "values" && text(`#s-${CSS.escape(sub)} .cap-q`);
    if (question) return `Réponse : ${question}`;
    if (group === "scores" && sub === "pillars") {
      return `Score du pilier : ${text(`[data-map-pillar="${id}"] .cap-map-title`)?.replace(/^\d+\.\s*/, "") || id}`;
    }
    if (group === "scores" && sub === "themes") return `Score du thème : ${text(`[data-map-theme="${id}"] .cap-map-theme-title`) || id}`;
    return path;
  }

  /** The assessments to choose from: this session's, then those saved on this device (the latest first). */
  function refresh() {
    const before = source.value;
    const options = [];
    if (current()) options.push(el("option", { value: "current", text: "L'évaluation consolidée de cette séance" }));
    for (const item of store.list().filter((i) => i.id !== sessionId())) options.push(el("option", { value: item.id, text: item.label }));
    if (!options.length) options.push(el("option", { value: "", text: "Aucune évaluation disponible" }));
    source.replaceChildren(...options);
    if ([...source.options].some((o) => o.value === before)) source.value = before;
  }

  function hide() {
    made = null;
    $("[data-anon-box]").hidden = true;
  }

  async function preview() {
    let assessment = null;
    try {
      assessment = source.value === "current" ? current() : source.value ? store.load(source.value) : null;
    } catch (err) {
      alerts.show(err.message);
      return;
    }
    if (!assessment) { alerts.show("Choisissez d'abord une évaluation à exporter.", "warning"); return; }
    try {
      const data = await engine.call("anonymise", { assessment, region: region.value });
      made = data;
      const rows = flatten(data, "", []).map(([k, v]) => {
        const said = words(k);
        return el("tr", {}, el("th", { scope: "row" }, said, ...(said === k ? [] : [" ", el("span", { class: "cap-id", text: k })])),
          el("td", { text: v }));
      });
      $("[data-anon-preview]").replaceChildren(el("table", { class: "cap-anon-table" },
        el("caption", { text: `Contenu complet du fichier anonymisé (${rows.length} champs)` }),
        el("thead", {}, el("tr", {}, el("th", { scope: "col", text: "Champ" }), el("th", { scope: "col", text: "Valeur" }))),
        el("tbody", {}, ...rows)));
      $("[data-anon-box]").hidden = false;
      $("[data-anon-preview] caption").scrollIntoView({ block: "nearest" });
    } catch (err) {
      alerts.show(`Export anonymisé impossible : ${engineTrouble(err)}.`);
    }
  }

  function save() {
    if (!made) return;
    const s = made.structure || {};
    const type = slug((s.types || []).join("-") || s.type, "structure");
    download(`cap-anonyme-${type}-${made.date || new Date().toISOString().slice(0, 10)}.json`, JSON.stringify(made, null, 2));
  }

  source.addEventListener("change", hide);
  region.addEventListener("change", hide);
  return { refresh, hide, preview, save };
}
