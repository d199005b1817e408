// @ts-check
// The results step and the plan after each change: one `score` call to the engine returns the
// scores, their HTML, the indicators and the plan suggestions; this module only puts them on the
// page (bars per pillar and theme, the figures in the bar and the sommaire). Nothing is computed here.
import { $, $$, alertUser, root, state, store } from "./app-page.js";
import { engine } from "./app-engine.js";
import { refreshTasks } from "./app-answers.js";
import { save } from "./app-save.js";
import { Peers } from "./peers.js";
import { PlanEditor } from "./plan.js";
import { serial } from "./serial.js";
import { el, labelCells } from "./util.js";

/** @typedef {{ percent: number | null, expected?: number | null, answered?: number, applicable?: number }} Score */
/** @typedef {{ overall: Score, pillars: Record<string, Score>, themes: Record<string, Score> }} Scores */
/** @typedef {{ scores: Scores, html: string, plan: import("./plan.js").PlanReply,
 *   indicators: { id: string, value: number | null }[] }} ScoreReply */

/** Score the assessment shown and redraw; one request at a time, the latest answers each time.
 *  `data-scored` = `data-changes` once the results shown are those of the latest change. */
export const rescore = serial(async () => {
  if (root.dataset.state !== "ready") return;
  const seq = state.seq;
  try {
    const data = /** @type {ScoreReply} */ (await engine.call("score", { assessment: state.a }));
    render(data);
    await planEditor.refresh(data.plan);
    root.dataset.scored = String(seq); // tests wait for scored === changes
  } catch (err) {
    if (err.code !== "stopped") alertUser(`Le calcul a échoué : ${err.message}`); // a stop is told once (app-engine.js)
  }
});

export const planEditor = new PlanEditor({ root: $("[data-plan]"), engine, getAssessment: () => state.a,
  onChange: () => { save(); rescore(); }, onSave: () => save() });
const peers = new Peers({ step: $("#cap-results"), engine, store, alert: alertUser });

/** @param {number | null | undefined} value */
const formatPercent = (value) => (value === null || value === undefined ? "–"
  : `${value.toLocaleString("fr-FR", { maximumFractionDigits: 1 })}\u202f%`);

/** Horizontal bars per pillar and theme: the engine's percents (only formatted here) and a mark
 *  at the tool's reference level; the engine's table below is the accessible alternative.
 * @param {Scores} scores */
function renderBars(scores) {
  /** @param {string} title @param {Score} s @param {string} kind @param {string} id */
  const row = (title, s, kind, id) => { // id: peers.js puts the similar structures' marks on the bar
    const fill = el("span", { class: "cap-bar-fill" });
    fill.style.width = `${Math.max(0, Math.min(100, s.percent ?? 0))}%`;
    const track = el("span", { class: "cap-bar-track", "aria-hidden": "true" }, fill);
    if (s.expected !== null && s.expected !== undefined) {
      const mark = el("span", { class: "cap-bar-mark" });
      mark.style.left = `${Math.max(0, Math.min(100, s.expected))}%`;
      track.append(mark);
    }
    const value = s.percent === null ? "pas encore de score" : formatPercent(s.percent);
    return el("li", { class: `cap-bar-row is-${kind}`, "data-bar-id": id }, el("span", { class: "cap-bar-label", text: title }), track,
      el("span", { class: "cap-bar-value" }, value,
        el("span", { class: "cap-bar-ref", text: ` · repère ${formatPercent(s.expected)}` })));
  };
  const groups = [];
  for (const section of $$(".cap-task-group", $(".cap-sommaire"))) {
    const pid = /** @type {HTMLElement} */ (section.querySelector("[data-progress]")).dataset.progress;
    const p = scores.pillars[pid];
    if (!p) continue;
    const themes = el("ul", { class: "cap-bar-list" });
    for (const link of $$("a[data-goto]", section)) {
      const t = scores.themes[link.dataset.goto];
      if (t) themes.append(row(link.textContent, t, "theme", link.dataset.goto));
    }
    groups.push(row(section.querySelector(".cap-task-pillar").textContent.replace(/^Pilier \d+ — /, ""), p, "pillar", pid), themes);
  }
  // after the overall score, before the engine's table
  const box = el("section", { class: "cap-bars", "aria-labelledby": "h-bars" },
    el("h3", { id: "h-bars", text: "Où en est la structure" }),
    el("p", { class: "cap-hint", text: "Chaque barre donne le score, de 0 à 100 %. Le trait vertical marque le repère "
      + "de l'outil : le score d'une structure au niveau proposé pour chaque critère (le plus souvent le niveau 3). "
      + "Le tableau plus bas donne les mêmes chiffres." }),
    el("ul", { class: "cap-bar-list cap-bar-pillars" }, ...groups.map((g) => (g.tagName === "LI" ? g : el("li", { class: "cap-bar-themes" }, g)))));
  const overall = $("[data-results] .cap-overall");
  if (overall) overall.after(box); else $("[data-results]").prepend(box);
}

/** @param {ScoreReply} data */
function render(data) {
  $("[data-results]").innerHTML = data.html; // HTML built and escaped by the Python package
  $$("[data-results] table").forEach((table) => labelCells(table)); // narrow screens stack rows, each value named
  renderBars(data.scores);
  peers.draw(state.a); // "structures similaires", when a network file is loaded
  refreshTasks();
  $("[data-bar-score]").textContent = formatPercent(data.scores.overall.percent); // the engine's figure, only formatted here
  for (const [pid, p] of Object.entries(data.scores.pillars)) {
    $$(`[data-progress="${CSS.escape(pid)}"]`).forEach((out) => { out.textContent = `${p.answered} / ${p.applicable}`; });
  }
  for (const ind of data.indicators) {
    const out = root.querySelector(`output[data-indicator="${CSS.escape(ind.id)}"]`);
    if (out) out.textContent = ind.value === null ? "–" : `${ind.value.toLocaleString("fr-FR", { maximumFractionDigits: 1 })} %`;
  }
}
