// Starts the calculation engine's worker as early as possible (a classic script in <head>),
// and keeps its first messages until engine.js takes it over: a worker's messages are not
// queued for listeners that arrive later.
(() => {
  const root = new URL("../../", document.currentScript.src);
  const boot = { early: [], error: null, worker: null };
  try {
    boot.worker = new Worker(new URL("assets/cap/worker.js", root), { type: "module" });
    boot.worker.addEventListener("message", boot.onMessage = (event) => boot.early.push(event.data));
    boot.worker.addEventListener("error", boot.onError = (event) => {
      event.preventDefault();
      boot.error = event.message || "erreur au chargement du moteur de calcul";
    });
  } catch (err) {
    boot.error = `le navigateur n'a pas pu lancer le calcul (${err.message})`;
  }
  window.capBoot = boot;
})();
