// @ts-check
// A new campaign from the last one (assessment page): the menu's "Nouvelle évaluation à partir de
// celle de 2025", the review of last year's plan (step `bilan`), last year's answer beside each
// criterion, and "Reprendre mes réponses de 2025". The engine (op `campaign`) makes the new
// assessment, applies the review and copies the answers; this module only shows and asks.
import { serial } from "./serial.js";
import { READ_LIMIT, el, frDate } from "./util.js";

/** @typedef {import("./storage.js").Assessment} Assessment */
/** @typedef {import("./storage.js").PlanItem} PlanItem */

const FINALS = [
  ["done", "Fait"],
  ["doing", "En cours"],
  ["dropped", "Abandonnée"],
  ["postponed", "Reportée"],
];

/** French typography for the texts written here (the build does it for the page's static text):
 *  narrow no-break spaces inside guillemets and before : ; ! ?, curly apostrophes. */
/** @param {string} text */
const fr = (text) => text.replace(/« /g, "«\u202f").replace(/ »/g, "\u202f»").replace(/ ([:;!?])/g, "\u202f$1")
  .replace(/(\p{L})'(\p{L})/gu, "$1\u2019$2");

/** @param {string | undefined} iso */
const yearOf = (iso) => (/^\d{4}/.test(iso || "") ? String(iso).slice(0, 4) : "");

export class Campaign {
  /**
   * @param {object} app
   * @param {HTMLElement} app.root the assessment page
   * @param {{ call: (op: string, payload?: object) => Promise<any> }} app.engine
   * @param {() => Assessment} app.getAssessment
   * @param {() => boolean} app.isStored
   * @param {(message: string, level?: "error" | "warning" | "success") => unknown} app.alert
   * @param {(previous: object, plan: PlanItem[]) => void} app.onReviewed the engine applied the review
   * @param {(answers: Assessment["answers"], copied: string[]) => void} app.onTaken last year's answers were copied
   */
  constructor({ root, engine, getAssessment, isStored, alert, onReviewed, onTaken }) {
    this.root = root;
    this.engine = engine;
    this.getAssessment = getAssessment;
    this.isStored = isStored;
    this.alert = alert;
    this.onReviewed = onReviewed;
    this.onTaken = onTaken;
    this.box = /** @type {HTMLElement} */ (root.querySelector("[data-bilan]"));
    /** Every choice on screen goes to the engine: one request at a time, the latest choices each time. */
    this.review = serial(() => this.sendReview());
    this.box.addEventListener("change", (event) => {
      if (/** @type {HTMLInputElement} */ (event.target).name?.startsWith("bilan:")) this.review();
    });
    this.box.addEventListener("click", (event) => {
      if (/** @type {Element} */ (event.target).closest("[data-action='take-previous']")) this.take();
    });
  }

  get previous() {
    const p = this.getAssessment()?.previous;
    return p && typeof p === "object" ? p : null;
  }

  get year() { return yearOf(this.previous?.date) || "l'an dernier"; }

  /** The menu's button names the year of the assessment shown; the sommaire's link to the review
   *  shows when the assessment comes from an earlier one. Cheap: called on every list refresh. */
  refreshMenu() {
    const a = this.getAssessment();
    const button = /** @type {HTMLButtonElement} */ (this.root.querySelector("[data-action='campaign']"));
    const year = yearOf(a?.updated || a?.created);
    const text = `Nouvelle évaluation à partir de celle de ${year || "cette date"}`;
    if (button.textContent !== text) button.textContent = text;
    button.hidden = !this.isStored();
    const task = /** @type {HTMLElement | null} */ (this.root.querySelector("[data-bilan-task]"));
    if (task && task.hidden === Boolean(this.previous)) task.hidden = !this.previous;
  }

  /** Ask the engine for the new assessment: from the one shown (`earlier`) or from a picked file.
   * @param {Assessment | File} source
   * @returns {Promise<{ assessment: Assessment, year?: string, warnings?: string[] }>} */
  async make(source) {
    const payload = source instanceof File
      ? { text: await source.slice(0, READ_LIMIT).text(), size: source.size }
      : { earlier: source };
    return this.engine.call("campaign", payload);
  }

  /** Redraw what depends on `previous`: the review step, and the hints in the criteria on the page. */
  refresh() {
    this.refreshMenu();
    this.renderBilan();
    this.mark(Array.from(this.root.querySelectorAll(".cap-criterion"), (f) => /** @type {HTMLElement} */ (f)));
  }

  /** Last year's answer, in words and small, under each criterion's question; never pre-selected.
   * @param {HTMLElement[]} fieldsets */
  mark(fieldsets) {
    const answers = this.previous?.answers || {};
    for (const fieldset of fieldsets) {
      const value = answers[fieldset.dataset.criterion];
      let note = /** @type {HTMLElement | null} */ (fieldset.querySelector(":scope > .cap-previous"));
      if (value === undefined || value === null) { note?.remove(); continue; }
      const radio = fieldset.querySelector(`input[type=radio][value="${CSS.escape(String(value))}"]`);
      const head = radio?.parentElement.querySelector(".cap-choice-head")?.textContent.trim() || String(value);
      const text = fr(`En ${this.year} : ${typeof value === "number" ? `niveau ${head}` : head.toLowerCase()}`);
      if (!note) {
        note = el("p", { class: "cap-previous" });
        fieldset.querySelector("legend").after(note);
      }
      note.dataset.previousAnswer = String(value);
      if (note.textContent !== text) note.textContent = text;
    }
  }

  /** The question of a criterion, as the page shows it (the criteria of steps not opened yet are in templates).
   * @param {string} cid */
  questionOf(cid) {
    const shown = this.root.querySelector(`.cap-criterion[data-criterion="${CSS.escape(cid)}"] .cap-q`);
    if (shown) return shown.textContent;
    for (const template of this.root.querySelectorAll("template[data-criteria]")) {
      const q = /** @type {HTMLTemplateElement} */ (template).content.querySelector(`.cap-criterion[data-criterion="${CSS.escape(cid)}"] .cap-q`);
      if (q) return q.textContent;
    }
    return "";
  }

  renderBilan() {
    const p = this.previous;
    if (!p) {
      this.box.replaceChildren(el("p", { text: fr("Cette évaluation ne reprend pas d'évaluation précédente. Pour en "
        + "faire une, ouvrez « Mes évaluations » puis « Nouvelle évaluation à partir de… ».") }));
      return;
    }
    const plan = Array.isArray(p.plan) ? p.plan : [];
    const date = frDate(p.date) || this.year;
    const intro = el("p", { text: fr(plan.length
      ? `Cette évaluation fait suite à celle du ${date}. Son plan comptait ${plan.length} action(s) : dites ce que `
        + "chacune est devenue. « En cours » et « Reportée » la reprennent dans le plan de cette année ; « Fait » et "
        + "« Abandonnée » la gardent dans l'historique (page Évolution)."
      : `Cette évaluation fait suite à celle du ${date}, dont le plan ne comptait aucune action.`) });
    const items = plan.map((item, n) => {
      const question = item.criterion ? this.questionOf(item.criterion) : "";
      const due = /^\d{4}-\d{2}$/.test(item.due || "")
        ? new Date(`${item.due}-01T12:00:00`).toLocaleDateString("fr-FR", { month: "long", year: "numeric" }) : "";
      const parts = [item.owner ? `responsable : ${item.owner}` : "", due ? `échéance : ${due}` : "",
        question ? `critère : ${question}` : ""].filter(Boolean).join(" · ");
      const about = parts.charAt(0).toUpperCase() + parts.slice(1);
      const choices = FINALS.map(([value, label]) => el("label", { class: "cap-bilan-choice" },
        el("input", { type: "radio", name: `bilan:${item.id}`, value, checked: item.status === value }), ` ${label}`));
      return el("li", { class: "cap-bilan-item", "data-bilan-action": item.id },
        el("fieldset", {}, el("legend", { class: "cap-bilan-action",
          text: item.action || `Action n°\u00a0${n + 1} (sans intitulé)` }),
        about ? el("p", { class: "cap-bilan-about", text: fr(about) }) : null,
        el("div", { class: "cap-bilan-choices" }, ...choices)));
    });
    const count = Object.keys(p.answers || {}).length;
    const answers = el("div", { class: "cap-bilan-answers" },
      el("h3", { text: `Vos réponses de ${this.year}` }),
      el("p", { text: fr(count ? `${count} réponse(s) de ${this.year} s'affichent en petit sous chaque question, sans être `
        + "cochées : répondez d'après la situation d'aujourd'hui, ou reprenez-les toutes puis corrigez ce qui a changé."
        : `L'évaluation de ${this.year} n'avait aucune réponse à reprendre.`) }),
      count ? el("button", { type: "button", class: "md-button", "data-action": "take-previous",
        text: `Reprendre mes réponses de ${this.year}` }) : null,
      el("p", { class: "cap-bilan-result", role: "status", "data-take-result": "" }));
    this.box.replaceChildren(intro, plan.length ? el("ol", { class: "cap-bilan-list" }, ...items) : "",
      el("p", { class: "cap-bilan-result", role: "status", "data-bilan-result": "" }), answers);
  }

  /** Send the choices on screen to the engine, which applies them to the assessment. */
  async sendReview() {
    /** @type {Record<string, string>} */
    const statuses = {};
    for (const radio of this.box.querySelectorAll("input[name^='bilan:']:checked")) {
      const input = /** @type {HTMLInputElement} */ (radio);
      statuses[input.name.slice("bilan:".length)] = input.value;
    }
    try {
      const { assessment } = await this.engine.call("campaign", { assessment: this.getAssessment(), statuses });
      this.onReviewed(assessment.previous, assessment.plan);
      const carried = assessment.previous.plan.filter((i) => i.status === "doing" || i.status === "postponed").length;
      this.box.querySelector("[data-bilan-result]").textContent = fr(`Bilan enregistré : ${carried} action(s) `
        + "reprise(s) dans le plan de cette année.");
    } catch (err) {
      this.alert(fr(`Le bilan n'a pas pu être enregistré : ${err.message} Vos réponses n'ont pas changé.`));
    }
  }

  async take() {
    try {
      const { assessment, copied } = await this.engine.call("campaign", { assessment: this.getAssessment(), take_answers: true });
      this.onTaken(assessment.answers, copied);
      this.box.querySelector("[data-take-result]").textContent = fr(copied.length
        ? `${copied.length} réponse(s) de ${this.year} reprise(s) : vérifiez-les, question par question.`
        : "Aucune réponse à reprendre : vous avez déjà répondu à chacune de ces questions.");
    } catch (err) {
      this.alert(fr(`Les réponses de ${this.year} n'ont pas pu être reprises : ${err.message}`));
    }
  }
}
