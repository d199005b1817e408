// @ts-check
// The facilitator's page (synthese.html), issue 16: the invitation links per role (invite.js), and
// the participants' answers read back from a response link, a QR code image or the camera (qr.js);
// the engine decodes them (op `compact_decode`) and each becomes a file of the session.
import { inviteLink } from "./invite.js";
import { qrReader, siteBase } from "./qr.js";
import { el, uniqueName } from "./util.js";

/** @param {any} err */
const failure = (err) => err?.message || String(err);

/**
 * Invitations, response links and QR codes on the synthesis page.
 * @param {object} page
 * @param {HTMLElement} page.root the synthesis page
 * @param {{ call: (op: string, payload?: object) => Promise<any> }} page.engine
 * @param {ReturnType<typeof import("./util.js").alertBox>} page.alerts
 * @param {() => { id: string, name?: string, files: { name: string, text: string }[] }} page.session the session
 * @param {(name: string, text: string) => void} page.add a participant's file joins the session
 * @param {() => void} page.persist save the session
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
