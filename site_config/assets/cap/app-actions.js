// @ts-check
// The page's buttons (`[data-action]`): Commencer, the simplified version, and the actions of
// « Mes évaluations » (new, rename, duplicate, delete, example, files, « Effacer mes données »).
// A failed action says so in French; it never leaves an uncaught error behind.
import { alertUser, alerts, blank, control, root, state, storageFailed, store } from "./app-page.js";
import { themeIds } from "./app-outline.js";
import { setEasyRead } from "./app-easy.js";
import { closeMenu, menu } from "./app-list.js";
import { open, openNew, openStored } from "./app-open.js";
import { rescore } from "./app-results.js";
import { save } from "./app-save.js";
import { showStep } from "./app-steps.js";
import { exportCsv, exportJson, exportOdt, importJson, loadExample, printDocument } from "./app-files.js";
import { newCampaign } from "./app-campaign.js";
import { SESSION_KEY, StorageError } from "./storage.js";
import { el, now, uuid } from "./util.js";

/** « Effacer mes données »: says what goes, removes every key of ours, and can be undone while the page is open. */
function clearAll() {
  const list = store.index();
  let session = null;
  try { session = JSON.parse(store.preference(SESSION_KEY) || "null"); } catch { session = null; }
  const files = Array.isArray(session?.files) ? session.files.length : 0;
  const shown = state.a.structure?.name || "Sans nom";
  const others = list.filter((item) => item.id !== state.a.id).length;
  const lines = ["Effacer toutes vos données de cet appareil ?",
    `– l'évaluation affichée (« ${shown} »)${others ? ` et ${others} autre(s) évaluation(s) enregistrée(s)` : ""} ;`];
  if (session) lines.push(`– la synthèse collective en cours (${files} fichier(s) de participants et les réponses retenues) ;`);
  lines.push("– vos préférences d'affichage.", "",
    "Exportez d'abord ce que vous voulez garder. Vous pourrez annuler tant que cette page reste ouverte.");
  if (!window.confirm(lines.join("\n"))) return;
  const snapshot = store.snapshot();
  const current = state.a;
  store.clearAll();
  alerts.clear();
  open(blank(), { stamps: {}, text: null });
  const msg = alertUser("Toutes vos données ont été effacées de cet appareil. ", "success");
  const undo = el("button", { type: "button", class: "md-button cap-small", "data-action": "undo-clear",
    text: "Annuler l'effacement" });
  undo.addEventListener("click", () => {
    try {
      store.clearAll();
      store.restore(snapshot);
    } catch (err) {
      alertUser(`L'effacement n'a pas pu être annulé entièrement : ${err.message}`);
      return;
    }
    msg.remove();
    openStored(current.id) || open(current);
    alertUser("Vos données sont rétablies.", "success");
  }, { once: true });
  msg.insertBefore(undo, msg.lastChild);
}

/** @type {Record<string, () => unknown>} */
const actions = {
  // Commencer: the assessment is stored from now on, and the first theme opens.
  start: () => {
    if (!store.meta(state.a.id)) { save(); rescore(); }
    showStep(themeIds[0]);
  },
  "easy-toggle": () => setEasyRead(!state.easyRead),
  "new": () => openNew(blank(), "Nouvelle évaluation"),
  rename: () => {
    const name = window.prompt("Nom de la structure pour cette évaluation :", state.a.structure?.name || "");
    if (name === null) return;
    state.a.structure.name = name.slice(0, 200);
    control("structure-name").value = state.a.structure.name;
    save();
  },
  duplicate: () => {
    const copy = JSON.parse(JSON.stringify(state.a));
    Object.assign(copy, { id: uuid(), created: now(), updated: now() });
    copy.structure.name = `${copy.structure.name || "Sans nom"} (copie)`;
    delete copy.exported;
    openNew(copy, "Copie");
  },
  "delete": () => {
    if (!window.confirm("Supprimer cette évaluation de cet appareil ? Si vous ne l'avez pas exportée, elle sera perdue.")) return;
    store.delete(state.a.id);
    if (!store.list().some((item) => openStored(item.id))) open(blank()); // stored once the user starts
  },
  example: loadExample,
  "export-json": exportJson,
  "print-plan": () => printDocument(false),
  "print-summary": () => printDocument(true),
  "export-csv": exportCsv,
  "export-odt": exportOdt,
  clear: clearAll,
  campaign: () => newCampaign(state.a),
};

/** @param {string} action */
async function run(action) {
  try {
    await actions[action]();
  } catch (err) {
    if (err instanceof StorageError) storageFailed(err);
    else alertUser(`L'action n'a pas abouti (${err?.message || err}). Vos réponses enregistrées n'ont pas changé.`);
  }
}

root.addEventListener("click", (event) => {
  const button = /** @type {HTMLButtonElement | null} */ (/** @type {Element} */ (event.target).closest("button[data-action]"));
  if (!button || !actions[button.dataset.action]) return;
  if (menu.contains(button)) closeMenu({ focus: true }); // an action chosen in "Mes évaluations" closes it
  run(button.dataset.action);
});

root.addEventListener("change", (event) => {
  const input = /** @type {HTMLInputElement} */ (event.target);
  const action = input.dataset?.action;
  if (action === "import-json") {
    closeMenu({ focus: true });
    importJson(input).catch((err) => alertUser(`Import impossible : ${err.message}`));
  } else if (action === "campaign-file") {
    closeMenu({ focus: true });
    newCampaign(input.files?.[0]).finally(() => { input.value = ""; });
  } else if (action === "switch" && input.value) {
    openStored(input.value); // the menu stays open: arrow keys go through the list
  }
});
