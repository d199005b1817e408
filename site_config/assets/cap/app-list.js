// @ts-check
// « Mes évaluations »: a disclosure holding the list of the assessments stored on this device (to
// switch between them) and the file actions, with a line saying when the one shown was last exported.
import { $, $$, late, state, store } from "./app-page.js";
import { el, frDate } from "./util.js";

const menuToggle = $("[data-menu-toggle]");
export const menu = $("#cap-menu");

/** The list of stored assessments, the one shown selected, and its name above the menu. */
export function refreshList() {
  const select = $('[data-action="switch"]');
  const items = store.list();
  const stored = items.some((item) => item.id === state.a.id);
  const options = items.map((item) => el("option", { value: item.id, selected: item.id === state.a.id, text: item.label }));
  // nothing is stored until the user starts: the one shown is then only in this page
  if (!stored) options.unshift(el("option", { value: "", selected: true, text: "Nouvelle évaluation (pas encore enregistrée)" }));
  select.replaceChildren(...options);
  late.campaign.refreshMenu();
  const name = state.a.structure?.name || (stored ? "sans nom" : "nouvelle, pas encore enregistrée");
  const shown = $("[data-current-name]");
  if (shown.textContent !== name) shown.textContent = name;
}

/** The line under the export buttons: not exported yet, exported (and changed since), or storage trouble. */
export function refreshExportNote() {
  const meta = store.meta(state.a.id) || { id: state.a.id };
  let text;
  if (store.status === "full") {
    text = "Attention : l'espace d'enregistrement est plein. Exportez votre fichier avant de fermer la page.";
  } else if (!store.persistent) {
    text = "Attention : l'enregistrement sur cet appareil est désactivé. Exportez votre fichier avant de fermer la page.";
  } else if (!meta.exported) {
    text = "Pas encore exporté. Pensez à exporter votre fichier pour le garder ailleurs ou le transmettre à l'animateur.";
  } else {
    const since = meta.exported < state.a.updated ? " Des réponses ont changé depuis : exportez à nouveau." : "";
    text = `Dernier export le ${frDate(meta.exported, true)}.${since}`;
  }
  $$("[data-export-note]").forEach((note) => { if (note.textContent !== text) note.textContent = text; });
}

/** Close the menu (`focus`: give the focus back to its button, after an action chosen with the keyboard). */
export function closeMenu({ focus = false } = {}) {
  if (menu.hidden) return;
  menu.hidden = true;
  menuToggle.setAttribute("aria-expanded", "false");
  if (focus) menuToggle.focus();
}

menuToggle.addEventListener("click", () => {
  if (!menu.hidden) { closeMenu(); return; }
  menu.hidden = false;
  menuToggle.setAttribute("aria-expanded", "true");
  refreshList();
});
menu.addEventListener("keydown", (event) => { if (event.key === "Escape") closeMenu({ focus: true }); });
document.addEventListener("click", (event) => {
  const target = /** @type {Node} */ (event.target);
  if (!menu.hidden && !menu.contains(target) && !menuToggle.contains(target)) closeMenu();
});
