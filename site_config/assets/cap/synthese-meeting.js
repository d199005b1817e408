// @ts-check
// The meeting mode of the synthesis page: one criterion at a time, in large type for a projector,
// in the order the engine gave (divergent first, or the questionnaire's); the answer the team
// retains is typed with one key. What it shows comes from the engine's last merge: the criterion
// card's parts (cloned), the spoken summary, the values this criterion takes (`choices`: no
// « non concerné » on a core criterion) and their labels.

/** @typedef {import("./synthese-view.js").SynthesisReply} SynthesisReply */
/** @typedef {import("./synthese-session.js").Session} Session */

/**
 * @param {object} o
 * @param {HTMLDialogElement} o.dialog
 * @param {Map<string, HTMLElement>} o.cards the criterion cards, by id
 * @param {() => { reply: SynthesisReply | null, session: Session }} o.page
 * @param {(delay?: number) => void} o.changed the session changed (a decision, a reason)
 * @param {ReturnType<typeof import("./util.js").alertBox>} o.alerts
 * @param {(selector: string) => HTMLElement | null} o.find an element of the page
 */
export function createMeeting({ dialog, cards, page, changed, alerts, find }) {
  /** @param {string} selector */
  const meet = (selector) => /** @type {HTMLElement} */ (dialog.querySelector(selector));
  const reason = /** @type {HTMLTextAreaElement} */ (meet("[data-meet-reason]"));
  const title = meet("#syn-meet-title");
  const fullscreen = meet("[data-meet=fullscreen]");
  const state = { order: /** @type {string[]} */ ([]), pos: 0, opener: /** @type {string | null} */ (null),
    reopening: false };
  const current = () => state.order[state.pos];
  const entry = (cid) => page().reply?.criteria[cid];
  const question = (cid) => cards.get(cid)?.querySelector(".cap-q")?.textContent || cid;
  const label = (v) => page().reply?.labels[String(v)] ?? "Sans réponse";
  /** The value retained in the session, if the engine's rule allows it on this criterion (else null). */
  const agreedOf = (cid) => {
    const v = page().session.agreed[cid]?.value;
    return v !== undefined && entry(cid)?.choices.includes(String(v)) ? v : null;
  };
  /** A copy of one part of the criterion's card (synthesis.py marks them `data-part`).
   *  @param {string} cid @param {string} name */
  const part = (cid, name) => /** @type {HTMLElement | undefined} */ (cards.get(cid)?.querySelector(`[data-part="${name}"]`)
    ?.cloneNode(true));

  /** @param {string} text */
  function announce(text) {
    const live = meet("[data-meet-live]");
    live.textContent = "";
    setTimeout(() => { live.textContent = text; }, 30);
  }

  function spoken() {
    const cid = current();
    const agreed = agreedOf(cid);
    return `Critère ${state.pos + 1} sur ${state.order.length} : ${entry(cid)?.spoken || cid}`
      + (agreed !== null ? ` Retenu : ${label(agreed)}.` : "");
  }

  function render() {
    const cid = current();
    if (!cid) return;
    const e = entry(cid);
    meet("[data-meet-pos]").textContent = `Critère ${state.pos + 1} sur ${state.order.length}`
      + (e?.note ? ` · ${e.note}` : "");
    meet("[data-meet-id]").textContent = cid;
    meet("[data-meet-question]").textContent = question(cid);
    meet("[data-meet-flags]").replaceChildren(...(part(cid, "flags")?.childNodes || []));
    meet("[data-meet-dist]").replaceChildren(...[part(cid, "dist")].filter(Boolean));
    meet("[data-meet-roles]").replaceChildren(...[part(cid, "roles")].filter(Boolean));
    meet("[data-meet-comments]").replaceChildren(...[part(cid, "comments")].filter(Boolean));
    const agreed = agreedOf(cid);
    const kept = document.createElement("strong");
    kept.dataset.meetAgreed = "";
    kept.textContent = agreed === null ? "pas encore (la valeur proposée sera gardée)" : label(agreed);
    const proposed = document.createElement("strong");
    proposed.textContent = e?.proposed || "";
    meet("[data-meet-current]").replaceChildren("Proposé : ", proposed, " · Retenu : ", kept);
    for (const button of /** @type {NodeListOf<HTMLButtonElement>} */ (dialog.querySelectorAll("[data-value]"))) {
      const v = button.dataset.value;
      button.hidden = v !== "" && !e?.choices.includes(v);
      button.setAttribute("aria-pressed", String(v !== "" && agreed !== null && String(agreed) === v));
    }
    if (document.activeElement !== reason) reason.value = page().session.agreed[cid]?.reason || "";
    /** @type {HTMLButtonElement} */ (meet("[data-meet=prev]")).disabled = state.pos === 0;
    /** @type {HTMLButtonElement} */ (meet("[data-meet=next]")).disabled = state.pos >= state.order.length - 1;
    dialog.dataset.criterion = cid;
    // A button that just got disabled (first or last criterion) drops the focus: keep it in the dialog.
    const active = /** @type {HTMLButtonElement | null} */ (document.activeElement);
    if (dialog.open && (!dialog.contains(active) || active?.disabled)) title.focus();
  }

  /** @param {string | null} cid the criterion to start from (else the first) */
  function open(cid) {
    state.order = [...(page().reply?.meeting || [])];
    if (!state.order.length) { alerts.show("Aucun critère à discuter pour ce type de structure.", "warning"); return; }
    state.pos = Math.max(0, cid ? state.order.indexOf(cid) : 0);
    const from = /** @type {HTMLElement | null} */ (document.activeElement);
    state.opener = from?.dataset?.discuss ? `[data-discuss="${CSS.escape(from.dataset.discuss)}"]`
      : from?.dataset?.action === "meeting" ? "[data-action=meeting]" : null;
    dialog.showModal();
    document.documentElement.classList.add("cap-meeting-open");
    render();
    title.focus();
    announce(spoken());
  }

  function close() {
    if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
    if (dialog.open) dialog.close();
  }

  /** @param {number} delta */
  function move(delta) {
    const next = state.pos + delta;
    if (next < 0 || next >= state.order.length) {
      announce(next < 0 ? "C'est le premier critère." : "C'est le dernier critère.");
      return;
    }
    state.pos = next;
    render();
    announce(spoken());
  }

  /** @param {number | string | null} value the answer retained (null: back to the proposal) */
  function decide(value) {
    const cid = current();
    if (value !== null && !entry(cid)?.choices.includes(String(value))) {
      announce("« Non concerné » n'est pas possible sur un critère essentiel.");
      return;
    }
    const agreed = page().session.agreed;
    const kept = { ...(agreed[cid] || {}) };
    if (value === null) delete kept.value; else kept.value = value;
    if (kept.value === undefined && !kept.reason) delete agreed[cid]; else agreed[cid] = kept;
    render();
    announce(value === null ? `${cid} : retour à la valeur proposée (${entry(cid)?.proposed || ""}).`
      : `${cid} : réponse retenue ${label(value)}.`);
    changed();
  }

  dialog.addEventListener("keydown", (event) => {
    const target = /** @type {HTMLElement} */ (event.target);
    if (target.matches("textarea, input, select")) {
      if (event.key === "Escape") { event.preventDefault(); title.focus(); }
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const key = event.key;
    if (/^[1-4]$/.test(key)) decide(Number(key));
    else if (key === "n" || key === "N") decide("na");
    else if (key === "?") decide("dk");
    else if (key === "Delete" || key === "Backspace") decide(null);
    else if (key === "ArrowRight" || (key === "Enter" && !target.matches("button, a, summary"))) move(1);
    else if (key === "ArrowLeft") move(-1);
    else if (key === "r" || key === "R") reason.focus();
    else return;
    event.preventDefault();
  });
  dialog.addEventListener("cancel", (event) => {
    if (document.activeElement === reason) { event.preventDefault(); title.focus(); }
  });
  dialog.addEventListener("close", () => {
    if (state.reopening) { state.reopening = false; return; }
    if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
    document.documentElement.classList.remove("cap-meeting-open");
    const back = (state.opener && find(state.opener)) || cards.get(current());
    back?.focus();
  });
  dialog.addEventListener("click", (event) => {
    const button = /** @type {HTMLElement} */ (event.target).closest("button");
    if (!button) return;
    const v = button.dataset.value;
    if (v !== undefined) decide(v === "" ? null : /^\d$/.test(v) ? Number(v) : v);
    else if (button.dataset.meet === "next") move(1);
    else if (button.dataset.meet === "prev") move(-1);
    else if (button.dataset.meet === "close") close();
    else if (button.dataset.meet === "fullscreen") {
      if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
      else {
        // The page goes full screen (a <dialog> itself may not), then the dialog is shown again so that
        // it comes back on top of the page in the browser's top layer.
        document.documentElement.requestFullscreen()
          .then(() => {
            state.reopening = true; // the "close" event comes later, once: it must not end the meeting
            dialog.close();
            dialog.showModal();
            fullscreen.focus();
            announce("Plein écran. Échap pour en sortir.");
          })
          .catch(() => announce("Le plein écran n'est pas disponible : utilisez la touche F11."));
      }
    }
  });
  reason.addEventListener("input", () => {
    const cid = current();
    const agreed = page().session.agreed;
    const kept = { ...(agreed[cid] || {}) };
    if (reason.value) kept.reason = reason.value; else delete kept.reason;
    if (kept.value === undefined && !kept.reason) delete agreed[cid]; else agreed[cid] = kept;
    changed(500);
  });
  fullscreen.hidden = !document.fullscreenEnabled;
  document.addEventListener("fullscreenchange", () => {
    fullscreen.textContent = document.fullscreenElement ? "Quitter le plein écran" : "Plein écran";
  });

  return {
    open,
    close,
    /** Redraw after a merge (when open). */
    refresh() { if (dialog.open) render(); },
    get isOpen() { return dialog.open; },
  };
}
