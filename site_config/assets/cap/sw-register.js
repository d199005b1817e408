// @ts-check
// Registers the service worker (offline use after one visit) and announces a new version.
// On the assessment page it waits until the calculation engine has started, so that the
// background download never slows down the first score.
const script = /** @type {HTMLScriptElement | null} */ (document.currentScript);
const root = new URL("../../", script ? script.src : document.baseURI);

/** @param {ServiceWorkerRegistration} registration */
function announce(registration) {
  if (document.querySelector(".cap-update")) return;
  const box = document.createElement("div");
  box.className = "cap-update";
  box.setAttribute("role", "status");
  const text = document.createElement("span");
  text.textContent = "Une nouvelle version de CAP en ligne est prête. Vos réponses sont conservées.";
  const button = document.createElement("button");
  button.type = "button";
  button.className = "md-button md-button--primary";
  button.dataset.action = "update-site";
  button.textContent = "Mettre à jour";
  button.addEventListener("click", () => {
    button.disabled = true;
    registration.waiting?.postMessage({ type: "SKIP_WAITING" });
  });
  box.append(text, " ", button);
  document.body.append(box);
}

async function register() {
  try {
    const registration = await navigator.serviceWorker.register(new URL("sw.js", root), { scope: root.pathname });
    if (registration.waiting && navigator.serviceWorker.controller) announce(registration);
    registration.addEventListener("updatefound", () => {
      const incoming = registration.installing;
      incoming?.addEventListener("statechange", () => {
        if (incoming.state === "installed" && navigator.serviceWorker.controller) announce(registration);
      });
    });
    let reloading = false;
    navigator.serviceWorker.addEventListener("controllerchange", () => {
      if (reloading || !document.querySelector(".cap-update")) return;
      reloading = true;
      window.location.reload();
    });
  } catch (err) {
    // Offline use is a bonus: the site works without it (e.g. private browsing).
    console.warn("Mode hors ligne indisponible :", err.message);
  }
}

/** Run `done` once the engine has answered (ready or failed).
 * @param {HTMLElement} app @param {() => void} done */
function whenEngineSettled(app, done) {
  if (app.dataset.state !== "loading") { done(); return; }
  const observer = new MutationObserver(() => {
    if (app.dataset.state !== "loading") { observer.disconnect(); done(); }
  });
  observer.observe(app, { attributes: true, attributeFilter: ["data-state"] });
}

if ("serviceWorker" in navigator && window.isSecureContext) {
  window.addEventListener("load", () => {
    const app = document.getElementById("cap-app");
    if (app) whenEngineSettled(app, register); else register();
  });
}
