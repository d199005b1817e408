// @ts-check
// The assessment page's engine (engine.js: the worker running the Python package) and what the page
// says about it: ready, slow to load, restarting after a stop, or unable to start.
import { alertUser, root, setEngineStatus, state } from "./app-page.js";
import { createEngine } from "./engine.js";

export const engine = createEngine(root.dataset.base, {
  onState(stateName, detail, info = {}) {
    root.dataset.state = stateName;
    if (stateName === "ready") {
      setEngineStatus("Moteur de calcul prêt : les résultats se mettent à jour à chaque réponse.");
    } else if (stateName === "loading") {
      if (info.restarting !== undefined || state.engineStopped) setEngineStatus("Le moteur de calcul redémarre…");
    } else if (info.restarting) {
      state.engineStopped = true;
      setEngineStatus("Le moteur de calcul redémarre…");
      alertUser(`Le moteur de calcul s'est arrêté (${detail}) et redémarre. Vos réponses sont enregistrées sur cet `
        + "appareil et vous pouvez les exporter ; les résultats reviennent dès qu'il est prêt.", "warning");
    } else {
      setEngineStatus("");
      alertUser(`Le moteur de calcul n'a pas pu démarrer (${detail}). Vos réponses restent enregistrées sur cet `
        + "appareil et vous pouvez les exporter. Rechargez la page pour réessayer ; si le problème continue, "
        + "essayez un navigateur récent (Firefox, Chrome, Edge ou Safari à jour).");
    }
  },
});

const slowTimer = setTimeout(() => {
  if (root.dataset.state === "loading") {
    setEngineStatus("Le moteur de calcul met du temps à se charger (connexion lente ?). Vous pouvez continuer à répondre.");
  }
}, 30000);
engine.ready.finally(() => clearTimeout(slowTimer));

/** Why an engine call failed, for a sentence: its message when it is ready, else "not ready".
 * @param {{ message?: string, code?: string }} err */
export const failureReason = (err) => (root.dataset.state === "ready" && err.code !== "stopped" ? err.message
  : "le moteur de calcul n'est pas prêt ; réessayez dans un instant.");
