// @ts-check
// A new campaign from the last one, on the assessment page: campaign.js shows and asks, the engine
// does the work (op `campaign`); this module connects it to the assessment shown.
import { alertUser, form, late, root, state, store } from "./app-page.js";
import { clearReview, fillAnswers, refreshTasks } from "./app-answers.js";
import { failureReason, engine } from "./app-engine.js";
import { openNew } from "./app-open.js";
import { rescore } from "./app-results.js";
import { save } from "./app-save.js";
import { showStep } from "./app-steps.js";
import { Campaign } from "./campaign.js";

export const campaign = new Campaign({ root, engine, getAssessment: () => state.a,
  isStored: () => Boolean(store.meta(state.a.id)),
  alert: alertUser,
  onReviewed: (previous, plan) => { state.a.previous = previous; state.a.plan = plan; save(); rescore(); },
  onTaken: (answers, copied) => {
    for (const cid of copied) { state.a.answers[cid] = answers[cid]; clearReview(cid); }
    fillAnswers(form);
    save();
    rescore();
    refreshTasks();
  } });
late.campaign = campaign;

/** "Nouvelle évaluation à partir de celle de 2025": from the assessment shown, or a picked file. The
 *  new one is stored and opens on the review of last year's plan.
 * @param {import("./storage.js").Assessment | File | undefined} source */
export async function newCampaign(source) {
  if (!source) return;
  const what = source instanceof File ? `« ${source.name} »` : "cette évaluation";
  let reply;
  try {
    reply = await campaign.make(source);
  } catch (err) {
    alertUser(`Nouvelle évaluation à partir de ${what} impossible : ${failureReason(err)} Votre travail en cours n'a pas changé.`);
    return;
  }
  if (!openNew(reply.assessment, "Nouvelle évaluation")) return;
  showStep("bilan");
  const msg = alertUser(`Nouvelle évaluation créée à partir de celle de ${reply.year || "l'an dernier"} : commencez par le `
    + "bilan de son plan. Ses réponses s'affichent sous chaque question, sans être cochées.", "success");
  for (const warning of reply.warnings || []) msg.append(document.createElement("br"), `Attention : ${warning}`);
}
