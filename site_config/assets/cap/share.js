// Answers back without e-mail (issue 16). The engine writes and reads the code (ops `compact_encode`,
// `compact_decode` of py/cap/compact.py: versioned, with a checksum); this module only shows it and
// carries it: QR codes on the participant's screen (the npm package qrcode-generator, vendored),
// a "lien de réponse" (synthese.html#reponse=<code>: a fragment never reaches a server), and on the
// facilitator's page the reading of those codes (camera or image file, with BarcodeDetector where
// the browser has it, else the npm package jsqr, vendored) and the invitations (invite.js).
import { el, uniqueName } from "./util.js";
import { inviteLink } from "./invite.js";

const siteBase = (root) => new URL(root.dataset.base || "./", document.baseURI);
const failure = (err) => err?.message || String(err);

// -- QR codes: drawing ---------------------------------------------------------------------------------

let generator = null;
async function qrGenerator(root) {
  generator ??= import(new URL("vendor/qrcode-generator/qrcode.mjs", siteBase(root)).href).then((m) => m.default);
  return generator;
}

/** Draw `text` (QR alphanumeric characters) as a QR code, error correction M, on `canvas`. */
async function drawQr(root, canvas, text) {
  const qrcode = await qrGenerator(root);
  const qr = qrcode(0, "M");
  qr.addData(text, "Alphanumeric");
  qr.make();
  const count = qr.getModuleCount();
  const quiet = 4;
  const scale = Math.max(3, Math.floor(400 / (count + 2 * quiet)));
  const size = (count + 2 * quiet) * scale;
  canvas.width = size;
  canvas.height = size;
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, size, size);
  ctx.fillStyle = "#000";
  for (let r = 0; r < count; r += 1) {
    for (let c = 0; c < count; c += 1) {
      if (qr.isDark(r, c)) ctx.fillRect((c + quiet) * scale, (r + quiet) * scale, scale, scale);
    }
  }
  canvas.dataset.qrVersion = String((count - 17) / 4);
}

// -- QR codes: reading -----------------------------------------------------------------------------------

let reader = null;
/** A function (ImageData | canvas) → [texts]: BarcodeDetector where present, else jsQR (loaded once). */
async function qrReader(root) {
  reader ??= (async () => {
    if ("BarcodeDetector" in window) {
      try {
        const formats = await window.BarcodeDetector.getSupportedFormats();
        if (formats.includes("qr_code")) {
          const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
          return async (canvas) => (await detector.detect(canvas)).map((b) => b.rawValue);
        }
      } catch { /* the library below */ }
    }
    if (!window.jsQR) {
      await new Promise((resolve, reject) => {
        const script = el("script", { src: new URL("vendor/jsqr/jsQR.js", siteBase(root)).href });
        script.addEventListener("load", resolve);
        script.addEventListener("error", () => reject(new Error("le lecteur de QR code n'a pas pu être chargé")));
        document.head.append(script);
      });
    }
    return async (canvas) => {
      const ctx = canvas.getContext("2d", { willReadFrequently: true });
      const image = ctx.getImageData(0, 0, canvas.width, canvas.height);
      const found = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
      return found ? [found.data] : [];
    };
  })();
  return reader;
}

// -- the participant's page (evaluer.html) -------------------------------------------------------------

/** The "Envoyer mes réponses" block of the results step. `page`: {root, engine, getAssessment, alert}. */
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
    box.querySelector("[data-qr-nav]").hidden = n < 2;
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
    const move = event.target.closest("[data-qr-move]");
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

// -- the facilitator's page (synthese.html) ---------------------------------------------------------------

/**
 * Invitations, response links and QR codes on the synthesis page. `page`: {root, engine, alerts,
 * session() → the session object, add(name, text): a participant's file joins the session, persist()}.
 */
export function setupFacilitator({ root, engine, alerts, session, add, persist }) {
  const files = root.querySelector("#syn-files");
  if (!files) return;
  const roles = JSON.parse(root.dataset.roles || "{}");
  const roleLabel = (r) => (r ? (roles[r] || r).replace(/\s*\([^)]*\)$/, "") : "rôle non précisé");
  const code = (s) => s.id.slice(0, 8);

  // Invitations ---------------------------------------------------------------------------------------
  const nameInput = el("input", { id: "syn-invite-name", type: "text", maxlength: "120", "data-invite-name": "",
    value: session().name || "" });
  const list = el("ul", { class: "cap-invite-links", "data-invite-links": "" });
  const invite = el("details", { class: "cap-invite", "data-invite": "" },
    el("summary", { text: "Préparer une séance : les liens d'invitation, par rôle" }),
    el("p", { text: "Chaque participant ouvre le lien de son rôle sur son téléphone ou son ordinateur : la page "
      + "Évaluer s'ouvre avec la séance et le rôle déjà choisis (et la version simplifiée pour les salariés en parcours). "
      + "Ses réponses reviennent ici par QR code ou par lien de réponse. Tout ce qui suit « # » dans un lien reste sur "
      + "l'appareil : rien n'est envoyé à un serveur." }),
    el("div", { class: "cap-row" }, el("label", { for: "syn-invite-name", text: "Nom de la séance" }), nameInput),
    el("div", { class: "cap-buttons" }, el("button", { type: "button", class: "md-button", "data-invite-make": "",
      text: "Préparer les liens" })),
    list);

  function renderInvites() {
    const s = session();
    const items = Object.keys(roles).map((role) => {
      const href = inviteLink(siteBase(root), { id: code(s), name: s.name || "" }, role);
      const input = el("input", { type: "text", readonly: true, value: href, "data-invite-role": role,
        "aria-label": `Lien d'invitation : ${roleLabel(role)}` });
      const button = el("button", { type: "button", class: "md-button cap-small", text: "Copier",
        "aria-label": `Copier le lien : ${roleLabel(role)}` });
      button.addEventListener("click", () => {
        navigator.clipboard.writeText(href).then(() => alerts.show(`Lien « ${roleLabel(role)} » copié.`, "success"),
          () => input.select());
      });
      return el("li", {}, el("strong", { text: roleLabel(role) }),
        el("a", { href, text: `Ouvrir le lien « ${roleLabel(role)} » sur cet appareil` }), input, button);
    });
    list.replaceChildren(...items);
  }
  invite.querySelector("[data-invite-make]").addEventListener("click", () => {
    session().name = nameInput.value.trim().slice(0, 120);
    persist();
    renderInvites();
  });

  // Reading codes ------------------------------------------------------------------------------------------
  const status = el("p", { class: "cap-hint", role: "status", "data-code-status": "" });
  const pasted = el("input", { id: "syn-code-link", type: "text", "data-code-link": "", autocomplete: "off" });
  const photo = el("input", { type: "file", accept: "image/*", multiple: true, "data-code-image": "" });
  const video = el("video", { class: "cap-qr-video", muted: true, playsinline: true, hidden: true,
    "aria-label": "Image de la caméra" });
  const cameraButton = el("button", { type: "button", class: "md-button md-button--primary", "data-code-camera": "",
    text: "Lire un QR code avec la caméra" });
  const reading = el("section", { class: "cap-code-read", "aria-labelledby": "syn-code-h", "data-code": "" },
    el("h3", { id: "syn-code-h", text: "Ajouter des réponses reçues par QR code ou par lien" }),
    el("div", { class: "cap-buttons" }, cameraButton,
      el("label", { class: "md-button cap-file" }, "Lire un QR code depuis une image", photo)),
    video,
    el("div", { class: "cap-row" }, el("label", { for: "syn-code-link", text: "Ou collez un lien de réponse" }), pasted,
      el("button", { type: "button", class: "md-button", "data-code-add": "", text: "Ajouter" })),
    status);
  const drop = files.querySelector("[data-drop]");
  (drop || files.querySelector("h2")).after(invite, reading);

  // `seen`: texts of the code being gathered; `refused`: texts refused already (a camera sees them again and again).
  const scan = { parts: [], seen: new Set(), refused: new Set(), stream: null, timer: null, busy: false };
  const say = (text, result) => { status.textContent = text; if (result) reading.dataset.codeResult = result; };

  function addDecoded(data, how) {
    const a = data.assessment;
    const text = JSON.stringify(a);
    const s = session();
    if (s.files.some((f) => f.text === text)) {
      say(`Ces réponses (${roleLabel(a.respondent?.role)}) sont déjà dans la séance : rien n'a été ajouté.`, "duplicate");
      return;
    }
    const label = `${how} : ${roleLabel(a.respondent?.role)}${a.respondent?.name ? `, ${a.respondent.name}` : ""}`;
    const name = uniqueName(label, new Set(s.files.map((f) => f.name)));
    add(name, text);
    const other = data.session && data.session !== code(s)
      ? " Attention : ce code a été préparé pour une autre séance." : "";
    const message = `Participant ajouté à la séance (${roleLabel(a.respondent?.role)}, ${Object.keys(a.answers).length} `
      + `réponse(s)), depuis ${how === "Lien" ? "un lien de réponse" : "un QR code"}.${other}`;
    say(message, "added");
    alerts.show(message, "success");
  }

  function refuse(err, what) {
    const message = `${what} : ${failure(err)}`;
    say(message, "refused");
    alerts.show(message, "error");
  }

  async function fromLink(text) {
    try {
      addDecoded(await engine.call("compact_decode", { code: text }), "Lien");
    } catch (err) {
      refuse(err, "Lien de réponse refusé");
    }
  }

  /** A QR text read (camera or image): gathered with the parts read before, by the engine. */
  async function fromQr(text) {
    if (scan.seen.has(text) || scan.refused.has(text)) return;
    scan.seen.add(text);
    const parts = [...scan.parts, text];
    try {
      const data = await engine.call("compact_decode", { parts });
      scan.parts = parts;
      if (!data.complete) {
        say(`QR code ${data.have.length} sur ${data.total} lu (n° ${data.have.join(", ")}) : montrez les suivants.`, "partial");
        return;
      }
      scan.parts = [];
      scan.seen.clear();
      addDecoded(data, "QR code");
      stopCamera();
    } catch (err) {
      scan.seen.delete(text);
      scan.refused.add(text);
      if (err.code !== "code_parts") { scan.parts = []; scan.seen.clear(); }
      refuse(err, "QR code refusé");
    }
  }

  async function readCanvas(canvas) {
    const read = await qrReader(root);
    return read(canvas);
  }

  photo.addEventListener("change", async () => {
    const chosen = Array.from(photo.files || []);
    photo.value = "";
    scan.refused.clear(); // an image chosen again is read again
    for (const file of chosen) {
      try {
        const bitmap = await createImageBitmap(file);
        const canvas = el("canvas");
        canvas.width = bitmap.width;
        canvas.height = bitmap.height;
        canvas.getContext("2d", { willReadFrequently: true }).drawImage(bitmap, 0, 0);
        const texts = await readCanvas(canvas);
        if (!texts.length) {
          refuse(new Error(`aucun QR code trouvé dans l'image « ${file.name} ». Rien n'a été ajouté ; essayez une photo `
            + "plus nette, prise de face"), "Image refusée");
        }
        for (const t of texts) await fromQr(t);
      } catch (err) {
        refuse(err, `L'image « ${file.name} » n'a pas pu être lue`);
      }
    }
  });

  function stopCamera() {
    clearInterval(scan.timer);
    scan.timer = null;
    scan.stream?.getTracks().forEach((t) => t.stop());
    scan.stream = null;
    video.hidden = true;
    cameraButton.textContent = "Lire un QR code avec la caméra";
    delete reading.dataset.camera;
  }

  cameraButton.addEventListener("click", async () => {
    if (scan.stream) { stopCamera(); say("Caméra arrêtée."); return; }
    if (!navigator.mediaDevices?.getUserMedia) {
      say("Ce navigateur ne donne pas accès à la caméra : lisez le QR code depuis une photo ou une capture d'écran.");
      return;
    }
    try {
      scan.stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
    } catch (err) {
      say(`La caméra n'est pas disponible (${err.name === "NotAllowedError" ? "accès refusé" : failure(err)}) : `
        + "lisez le QR code depuis une photo ou une capture d'écran, ou collez le lien de réponse.");
      return;
    }
    scan.refused.clear();
    video.srcObject = scan.stream;
    video.hidden = false;
    await video.play().catch(() => {});
    cameraButton.textContent = "Arrêter la caméra";
    reading.dataset.camera = "on";
    say("Caméra prête : présentez le QR code du participant devant l'objectif.");
    const frame = el("canvas");
    scan.timer = setInterval(async () => {
      if (scan.busy || !video.videoWidth) return;
      scan.busy = true;
      try {
        frame.width = video.videoWidth;
        frame.height = video.videoHeight;
        frame.getContext("2d", { willReadFrequently: true }).drawImage(video, 0, 0);
        for (const t of await readCanvas(frame)) await fromQr(t);
      } catch { /* the next frame */ } finally {
        scan.busy = false;
      }
    }, 250);
  });

  reading.querySelector("[data-code-add]").addEventListener("click", () => {
    const text = pasted.value.trim();
    if (!text) { say("Collez d'abord le lien de réponse reçu."); return; }
    fromLink(text).then(() => { if (reading.dataset.codeResult === "added") pasted.value = ""; });
  });

  // A response link opened on this device: #reponse=<code> (read once, then taken out of the address).
  function followHash() {
    if (!location.hash.startsWith("#reponse=")) return;
    const text = location.hash.slice(1);
    history.replaceState(null, "", location.pathname + location.search);
    fromLink(text);
  }
  window.addEventListener("hashchange", followHash);
  followHash();
}
