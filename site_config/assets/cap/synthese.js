// @ts-check
// The collective synthesis page: participants' files → engine op `synthesis` (one call per change:
// it reads, checks, merges, scores and returns every part of the page, built in Python) → the list
// of files, the divergence map, the criterion cards, the meeting mode (synthese-meeting.js), the
// consolidated assessment (saved with Store) and the anonymised export (synthese-anon.js). The
// session is kept on this device (synthese-session.js); the files come through filelist.js.
import { createEngine } from "./engine.js";
import { addPicked, dropZone, jsonFiles, liveView, showSaved, takeSaved } from "./filelist.js";
import { Store, StorageError, assessmentKey } from "./storage.js";
import { setupAnon } from "./synthese-anon.js";
import { createMeeting } from "./synthese-meeting.js";
import { createSession } from "./synthese-session.js";
import { renderFiles, renderMerge, renderStructure } from "./synthese-view.js";
import { alertBox, download, engineStatus, engineTrouble, frDate, printHtml, slug } from "./util.js";

/** @typedef {import("./synthese-view.js").SynthesisReply} SynthesisReply */

/** @param {HTMLElement} root */
function main(root) {
  /** @param {string} selector */
  const $ = (selector) => /** @type {HTMLElement} */ (root.querySelector(selector));
  const ROLES = JSON.parse(root.dataset.roles || "{}");
  const store = new Store();
  const alerts = alertBox($("[data-alerts]"));
  const engine = createEngine(root.dataset.base);
  const cards = new Map(Array.from(root.querySelectorAll("article[data-criterion]"),
    (a) => [/** @type {HTMLElement} */ (a).dataset.criterion, /** @type {HTMLElement} */ (a)]));
  const sessions = createSession(store, alerts);
  /** @type {{ reply: SynthesisReply | null, edited: boolean, timer: number | undefined }} */
  const page = { reply: null, edited: false, timer: undefined };
  const session = () => sessions.current;
  // Short role labels ("Salarié permanent (accompagnement, …)" → "Salarié permanent") for the saved list.
  const roleLabel = (role) => (role ? (ROLES[role] || role).replace(/\s*\([^)]*\)$/, "") : "Rôle non précisé");

  const view = liveView(root, {
    hook: "merged",
    load: merge,
    failed: () => { page.reply = null; },
    failure: (err) => `La synthèse n'a pas pu être faite : ${engineTrouble(err)}. Les fichiers et les réponses retenues `
      + "restent gardés : elle sera refaite au prochain changement, ou avec « Réessayer ». Si cela se répète, "
      + "retirez le dernier fichier ajouté, ou rechargez la page.",
    render,
    settled: () => { sessions.merge = page.reply; sessions.settle(); },
    alerts,
  });
  const meeting = createMeeting({ dialog: /** @type {HTMLDialogElement} */ ($("[data-meeting]")), cards, alerts,
    page: () => ({ reply: page.reply, session: session() }), changed, find: (selector) => root.querySelector(selector) });
  const anon = setupAnon({ root, store, engine, alerts, current: () => page.reply?.assessment || null,
    sessionId: () => session().id });

  /** One call: the files, the session's settings and the copy the Évaluer page completes (its plan, targets…). */
  async function merge() {
    const s = session();
    const files = s.files.filter((f) => typeof f.text === "string").map(({ name, text, size }) => ({ name, text, size }));
    if (!files.length) { page.reply = null; return; }
    let saved = null;
    try { saved = store.load(s.id); } catch { saved = null; }
    page.reply = await engine.call("synthesis", { files, show_names: s.showNames, agreed: s.agreed, order: s.order,
      session: { id: s.id, created: s.created }, structure: s.structure, saved });
    // Only after a change here: merely opening the page must not overwrite what the Évaluer page did.
    if (s.saved && page.edited) saveConsolidated(false);
  }

  function render() {
    const reply = page.reply;
    renderFiles(root, session(), reply, view.failed);
    const ok = Boolean(reply?.files.length);
    root.querySelectorAll("[data-needs-merge]").forEach((section) => { /** @type {HTMLElement} */ (section).hidden = !ok; });
    if (ok) {
      renderMerge(root, cards, reply);
      renderStructure(root, reply.assessment.structure);
      /** @type {HTMLSelectElement} */ ($("[data-action=order]")).value = session().order;
      saveStatus();
      meeting.refresh();
    } else {
      if (!reply) $("[data-results]").replaceChildren();
      meeting.close();
    }
    anon.refresh();
  }

  /** The session changed: keep it, and merge again (after `delay` ms: typing). */
  function changed(delay = 0) {
    page.edited = true; // from now on, a saved consolidated assessment follows the session
    sessions.persist({ quiet: root.dataset.state === "ready" });
    view.touch();
    clearTimeout(page.timer);
    page.timer = window.setTimeout(view.refresh, delay);
  }

  // -- the consolidated assessment ------------------------------------------------------------------

  /** @param {boolean} explicit the user asked (else: it follows the session) */
  function saveConsolidated(explicit) {
    const a = page.reply?.assessment;
    if (!a) return;
    try {
      store.save(a);
      if (!session().saved) { session().saved = true; sessions.persist(); }
      saveStatus();
      if (explicit) anon.refresh();
    } catch (err) {
      alerts.show(err instanceof StorageError ? err.message : `Enregistrement impossible : ${err.message}`);
    }
  }

  function saveStatus() {
    const s = session();
    const stored = store.meta(s.id);
    if (s.saved && !stored) { s.saved = false; sessions.persist(); } // deleted from the Évaluer page: not re-created
    $("[data-action=open-evaluer]").hidden = !s.saved;
    $("[data-save-status]").textContent = s.saved
      ? `Enregistrée sur cet appareil (mise à jour le ${frDate(stored.updated, true)}) : elle figure dans la liste de la `
        + "page Évaluer et suit chaque changement de cette séance."
      : "Pas encore enregistrée sur cet appareil.";
  }

  const fileStem = () => `cap-synthese-${slug(page.reply?.assessment.structure?.name, "structure")}-`
    + new Date().toISOString().slice(0, 10);

  async function exportJson() {
    if (!page.reply?.files.length) return;
    try {
      const { text } = await engine.call("export", { assessment: page.reply.assessment });
      download(`${fileStem()}.json`, text);
    } catch (err) {
      alerts.show(`Export impossible : ${engineTrouble(err)}.`);
    }
  }

  async function printPlan() {
    if (!page.reply?.files.length) return;
    try {
      const { html } = await engine.call("report", { assessment: page.reply.assessment, summary: false });
      printHtml(/** @type {HTMLIFrameElement} */ ($("[data-print-frame]")), html);
    } catch (err) {
      alerts.show(`Impression impossible : ${engineTrouble(err)}.`);
    }
  }

  function setStructure() {
    const name = /** @type {HTMLInputElement} */ ($("[data-field=name]")).value.slice(0, 200);
    /** @param {string} field */
    const ticked = (field) => Array.from(root.querySelectorAll(`input[data-field=${field}]:checked`),
      (box) => /** @type {HTMLInputElement} */ (box).value);
    session().structure = { name, types: ticked("types"), activities: ticked("activities") };
  }

  // -- files ------------------------------------------------------------------------------------------

  /** @param {ArrayLike<File> | File[] | null} picked @param {boolean} folder */
  async function addFiles(picked, folder) {
    view.touch(); // the page is not current until these files are merged
    await addPicked(folder ? jsonFiles(Array.from(picked || []), alerts) : picked, session().files, alerts, { source: "file" });
    changed();
  }

  function addSaved() {
    const named = (a) => `Enregistrée : ${a.structure?.name || "Sans nom"} (${roleLabel(a.respondent?.role)}, ${frDate(a.updated)})`;
    if (takeSaved($("[data-saved-list]"), store, session().files, alerts, named, { source: "saved" })) changed();
  }

  const refreshSaved = () => showSaved($("[data-saved-list]"), store, { filter: (item) => item.kind !== "consolidated",
    roleLabel });

  // -- events -------------------------------------------------------------------------------------

  const actions = {
    "add-saved": addSaved,
    "new-session": () => {
      if (!window.confirm("Commencer une nouvelle séance ? Les fichiers et les réponses retenues de la séance en cours "
        + "seront effacés de cette page. Une évaluation consolidée déjà enregistrée reste dans la page Évaluer.")) return;
      sessions.reset();
      /** @type {HTMLInputElement} */ ($("[data-action=show-names]")).checked = false;
      $("[data-results]").replaceChildren();
      $("[data-save-status]").textContent = "";
      anon.hide();
      alerts.clear();
      view.changed();
      alerts.show("Nouvelle séance : ajoutez les fichiers des participants.", "success");
    },
    meeting: () => meeting.open(null),
    save: () => saveConsolidated(true),
    "export-json": exportJson,
    "print-plan": printPlan,
    "anon-preview": () => anon.preview(),
    "anon-download": () => anon.save(),
  };

  root.addEventListener("click", (event) => {
    const button = /** @type {HTMLElement} */ (event.target).closest("button");
    if (!button || $("[data-meeting]").contains(button)) return;
    if (button.dataset.action && actions[button.dataset.action]) actions[button.dataset.action]();
    else if (button.dataset.remove !== undefined) {
      const [gone] = session().files.splice(Number(button.dataset.remove), 1);
      changed();
      alerts.show(`Fichier « ${gone.name} » retiré de la séance.`, "success");
      $("[data-action=add-files]").focus();
    } else if (button.dataset.discuss) meeting.open(button.dataset.discuss);
  });
  root.addEventListener("change", (event) => {
    const target = /** @type {HTMLInputElement} */ (event.target);
    const action = target.dataset?.action;
    if (action === "add-files" || action === "add-folder") {
      addFiles(target.files, action === "add-folder").finally(() => { target.value = ""; });
    } else if (action === "show-names") { session().showNames = target.checked; changed(); }
    else if (action === "order") { // the engine orders: ask again, without changing the assessment
      session().order = target.value === "grid" ? "grid" : "talk";
      sessions.persist();
      view.changed();
    } else if (target.dataset?.field) { setStructure(); changed(); }
  });
  $("[data-field=name]").addEventListener("input", () => { setStructure(); changed(600); });
  $("[data-action=open-evaluer]").addEventListener("click", () => {
    try { store.current = session().id; } catch (err) { alerts.show(err.message); }
  });
  dropZone($("[data-drop]"), (files, folder) => {
    addFiles(files, folder).catch((err) => alerts.show(`Le dossier n'a pas pu être lu (${err?.message || err}). `
      + "Les fichiers déjà ajoutés sont gardés."));
  });
  window.addEventListener("storage", (event) => {
    refreshSaved();
    anon.refresh();
    // The Évaluer page changed the saved copy (plan, targets…): the results follow it.
    if (event.key === assessmentKey(session().id) && session().saved) view.changed();
  });

  // -- start -----------------------------------------------------------------------------------------

  if (!store.persistent) alerts.show(new StorageError("disabled").message, "warning");
  /** @type {HTMLInputElement} */ ($("[data-action=show-names]")).checked = session().showNames;
  /** @type {HTMLSelectElement} */ ($("[data-action=order]")).value = session().order;
  refreshSaved();
  anon.refresh();
  view.touch();
  renderFiles(root, session(), null, false);
  engineStatus(root, engine, view.refresh, alerts, "Les fichiers ajoutés restent gardés sur cet appareil.");
  // Invitations, response links and QR codes (share.js, issue 16): answers read from a code join as a file does.
  // (its type names files with a text; a file set aside may have lost its text, share.js only adds files)
  import("./share.js").then(({ setupFacilitator }) => setupFacilitator({ root, engine, alerts,
    session: /** @type {any} */ (session),
    persist: () => sessions.persist(), add: (name, text) => { session().files.push({ name, text, source: "code" }); changed(); } }))
    .catch((err) => alerts.show(`Les invitations et la lecture des QR codes n'ont pas pu démarrer (${err.message}).`));
}

const root = document.getElementById("cap-synthese");
if (root) main(root);
