// @ts-check
// Answers back without e-mail (issue 16). The engine writes and reads the code (ops `compact_encode`,
// `compact_decode` of py/cap/compact.py: versioned, with a checksum); this module only shows it and
// carries it on the participant's page: QR codes (qr.js) and a "lien de réponse"
// (synthese.html#reponse=<code>: a fragment never reaches a server). The facilitator's page reads
// those codes and writes the invitations (share-facilitator.js, re-exported here).
import { drawQr, siteBase } from "./qr.js";
import { el } from "./util.js";

export { setupFacilitator } from "./share-facilitator.js";

/** @param {any} err */
const failure = (err) => err?.message || String(err);

/**
 * The "Envoyer mes réponses" block of the results step.
 * @param {object} page
 * @param {HTMLElement} page.root the assessment page
 * @param {{ call: (op: string, payload?: object) => Promise<any> }} page.engine
 * @param {() => import("./storage.js").Assessment} page.getAssessment
 * @param {(message: string, level?: "error" | "warning" | "success") => unknown} page.alert
 */
export function setupParticipant({ root, engine, getAssessment, alert }) {
  const step = root.querySelector("#cap-results");
  if (!step) return;
  const view = { parts: [], index: 0 };
  const canvas = el("canvas", { class: "cap-qr-canvas", role: "img", "data-qr": "" });
  const counter = el("p", { class: "cap-qr-count", "aria-live": "polite", "data-qr-count": "" });
  const prev = el("button", { type: "button", class: "md-button cap-small", "data-qr-move": "-1", text: "QR code précédent" });
  const next = el("button", { type: "button", class: "md-button cap-small", "data-qr-move": "1", text: "QR code suivant" });
  const link = el("input", { id: "cap-share-link", type: "text", readonly: true, class: "cap-share-link", "data-share-link": "" });
  const copy = el("button", { type: "button", class: "md-button", "data-share-copy": "", text: "Copier le lien" });
  const send = el("button", { type: "button", class: "md-button", "data-share-send": "", text: "Envoyer le lien…", hidden: true });
  const note = el("p", { class: "cap-hint", role: "status", "data-share-note": "" });
  const make = el("button", { type: "button", class: "md-button md-button--primary", "data-share-make": "",
    text: "Préparer le QR code et le lien de réponse" });
  const out = el("div", { class: "cap-share-out", "data-share-out": "", hidden: true },
    el("figure", { class: "cap-qr" }, canvas, el("figcaption", {}, counter)),
    el("div", { class: "cap-buttons", "data-qr-nav": "" }, prev, next),
    el("label", { for: "cap-share-link", text: "Lien de réponse (à envoyer par SMS ou messagerie)" }), link,
    el("div", { class: "cap-buttons" }, copy, send), note);
  const box = el("section", { class: "cap-share", "aria-labelledby": "cap-share-h", "data-share": "" },
    el("h3", { id: "cap-share-h", text: "Envoyer mes réponses sans e-mail" }),
    el("p", { text: "Montrez le QR code à la personne qui anime la séance (sa page « Synthèse collective » le lit "
      + "avec la caméra), ou envoyez-lui le lien de réponse par SMS ou messagerie. Ils contiennent vos réponses, "
      + "votre rôle et vos commentaires coupés à 140 caractères ; rien ne passe par un serveur." }),
    el("div", { class: "cap-buttons" }, make), out);
  const nav = step.querySelector(".cap-step-nav");
  if (nav) nav.before(box); else step.append(box);

  function show() {
    const n = view.parts.length;
    counter.textContent = n > 1 ? `QR code ${view.index + 1} / ${n} : montrez-les tous, dans n'importe quel ordre.`
      : "QR code de vos réponses.";
    canvas.setAttribute("aria-label", `QR code ${view.index + 1} sur ${n} de vos réponses, à lire avec la page `
      + "Synthèse collective. Le lien de réponse, juste en dessous, contient les mêmes réponses.");
    prev.disabled = view.index === 0;
    next.disabled = view.index >= n - 1;
    /** @type {HTMLElement} */ (box.querySelector("[data-qr-nav]")).hidden = n < 2;
    return drawQr(root, canvas, view.parts[view.index]);
  }

  make.addEventListener("click", async () => {
    const a = getAssessment();
    make.disabled = true;
    try {
      const data = await engine.call("compact_encode", { assessment: a, session: a?.session?.id || "" });
      view.parts = data.parts;
      view.index = 0;
      link.value = `${new URL("synthese.html", siteBase(root)).href}#reponse=${data.link}`;
      out.hidden = false;
      await show();
      const cut = data.cut.length;
      note.textContent = `Code préparé (${data.bytes} octets, ${data.parts.length} QR code${data.parts.length > 1 ? "s" : ""}). `
        + (cut ? `${cut} commentaire${cut > 1 ? "s" : ""} coupé${cut > 1 ? "s" : ""} à ${data.limit} caractères `
          + "dans le code (votre fichier les garde en entier). " : "")
        + "Si vous changez une réponse, préparez-le à nouveau.";
      send.hidden = !navigator.share;
      box.dataset.shareReady = String(Date.now());
    } catch (err) {
      alert(`Le code de vos réponses n'a pas pu être préparé : ${failure(err)}. Vos réponses enregistrées n'ont pas changé.`);
    } finally {
      make.disabled = false;
    }
  });
  box.addEventListener("click", (event) => {
    const move = /** @type {HTMLElement | null} */ (/** @type {Element} */ (event.target).closest("[data-qr-move]"));
    if (move) {
      view.index = Math.min(view.parts.length - 1, Math.max(0, view.index + Number(move.dataset.qrMove)));
      show();
    }
  });
  copy.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(link.value);
      note.textContent = "Lien copié : collez-le dans un SMS ou un message à la personne qui anime la séance.";
    } catch {
      link.select();
      note.textContent = "Le lien est sélectionné : copiez-le (Ctrl+C, ou appui long sur un téléphone).";
    }
  });
  send.addEventListener("click", () => {
    navigator.share({ title: "Mes réponses CAP", text: "Mes réponses à l'auto-évaluation CAP", url: link.value })
      .catch(() => { /* the user closed the share sheet */ });
  });
}
