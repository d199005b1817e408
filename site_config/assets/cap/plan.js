// @ts-check
// The progress-plan editor: suggestions from the engine (kept or dropped), the actions the
// structure keeps (action, owner as a role, month due, status, offers), its own actions, and
// per-criterion target level and importance. Built with DOM nodes and textContent only.
// A suggestion pre-fills the action with the criterion's action in verbs for the target level;
// the target level's descriptor ("situation visée") is shown apart and kept in `item.situation`.

import { el } from "./util.js";

/** @typedef {import("./storage.js").Assessment} Assessment */
/** A suggestion of the engine's plan (py/cap/plan.py `suggestions`).
 * @typedef {{ criterion: string, question: string, value: number, target: number, importance: number, gap: number,
 *   priority: number, action?: string, objective?: string, situation?: string, explain?: string, offers: string[] }} Suggestion */
/** The plan part of the engine's `score` reply.
 * @typedef {{ suggestions: Suggestion[], clarify: { criterion: string, question: string }[] }} PlanReply */
/** The engine's `catalogue` reply: the criteria and the network's offers.
 * @typedef {{ criteria: { id: string, question: string, offers?: string[] }[],
 *   offers: { id: string, title: string, description: string, external?: boolean }[] }} Catalogue */

const STATUS = [["todo", "À faire"], ["doing", "En cours"], ["done", "Fait"], ["dropped", "Abandonné"]];
const IMPORTANCE = [["1", "Faible"], ["2", "Normale"], ["3", "Forte"]];
const SHOWN = 8; // the first suggestions; the rest on demand, so the page stays readable on a phone

/** @param {string} name @param {string[][]} options [value, text] @param {unknown} current @param {string} label */
function select(name, options, current, label) {
  const s = el("select", { name, "aria-label": label });
  for (const [value, text] of options) s.append(el("option", { value, text, selected: String(current) === value }));
  return s;
}

let counter = 0;
const newId = () => `action-${Date.now().toString(36)}-${(counter += 1)}`;

/** A new plan item (kept, dropped or the structure's own).
 * @param {string | null} criterion @param {string} status @param {Partial<import("./storage.js").PlanItem>} [fields]
 * @returns {import("./storage.js").PlanItem} */
const newItem = (criterion, status, fields = {}) => ({ id: newId(), criterion, action: "", owner: "", due: "", status,
  offers: [], ...fields });

export class PlanEditor {
  /**
   * @param {object} page
   * @param {HTMLElement} page.root the plan step's editor
   * @param {{ call: (op: string, payload?: object) => Promise<any> }} page.engine
   * @param {() => Assessment} page.getAssessment
   * @param {() => void} page.onChange the plan changed: save and score again
   * @param {() => void} page.onSave a text changed: save only
   */
  constructor({ root, engine, getAssessment, onChange, onSave }) {
    this.root = root;
    this.engine = engine;
    this.getAssessment = getAssessment;
    this.onChange = onChange;
    this.onSave = onSave;
    /** @type {Catalogue | null} */
    this.catalogue = null;
    /** @type {Record<string, Catalogue["criteria"][number]>} */
    this.criteria = {};
    /** @type {Record<string, Catalogue["offers"][number]>} */
    this.offers = {};
    /** @type {PlanReply | undefined} the last plan drawn */
    this.plan = undefined;
    this.showAll = false;
    /** @type {string | null} the action to focus after the next drawing */
    this.focusNext = null;
    root.addEventListener("click", (e) => this.onClick(e));
    root.addEventListener("change", (e) => this.onEdit(e, true));
    root.addEventListener("input", (e) => {
      if (/** @type {Element} */ (e.target).matches("textarea, input[type=text]")) this.onEdit(e, false);
    });
  }

  /** The plan comes with each score reply (engine op `score`), so it is not computed twice.
   * @param {PlanReply} [plan] */
  async refresh(plan = this.plan) {
    this.plan = plan;
    const a = this.getAssessment();
    if (!this.catalogue) {
      this.catalogue = await this.engine.call("catalogue");
      this.criteria = Object.fromEntries(this.catalogue.criteria.map((c) => [c.id, c]));
      this.offers = Object.fromEntries(this.catalogue.offers.map((o) => [o.id, o]));
    }
    // Do not rebuild under the user's fingers: typing in an action only saves.
    const active = document.activeElement;
    if (this.root.contains(active) && active.matches("textarea, input[type=text]")) {
      return;
    }
    this.render(a, plan);
  }

  /** @param {Assessment} a @param {PlanReply} plan */
  render(a, plan) {
    const kept = new Map((a.plan || []).map((item) => [item.criterion, item]));
    const fresh = plan.suggestions.filter((s) => !kept.has(s.criterion));
    const parts = [];
    parts.push(el("h3", { text: `Suggestions (${fresh.length})` }));
    parts.push(el("p", { class: "cap-hint", text: "L'écart est le nombre de niveaux entre votre réponse d'aujourd'hui "
      + "et le niveau visé. Les suggestions sont classées par priorité = écart × poids du critère × importance pour vous "
      + "(1 faible, 2 normale, 3 forte). Retenez celles qui comptent ; changez le niveau visé ou l'importance pour réordonner." }));
    if (!fresh.length) parts.push(el("p", { text: "Aucune nouvelle suggestion : répondez aux questions ou consultez vos actions ci-dessous." }));
    const list = el("ol", { class: "cap-suggestions" });
    for (const s of fresh.slice(0, this.showAll ? fresh.length : SHOWN)) list.append(this.suggestion(a, s));
    parts.push(list);
    if (fresh.length > SHOWN) {
      parts.push(el("button", { type: "button", class: "md-button", "data-plan": "toggle-all",
        "aria-expanded": this.showAll ? "true" : "false",
        text: this.showAll ? `N'afficher que les ${SHOWN} premières` : `Afficher toutes les suggestions (${fresh.length})` }));
    }

    const actions = (a.plan || []).filter((i) => i.status !== "dropped");
    parts.push(el("h3", { text: `Mon plan d'actions (${actions.length})` }));
    if (!actions.length) parts.push(el("p", { text: "Aucune action retenue pour l'instant. Tant que le plan est vide, le plan imprimé reprend les suggestions." }));
    const situations = new Map(plan.suggestions.map((s) => [s.criterion, s.situation]));
    for (const item of actions) parts.push(this.action(item, situations.get(item.criterion) || item.situation || ""));
    parts.push(el("button", { type: "button", class: "md-button", "data-plan": "add", text: "Ajouter une action libre" }));

    const dropped = (a.plan || []).filter((i) => i.status === "dropped");
    if (dropped.length) {
      const box = el("details", { class: "cap-dropped" }, el("summary", { text: `Suggestions écartées (${dropped.length})` }));
      const ul = el("ul");
      for (const item of dropped) {
        ul.append(el("li", {}, `${item.criterion || ""} ${this.criteria[item.criterion]?.question || item.action} `,
          el("button", { type: "button", class: "md-button", "data-plan": "restore", "data-id": item.id, text: "Rétablir" })));
      }
      box.append(ul);
      parts.push(box);
    }
    if (plan.clarify.length) {
      parts.push(el("h3", { text: `À clarifier (${plan.clarify.length})` }));
      parts.push(el("p", { class: "cap-hint", text: "Vous avez répondu « je ne sais pas » : trouvez l'information avant la séance collective." }));
      const ul = el("ul", { class: "cap-clarify" });
      for (const c of plan.clarify) ul.append(el("li", {}, el("span", { class: "cap-id", text: c.criterion }), ` ${c.question}`));
      parts.push(ul);
    }
    const focused = /** @type {HTMLElement & { name?: string }} */ (this.root.contains(document.activeElement) ? document.activeElement : null);
    this.root.replaceChildren(...parts);
    // Keep the keyboard where it was (or on the new action), since the list was rebuilt.
    /** @type {HTMLElement | null} */
    let target = null;
    if (this.focusNext) target = this.root.querySelector(`[name="action:${CSS.escape(this.focusNext)}"]`);
    else if (focused?.name) target = this.root.querySelector(`[name="${CSS.escape(focused.name)}"]`);
    this.focusNext = null;
    if (target) target.focus();
    else if (focused) {
      const heading = /** @type {HTMLElement} */ (this.root.querySelector("h3"));
      heading.tabIndex = -1;
      heading.focus();
    }
  }

  /** @param {Assessment} a @param {Suggestion} s */
  suggestion(a, s) {
    const offers = el("ul", { class: "cap-offers" });
    for (const id of s.offers) {
      const o = this.offers[id];
      if (!o) continue;
      offers.append(el("li", {}, el("details", {}, el("summary", { text: o.title + (o.external ? " (ressource externe au réseau)" : "") }),
        el("p", { text: o.description }))));
    }
    const target = select(`target:${s.criterion}`, [["1", "1"], ["2", "2"], ["3", "3"], ["4", "4"]], s.target,
      `Niveau visé pour ${s.criterion}`);
    const importance = select(`importance:${s.criterion}`, IMPORTANCE, s.importance, `Importance pour ${s.criterion}`);
    return el("li", { class: "cap-suggestion", "data-criterion": s.criterion },
      el("p", {}, el("span", { class: "cap-id", text: s.criterion }), " ", el("strong", { text: s.question })),
      el("p", { text: `Niveau actuel ${s.value}, niveau visé ${s.target}.` }),
      el("p", { class: "cap-hint", text: s.explain || `Écart ${s.gap}, priorité ${s.priority}.` }),
      el("p", {}, el("strong", { text: "Action proposée : " }), s.action || s.objective),
      el("p", { class: "cap-situation" }, el("em", { text: "Situation visée : " }), s.situation || s.objective),
      el("p", { class: "cap-hint", text: "Offres à mobiliser :" }), offers,
      el("div", { class: "cap-row-inline" },
        el("label", {}, "Niveau visé ", target), el("label", {}, "Importance ", importance)),
      el("div", { class: "cap-buttons" },
        el("button", { type: "button", class: "md-button md-button--primary", "data-plan": "keep", "data-criterion": s.criterion,
          "data-action-text": s.action || s.objective, "data-situation": s.situation || "",
          "data-offers": s.offers.join(" "), text: "Retenir dans mon plan" }),
        el("button", { type: "button", class: "md-button", "data-plan": "drop", "data-criterion": s.criterion, text: "Écarter" })));
  }

  /** @param {import("./storage.js").PlanItem} item @param {string} [situation] */
  action(item, situation = "") {
    const c = this.criteria[item.criterion];
    const offerBoxes = el("fieldset", { class: "cap-offer-choice" }, el("legend", { text: "Offres à mobiliser" }));
    const ids = new Set([...(c?.offers || []), ...(item.offers || [])]);
    for (const id of ids) {
      const o = this.offers[id];
      if (!o) continue;
      offerBoxes.append(el("label", { class: "cap-inline" },
        el("input", { type: "checkbox", name: `offer:${item.id}`, value: id, checked: (item.offers || []).includes(id) }), ` ${o.title}`));
    }
    const more = select(`add-offer:${item.id}`, [["", "Ajouter une autre offre…"],
      ...this.catalogue.offers.filter((o) => !ids.has(o.id)).map((o) => [o.id, o.title])], "", "Ajouter une autre offre");
    offerBoxes.append(more);
    const uid = item.id.replace(/[^A-Za-z0-9_-]/g, "");
    return el("fieldset", { class: "cap-action", "data-id": item.id },
      el("legend", {}, c ? el("span", { class: "cap-id", text: item.criterion }) : "Action libre", c ? ` ${c.question}` : ""),
      el("label", { for: `act-${uid}`, text: "Action (verbe + résultat attendu)" }),
      el("textarea", { id: `act-${uid}`, name: `action:${item.id}`, rows: "2", maxlength: "5000", value: item.action || "" }),
      situation ? el("p", { class: "cap-situation" }, el("em", { text: "Situation visée : " }), situation) : null,
      el("div", { class: "cap-row-inline" },
        el("label", {}, "Responsable (un rôle) ", el("input", { type: "text", name: `owner:${item.id}`, maxlength: "200", value: item.owner || "", placeholder: "ex. : direction" })),
        el("label", {}, "Échéance (mois) ", el("input", { type: "month", name: `due:${item.id}`, value: item.due || "" })),
        el("label", {}, "Statut ", select(`status:${item.id}`, STATUS, item.status || "todo", "Statut"))),
      offerBoxes,
      el("button", { type: "button", class: "md-button cap-danger", "data-plan": "remove", "data-id": item.id, text: "Retirer du plan" }));
  }

  /** @param {Event} event */
  onClick(event) {
    const button = /** @type {HTMLButtonElement | null} */ (/** @type {Element} */ (event.target).closest("button[data-plan]"));
    if (!button) return;
    const a = this.getAssessment();
    a.plan = a.plan || [];
    const { plan: what, criterion, id } = button.dataset;
    if (what === "toggle-all") {
      this.showAll = !this.showAll;
      this.refresh();
      return;
    }
    if (what === "keep") {
      const item = newItem(criterion, "todo", { action: button.dataset.actionText,
        offers: button.dataset.offers ? button.dataset.offers.split(" ") : [] });
      if (button.dataset.situation) item.situation = button.dataset.situation;
      a.plan.push(item);
    } else if (what === "drop") {
      a.plan.push(newItem(criterion, "dropped"));
    } else if (what === "restore" || what === "remove") {
      a.plan = a.plan.filter((item) => item.id !== id);
    } else if (what === "add") {
      const item = newItem(null, "todo");
      a.plan.push(item);
      this.focusNext = item.id;
    }
    this.onChange();
  }

  /** @param {Event} event @param {boolean} structural a choice (not typing): draw and score again */
  onEdit(event, structural) {
    const input = /** @type {HTMLInputElement} */ (event.target);
    const name = input.name || "";
    const [field, key] = name.split(/:(.*)/s);
    const a = this.getAssessment();
    if (field === "target" || field === "importance") {
      const value = Number(input.value);
      const map = field === "target" ? (a.targets = a.targets || {}) : (a.importance = a.importance || {});
      map[key] = value;
      this.onChange();
      return;
    }
    const item = (a.plan || []).find((i) => i.id === key);
    if (!item) return;
    if (field === "action" || field === "owner") item[field] = input.value;
    else if (field === "due") item.due = input.value;
    else if (field === "status") {
      item.status = input.value;
      if (item.status === "done" && !item.done_on) item.done_on = new Date().toISOString().slice(0, 10);
    } else if (field === "offer") {
      const set = new Set(item.offers || []);
      if (input.checked) set.add(input.value); else set.delete(input.value);
      item.offers = [...set];
    } else if (field === "add-offer" && input.value) {
      item.offers = [...new Set([...(item.offers || []), input.value])];
    } else return;
    // Typing only saves; choices (status, month, offers) also re-render and re-score.
    if (structural && !input.matches("textarea, input[type=text]")) this.onChange(); else this.onSave();
  }
}
