// Small helpers shared by the pages' scripts (app.js, plan.js, synthese.js, evolution.js):
// DOM building with textContent only, ids and dates, files in and out, printing, engine state.

export const READ_LIMIT = 2_000_001; // the engine refuses above 2 MB; never read more than that

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") node.className = value;
    else if (name === "text") node.textContent = value;
    else if (name === "value" || name === "checked" || name === "selected") node[name] = value;
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  node.append(...children.filter((c) => c !== null && c !== undefined && c !== false));
  return node;
}

export function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, "Z");

export function frDate(iso, withTime = false) {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso).slice(0, 10);
  return withTime ? d.toLocaleString("fr-FR", { dateStyle: "short", timeStyle: "short" })
    : d.toLocaleDateString("fr-FR");
}

export function slug(text, fallback) {
  return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[^A-Za-z0-9]+/g, "-")
    .replace(/^-|-$/g, "").toLowerCase().slice(0, 40) || fallback;
}

/** The alert box of a page: messages stay until closed; a message already shown is not stacked
 *  again (a failing save repeated on every keystroke shows one alert, brought back into view). */
export function alertBox(box) {
  return {
    show(message, level = "error") {
      const same = Array.from(box.children).find((p) => p.dataset.message === message);
      if (same) { box.append(same); return same; }
      const p = el("p", { class: `cap-alert cap-alert-${level}`, "data-message": message }, message, " ");
      const close = el("button", { type: "button", class: "cap-alert-close", text: "Fermer" });
      close.addEventListener("click", () => p.remove());
      p.append(close);
      box.append(p);
      return p;
    },
    /** Remove the alert showing `message`, if any. */
    drop(message) {
      Array.from(box.children).forEach((p) => { if (p.dataset.message === message) p.remove(); });
    },
    clear() { box.replaceChildren(); },
  };
}

/** Why a whole engine call failed, in French: the engine's own message when it gave one, never a
 *  technical one ("engine", "internal" or no code). */
export function engineTrouble(err) {
  const technical = !err?.code || err.code === "engine" || err.code === "internal";
  if (technical) return "le moteur de calcul a rencontré un problème";
  return String(err.message).replace(/\.$/, "");
}

/** An alert with a "Réessayer" button; it replaces `previous` (the page's last such alert). */
export function showRetry(alerts, previous, text, onRetry) {
  previous?.remove();
  const p = alerts.show(text);
  const retry = el("button", { type: "button", class: "cap-alert-close", "data-retry": "", text: "Réessayer" });
  retry.addEventListener("click", onRetry);
  p.insertBefore(retry, p.lastElementChild);
  return p;
}

/** Read picked or dropped files as text, each at most READ_LIMIT bytes. */
async function readFiles(fileList) {
  const out = [];
  for (const file of Array.from(fileList || [])) {
    try {
      out.push({ name: file.name || "fichier sans nom", text: await file.slice(0, READ_LIMIT).text() });
    } catch (err) {
      out.push({ name: file.name || "fichier sans nom", error: err?.message || "lecture impossible" });
    }
  }
  return out;
}

/** Read picked or dropped files into `files` (a page's list of {name, text, ...extra}), each under
 *  a name of its own; a file that cannot be read is reported in `alerts` and left out. */
export async function addReadFiles(fileList, files, alerts, extra = {}) {
  const taken = new Set(files.map((f) => f.name));
  for (const f of await readFiles(fileList)) {
    if (f.error) { alerts.show(`Le fichier « ${f.name} » n'a pas pu être lu (${f.error}).`); continue; }
    const name = uniqueName(f.name, taken);
    taken.add(name);
    files.push({ name, text: f.text, ...extra });
  }
}

/** A file name not yet in `taken`: participants' exports often share the same name. */
export function uniqueName(name, taken) {
  if (!taken.has(name)) return name;
  for (let n = 2; ; n += 1) {
    const candidate = `${name} (${n})`;
    if (!taken.has(candidate)) return candidate;
  }
}

export function download(filename, text, type = "application/json") {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = el("a", { href: url, download: filename });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

/** Give each cell its column's header as `data-label`, so that narrow screens can stack the rows. */
export function labelCells(table) {
  const heads = Array.from(table.querySelectorAll("thead th"), (th) => th.textContent.trim());
  for (const row of table.querySelectorAll("tbody tr")) {
    Array.from(row.children).forEach((cell, i) => {
      if (cell.tagName === "TD" && heads[i] && !cell.querySelector("button")) cell.dataset.label = heads[i];
    });
  }
}

/** Print an engine-made standalone document through a hidden iframe, as the Évaluer page does. */
export function printHtml(frame, html) {
  frame.hidden = false;
  frame.addEventListener("load", () => frame.contentWindow.print(), { once: true });
  frame.srcdoc = html;
}

/** Files dropped on the zone go to `onFiles`; a file dropped elsewhere does not replace the page. */
export function setupDrop(zone, onFiles) {
  const hasFiles = (event) => Array.from(event.dataTransfer?.types || []).includes("Files");
  zone.addEventListener("dragover", (event) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "copy";
    zone.classList.add("is-over");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("is-over"));
  zone.addEventListener("drop", (event) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    zone.classList.remove("is-over");
    onFiles(event.dataTransfer.files);
  });
  window.addEventListener("dragover", (event) => { if (hasFiles(event)) event.preventDefault(); });
  window.addEventListener("drop", (event) => { if (hasFiles(event)) event.preventDefault(); });
}

/** Checkboxes for the assessments saved on this device (Store index), filtered. */
export function renderSaved(container, store, { filter = () => true, roleLabel = (r) => r } = {}) {
  const items = store.index().filter(filter)
    .sort((x, y) => String(y.updated).localeCompare(String(x.updated)));
  if (!items.length) {
    container.replaceChildren(el("p", { class: "cap-hint", text: "Aucune évaluation enregistrée sur cet appareil." }));
    return;
  }
  const list = el("ul", { class: "cap-saved-list" });
  for (const item of items) {
    const kind = item.kind === "consolidated" ? "synthèse collective" : roleLabel(item.role) || "rôle non précisé";
    const box = el("input", { type: "checkbox", value: item.id, "data-saved-id": item.id });
    list.append(el("li", {}, el("label", { class: "cap-inline" }, box,
      ` ${item.title || item.name || "Sans nom"} — ${kind} — ${frDate(item.updated, true)}`)));
  }
  container.replaceChildren(list);
}

/** Show the engine's state on a page: ready, restarting after a stop, or failed. `onReady` runs
 *  each time the engine becomes ready (again after a restart, so that the page's work resumes). */
export function engineStatus(root, engine, onReady, alerts, what) {
  const status = root.querySelector("[data-engine-status]");
  const slow = setTimeout(() => {
    if (root.dataset.state === "loading") {
      status.textContent = "Le moteur de calcul met du temps à se charger (connexion lente ?). Patientez un peu.";
    }
  }, 30000);
  engine.subscribe((state, detail, info = {}) => {
    root.dataset.state = state;
    if (state === "ready") {
      clearTimeout(slow);
      status.textContent = "Moteur de calcul prêt.";
      onReady();
    } else if (state === "loading") {
      // first start: the page's own loading text stays; a restart has said so already
    } else if (info.restarting) {
      status.textContent = "Le moteur de calcul redémarre…";
      alerts.show(`Le moteur de calcul s'est arrêté (${detail}) et redémarre. Votre travail est conservé ; le calcul `
        + "reprend dès qu'il est prêt.", "warning");
    } else {
      clearTimeout(slow);
      status.textContent = "";
      alerts.show(`Le moteur de calcul n'a pas pu démarrer (${detail}). ${what ? `${what} ` : ""}Rechargez la page pour réessayer ; `
        + "si le problème continue, essayez un navigateur récent (Firefox, Chrome, Edge ou Safari à jour).");
    }
  });
}
