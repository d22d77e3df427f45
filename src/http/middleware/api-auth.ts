// /api: who is calling (the server's local admin token, or a credential with the
// right role), and one audit event per call: the log audits its readers too.
import type { Context, MiddlewareHandler } from "hono";
import type { Deps } from "../../deps.ts";
import { CustosError } from "../../errors/errors.ts";
import { errorResponse } from "../../errors/to-response.ts";
import { authenticate, credentialOf } from "../../identity/identify.ts";
import { hasRole, type Principal, type Role } from "../../identity/principal.ts";
import type { AppEnv } from "../app-env.ts";
import { csrfProblem, currentSession, sessionPrincipal } from "../../console/session.ts";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
const hasCredentialHeader = (h: Headers) => h.has("authorization") || h.has("x-api-key");

export const ADMIN_TOKEN_PRINCIPAL: Principal = {
  kind: "service",
  credential: "admin_token",
  issuer: "custos",
  issuerName: "local-admin",
  subject: "custos-cli",
  teams: [],
  // The CLI on the server's own machine, which holds the data directory and its keys anyway:
  // it may answer data-subject requests (auditor_content) as it could with the server stopped.
  roles: ["admin", "auditor_content"],
};

async function sameSecret(a: string, b: string): Promise<boolean> {
  const enc = new TextEncoder();
  const [x, y] = await Promise.all([crypto.subtle.digest("SHA-256", enc.encode(a)), crypto.subtle.digest("SHA-256", enc.encode(b))]);
  const p = new Uint8Array(x);
  const q = new Uint8Array(y);
  let diff = 0;
  for (let i = 0; i < p.length; i++) diff |= p[i]! ^ q[i]!;
  return diff === 0;
}

export function apiAuth(deps: Deps): MiddlewareHandler<AppEnv & { Variables: { principal: Principal } }> {
  return async (c, next) => {
    const started = deps.clock.monotonic();
    const receivedAt = deps.clock.now();
    let principal: Principal | undefined;
    const cred = credentialOf(c.req.raw.headers, deps.config.identity.max_token_bytes);
    const session = !hasCredentialHeader(c.req.raw.headers) ? await currentSession(c, deps) : undefined;
    if (session) {
      // A browser's console session: state-changing calls must carry its CSRF token.
      if (!SAFE_METHODS.has(c.req.method)) {
        const why = csrfProblem(c.req.raw, session, c.req.header("x-csrf-token"));
        if (why) return errorResponse("problem", new CustosError("csrf_rejected", `Refused: ${why}. Send the session's token in x-csrf-token.`), c.get("requestId"));
      }
      principal = sessionPrincipal(session);
    } else if (cred.ok && deps.adminToken && (await sameSecret(cred.credential, deps.adminToken))) {
      principal = ADMIN_TOKEN_PRINCIPAL;
    } else {
      const who = await authenticate(c.req.raw.headers, deps);
      if (!who.ok) {
        if (who.error.code === "authentication_failed") {
          // Aggregated by route pattern ("/api/*"), not by the caller's path: random paths must not make one row each.
          deps.audit.authFailure({ source: deps.clientAddress(c.req.raw, c.env) ?? "unknown", reason: who.error.detail ?? "unknown", route: c.req.routePath, at: receivedAt });
        }
        return errorResponse("problem", who.error, c.get("requestId"));
      }
      principal = who.value;
    }
    c.set("principal", principal);
    await next();
    await emitAccess(deps, c, principal, c.req.path.startsWith("/api/audit") ? "audit.access" : "api.access", receivedAt, started);
  };
}

/**
 * One audit event per read or change through /api or the console: who (pseudonym, issuer,
 * roles, how they signed in), what (method, path, query parameters, bounded) and the outcome.
 */
export async function emitAccess(deps: Deps, c: Context, principal: Principal, type: string, receivedAt: number, started: number): Promise<void> {
  const query = c.req.query();
  deps.audit.emit({
    type,
    ts: receivedAt,
    fields: {
      actor: { subject: await deps.pseudonym(principal.issuer, principal.subject), iss: principal.issuer, kind: principal.kind, auth: { method: principal.credential }, roles: principal.roles },
      access: {
        method: c.req.method,
        path: c.req.path.slice(0, 200),
        ...(Object.keys(query).length > 0 ? { query: Object.fromEntries(Object.entries(query).slice(0, 32).map(([k, v]) => [k.slice(0, 64), v.slice(0, 256)])) } : {}),
        status: c.res.status,
        ...(c.res.headers.get("x-custos-error-code") ? { error: { code: c.res.headers.get("x-custos-error-code")! } } : {}),
        duration_ms: Math.round(deps.clock.monotonic() - started),
      },
    },
  });
}

/** Refuses callers without one of the roles (403 problem+json). */
export function requireRole(c: Context<AppEnv & { Variables: { principal: Principal } }>, ...roles: Role[]): Response | undefined {
  const p = c.get("principal");
  if (hasRole(p.roles, ...roles)) return undefined;
  return errorResponse("problem", new CustosError("forbidden", `This needs the ${roles.join(" or ")} role.`), c.get("requestId"));
}
