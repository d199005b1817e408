// The user's assessments in this browser's localStorage. Every failure is reported to the
// caller (private mode, storage disabled, quota full); nothing fails silently.

const PREFIX = "cap-en-ligne:";
const INDEX = `${PREFIX}index`;
const CURRENT = `${PREFIX}current`;
const key = (id) => `${PREFIX}a:${id}`;

export class StorageError extends Error {
  constructor(kind, cause) {
    const messages = {
      disabled: "L'enregistrement sur cet appareil est désactivé (navigation privée ou réglage du navigateur). "
        + "Vos réponses seront perdues à la fermeture de la page : exportez votre fichier avant de partir.",
      full: "L'espace d'enregistrement de cet appareil est plein : la dernière modification n'a pas été enregistrée. "
        + "Exportez votre fichier, puis supprimez une ancienne évaluation.",
      corrupt: "Une évaluation enregistrée sur cet appareil est illisible ; elle a été mise de côté.",
    };
    super(messages[kind] || messages.disabled);
    this.kind = kind;
    this.cause = cause;
  }
}

function backend() {
  try {
    const ls = window.localStorage;
    const probe = `${PREFIX}probe`;
    ls.setItem(probe, "1");
    ls.removeItem(probe);
    return ls;
  } catch (err) {
    return null;
  }
}

export class Store {
  constructor() {
    this.ls = backend();
    this.memory = new Map(); // used when storage is disabled, so the page still works
  }

  get persistent() { return this.ls !== null; }

  read(name) {
    return this.ls ? this.ls.getItem(name) : (this.memory.get(name) ?? null);
  }

  write(name, value) {
    if (!this.ls) { this.memory.set(name, value); return; }
    try {
      this.ls.setItem(name, value);
    } catch (err) {
      throw new StorageError(err?.name === "QuotaExceededError" || err?.code === 22 ? "full" : "disabled", err);
    }
  }

  remove(name) {
    if (this.ls) this.ls.removeItem(name); else this.memory.delete(name);
  }

  index() {
    try {
      const list = JSON.parse(this.read(INDEX) || "[]");
      return Array.isArray(list) ? list : [];
    } catch {
      return [];
    }
  }

  load(id) {
    const text = this.read(key(id));
    if (!text) return null;
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new StorageError("corrupt", err);
    }
  }

  save(assessment, extra = {}) {
    this.write(key(assessment.id), JSON.stringify(assessment));
    const list = this.index().filter((item) => item.id !== assessment.id);
    const previous = this.index().find((item) => item.id === assessment.id) || {};
    list.push({ ...previous, id: assessment.id, name: assessment.structure?.name || "", updated: assessment.updated,
      kind: assessment.kind || "individual", role: assessment.respondent?.role || "", ...extra });
    this.write(INDEX, JSON.stringify(list));
  }

  meta(id) {
    return this.index().find((item) => item.id === id) || null;
  }

  setMeta(id, extra) {
    const list = this.index().map((item) => (item.id === id ? { ...item, ...extra } : item));
    this.write(INDEX, JSON.stringify(list));
  }

  delete(id) {
    this.remove(key(id));
    this.write(INDEX, JSON.stringify(this.index().filter((item) => item.id !== id)));
  }

  get current() { return this.read(CURRENT); }

  set current(id) { this.write(CURRENT, id); }

  clearAll() {
    if (!this.ls) { this.memory.clear(); return; }
    const names = [];
    for (let i = 0; i < this.ls.length; i += 1) {
      const name = this.ls.key(i);
      if (name && name.startsWith(PREFIX)) names.push(name);
    }
    names.forEach((name) => this.ls.removeItem(name));
  }
}
