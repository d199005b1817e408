// @ts-check
// The Réseau page: many anonymised exports (a folder, picked or dropped files) → engine op
// `network_view`, which reads them, keeps the group the filters describe and returns its figures
// and their HTML (range bars, table). Nothing is computed here: the DOM is built with textContent,
// engine HTML is escaped in Python. Files stay in memory only (this page stores nothing).
import { createEngine } from "./engine.js";
import { dropZone, liveView } from "./filelist.js";
import { READ_LIMIT, alertBox, download, el, engineStatus, engineTrouble, labelCells, printHtml, uniqueName } from "./util.js";

const FILTERS = ["type", "activity", "region", "size"];
const BATCH = 50; // files read (and sent to the engine) together

/** @typedef {{ id: number, name: string, text: string, size: number, sent: boolean }} NetFile */

/** @param {HTMLElement} root */
function main(root) {
  /** @param {string} selector */
  const $ = (selector) => /** @type {HTMLElement} */ (root.querySelector(selector));
  /** @param {string} key */
  const filter = (key) => /** @type {HTMLSelectElement} */ (root.querySelector(`[data-filter="${key}"]`));
  const alerts = alertBox($("[data-alerts]"));
  const engine = createEngine(root.dataset.base);
  /** @type {{ files: NetFile[], nextId: number, texts: Set<string>, own: any, data: any }} */
  const state = { files: [], nextId: 1, texts: new Set(), own: null, data: null };

  const filters = () => Object.fromEntries(FILTERS.map((k) => [k, filter(k).value]).filter(([, v]) => v));
  // A file the engine has read once is sent by its id only: the engine keeps what it read (and says
  // which ids it lacks, after a restart: they are sent again with their text).
  const payload = (extra = {}, texts = false) => ({
    files: state.files.map(({ id, name, text, size, sent }) => (sent && !texts ? { id, name, size } : { id, name, text, size })),
    filters: filters(), own: state.own, date: new Date().toISOString().slice(0, 10), ...extra });

  async function view(extra = {}) {
    const files = state.files.slice();
    let data = await engine.call("network_view", payload(extra));
    if (data.missing) data = await engine.call("network_view", payload(extra, true));
    files.forEach((f) => { f.sent = true; });
    return data;
  }

  const live = liveView(root, {
    hook: "updated",
    load: async () => {
      performance.mark("cap-reseau-call"); // the benchmark (bench/reseau.py) reads these measures
      state.data = state.files.length || state.own ? await view() : null;
      performance.measure("cap-reseau-engine", "cap-reseau-call");
    },
    failed: () => { state.data = null; },
    failure: (err) => `La lecture des fichiers n'a pas abouti : ${engineTrouble(err)}. Les fichiers ajoutés restent en `
      + "mémoire : elle sera refaite au prochain changement, ou avec « Réessayer ».",
    render: () => {
      performance.mark("cap-reseau-render");
      render();
      performance.measure("cap-reseau-dom", "cap-reseau-render");
    },
    alerts,
  });
  const changed = () => live.changed();

  function renderFiles() {
    const data = state.data;
    const summary = $("[data-files-summary]");
    const refused = data ? data.files.filter((f) => f.status === "refused") : [];
    $("[data-refused-box]").hidden = refused.length === 0;
    $("[data-refused-list]").replaceChildren(...refused.map((f) => el("tr", { "data-file": f.file, "data-file-status": "refused" },
      el("td", { class: "cap-file-name", text: f.file }), el("td", { text: f.message }))));
    labelCells($("[data-refused-list]").closest("table"));
    $("[data-action=clear-files]").hidden = state.files.length === 0;
    summary.dataset.accepted = String(data ? data.accepted : 0);
    summary.dataset.refused = String(refused.length);
    const n = state.files.length;
    const plural = (k, word) => `${k} ${word}${k > 1 ? "s" : ""}`;
    if (!n) summary.textContent = "Aucun fichier ajouté pour l'instant.";
    else if (live.failed) summary.textContent = `${plural(n, "fichier")} en mémoire : la lecture n'a pas abouti.`;
    else if (!data) {
      summary.textContent = root.dataset.state === "error" ? `${plural(n, "fichier")} : le moteur de calcul n'a pas démarré.`
        : `${plural(n, "fichier")} en attente du moteur de calcul…`;
    } else {
      summary.textContent = `${plural(data.accepted, "fichier")} pris en compte`
        + (refused.length ? `, ${plural(refused.length, "fichier")} écarté${refused.length > 1 ? "s" : ""} (raisons ci-dessous).` : ".");
    }
  }

  function renderFilters() {
    const options = state.data?.options;
    if (!options) return;
    for (const key of FILTERS) {
      const select = filter(key);
      const current = select.value;
      const items = options[key].map((o) => el("option", { value: o.id, text: `${o.label} (${o.count})` }));
      if (current && !options[key].some((o) => o.id === current)) items.unshift(el("option", { value: current, text: `${current} (0)` }));
      select.replaceChildren(el("option", { value: "", text: "Toutes" }), ...items);
      select.value = current;
      /** @type {HTMLElement} */ (select.closest(".cap-row")).hidden = options[key].length === 0 && !current;
    }
  }

  function renderOwn() {
    const own = state.data?.own;
    const status = $("[data-own-status]");
    $("[data-action=own-clear]").hidden = !state.own;
    $("[data-action=similar]").hidden = !own || Boolean(own.error);
    if (!state.own) status.textContent = "";
    else if (!own) status.textContent = `« ${state.own.name} » sera placée dès que les fichiers seront lus.`;
    else if (own.error) status.textContent = `« ${own.name} » n'a pas pu être lu : ${own.error}`;
    else status.textContent = `« ${own.name} » est placée sur les barres (losange rouge). « Voir les structures similaires » choisit son type et sa taille.`;
  }

  function render() {
    renderFiles();
    renderFilters();
    renderOwn();
    const html = state.data?.html || "";
    $("[data-view]").innerHTML = html; // HTML built and escaped by the Python package
    root.querySelectorAll("[data-view] table").forEach(labelCells);
    $("[data-view-box]").hidden = !html || !state.data.accepted;
  }

  /** Start reading every file at once (the browser reads them in parallel); one promise each. */
  function startReading(fileList) {
    return Array.from(fileList || []).map(async (file) => {
      const name = file.webkitRelativePath || file.name || "fichier sans nom";
      try {
        return { name, size: file.size, text: await file.slice(0, READ_LIMIT).text() };
      } catch (err) {
        return { name, error: err?.message || "lecture impossible" };
      }
    });
  }

  /** @param {ArrayLike<File> | File[] | null} fileList */
  async function addFiles(fileList) {
    live.touch(); // the view is not current until these files are read
    const taken = new Set(state.files.map((f) => f.name));
    const reads = startReading(fileList);
    let again = 0;
    performance.mark("cap-reseau-read");
    // Read in batches; each batch goes to the engine at once (it keeps what it read), so that the
    // engine reads a batch while the page reads the next, and the view's call finds them read.
    for (let start = 0; start < reads.length; start += BATCH) {
      const batch = [];
      for (const f of await Promise.all(reads.slice(start, start + BATCH))) {
        if (f.error) { alerts.show(`Le fichier « ${f.name} » n'a pas pu être lu (${f.error}).`); continue; }
        if (/(^|\/)\.[^/]*$/.test(f.name)) continue; // hidden files of a folder (.DS_Store…)
        if (state.texts.has(f.text)) { again += 1; continue; } // the same export added twice counts once
        state.texts.add(f.text);
        const name = uniqueName(f.name, taken);
        taken.add(name);
        batch.push({ id: state.nextId++, name, text: f.text, size: f.size, sent: false });
      }
      state.files.push(...batch);
      if (root.dataset.state === "ready" && batch.length && reads.length > BATCH) {
        // The engine runs calls in order: the view's call, later, finds these held (if not, it says so).
        engine.call("network_view", { files: batch.map(({ id, name, text, size }) => ({ id, name, text, size })), output: "read" })
          .catch(() => {}); // a failure: the view's call gets them back as missing and sends them again
        batch.forEach((f) => { f.sent = true; });
      }
    }
    performance.measure("cap-reseau-files", "cap-reseau-read");
    if (again) alerts.show(`${again} fichier${again > 1 ? "s" : ""} déjà ajouté${again > 1 ? "s" : ""} (même contenu) : pris en compte une seule fois.`, "warning");
    changed();
  }

  /** @param {HTMLInputElement} input */
  async function addOwn(input) {
    if (!input.files?.length) return;
    live.touch(); // the view is not current until this file is read
    const [f] = await Promise.all(startReading([input.files[0]]));
    if (f.error) { alerts.show(`Le fichier « ${f.name} » n'a pas pu être lu (${f.error}).`); changed(); return; }
    state.own = { name: f.name, text: f.text, size: f.size };
    changed();
  }

  async function output(kind) {
    if (!state.files.length) { alerts.show("Ajoutez d'abord des fichiers.", "warning"); return null; }
    try {
      return await view({ output: kind });
    } catch (err) {
      alerts.show(`L'export n'a pas abouti : ${engineTrouble(err)}.`);
      return null;
    }
  }

  const stamp = () => new Date().toISOString().slice(0, 10);
  const actions = {
    "clear-files": () => { state.files = []; state.texts.clear(); changed(); $("[data-action=add-files]").focus(); },
    "own-clear": () => { state.own = null; changed(); },
    similar: () => {
      const similar = state.data?.own?.similar || {};
      for (const key of FILTERS) filter(key).value = similar[key] || "";
      changed();
    },
    "export-csv": async () => {
      const data = await output("csv");
      if (data) download(`cap-reseau-${stamp()}.csv`, data.text, "text/csv;charset=utf-8");
    },
    "export-network": async () => {
      const data = await output("network");
      if (!data) return;
      if (!data.groups) {
        alerts.show(`Le groupe affiché compte moins de ${root.dataset.minGroup} structures : un fichier réseau ne `
          + "contiendrait aucun chiffre. Élargissez les filtres.", "warning");
        return;
      }
      download(`cap-fichier-reseau-${stamp()}.json`, data.text);
    },
    print: async () => {
      const data = await output("print");
      if (data) printHtml($("[data-print-frame]"), data.html);
    },
  };

  root.addEventListener("click", (event) => {
    const button = /** @type {HTMLElement} */ (event.target).closest("button[data-action]");
    if (button instanceof HTMLElement && actions[button.dataset.action]) actions[button.dataset.action]();
  });
  root.addEventListener("change", (event) => {
    const target = /** @type {HTMLInputElement} */ (event.target);
    const action = target.dataset?.action;
    if (action === "add-files" || action === "add-folder") addFiles(target.files).finally(() => { target.value = ""; });
    else if (action === "own-file") addOwn(target).finally(() => { target.value = ""; });
    else if (target.dataset?.filter) changed();
  });
  dropZone($("[data-drop]"), (files) => addFiles(files));

  live.touch();
  renderFiles();
  engineStatus(root, engine, live.refresh, alerts, "");
}

const root = document.getElementById("cap-reseau");
if (root) main(root);
