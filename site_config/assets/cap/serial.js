// @ts-check
// "Run once more if it changed meanwhile": the pages that ask the engine for a view after each
// change (Évaluer, Synthèse, Évolution, Réseau) never run two requests at once, and never miss
// the last change: a call made while one is running marks it to run again once, when it ends.

/**
 * Wrap an async task so that at most one run is in progress; calls made meanwhile collapse into
 * one more run after it. The returned function resolves when that run (or the one it joined) ends,
 * and rejects if the last run failed.
 * @param {() => Promise<void>} task
 * @returns {{ (): Promise<void>, readonly busy: boolean }}
 */
export function serial(task) {
  let running = null; // the run in progress
  let again = false; // a call came during it
  const run = () => {
    if (running) { again = true; return running; }
    running = (async () => {
      let failure = null;
      await null; // `running` is set before the task runs, so a call from inside the task is seen
      try {
        do {
          again = false;
          try { await task(); failure = null; } catch (err) { failure = err; } // a later run may succeed
        } while (again);
      } finally {
        running = null;
      }
      if (failure) throw failure;
    })();
    return running;
  };
  Object.defineProperty(run, "busy", { get: () => running !== null });
  return /** @type {any} */ (run);
}
