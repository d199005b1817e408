// The collective synthesis page: participants' files → engine op `consolidate` → divergence map,
// criterion cards, meeting mode, the consolidated assessment (saved with Store) and the
// anonymised export for the network. Every figure, flag and document comes from the Python
// package in the worker (engine.js); this script only counts files and participants for display,
// orders what the engine flagged, and builds the DOM with textContent (never HTML from a file).
import { createEngine } from "./engine.js";
import { Store, StorageError } from "./storage.js";
import {
  addReadFiles, alertBox, download, el, engineStatus, engineTrouble, frDate, labelCells, now, printHtml, READ_LIMIT, renderSaved,
  setupDrop, showRetry, slug, uniqueName, uuid,
} from "./util.js";

const SESSION_KEY = "cap-en-ligne:session";

// -- the synthesis page -----------------------------------------------------------------------------

const VALUES = ["1", "2", "3", "4", "na", "dk"];
const SHORT = { na: "NC", dk: "?", null: "–" };

function main(root) {
  const $ = (selector, scope = root) => scope.querySelector(selector);
  const $$ = (selector, scope = root) => Array.from(scope.querySelectorAll(selector));
  const ROLES = JSON.parse(root.dataset.roles || "{}");
  const SCALE = JSON.parse(root.dataset.scale || "{}");
  const store = new Store();
  const alerts = alertBox($("[data-alerts]"));
  const cards = new Map($$("article[data-criterion]").map((a) => [a.dataset.criterion, a]));
  const ORDER = [...cards.keys()];
  const meeting = $("[data-meeting]");
  const engine = createEngine(root.dataset.base);

  const view = { data: null, merged: null, scores: null, changes: 0, busy: false, again: false, timer: null,
    meetOrder: [], meetPos: 0, opener: null, anon: null, edited: false, failed: false, troubleAlert: null,
    storageAlert: null, savePending: false };

  // -- engine calls ----------------------------------------------------------------------------------

  const trouble = engineTrouble;

  // -- labels --------------------------------------------------------------------------------------

  // Short role labels for tables ("Salarié permanent (accompagnement, …)" → "Salarié permanent").
  const roleLabel = (role) => (role ? (ROLES[role] || role).replace(/\s*\([^)]*\)$/, "") : "Rôle non précisé");
  const valueLabel = (v) => {
    if (v === null || v === undefined || v === "") return "Sans réponse";
    if (v === "na" || v === "dk") return SCALE[v];
    return `${v} · ${SCALE[String(v)] || ""}`;
  };
  const shortValue = (v) => (typeof v === "number" ? String(v) : SHORT[v] ?? "–");
  const isCore = (cid) => cards.get(cid)?.dataset.core === "true";
  const question = (cid) => $(".cap-q", cards.get(cid)).textContent;

  function who(participant) {
    if (!participant) return "";
    const name = session.showNames && participant.name ? ` · ${participant.name}` : "";
    return `${participant.label} (${roleLabel(participant.role)}${name})`;
  }

  // -- the session (autosaved in localStorage) --------------------------------------------------------

  function freshSession() {
    return { v: 1, id: uuid(), created: now(), files: [], agreed: {}, showNames: false, structure: null,
      saved: false, order: "talk" };
  }

  function loadSession() {
    let raw;
    try {
      raw = store.read(SESSION_KEY);
    } catch {
      return null;
    }
    if (!raw) return null;
    try {
      const data = JSON.parse(raw);
      if (!data || data.v !== 1 || !Array.isArray(data.files)) throw new Error("format");
      // A file is kept with its text, or (set aside, see makeRoom) with its name and the engine's reason only.
      const files = data.files.filter((f) => f && typeof f.name === "string"
        && (typeof f.text === "string" || typeof f.refused === "string"));
      return { ...freshSession(), ...data, files };
    } catch {
      alerts.show("La séance gardée sur cet appareil était illisible : une nouvelle séance commence.", "warning");
      return null;
    }
  }

  let session = loadSession() || freshSession();

  const isFull = (err) => err instanceof StorageError && err.kind === "full";
  const save = () => store.write(SESSION_KEY, JSON.stringify(session));

  /** Keep the session on this device. `quiet`: a merge follows, which knows which files are set aside and so
   *  can make room (makeRoom); it tries again and reports a failure then. One storage message at most. */
  function persist({ quiet = false } = {}) {
    view.savePending = false;
    try {
      save();
    } catch (err) {
      if (!(isFull(err) && makeRoom())) {
        if (quiet) { view.savePending = true; return; }
        if (view.storageAlert?.isConnected) return;
        const why = isFull(err) ? "l'espace d'enregistrement est plein"
          : "l'enregistrement est désactivé sur ce navigateur";
        view.storageAlert = alerts.show(`La séance n'a pas pu être gardée sur cet appareil (${why}) : si vous `
          + "rechargez la page, les derniers fichiers ajoutés et les réponses retenues seront perdus. Retirez les "
          + "fichiers mis de côté, ou exportez l'évaluation consolidée pour la garder.");
        return;
      }
    }
    view.storageAlert?.remove();
    view.storageAlert = null;
  }

  /** Files the last merge set aside, with the engine's reason, that the session still keeps in full. */
  function setAside() {
    const data = view.data;
    if (!data) return [];
    return session.files.filter((f) => typeof f.text === "string" && !data.files.includes(f.name))
      .map((f) => ({ f, reason: data.notes.find((n) => n.file === f.name && n.level === "refused")?.message }))
      .filter(({ reason }) => reason);
  }

  /** A set-aside file stays listed (name, reason, its remove button), without its text. */
  function slim({ f, reason }) {
    const index = session.files.indexOf(f);
    if (index >= 0) {
      session.files[index] = { name: f.name, source: f.source, size: f.size ?? f.text.length, refused: reason };
    }
  }

  /** The session does not fit in storage: drop the text of set-aside files, largest first, until it does. */
  function makeRoom() {
    for (const item of setAside().sort((a, b) => b.f.text.length - a.f.text.length)) {
      slim(item);
      try {
        save();
        return true;
      } catch (err) {
        if (!isFull(err)) return false;
      }
    }
    return false;
  }

  /** A file the engine refuses for its size can never be merged: its text is not worth keeping. */
  function slimOversized() {
    const big = setAside().filter(({ f }) => (f.size ?? 0) >= READ_LIMIT - 1 || f.text.length >= READ_LIMIT);
    big.forEach(slim);
    return big.length > 0;
  }

  function touch() {
    view.changes += 1;
    root.dataset.changes = String(view.changes);
  }

  function changed(delay = 0) {
    view.edited = true; // from now on, a saved consolidated assessment follows the session
    persist({ quiet: root.dataset.state === "ready" });
    touch();
    clearTimeout(view.timer);
    view.timer = setTimeout(merge, delay);
  }

  // -- merging (engine) --------------------------------------------------------------------------

  async function merge() {
    if (root.dataset.state !== "ready") { renderFiles(); return; }
    if (view.busy) { view.again = true; return; }
    view.busy = true;
    const seq = view.changes;
    try {
      const files = session.files.filter((f) => typeof f.text === "string");
      if (!files.length) {
        view.data = null; view.merged = null; view.scores = null;
      } else {
        const data = await engine.call("consolidate", {
          files: files.map(({ name, text, size }) => ({ name, text, size })),
          show_names: session.showNames, agreed: session.agreed,
        });
        const merged = data.consolidated;
        merged.id = session.id;
        merged.created = session.created;
        if (session.structure) merged.structure = { ...merged.structure, ...session.structure };
        view.data = data;
        view.merged = merged;
        // Scored as saved: with the targets and importance the Évaluer page may have added.
        const scored = await engine.call("score", { assessment: consolidatedAssessment() });
        view.scores = scored.scores;
        $("[data-results]").innerHTML = scored.html; // HTML built and escaped by the Python package
        if (slimOversized()) view.savePending = true;
        // Only after a change here: merely opening the page must not overwrite what the Évaluer page did.
        if (session.saved && view.edited) saveConsolidated(false);
      }
      view.failed = false;
      view.troubleAlert?.remove();
      view.troubleAlert = null;
      delete root.dataset.failed;
      render();
    } catch (err) {
      // The session (files, agreed answers) is untouched; every file stays listed, and removable.
      view.data = null; view.merged = null; view.scores = null;
      view.failed = true;
      root.dataset.failed = "true";
      $("[data-results]").replaceChildren();
      render();
      // An engine that stopped says so itself, and restarts: the merge runs again once it is ready.
      if (root.dataset.state === "ready") {
        showTrouble(`La synthèse n'a pas pu être faite : ${trouble(err)}. Les fichiers et les réponses retenues `
          + "restent gardés : elle sera refaite au prochain changement, ou avec « Réessayer ». Si cela se répète, "
          + "retirez le dernier fichier ajouté, ou rechargez la page.");
      }
    } finally {
      root.dataset.merged = String(seq); // tests wait for merged === changes (and read data-failed)
      view.busy = false;
      if (view.savePending) persist();
      if (view.again) { view.again = false; merge(); }
    }
  }

  /** One message for a failed merge, replaced by the next one, removed once a merge succeeds. */
  function showTrouble(text) {
    view.troubleAlert = showRetry(alerts, view.troubleAlert, text, () => { touch(); merge(); });
  }

  function accepted() { return view.data ? view.data.files.length : 0; }

  function render() {
    renderFiles();
    const ok = accepted() > 0;
    $$("[data-needs-merge]").forEach((section) => { section.hidden = !ok; });
    if (ok) {
      renderOverview();
      renderMap();
      renderCards();
      renderResult();
      if (meeting.open) renderMeeting();
    } else if (meeting.open) {
      meeting.close();
    }
    refreshAnonSources();
  }

  // -- files ---------------------------------------------------------------------------------------

  function renderFiles() {
    const tbody = $("[data-files]");
    const data = view.data;
    $("[data-files-box]").hidden = session.files.length === 0;
    const rows = session.files.map((f, index) => {
      const kept = data ? data.files.indexOf(f.name) : -1;
      const notes = data ? data.notes.filter((n) => n.file === f.name) : [];
      const status = el("td");
      let state = "waiting";
      if (typeof f.text !== "string") { // set aside earlier; only its name and the reason are kept
        state = "refused";
        status.append(el("strong", { class: "cap-refused", text: "✗ Mis de côté" }),
          el("span", { class: "cap-note cap-note-refused", text: `Raison : ${f.refused}` }),
          el("span", { class: "cap-note", text: "Seul son nom est gardé sur cet appareil." }));
      } else if (view.failed) {
        state = "failed";
        status.append("Pas encore lu : voir le message en haut de la page.");
      } else if (!data) {
        status.append(root.dataset.state === "error" ? "Le moteur de calcul n'a pas démarré."
          : "En attente du moteur de calcul…");
      } else if (kept >= 0) {
        state = "accepted";
        status.append(el("strong", { class: "cap-ok", text: "✓ Accepté" }));
      } else {
        state = "refused";
        status.append(el("strong", { class: "cap-refused", text: "✗ Mis de côté" }));
      }
      for (const note of notes) {
        status.append(el("span", { class: `cap-note cap-note-${note.level}` },
          note.level === "refused" ? `Raison : ${note.message}` : `Attention : ${note.message}`));
      }
      const remove = el("button", { type: "button", class: "md-button cap-small", "data-remove": String(index),
        "aria-label": `Retirer le fichier « ${f.name} »`, text: "Retirer" });
      const participant = kept >= 0 ? who(view.merged.participants[kept]) : "–";
      const tr = el("tr", { "data-file-status": state }, el("td", { class: "cap-file-name", text: f.name }),
        el("td", { text: participant }), status, el("td", {}, remove));
      tr.dataset.file = f.name;
      return tr;
    });
    tbody.replaceChildren(...rows);
    labelCells(tbody.closest("table"));
    const general = data ? data.notes.filter((n) => !n.file) : [];
    $("[data-general-notes]").replaceChildren(...general.map((n) => el("p", { class: "cap-alert cap-alert-warning",
      text: n.message })));
    const total = session.files.length;
    const summary = $("[data-files-summary]");
    if (!total) summary.textContent = "Aucun fichier pour l'instant.";
    else if (view.failed) summary.textContent = `${total} fichier(s) : la synthèse n'a pas pu être faite.`;
    else if (!data && session.files.some((f) => typeof f.text === "string")) {
      summary.textContent = `${total} fichier(s) en attente de lecture.`;
    } else if (!data) summary.textContent = `Aucun participant dans la synthèse ; ${total} fichier(s) mis de côté.`;
    else {
      const refused = total - accepted();
      summary.textContent = `${accepted()} participant(s) dans la synthèse`
        + (refused ? ` ; ${refused} fichier(s) mis de côté (voir la raison dans le tableau).` : ".");
    }
  }

  async function addFiles(fileList, { folder = false } = {}) {
    touch(); // the page is not current until these files are merged
    let files = Array.from(fileList || []);
    if (folder) { // a whole folder: its JSON files; the others are named, with the reason, and left out
      const skipped = files.filter((f) => !/\.json$/i.test(f.name));
      files = files.filter((f) => /\.json$/i.test(f.name));
      if (skipped.length) {
        const names = skipped.slice(0, 10).map((f) => `«\u202f${f.webkitRelativePath || f.name}\u202f»`).join(", ");
        alerts.show(`${skipped.length} fichier(s) du dossier laissé(s) de côté\u202f: ce ne sont pas des fichiers JSON `
          + `exportés par la page Évaluer (${names}${skipped.length > 10 ? ", …" : ""}).`, "warning");
      }
      if (!files.length) alerts.show("Aucun fichier JSON dans ce dossier\u202f: rien n'a été ajouté.", "warning");
    }
    for (const file of files) {
      // One at a time, so that each keeps its real size: the engine names it when a file is too large.
      await addReadFiles([file], session.files, alerts, { source: "file", size: file.size });
    }
    changed();
  }

  /** Every file of dropped entries, folders walked through (readEntries gives at most 100 at a time). */
  async function filesIn(entries) {
    const out = [];
    for (const entry of entries) {
      if (entry.isFile) out.push(await new Promise((resolve, reject) => entry.file(resolve, reject)));
      else if (entry.isDirectory) {
        const reader = entry.createReader();
        for (;;) {
          const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
          if (!batch.length) break;
          out.push(...await filesIn(batch));
        }
      }
    }
    return out;
  }

  function addSaved() {
    const boxes = $$("[data-saved-list] input:checked");
    if (!boxes.length) { alerts.show("Cochez d'abord une ou plusieurs évaluations enregistrées.", "warning"); return; }
    const taken = new Set(session.files.map((f) => f.name));
    for (const box of boxes) {
      try {
        const a = store.load(box.value);
        if (!a) continue;
        const label = `Enregistrée : ${a.structure?.name || "Sans nom"} (${roleLabel(a.respondent?.role)}, `
          + `${frDate(a.updated)})`;
        const name = uniqueName(label, taken);
        taken.add(name);
        session.files.push({ name, text: JSON.stringify(a), source: "saved" });
      } catch (err) {
        alerts.show(err.message);
      }
      box.checked = false;
    }
    changed();
  }

  function refreshSaved() {
    renderSaved($("[data-saved-list]"), store, { filter: (item) => item.kind !== "consolidated", roleLabel });
  }

  // -- overview, map and table -----------------------------------------------------------------------

  const stats = (cid) => view.merged.stats[cid];
  const applies = (cid) => view.scores?.criteria[cid]?.applies !== false;
  const agreedValue = (cid) => {
    const v = session.agreed[cid]?.value;
    return VALUES.includes(String(v)) && !(v === "na" && isCore(cid)) ? v : null;
  };

  function flagsOf(cid) {
    const st = stats(cid);
    const out = [];
    if (!applies(cid)) out.push({ cls: "is-excluded", sym: "/", text: "ne concerne pas ce type de structure" });
    if (st.divergent) out.push({ cls: "is-divergent", sym: "≠", text: `divergent (écart de ${st.spread} niveaux)` });
    if (st.clarify) out.push({ cls: "is-clarify", sym: "?", text: `à clarifier (${st.dk} « je ne sais pas »)` });
    if (!out.length) {
      if (st.spread === null) out.push({ cls: "is-empty", sym: "–", text: "sans réponse chiffrée" });
      else out.push({ cls: "is-agree", sym: "=", text: st.spread === 0 ? "réponses identiques" : "réponses proches" });
    }
    return out;
  }

  function rank(cid) {
    const st = stats(cid);
    if (!applies(cid)) return 3;
    if (st.divergent) return 0;
    if (st.clarify) return 1;
    return 2;
  }

  function ordered(ids) {
    if (session.order === "grid") return [...ids];
    const pos = new Map(ORDER.map((cid, i) => [cid, i]));
    return [...ids].sort((a, b) => rank(a) - rank(b) || pos.get(a) - pos.get(b));
  }

  function renderOverview() {
    const parts = view.merged.participants;
    const byRole = new Map();
    for (const p of parts) byRole.set(roleLabel(p.role), (byRole.get(roleLabel(p.role)) || 0) + 1);
    const roles = [...byRole].map(([label, n]) => `${label} : ${n}`).join(", ");
    const live = ORDER.filter(applies);
    const divergent = live.filter((cid) => stats(cid).divergent).length;
    const clarify = live.filter((cid) => stats(cid).clarify).length;
    const agreed = live.filter((cid) => agreedValue(cid) !== null).length;
    $("[data-overview]").replaceChildren(
      el("strong", { text: `${parts.length} participant(s)` }), ` (${roles}). `,
      el("strong", { text: `${divergent} critère(s) divergent(s)` }), ", ",
      el("strong", { text: `${clarify} à clarifier` }),
      `, ${agreed} réponse(s) retenue(s) en séance, sur ${live.length} critères qui concernent la structure.`);
    $("[data-action=order]").value = session.order;
  }

  function cellFor(cid) {
    const flags = flagsOf(cid);
    const agreed = agreedValue(cid);
    const classes = ["cap-cell", flags[0].cls];
    if (agreed !== null) classes.push("is-agreed");
    const symbol = flags.map((f) => f.sym).join("") + (agreed !== null ? "✔" : "");
    const words = flags.map((f) => f.text).join(", ")
      + (agreed !== null ? `, retenu : ${valueLabel(agreed)}` : "");
    // the theme is named beside the cells: a cell shows its symbol and the criterion's number
    const link = el("a", { href: `#s-${cid}`, class: classes.join(" "), title: `${question(cid)} (${cid}) : ${words}` },
      el("span", { class: "cap-cell-sym", "aria-hidden": "true", text: symbol }),
      el("span", { class: "cap-cell-id", "aria-hidden": "true", text: cid.split("-").pop() }),
      el("span", { class: "cap-sr", text: `${question(cid)} (${cid}) : ${words}` }));
    link.dataset.cell = cid;
    return el("li", {}, link);
  }

  function renderMap() {
    for (const row of $$("[data-map-theme]")) {
      const ids = ORDER.filter((cid) => cards.get(cid).dataset.theme === row.dataset.mapTheme);
      $(".cap-map-cells", row).replaceChildren(...ordered(ids).map(cellFor));
    }
    const head = el("tr", {}, ...["N°", "Critère", "Signal", "Écart", "Réponses (1 / 2 / 3 / 4 / NC / ?)", "Proposé",
      "Retenu"].map((t) => el("th", { scope: "col", text: t })));
    const rows = ordered(ORDER).map((cid, i) => {
      const st = stats(cid);
      const counts = ["1", "2", "3", "4"].map((k) => st.counts[k]).concat([st.na, st.dk]).join(" / ");
      const agreed = agreedValue(cid);
      return el("tr", { "data-row": cid }, el("td", { text: String(i + 1) }),
        el("th", { scope: "row" }, `${question(cid)} `, el("span", { class: "cap-id", text: cid })),
        el("td", { text: flagsOf(cid).map((f) => `${f.sym} ${f.text}`).join(" ; ") }),
        el("td", { text: st.spread === null ? "–" : String(st.spread) }),
        el("td", { text: counts }),
        el("td", { text: valueLabel(st.proposed) }),
        el("td", { text: agreed === null ? "–" : valueLabel(agreed) }));
    });
    $("[data-map-table]").replaceChildren(el("table", { class: "cap-map-table" },
      el("caption", { text: "Tous les critères, dans l'ordre choisi, avec leurs signaux" }),
      el("thead", {}, head), el("tbody", {}, ...rows)));
  }

  // -- criterion cards ---------------------------------------------------------------------------------

  function distribution(cid, { descriptors = false } = {}) {
    const st = stats(cid);
    const parts = view.merged.participants;
    const keys = ["1", "2", "3", "4"];
    if (!isCore(cid) || st.na) keys.push("na");
    keys.push("dk");
    const countOf = (key) => (key === "na" ? st.na : key === "dk" ? st.dk : st.counts[key]);
    const unanswered = st.n - keys.reduce((sum, k) => sum + countOf(k), 0);
    if (unanswered > 0) keys.push("none");
    const levels = cards.get(cid).querySelectorAll("[data-descriptor]");
    const rows = keys.map((key) => {
      const count = key === "none" ? unanswered : countOf(key);
      const people = st.values.map((v, i) => [v, parts[i]])
        .filter(([v]) => (key === "none" ? !VALUES.includes(String(v)) : String(v) === key)).map(([, p]) => who(p));
      const label = key === "none" ? "Sans réponse" : valueLabel(/^\d$/.test(key) ? Number(key) : key);
      const head = el("th", { scope: "row" }, label);
      if (descriptors && /^\d$/.test(key) && count > 0) { // the levels in play: read them aloud
        head.append(el("span", { class: "cap-meet-descriptor", text: levels[Number(key) - 1]?.textContent || "" }));
      }
      const bar = el("span", { class: "cap-bar", "aria-hidden": "true" });
      bar.style.width = `${st.n ? (count / st.n) * 100 : 0}%`;
      const proposed = String(st.proposed) === key;
      const tr = el("tr", { class: proposed ? "is-proposed" : null }, head,
        el("td", { class: "cap-count" }, el("span", { class: "cap-bar-box" }, bar), el("span", { text: String(count) })),
        el("td", { text: people.join(", ") || "–" }));
      return tr;
    });
    const table = el("table", { class: "cap-dist cap-stack" },
      el("caption", { text: `Répartition des réponses (${st.n} participant${st.n > 1 ? "s" : ""})` }),
      el("thead", {}, el("tr", {}, el("th", { scope: "col", text: "Réponse" }), el("th", { scope: "col", text: "Nombre" }),
        el("th", { scope: "col", text: "Qui (par rôle)" }))),
      el("tbody", {}, ...rows));
    labelCells(table);
    return table;
  }

  function byRole(cid) {
    const st = stats(cid);
    const groups = new Map(Object.keys(ROLES).map((r) => [r, []]));
    st.values.forEach((v, i) => {
      const role = st.roles[i] || "";
      if (!groups.has(role)) groups.set(role, []);
      groups.get(role).push(shortValue(v));
    });
    const items = [...groups].filter(([, vals]) => vals.length)
      .map(([role, vals]) => el("li", {}, el("strong", { text: `${roleLabel(role)} : ` }), vals.join(", ")));
    return el("div", { class: "cap-by-role" }, el("p", { class: "cap-sub", text: "Par rôle (NC : non concerné ; ? : je ne sais pas ; – : sans réponse)" }),
      el("ul", {}, ...items));
  }

  function comments(cid) {
    const list = stats(cid).comments || [];
    if (!list.length) return el("p", { class: "cap-hint", text: "Aucun commentaire." });
    const byLabel = new Map(view.merged.participants.map((p) => [p.label, p]));
    return el("div", { class: "cap-comments" }, el("p", { class: "cap-sub", text: `Commentaires (${list.length})` }),
      el("ul", {}, ...list.map((c) => el("li", {}, el("strong", { text: `${who(byLabel.get(c.label) || c)} : ` }), c.text))));
  }

  function flagLine(cid) {
    return el("p", { class: "cap-flags" }, ...flagsOf(cid).map((f) => el("span", { class: `cap-flag ${f.cls}` },
      el("span", { "aria-hidden": "true", text: `${f.sym} ` }), f.text)));
  }

  function decisionLine(cid) {
    const st = stats(cid);
    const agreed = agreedValue(cid);
    const reason = session.agreed[cid]?.reason;
    const line = el("p", { class: "cap-decision" }, "Valeur proposée : ",
      el("strong", { "data-proposed-label": "", text: valueLabel(st.proposed) }),
      st.proposed !== null && typeof st.proposed === "number" ? " (médiane basse des réponses chiffrées)" : "");
    if (agreed !== null) {
      line.append(el("br"), "Retenu en séance : ", el("strong", { class: "cap-agreed", text: valueLabel(agreed) }));
      if (reason) line.append(" — ", el("q", { text: reason }));
    }
    return line;
  }

  function renderCards() {
    // A redraw replaces the "Discuter" buttons: one that had the focus (the meeting closed on it) keeps it.
    const focused = document.activeElement?.closest?.("[data-dyn] [data-discuss]")?.dataset.discuss;
    for (const [cid, card] of cards) {
      const st = stats(cid);
      card.dataset.proposed = st.proposed === null ? "" : String(st.proposed);
      card.dataset.divergent = String(st.divergent);
      card.dataset.clarify = String(st.clarify);
      card.dataset.spread = st.spread === null ? "" : String(st.spread);
      card.dataset.agreed = agreedValue(cid) === null ? "" : String(agreedValue(cid));
      card.classList.toggle("is-excluded", !applies(cid));
      card.classList.toggle("is-divergent", st.divergent && applies(cid));
      const discuss = el("button", { type: "button", class: "md-button cap-small", "data-discuss": cid,
        text: "Discuter en mode réunion" });
      const parts = [flagLine(cid), decisionLine(cid)];
      if (!applies(cid)) {
        parts.push(el("p", { class: "cap-hint", text: "Ce critère ne concerne pas ce type de structure : il n'est pas compté." }));
      } else {
        parts.push(el("div", { class: "cap-table-scroll" }, distribution(cid)), byRole(cid), comments(cid),
          el("div", { class: "cap-buttons" }, discuss));
      }
      $("[data-dyn]", card).replaceChildren(...parts);
      if (cid === focused) discuss.focus({ preventScroll: true });
    }
  }

  // -- meeting mode ---------------------------------------------------------------------------------

  const meet = (selector) => meeting.querySelector(selector);
  const current = () => view.meetOrder[view.meetPos];

  function announce(text) {
    const live = meet("[data-meet-live]");
    live.textContent = "";
    setTimeout(() => { live.textContent = text; }, 30);
  }

  function openMeeting(cid) {
    view.meetOrder = ordered(ORDER.filter(applies));
    if (!view.meetOrder.length) { alerts.show("Aucun critère à discuter pour ce type de structure.", "warning"); return; }
    view.meetPos = Math.max(0, cid ? view.meetOrder.indexOf(cid) : 0);
    const from = document.activeElement;
    view.opener = from?.dataset?.discuss ? `[data-discuss="${CSS.escape(from.dataset.discuss)}"]`
      : from?.dataset?.action === "meeting" ? "[data-action=meeting]" : null;
    meeting.showModal();
    document.documentElement.classList.add("cap-meeting-open");
    renderMeeting();
    meet("#syn-meet-title").focus();
    announce(spoken());
  }

  function closeMeeting() {
    if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
    if (meeting.open) meeting.close();
  }

  function spoken() {
    const cid = current();
    return `Critère ${view.meetPos + 1} sur ${view.meetOrder.length} : ${cid}, ${question(cid)}. `
      + flagsOf(cid).map((f) => f.text).join(", ") + `. Proposé : ${valueLabel(stats(cid).proposed)}.`
      + (agreedValue(cid) !== null ? ` Retenu : ${valueLabel(agreedValue(cid))}.` : "");
  }

  function renderMeeting() {
    const cid = current();
    if (!cid) return;
    const st = stats(cid);
    const rankText = ["à discuter d'abord : divergent", "à clarifier", "sans divergence", ""][rank(cid)];
    meet("[data-meet-pos]").textContent = `Critère ${view.meetPos + 1} sur ${view.meetOrder.length}`
      + (session.order === "talk" && rankText ? ` · ${rankText}` : "");
    meet("[data-meet-id]").textContent = cid;
    meet("[data-meet-question]").textContent = question(cid);
    meet("[data-meet-flags]").replaceChildren(...flagLine(cid).childNodes);
    meet("[data-meet-dist]").replaceChildren(el("div", { class: "cap-table-scroll" }, distribution(cid, { descriptors: true })));
    meet("[data-meet-roles]").replaceChildren(byRole(cid));
    meet("[data-meet-comments]").replaceChildren(comments(cid));
    const agreed = agreedValue(cid);
    meet("[data-meet-current]").replaceChildren("Proposé : ", el("strong", { text: valueLabel(st.proposed) }), " · Retenu : ",
      el("strong", { "data-meet-agreed": "", text: agreed === null ? "pas encore (la valeur proposée sera gardée)" : valueLabel(agreed) }));
    for (const button of meeting.querySelectorAll("[data-value]")) {
      const v = button.dataset.value;
      button.hidden = v === "na" && isCore(cid);
      button.setAttribute("aria-pressed", String(v !== "" && agreed !== null && String(agreed) === v));
    }
    const reason = meet("[data-meet-reason]");
    if (document.activeElement !== reason) reason.value = session.agreed[cid]?.reason || "";
    meet("[data-meet=prev]").disabled = view.meetPos === 0;
    meet("[data-meet=next]").disabled = view.meetPos >= view.meetOrder.length - 1;
    meeting.dataset.criterion = cid;
    // A button that just got disabled (first or last criterion) drops the focus: keep it in the dialog.
    const active = document.activeElement;
    if (meeting.open && (!meeting.contains(active) || active.disabled)) meet("#syn-meet-title").focus();
  }

  function move(delta) {
    const next = view.meetPos + delta;
    if (next < 0 || next >= view.meetOrder.length) {
      announce(next < 0 ? "C'est le premier critère." : "C'est le dernier critère.");
      return;
    }
    view.meetPos = next;
    renderMeeting();
    announce(spoken());
  }

  function decide(value) {
    const cid = current();
    if (value === "na" && isCore(cid)) {
      announce("« Non concerné » n'est pas possible sur un critère essentiel.");
      return;
    }
    const entry = { ...(session.agreed[cid] || {}) };
    if (value === null) delete entry.value; else entry.value = value;
    if (entry.value === undefined && !entry.reason) delete session.agreed[cid];
    else session.agreed[cid] = entry;
    renderMeeting();
    announce(value === null ? `${cid} : retour à la valeur proposée (${valueLabel(stats(cid).proposed)}).`
      : `${cid} : réponse retenue ${valueLabel(value)}.`);
    changed();
  }

  meeting.addEventListener("keydown", (event) => {
    const target = event.target;
    if (target.matches("textarea, input, select")) {
      if (event.key === "Escape") { event.preventDefault(); meet("#syn-meet-title").focus(); }
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const key = event.key;
    if (/^[1-4]$/.test(key)) decide(Number(key));
    else if (key === "n" || key === "N") decide("na");
    else if (key === "?") decide("dk");
    else if (key === "Delete" || key === "Backspace") decide(null);
    else if (key === "ArrowRight" || (key === "Enter" && !target.matches("button, a, summary"))) move(1);
    else if (key === "ArrowLeft") move(-1);
    else if (key === "r" || key === "R") meet("[data-meet-reason]").focus();
    else return;
    event.preventDefault();
  });
  meeting.addEventListener("cancel", (event) => {
    if (document.activeElement === meet("[data-meet-reason]")) {
      event.preventDefault();
      meet("#syn-meet-title").focus();
    }
  });
  meeting.addEventListener("close", () => {
    if (view.reopening) { view.reopening = false; return; }
    if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
    document.documentElement.classList.remove("cap-meeting-open");
    const back = (view.opener && $(view.opener)) || cards.get(current());
    back?.focus();
  });
  meeting.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button) return;
    if (button.dataset.value !== undefined) {
      const v = button.dataset.value;
      decide(v === "" ? null : /^\d$/.test(v) ? Number(v) : v);
    } else if (button.dataset.meet === "next") move(1);
    else if (button.dataset.meet === "prev") move(-1);
    else if (button.dataset.meet === "close") closeMeeting();
    else if (button.dataset.meet === "fullscreen") {
      if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
      else {
        // The page goes full screen (a <dialog> itself may not), then the dialog is shown again so that
        // it comes back on top of the page in the browser's top layer.
        document.documentElement.requestFullscreen()
          .then(() => {
            view.reopening = true; // the "close" event comes later, once: it must not end the meeting
            meeting.close();
            meeting.showModal();
            meet("[data-meet=fullscreen]").focus();
            announce("Plein écran. Échap pour en sortir.");
          })
          .catch(() => announce("Le plein écran n'est pas disponible : utilisez la touche F11."));
      }
    }
  });
  meet("[data-meet-reason]").addEventListener("input", (event) => {
    const cid = current();
    const entry = { ...(session.agreed[cid] || {}) };
    if (event.target.value) entry.reason = event.target.value; else delete entry.reason;
    if (entry.value === undefined && !entry.reason) delete session.agreed[cid]; else session.agreed[cid] = entry;
    changed(500);
  });

  // -- the consolidated assessment ------------------------------------------------------------------

  /** What is saved, exported and printed: the merge, plus what the Évaluer page added to a saved copy. */
  function consolidatedAssessment() {
    const a = JSON.parse(JSON.stringify(view.merged));
    let saved = null;
    try { saved = store.load(a.id); } catch { saved = null; }
    if (saved) {
      for (const key of ["plan", "targets", "importance", "indicators", "exported"]) {
        if (saved[key] !== undefined) a[key] = saved[key];
      }
    }
    return a;
  }

  function saveConsolidated(explicit) {
    if (!view.merged) return;
    try {
      store.save(consolidatedAssessment());
      if (!session.saved) { session.saved = true; persist(); }
      saveStatus();
      if (explicit) refreshAnonSources();
    } catch (err) {
      alerts.show(err instanceof StorageError ? err.message : `Enregistrement impossible : ${err.message}`);
    }
  }

  function saveStatus() {
    const stored = store.meta(session.id);
    if (session.saved && !stored) { session.saved = false; persist(); } // deleted from the Évaluer page: not re-created
    $("[data-action=open-evaluer]").hidden = !session.saved;
    $("[data-save-status]").textContent = session.saved
      ? `Enregistrée sur cet appareil (mise à jour le ${frDate(stored.updated, true)}) : elle figure dans la liste de la `
        + "page Évaluer et suit chaque changement de cette séance."
      : "Pas encore enregistrée sur cet appareil.";
  }

  function renderResult() {
    const s = view.merged.structure || {};
    const name = $("[data-field=name]");
    if (document.activeElement !== name) name.value = s.name || "";
    const ticked = (field, ids) => {
      for (const box of $$(`input[data-field=${field}]`)) box.checked = (ids || []).includes(box.value);
    };
    ticked("types", s.types || (s.type ? [s.type] : []));
    ticked("activities", s.activities);
    saveStatus();
  }

  function fileStem() {
    return `cap-synthese-${slug(view.merged?.structure?.name, "structure")}-${new Date().toISOString().slice(0, 10)}`;
  }

  async function exportJson() {
    if (!view.merged) return;
    try {
      const { text } = await engine.call("export", { assessment: consolidatedAssessment() });
      download(`${fileStem()}.json`, text);
    } catch (err) {
      alerts.show(`Export impossible : ${trouble(err)}.`);
    }
  }

  async function printPlan() {
    if (!view.merged) return;
    try {
      const { html } = await engine.call("report", { assessment: consolidatedAssessment(), summary: false });
      printHtml($("[data-print-frame]"), html);
    } catch (err) {
      alerts.show(`Impression impossible : ${trouble(err)}.`);
    }
  }

  function setStructure() {
    const name = $("[data-field=name]").value.slice(0, 200);
    const ticked = (field) => $$(`input[data-field=${field}]:checked`).map((box) => box.value);
    session.structure = { name, types: ticked("types"), activities: ticked("activities") };
  }

  // -- anonymised export ------------------------------------------------------------------------------

  function refreshAnonSources() {
    const select = $("[data-anon-source]");
    const before = select.value;
    const options = [];
    if (view.merged) options.push(el("option", { value: "current", text: "L'évaluation consolidée de cette séance" }));
    const items = store.index().filter((item) => item.id !== session.id)
      .sort((x, y) => String(y.updated).localeCompare(String(x.updated)));
    for (const item of items) {
      const kind = item.kind === "consolidated" ? " (synthèse)" : "";
      options.push(el("option", { value: item.id, text: `${item.title || item.name || "Sans nom"}${kind} — ${frDate(item.updated, true)}` }));
    }
    if (!options.length) options.push(el("option", { value: "", text: "Aucune évaluation disponible" }));
    select.replaceChildren(...options);
    if ([...select.options].some((o) => o.value === before)) select.value = before;
  }

  function hidePreview() {
    view.anon = null;
    $("[data-anon-box]").hidden = true;
  }

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

  // What a field of the anonymised file is, in words (titles and questions from the page itself);
  // the field's name stays beside it, small, for those who will open the file.
  const FIELD_WORDS = {
    format: "Format du fichier", format_version: "Version du format", kind: "Nature du fichier",
    "questionnaire.id": "Questionnaire", "questionnaire.version": "Version du questionnaire",
    "structure.types": "Types de structure", "structure.activities": "Activités", "structure.region": "Région",
    "structure.size": "Taille de la structure", date: "Date de l'évaluation", "scores.overall": "Score global",
  };
  function fieldWords(path) {
    if (FIELD_WORDS[path]) return FIELD_WORDS[path];
    const [group, sub, id] = path.split(".");
    const text = (selector) => $(selector)?.textContent.trim();
    if (group === "values" && cards.has(sub)) return `Réponse : ${question(sub)}`;
    if (group === "scores" && sub === "pillars") {
      return `Score du pilier : ${text(`[data-map-pillar="${id}"] .cap-map-title`)?.replace(/^\d+\.\s*/, "") || id}`;
    }
    if (group === "scores" && sub === "themes") return `Score du thème : ${text(`[data-map-theme="${id}"] .cap-map-theme-title`) || id}`;
    return path;
  }

  async function anonPreview() {
    const source = $("[data-anon-source]").value;
    let assessment = null;
    try {
      assessment = source === "current" ? consolidatedAssessment() : source ? store.load(source) : null;
    } catch (err) {
      alerts.show(err.message);
      return;
    }
    if (!assessment) { alerts.show("Choisissez d'abord une évaluation à exporter.", "warning"); return; }
    try {
      const data = await engine.call("anonymise", { assessment, region: $("[data-anon-region]").value });
      view.anon = data;
      const rows = flatten(data, "", []).map(([k, v]) => {
        const words = fieldWords(k);
        return el("tr", {}, el("th", { scope: "row" }, words, ...(words === k ? [] : [" ", el("span", { class: "cap-id", text: k })])),
          el("td", { text: v }));
      });
      $("[data-anon-preview]").replaceChildren(el("table", { class: "cap-anon-table" },
        el("caption", { text: `Contenu complet du fichier anonymisé (${rows.length} champs)` }),
        el("thead", {}, el("tr", {}, el("th", { scope: "col", text: "Champ" }), el("th", { scope: "col", text: "Valeur" }))),
        el("tbody", {}, ...rows)));
      $("[data-anon-box]").hidden = false;
      $("[data-anon-preview] caption").scrollIntoView({ block: "nearest" });
    } catch (err) {
      alerts.show(`Export anonymisé impossible : ${trouble(err)}.`);
    }
  }

  function anonDownload() {
    if (!view.anon) return;
    const s = view.anon.structure || {};
    const type = slug((s.types || []).join("-") || s.type, "structure");
    download(`cap-anonyme-${type}-${view.anon.date || new Date().toISOString().slice(0, 10)}.json`,
      JSON.stringify(view.anon, null, 2));
  }

  // -- events -------------------------------------------------------------------------------------

  const actions = {
    "add-saved": addSaved,
    "new-session": () => {
      if (!window.confirm("Commencer une nouvelle séance ? Les fichiers et les réponses retenues de la séance en cours "
        + "seront effacés de cette page. Une évaluation consolidée déjà enregistrée reste dans la page Évaluer.")) return;
      try { store.remove(SESSION_KEY); } catch { /* nothing to remove */ }
      session = freshSession();
      $("[data-action=show-names]").checked = false;
      $("[data-results]").replaceChildren();
      $("[data-save-status]").textContent = "";
      hidePreview();
      alerts.clear();
      touch();
      merge();
      alerts.show("Nouvelle séance : ajoutez les fichiers des participants.", "success");
    },
    meeting: () => openMeeting(null),
    save: () => saveConsolidated(true),
    "export-json": exportJson,
    "print-plan": printPlan,
    "anon-preview": anonPreview,
    "anon-download": anonDownload,
  };

  root.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button || meeting.contains(button)) return;
    if (button.dataset.action && actions[button.dataset.action]) actions[button.dataset.action]();
    else if (button.dataset.remove !== undefined) {
      const index = Number(button.dataset.remove);
      const [gone] = session.files.splice(index, 1);
      changed();
      alerts.show(`Fichier « ${gone.name} » retiré de la séance.`, "success");
      $("[data-action=add-files]").focus();
    } else if (button.dataset.discuss) openMeeting(button.dataset.discuss);
  });
  root.addEventListener("change", (event) => {
    const target = event.target;
    const action = target.dataset?.action;
    if (action === "add-files" || action === "add-folder") {
      addFiles(target.files, { folder: action === "add-folder" }).finally(() => { target.value = ""; });
    }
    else if (action === "show-names") { session.showNames = target.checked; changed(); }
    else if (action === "order") { session.order = target.value; persist(); if (view.merged) renderMap(); }
    else if (target.dataset?.field) { setStructure(); changed(); }
    else if (target.matches("[data-anon-source], [data-anon-region]")) hidePreview();
  });
  $("[data-field=name]").addEventListener("input", () => { setStructure(); changed(600); });
  $("[data-action=open-evaluer]").addEventListener("click", () => {
    try { store.current = session.id; } catch (err) { alerts.show(err.message); }
  });
  setupDrop($("[data-drop]"), (files) => addFiles(files));
  // A dropped folder: the drop zone's parent catches it first (capture) and reads every file inside.
  $("[data-drop]").parentElement.addEventListener("drop", (event) => {
    const zone = $("[data-drop]");
    const entries = Array.from(event.dataTransfer?.items || [], (item) => item.webkitGetAsEntry?.()).filter(Boolean);
    if (!zone.contains(event.target) || !entries.some((entry) => entry.isDirectory)) return;
    event.preventDefault();
    event.stopPropagation();
    zone.classList.remove("is-over");
    filesIn(entries).then((files) => addFiles(files, { folder: true }))
      .catch((err) => alerts.show(`Le dossier n'a pas pu être lu (${err?.message || err}). Les fichiers déjà ajoutés sont gardés.`));
  }, true);
  window.addEventListener("storage", (event) => { if (event.key?.startsWith("cap-en-ligne:")) { refreshSaved(); refreshAnonSources(); } });

  // -- start -----------------------------------------------------------------------------------------

  if (!store.persistent) alerts.show(new StorageError("disabled").message, "warning");
  meet("[data-meet=fullscreen]").hidden = !document.fullscreenEnabled;
  document.addEventListener("fullscreenchange", () => {
    meet("[data-meet=fullscreen]").textContent = document.fullscreenElement ? "Quitter le plein écran" : "Plein écran";
  });
  $("[data-action=show-names]").checked = session.showNames;
  $("[data-action=order]").value = session.order;
  refreshSaved();
  refreshAnonSources();
  touch();
  renderFiles();
  engineStatus(root, engine, merge, alerts, "Les fichiers ajoutés restent gardés sur cet appareil.");
  // Invitations, response links and QR codes (share.js, issue 16): answers read from a code join as a file does.
  import("./share.js").then(({ setupFacilitator }) => setupFacilitator({ root, engine, alerts, session: () => session,
    persist: () => persist(), add: (name, text) => { session.files.push({ name, text, source: "code" }); changed(); } }))
    .catch((err) => alerts.show(`Les invitations et la lecture des QR codes n'ont pas pu démarrer (${err.message}).`));
}

const root = document.getElementById("cap-synthese");
if (root) main(root);
