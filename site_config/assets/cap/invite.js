// @ts-check
// Invitations to a collective session (issue 16): the facilitator's page writes, per role, a link to
// evaluer.html whose fragment presets the session, the role and the simplified mode
// (`#seance=<id>&nom=<name>&role=parcours&simple=1`); the assessment page reads it when it starts.
// The fragment never reaches a server. The assessment keeps `session: {id, name}` (an extra
// field the engine keeps as is), so that its exported file is named after the session and role.
import { slug } from "./util.js";

/** @typedef {{ id: string, name: string, role: string | null, simple: boolean }} Invite */

/** The presets of an invitation fragment, or null when the fragment is not one.
 * @param {string} hash @returns {Invite | null} */
export function readInvite(hash) {
  if (!hash || !hash.startsWith("#seance=")) return null;
  const params = new URLSearchParams(hash.slice(1));
  const id = (params.get("seance") || "").slice(0, 40);
  if (!id) return null;
  return { id, name: (params.get("nom") || "").slice(0, 120), role: params.get("role") || null,
    simple: params.get("simple") === "1" };
}

/** The invitation link of one role (`base`: the site's root URL).
 * @param {URL | string} base @param {{ id: string, name?: string }} session @param {string} role */
export function inviteLink(base, session, role) {
  const params = new URLSearchParams({ seance: session.id, nom: session.name || "", role });
  if (role === "parcours") params.set("simple", "1");
  return `${new URL("evaluer.html", base).href}#${params.toString()}`;
}

/** The name of an invited participant's files ("cap-seance-du-3-decembre-parcours-2026-12-03"), else null.
 * @param {import("./storage.js").Assessment} a @returns {string | null} */
export function sessionStem(a) {
  const session = a?.session;
  if (!session || typeof session !== "object" || !session.id) return null;
  const role = slug(a.respondent?.role, "participant");
  return `cap-${slug(session.name, `seance-${slug(session.id, "")}`)}-${role}-${new Date().toISOString().slice(0, 10)}`;
}

/**
 * Apply an invitation when the page starts: an assessment of this session and role is opened as it is;
 * otherwise a new one is started with the role (and the simplified mode for an employee on a pathway).
 * @param {object} page
 * @param {() => import("./storage.js").Assessment} page.current the assessment shown
 * @param {() => import("./storage.js").Assessment} page.blank a new one
 * @param {(a: import("./storage.js").Assessment) => boolean} page.openNew store and show it (false: it could not be stored)
 * @param {(on: boolean) => void} page.setEasyRead
 * @param {Set<string>} page.roles the respondent roles of the questionnaire
 * @param {(id: string) => string} page.roleLabel
 * @param {(message: string, level?: "error" | "warning" | "success") => unknown} page.alert
 * @param {string} [hash] the URL fragment
 * @returns {Invite | null} the invitation applied
 */
export function applyInvite(page, hash = location.hash) {
  const invite = readInvite(hash);
  if (!invite) return null;
  history.replaceState(null, "", location.pathname + location.search); // a reload does not start again
  const role = page.roles.has(invite.role) ? invite.role : null;
  const current = page.current();
  const same = current?.session?.id === invite.id && (current.respondent?.role || null) === role;
  if (!same) {
    const a = page.blank();
    a.session = { id: invite.id, name: invite.name };
    a.respondent.role = role;
    if (!page.openNew(a)) return null;
  }
  if (invite.simple) page.setEasyRead(true);
  const what = invite.name ? `la séance « ${invite.name} »` : "une séance collective";
  const parts = [`Vous répondez pour ${what}`];
  if (role) parts.push(`en tant que « ${page.roleLabel(role)} »`);
  page.alert(`${parts.join(" ")}${invite.simple ? ", en version simplifiée" : ""}. `
    + (same ? "Vos réponses déjà données sont gardées. " : "")
    + "Quand vous avez fini, envoyez vos réponses depuis l'étape « Résultats » : QR code ou lien de réponse.", "success");
  return { ...invite, role };
}
