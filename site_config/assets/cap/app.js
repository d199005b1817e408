// @ts-check
// The assessment page (evaluer.html): starts it. It opens the assessment left on this device (or a
// blank one), at the step the URL names or where it was left, and connects the parts:
//   app-page.js     shared state, elements, store, alerts    app-outline.js  the steps as built
//   app-answers.js  assessment → form                        app-input.js    form → assessment
//   app-save.js     autosave and the two-tab merge           app-list.js     « Mes évaluations »
//   app-steps.js    one step on screen, the URL              app-engine.js   the engine's state
//   app-results.js  scores, bars and the plan after a change app-open.js     which assessment is shown
//   app-files.js    exports, import, printing, the example   app-actions.js  the buttons
//   app-campaign.js a new campaign from the last one         app-easy.js     « Version simplifiée »
// Scores, plan and printable documents come from the Python package in the worker; nothing is
// computed here.
import { $, alertUser, blank, control, root, state, storageFailed, store } from "./app-page.js";
import { fill } from "./app-answers.js";
import { easyReadChosen, setEasyRead } from "./app-easy.js";
import { engine } from "./app-engine.js";
import { refreshExportNote, refreshList } from "./app-list.js";
import { openNew, upgradeShown } from "./app-open.js";
import { rescore } from "./app-results.js";
import { followOtherTabs } from "./app-save.js";
import { showFirstStep } from "./app-steps.js";
import "./app-input.js";
import "./app-actions.js";
import "./app-campaign.js";
import { applyInvite } from "./invite.js";
import { setupParticipant } from "./share.js";
import { StorageError } from "./storage.js";
import { flatten } from "./sync.js";
import { frDate } from "./util.js";

/** The assessment to show when the page opens: the current one, else the latest stored that can be
 *  read (a damaged one is set aside and reported), else none. */
function recover() {
  const candidates = [store.current, ...store.list().map((item) => item.id)];
  for (const id of candidates) {
    if (!id) continue;
    try {
      const record = store.loadRecord(id);
      if (record) return record;
    } catch (err) {
      if (err instanceof StorageError) alertUser(err.message); else throw err;
    }
  }
  return null;
}

function start() {
  document.documentElement.classList.add("cap-with-status"); // scroll padding for the bar in view
  if (store.status === "disabled") alertUser(new StorageError("disabled").message, "warning");
  if (store.status === "full") storageFailed(new StorageError("full"));
  if (navigator.storage?.persist && store.status !== "disabled") {
    navigator.storage.persisted().then((yes) => yes || navigator.storage.persist()).catch(() => {});
  }
  const record = recover();
  state.a = record?.assessment || blank();
  state.stamps = record?.stamps || {};
  state.written = record?.text ?? null;
  state.base = flatten(state.a);
  if (easyReadChosen()) setEasyRead(true);
  fill({ fresh: true });
  if (record) {
    $("[data-save-status]").textContent = `Enregistré sur cet appareil (dernière modification : ${frDate(state.a.updated, true)}).`;
  }
  // Nothing is stored until the user starts (Commencer, an answer, an import, an example).
  refreshList();
  refreshExportNote();
  // The step the URL names, or where this assessment was left, or the introduction.
  showFirstStep(record ? store.meta(state.a.id)?.step || "intro" : "intro");
}

followOtherTabs(() => rescore());
engine.subscribe((engineState) => {
  if (engineState !== "ready") return;
  upgradeShown();
  rescore();
});
start();
// Issue 16: an invitation link presets the session, the role and the simplified mode (invite.js); the results
// step offers the answers as QR codes and a "lien de réponse" (share.js).
const roles = /** @type {HTMLSelectElement} */ (control("respondent-role"));
applyInvite({ current: () => state.a, blank, openNew: (a) => openNew(a, "Invitation"), setEasyRead, alert: alertUser,
  roles: new Set(Array.from(roles.options, (o) => o.value).filter(Boolean)),
  roleLabel: (id) => roles.querySelector(`option[value="${CSS.escape(id)}"]`)?.textContent || id });
setupParticipant({ root, engine, getAssessment: () => state.a, alert: alertUser });
