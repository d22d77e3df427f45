// Console sessions: a random token in an HttpOnly, SameSite=Lax cookie (Secure, with the
// __Host- prefix, everywhere but plain-http localhost); the database keeps only its
// SHA-256, the CSRF token, who signed in and when. Idle and absolute timeouts are checked
// on every use; sign-out deletes the row, so a copied cookie dies with it.
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { base64url, hex } from "../crypto/hashing.ts";
import type { Deps } from "../deps.ts";
import { isLoopbackHost } from "../identity/dev-issuer.ts";
import type { Principal, Role } from "../identity/principal.ts";
import { ROLES } from "../identity/principal.ts";
import type { ConsoleSessionRecord } from "../storage/types.ts";

/** The roles that may use the console at all (`user` may not). */
export const CONSOLE_ROLES: readonly Role[] = ["auditor", "auditor_content", "admin"];

/** Last-seen is written at most this often (not on every page). */
const TOUCH_EVERY_MS = 60_000;

export type SessionDeps = Pick<Deps, "storage" | "clock" | "config" | "sha256">;

/** Plain http on a loopback host is the only place the cookie may go without Secure. */
export function secureContext(url: URL): boolean {
  return url.protocol === "https:" || !isLoopbackHost(url.hostname);
}

export const cookieName = (secure: boolean): string => (secure ? "__Host-custos_console" : "custos_console");

const random = (n: number): string => base64url(crypto.getRandomValues(new Uint8Array(n)));
const idHashOf = (deps: SessionDeps, token: string): string => hex(deps.sha256(new TextEncoder().encode(token)));

function timeouts(deps: SessionDeps): { idleMs: number; absoluteMs: number } {
  const c = deps.config.server.console;
  return { idleMs: c.idle_timeout_minutes * 60_000, absoluteMs: c.absolute_timeout_hours * 3_600_000 };
}

export interface SignedIn {
  issuer: string;
  issuerName: string;
  subject: string;
  email?: string;
  teams: string[];
  roles: Role[];
  method: string;
}

/** Starts a session and sets its cookie; the new record. */
export async function startSession(c: Context, deps: SessionDeps, who: SignedIn): Promise<ConsoleSessionRecord> {
  const token = random(32);
  const now = new Date(deps.clock.now());
  const record: ConsoleSessionRecord = {
    idHash: idHashOf(deps, token),
    csrf: random(24),
    issuer: who.issuer,
    issuerName: who.issuerName,
    subject: who.subject,
    email: who.email ?? null,
    teams: who.teams,
    roles: who.roles,
    method: who.method,
    createdAt: now,
    lastSeenAt: now,
    expiresAt: new Date(now.getTime() + timeouts(deps).absoluteMs),
  };
  // Sign-ins are rare: each one also clears out ended sessions and abandoned sign-ins (both runtimes, no timer).
  await deps.storage.console.prune(now, timeouts(deps).idleMs);
  await deps.storage.console.createSession(record);
  const secure = secureContext(new URL(c.req.url));
  setCookie(c, cookieName(secure), token, { path: "/", httpOnly: true, secure, sameSite: "Lax", maxAge: Math.floor(timeouts(deps).absoluteMs / 1000) });
  return record;
}

/** The request's live session, if its cookie names one; an expired or idle one is deleted. */
export async function currentSession(c: Context, deps: SessionDeps): Promise<ConsoleSessionRecord | undefined> {
  const token = getCookie(c, cookieName(secureContext(new URL(c.req.url))));
  if (!token || token.length > 128) return undefined;
  const idHash = idHashOf(deps, token);
  const record = await deps.storage.console.session(idHash);
  if (!record) return undefined;
  const now = deps.clock.now();
  if (now >= record.expiresAt.getTime() || now - record.lastSeenAt.getTime() >= timeouts(deps).idleMs) {
    await deps.storage.console.endSession(idHash);
    return undefined;
  }
  if (now - record.lastSeenAt.getTime() >= TOUCH_EVERY_MS) {
    record.lastSeenAt = new Date(now);
    await deps.storage.console.touchSession(idHash, record.lastSeenAt);
  }
  return record;
}

/** Deletes the session and clears the cookie; the record it ended, if any. */
export async function endSession(c: Context, deps: SessionDeps): Promise<ConsoleSessionRecord | undefined> {
  const secure = secureContext(new URL(c.req.url));
  const token = getCookie(c, cookieName(secure));
  deleteCookie(c, cookieName(secure), { path: "/", secure, httpOnly: true, sameSite: "Lax" });
  if (!token || token.length > 128) return undefined;
  return deps.storage.console.endSession(idHashOf(deps, token));
}

export function sessionPrincipal(s: ConsoleSessionRecord): Principal {
  return {
    kind: "user",
    credential: "session",
    issuer: s.issuer,
    issuerName: s.issuerName,
    subject: s.subject,
    ...(s.email ? { email: s.email } : {}),
    teams: s.teams,
    roles: s.roles.filter((r): r is Role => (ROLES as readonly string[]).includes(r)),
  };
}

function sameString(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/**
 * A state-changing request made with the session cookie must carry the session's CSRF token
 * (form field `_csrf` or header `x-csrf-token`) and must not come from another site.
 */
export function csrfProblem(req: Request, session: ConsoleSessionRecord, token: string | undefined): string | undefined {
  const site = req.headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") return `the request came from another site (${site.slice(0, 20)})`;
  const origin = req.headers.get("origin");
  // Under Referrer-Policy: no-referrer (the console's), browsers send "Origin: null" on their
  // own form posts; Sec-Fetch-Site still says same-origin then, and the token is still needed.
  const opaqueSameOrigin = origin === "null" && site === "same-origin";
  if (origin && !opaqueSameOrigin && origin !== new URL(req.url).origin) return "the request's Origin is not this server";
  if (!token) return "the form or request carries no CSRF token";
  if (!sameString(token, session.csrf)) return "the CSRF token does not belong to this session";
  return undefined;
}
