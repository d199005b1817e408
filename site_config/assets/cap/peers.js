// @ts-check
// "Structures similaires" on the assessment page's results step: the network file a network
// publishes (made on the Réseau page) is loaded here, kept on this device (storage.js), and the
// engine (op `network_peers`) picks the group most like the structure and gives its figures. This
// module only draws them: a band (1st to 3rd quartile) and a mark (median) on each bar, words beside
// them, and a table. Nothing is computed here.
import { NETWORK_KEY } from "./storage.js";
import { READ_LIMIT, el, frDate } from "./util.js";

/** @param {number | null | undefined} value */
const formatPercent = (value) => (value === null || value === undefined ? "–"
  : `${value.toLocaleString("fr-FR", { maximumFractionDigits: 1 })}\u202f%`);

export class Peers {
  /**
   * @param {object} page
   * @param {HTMLElement} page.step the results step
   * @param {{ call: (op: string, payload?: object) => Promise<any> }} page.engine
   * @param {import("./storage.js").Store} page.store
   * @param {(message: string, level?: "error" | "warning" | "success") => unknown} page.alert
   */
  constructor({ step, engine, store, alert }) {
    this.engine = engine;
    this.store = store;
    this.alert = alert;
    this.seq = 0;
    /** @type {string | null} the network file's text */
    this.text = null;
    this.stored = false;
    /** @type {any} the engine's last `network_peers` reply (py/cap/network.py) */
    this.last = null;
    /** @type {import("./storage.js").Assessment | null} */
    this.assessment = null;
    try {
      this.text = store.read(NETWORK_KEY);
      this.stored = this.text !== null;
    } catch { /* no storage: per session */ }
    this.status = el("p", { role: "status", "data-peers-status": "" });
    this.forget = el("button", { type: "button", class: "md-button", "data-action": "forget-network", hidden: true,
      text: "Retirer le fichier réseau" });
    const input = el("input", { type: "file", accept: ".json,application/json", "data-action": "load-network" });
    this.table = el("div", { "data-peers-table": "" });
    this.box = el("section", { class: "cap-peers", "data-peers": "", "data-peers-state": "none", "aria-labelledby": "h-peers" },
      el("h3", { id: "h-peers", text: "Comparer aux structures similaires" }),
      el("p", { class: "cap-hint", text: "Votre réseau peut vous envoyer un « fichier réseau » (fait sur la page Réseau) : "
        + "les scores de structures adhérentes, par groupes d'au moins cinq. Chargé ici, il reste sur cet appareil ; "
        + "votre évaluation n'est envoyée à personne." }),
      el("div", { class: "cap-buttons" }, el("label", { class: "md-button cap-file" }, "Charger un fichier réseau", input),
        this.forget),
      this.status, this.table);
    const results = step.querySelector("[data-results]");
    results.after(this.box);
    input.addEventListener("change", () => this.load(input).finally(() => { input.value = ""; }));
    this.forget.addEventListener("click", () => this.drop());
  }

  /** @param {HTMLInputElement} input */
  async load(input) {
    const file = input.files?.[0];
    if (!file) return;
    let text;
    try {
      text = await file.slice(0, READ_LIMIT).text();
    } catch (err) {
      this.alert(`Le fichier « ${file.name} » n'a pas pu être lu (${err?.message || "lecture impossible"}).`);
      return;
    }
    const previous = this.text;
    this.text = text;
    const ok = await this.redraw();
    if (!ok) { // a bad file never replaces a good one; the refusal stays in view
      this.text = previous;
      const reason = this.status.textContent;
      await this.redraw();
      this.status.textContent = reason;
      this.box.dataset.peersState = "error";
      return;
    }
    try {
      this.store.write(NETWORK_KEY, text);
      this.stored = true;
      if (this.last) this.show(this.last); // now says it is kept
    } catch {
      this.stored = false;
      this.alert("Le fichier réseau n'a pas pu être enregistré sur cet appareil : il sert jusqu'à la fermeture de la page.",
        "warning");
    }
  }

  drop() {
    this.text = null;
    this.last = null;
    try { this.store.remove(NETWORK_KEY); } catch { /* nothing stored */ }
    this.redraw();
  }

  /** Called after every redraw of the bars, with the assessment they show. */
  /** @param {import("./storage.js").Assessment} assessment */
  draw(assessment) {
    this.assessment = assessment;
    if (this.last && this.text) this.show(this.last); // the new bars get the marks at once; the engine's reply follows
    return this.redraw();
  }

  async redraw() {
    const seq = ++this.seq;
    this.forget.hidden = !this.text;
    if (!this.text || !this.assessment) { this.clear("none"); return true; }
    let data;
    try {
      data = await this.engine.call("network_peers", { network: this.text, assessment: this.assessment });
    } catch (err) {
      if (seq !== this.seq) return false;
      this.clear("error");
      this.status.textContent = `Fichier réseau refusé : ${err.message}`;
      return false;
    }
    if (seq !== this.seq) return true; // a newer draw is under way
    this.last = data;
    this.show(data);
    return true;
  }

  /** @param {"none" | "error" | "shown" | "empty"} state */
  clear(state) {
    this.box.dataset.peersState = state;
    this.status.textContent = "";
    this.table.replaceChildren();
    document.querySelectorAll(".cap-peer-band, .cap-peer-median, .cap-peer-text").forEach((node) => node.remove());
    document.querySelectorAll(".cap-bar-row.has-peers").forEach((node) => node.classList.remove("has-peers"));
  }

  /** @param {any} data the engine's `network_peers` reply */
  show(data) {
    this.clear(data.group ? "shown" : "empty");
    const notes = (data.notes || []).join(" ");
    const kept = this.stored ? "" : " (gardé jusqu'à la fermeture de la page)";
    const made = data.network.date ? ` du ${frDate(data.network.date)}` : "";
    if (!data.group) { this.status.textContent = `Fichier réseau${made}${kept}. ${notes}`; return; }
    const g = data.group;
    this.status.textContent = `Fichier réseau${made}${kept} : comparaison avec ${g.label} `
      + `(${g.count} structures). Sous chaque barre, le crochet va du 1er au 3e quartile de ces structures (la moitié `
      + `d'entre elles) ; le trait noir marque leur médiane. ${notes}`;
    const rows = [];
    const each = (id, title, kind, s, mine) => {
      const words = !s ? "pas de chiffres pour ce groupe" : s.withheld || s.median === null
        ? `moins de ${data.network.min_group} structures : non affiché`
        : `médiane ${formatPercent(s.median)}, moitié entre ${formatPercent(s.q1)} et ${formatPercent(s.q3)}`;
      const bar = id && document.querySelector(`li[data-bar-id="${CSS.escape(id)}"]`);
      if (bar && s && s.median !== null && !s.withheld) {
        const track = bar.querySelector(".cap-bar-track");
        const band = el("span", { class: "cap-peer-band" });
        band.style.left = `${s.q1}%`;
        band.style.width = `${Math.max(0, s.q3 - s.q1)}%`; // a width on screen, not a statistic
        const median = el("span", { class: "cap-peer-median", "data-peer-median": String(s.median) });
        median.style.left = `${s.median}%`;
        track.append(band, median);
      }
      if (bar) {
        bar.classList.add("has-peers");
        bar.append(el("span", { class: "cap-peer-text", text: `Structures similaires : ${words}` }));
      }
      rows.push(el("tr", { class: `is-${kind}`, "data-peer-row": id || "overall" },
        el("th", { scope: "row", text: title }),
        el("td", { "data-label": "Votre score", text: formatPercent(mine?.percent) }),
        el("td", { "data-label": "Structures similaires", text: words }),
        el("td", { "data-label": "Votre position", text: mine?.position || "–" })));
    };
    each(null, "Score global", "overall", data.stats.overall, data.own.overall);
    for (const li of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll("li[data-bar-id]"))) {
      const id = li.dataset.barId;
      const kind = li.classList.contains("is-pillar") ? "pillar" : "theme";
      const stats = data.stats[kind === "pillar" ? "pillars" : "themes"][id];
      each(id, li.querySelector(".cap-bar-label").textContent, kind, stats, data.own[kind === "pillar" ? "pillars" : "themes"][id]);
    }
    this.table.replaceChildren(el("div", { class: "cap-table-scroll" }, el("table", { class: "cap-peers-table cap-stack" },
      el("caption", { text: `Votre structure et ${g.count} structures similaires (${g.label})` }),
      el("thead", {}, el("tr", {}, ...["Pilier / thème", "Votre score", "Structures similaires", "Votre position"]
        .map((h) => el("th", { scope: "col", text: h })))),
      el("tbody", {}, ...rows))));
  }
}
