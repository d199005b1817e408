// @ts-check
// Small helpers shared by the pages' scripts (app.js, plan.js, synthese.js, evolution.js):
// DOM building with textContent only, ids and dates, files in and out, printing, engine state.

export const READ_LIMIT = 2_000_001; // the engine refuses above 2 MB; never read more than that

/**
 * A DOM element: attributes (`class`, `text` as textContent, `value`/`checked`/`selected` as
 * properties; null, undefined and false are left out) and children (text is never parsed as HTML).
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, string | number | boolean | null | undefined>} [attrs]
 * @param {...(Node | string | number | null | undefined | false)} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") node.className = String(value);
    else if (name === "text") node.textContent = String(value);
    else if (name === "value" || name === "checked" || name === "selected") /** @type {any} */ (node)[name] = value;
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) {
    if (child !== null && child !== undefined && child !== false) node.append(typeof child === "number" ? String(child) : child);
  }
  return node;
}

/** A random id (RFC 4122 version 4). */
export function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The time now, ISO 8601 to the second, UTC (as the engine writes dates). */
export const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, "Z");

/** A date in French (dd/mm/yyyy, with the time when asked); a text that is no date, cut to 10 characters.
 * @param {string | undefined | null} iso @param {boolean} [withTime] */
export function frDate(iso, withTime = false) {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso).slice(0, 10);
  return withTime ? d.toLocaleString("fr-FR", { dateStyle: "short", timeStyle: "short" })
    : d.toLocaleDateString("fr-FR");
}

/** A file-name part: ASCII letters, digits and dashes, 40 at most; `fallback` when nothing is left.
 * @param {string | null | undefined} text @param {string} fallback */
export function slug(text, fallback) {
  return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[^A-Za-z0-9]+/g, "-")
    .replace(/^-|-$/g, "").toLowerCase().slice(0, 40) || fallback;
}

/** The alert box of a page: messages stay until closed; a message already shown is not stacked
 *  again (a failing save repeated on every keystroke shows one alert, brought back into view).
 * @param {HTMLElement} box */
export function alertBox(box) {
  /** @param {Element} p */
  const messageOf = (p) => /** @type {HTMLElement} */ (p).dataset.message;
  return {
    /** Show `message` (level "error", "warning" or "success"); returns its paragraph.
     * @param {string} message @param {string} [level] @returns {HTMLElement} */
    show(message, level = "error") {
      const same = /** @type {HTMLElement | undefined} */ (Array.from(box.children).find((p) => messageOf(p) === message));
      if (same) { box.append(same); return same; }
      const p = el("p", { class: `cap-alert cap-alert-${level}`, "data-message": message }, message, " ");
      const close = el("button", { type: "button", class: "cap-alert-close", text: "Fermer" });
      close.addEventListener("click", () => p.remove());
      p.append(close);
      box.append(p);
      return p;
    },
    /** Remove the alert showing `message`, if any. @param {string} message */
    drop(message) {
      Array.from(box.children).forEach((p) => { if (messageOf(p) === message) p.remove(); });
    },
    clear() { box.replaceChildren(); },
  };
}

/** Why a whole engine call failed, in French: the engine's own message when it gave one, never a
 *  technical one ("engine", "internal" or no code).
 * @param {any} err */
export function engineTrouble(err) {
  const technical = !err?.code || err.code === "engine" || err.code === "internal";
  if (technical) return "le moteur de calcul a rencontré un problème";
  return String(err.message).replace(/\.$/, "");
}

/** An alert with a "Réessayer" button; it replaces `previous` (the page's last such alert).
 * @param {ReturnType<typeof alertBox>} alerts @param {HTMLElement | null | undefined} previous @param {string} text
 * @param {() => void} onRetry @returns {HTMLElement} */
export function showRetry(alerts, previous, text, onRetry) {
  previous?.remove();
  const p = alerts.show(text);
  const retry = el("button", { type: "button", class: "cap-alert-close", "data-retry": "", text: "Réessayer" });
  retry.addEventListener("click", onRetry);
  p.insertBefore(retry, p.lastElementChild);
  return p;
}

/** Read picked or dropped files as text, each at most READ_LIMIT bytes.
 * @param {Iterable<File> | ArrayLike<File> | null | undefined} fileList
 * @returns {Promise<{ name: string, text?: string, error?: string }[]>} */
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
 *  a name of its own; a file that cannot be read is reported in `alerts` and left out.
 * @param {Iterable<File> | ArrayLike<File> | null | undefined} fileList
 * @param {{ name: string, text?: string }[]} files @param {ReturnType<typeof alertBox>} alerts @param {object} [extra] */
export async function addReadFiles(fileList, files, alerts, extra = {}) {
  const taken = new Set(files.map((f) => f.name));
  for (const f of await readFiles(fileList)) {
    if (f.error) { alerts.show(`Le fichier « ${f.name} » n'a pas pu être lu (${f.error}).`); continue; }
    const name = uniqueName(f.name, taken);
    taken.add(name);
    files.push({ name, text: f.text, ...extra });
  }
}

/** A file name not yet in `taken`: participants' exports often share the same name.
 * @param {string} name @param {Set<string>} taken @returns {string} */
export function uniqueName(name, taken) {
  if (!taken.has(name)) return name;
  for (let n = 2; ; n += 1) {
    const candidate = `${name} (${n})`;
    if (!taken.has(candidate)) return candidate;
  }
}

/** Make the browser download `text` (or bytes) as `filename`.
 * @param {string} filename @param {BlobPart} text @param {string} [type] */
export function download(filename, text, type = "application/json") {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = el("a", { href: url, download: filename });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

/** Give each cell its column's header as `data-label`, so that narrow screens can stack the rows.
 * @param {Element} table */
export function labelCells(table) {
  const heads = Array.from(table.querySelectorAll("thead th"), (th) => th.textContent.trim());
  for (const row of table.querySelectorAll("tbody tr")) {
    Array.from(row.children).forEach((cell, i) => {
      if (cell.tagName === "TD" && heads[i] && !cell.querySelector("button")) /** @type {HTMLElement} */ (cell).dataset.label = heads[i];
    });
  }
}

/** Print an engine-made standalone document through a hidden iframe, as the Évaluer page does.
 * @param {HTMLElement} frame the page's `<iframe>` @param {string} html */
export function printHtml(frame, html) {
  const iframe = /** @type {HTMLIFrameElement} */ (frame);
  iframe.hidden = false;
  iframe.addEventListener("load", () => iframe.contentWindow.print(), { once: true });
  iframe.srcdoc = html;
}

/** Show the engine's state on a page: ready, restarting after a stop, or failed. `onReady` runs
 *  each time the engine becomes ready (again after a restart, so that the page's work resumes).
 * @param {HTMLElement} root @param {import("./engine.js").Engine} engine @param {() => void} onReady
 * @param {ReturnType<typeof alertBox>} alerts @param {string} [what] a sentence on what is kept */
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
