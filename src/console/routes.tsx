// /console: the compliance console. Sign-in (SSO through OIDC with PKCE, or a one-time
// development link), the session and CSRF checks, security headers, one audit event per
// page, and the views from pages/. Pages read through the same storage and helpers as
// /api, and their scripts call /api with the session cookie.
import { Hono, type Context, type MiddlewareHandler } from "hono";
import type { Deps } from "../deps.ts";
import { emitAccess } from "../http/middleware/api-auth.ts";
import { hasRole, type Principal, type Role } from "../identity/principal.ts";
import type { AppEnv } from "../http/app-env.ts";
import { CONSOLE_CSS } from "./assets/style.ts";
import { CONSOLE_SCRIPTS } from "./assets/scripts.ts";
import { Page, Refusal, type ConsoleEnv } from "./layout.tsx";
import { redeemConsoleLink } from "./link.ts";
import { consoleIssuers, oidcSignIn } from "./oidc.ts";
import { CONSOLE_PAGES } from "./pages/index.ts";
import { CONSOLE_ROLES, csrfProblem, currentSession, endSession, sessionPrincipal, startSession, type SignedIn } from "./session.ts";

const RETURN_TO = /^\/console(\/[A-Za-z0-9/_.~%-]*)?(\?[^\s#]*)?$/;
const safeReturn = (v: string | undefined): string => (v && v.length <= 2000 && RETURN_TO.test(v) ? v : "/console");

function securityHeaders(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const h = c.res.headers;
    // A page with a stricter policy of its own (the printable incident report: inline styles, nothing else) keeps it.
    if (!h.has("content-security-policy")) h.set("content-security-policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'");
    h.set("x-content-type-options", "nosniff");
    h.set("referrer-policy", "no-referrer");
    h.set("x-frame-options", "DENY");
    if (!h.has("cache-control")) h.set("cache-control", "no-store");
  };
}

export function consoleRoutes(deps: Deps): Hono<AppEnv> {
  const app = new Hono<ConsoleEnv>();
  const issuers = consoleIssuers(deps.config.identity.issuers);
  const sso = oidcSignIn(deps, issuers);
  const actorOf = async (p: Principal) => ({ subject: await deps.pseudonym(p.issuer, p.subject), iss: p.issuer, kind: p.kind, auth: { method: p.credential }, roles: p.roles });

  /** The one place a sign-in becomes a session (or is refused for want of a console role). */
  async function signIn(c: Context<ConsoleEnv>, who: SignedIn, returnTo: string): Promise<Response> {
    const principal: Principal = { kind: "user", credential: who.method === "link" ? "dev" : "jwt", issuer: who.issuer, issuerName: who.issuerName, subject: who.subject, teams: who.teams, roles: who.roles };
    const consoleRoles = who.roles.filter((r) => CONSOLE_ROLES.includes(r));
    if (consoleRoles.length === 0) {
      deps.audit.emit({ type: "console.signin", fields: { actor: await actorOf(principal), signin: { method: who.method, outcome: "refused", reason: "no console role" } } });
      return c.html(<Refusal title="No access to the console" message="You signed in, but your account has none of the console roles (auditor, auditor_content, admin). Ask your administrator for one." />, 403);
    }
    await startSession(c, deps, who);
    deps.audit.emit({ type: "console.signin", fields: { actor: await actorOf(principal), signin: { method: who.method, outcome: "ok" } } });
    return c.redirect(returnTo, 303);
  }

  app.use("*", securityHeaders());

  app.get("/console/assets/:name", (c) => {
    const name = c.req.param("name");
    if (name === "console.css") return c.body(CONSOLE_CSS, 200, { "content-type": "text/css; charset=utf-8", "cache-control": "public, max-age=300" });
    const js = CONSOLE_SCRIPTS[name];
    if (js !== undefined) return c.body(js, 200, { "content-type": "text/javascript; charset=utf-8", "cache-control": "public, max-age=300" });
    return c.text("not found", 404);
  });

  app.get("/console/login", async (c) => {
    const returnTo = safeReturn(c.req.query("return_to"));
    const error = c.req.query("error");
    return c.html(
      <Page title="Sign in">
        <div class="card login">
          <h1>Sign in to the Custos console</h1>
          {error === "expired" ? <p class="flash">Your session has ended. Sign in again.</p> : null}
          {issuers.map((i) => (
            <a class="button" id={`sign-in-${i.name}`} href={`/console/login/${encodeURIComponent(i.name)}?return_to=${encodeURIComponent(returnTo)}`}>
              Sign in with {i.label}
            </a>
          ))}
          {issuers.length === 0 ? <p class="muted">No identity provider has a console client in identity.yaml (issuers[].console).</p> : null}
          {deps.devIssuerKey ? (
            <p class="muted">
              For local use: <code>npx custos console-link --sub you --role auditor</code> prints a one-time sign-in link.
            </p>
          ) : null}
        </div>
      </Page>,
    );
  });

  app.get("/console/login/:issuer", async (c) => {
    const issuer = issuers.find((i) => i.name === c.req.param("issuer"));
    if (!issuer) return c.html(<Refusal title="Unknown identity provider" message="There is no console sign-in for that identity provider." signIn />, 404);
    const callback = new URL("/console/callback", c.req.url).href;
    try {
      const url = await sso.begin(issuer, callback, safeReturn(c.req.query("return_to")));
      return c.redirect(url.href, 302);
    } catch (e) {
      deps.logger.warn({ issuer: issuer.name, err: e instanceof Error ? e.message.slice(0, 200) : "unknown" }, "console sign-in: the identity provider is unreachable");
      return c.html(<Refusal title="Identity provider unavailable" message="The identity provider could not be reached. Try again in a moment." signIn />, 503);
    }
  });

  app.get("/console/callback", async (c) => {
    const r = await sso.finish(new URL(c.req.url));
    if (!r.ok) {
      deps.audit.authFailure({ source: deps.clientAddress(c.req.raw, c.env) ?? "unknown", reason: r.error.detail ?? "console sign-in", route: "/console/callback", at: deps.clock.now() });
      return c.html(<Refusal title="Sign-in failed" message={r.error.message} signIn />, 401);
    }
    return signIn(c, r.value.who, r.value.returnTo);
  });

  app.get("/console/link", async (c) => {
    const r = await redeemConsoleLink(deps, c.req.query("token") ?? "");
    if (!r.ok) {
      deps.audit.authFailure({ source: deps.clientAddress(c.req.raw, c.env) ?? "unknown", reason: "console link", route: "/console/link", at: deps.clock.now() });
      return c.html(<Refusal title="Sign-in link refused" message={r.error.message} />, 401);
    }
    return signIn(c, r.value, "/console");
  });

  app.post("/console/logout", async (c) => {
    const session = await currentSession(c, deps);
    if (!session) return c.redirect("/console/login", 303);
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const why = csrfProblem(c.req.raw, session, typeof form._csrf === "string" ? form._csrf : undefined);
    if (why) return c.html(<Refusal title="Request refused" message={`Refused: ${why}.`} session={session} />, 403, { "x-custos-error-code": "csrf_rejected" });
    await endSession(c, deps);
    deps.audit.emit({ type: "console.signout", fields: { actor: await actorOf(sessionPrincipal(session)), signin: { method: session.method } } });
    return c.redirect("/console/login", 303);
  });

  // Everything else needs a live session with a console role; forms need its CSRF token.
  app.use("/console", requireSession(deps));
  app.use("/console/*", requireSession(deps));
  app.get("/console/session", (c) => {
    const s = c.get("session");
    const idle = deps.config.server.console.idle_timeout_minutes;
    return c.html(
      <Page title="Your session" session={s}>
        <div class="card">
          <h1>Your session</h1>
          <dl class="fields">
            <dt>Signed in as</dt>
            <dd>{s.email ?? s.subject}</dd>
            <dt>Identity provider</dt>
            <dd>{s.issuerName}</dd>
            <dt>How</dt>
            <dd>{s.method}</dd>
            <dt>Console roles</dt>
            <dd id="session-roles">{c.get("roles").join(", ")}</dd>
            <dt>Your audit pseudonym</dt>
            <dd class="mono">{c.get("pseudonym")}</dd>
            <dt>Signed in at</dt>
            <dd>{s.createdAt.toISOString()}</dd>
            <dt>Ends</dt>
            <dd>
              {s.expiresAt.toISOString()}, or after {idle} minutes without use
            </dd>
          </dl>
          <p class="muted">Every page you open, search you run and export you make is recorded in the audit log under your pseudonym.</p>
        </div>
      </Page>,
    );
  });
  for (const page of CONSOLE_PAGES) app.route("/console", page(deps));
  app.all("/console/*", (c) => c.html(<Refusal title="Not found" message="There is no such console page." session={c.get("session")} />, 404));
  return app as unknown as Hono<AppEnv>;
}

function requireSession(deps: Deps): MiddlewareHandler<ConsoleEnv> {
  return async (c, next) => {
    const started = deps.clock.monotonic();
    const receivedAt = deps.clock.now();
    const session = await currentSession(c, deps);
    if (!session) {
      if (c.req.method === "GET") {
        const url = new URL(c.req.url);
        // "Your session has ended" only for a browser that had one.
        const ended = /(^|;\s*)(__Host-)?custos_console=/.test(c.req.header("cookie") ?? "");
        return c.redirect(`/console/login?${ended ? "error=expired&" : ""}return_to=${encodeURIComponent(url.pathname + url.search)}`, 302);
      }
      return c.html(<Refusal title="Signed out" message="Your session has ended." signIn />, 401, { "x-custos-error-code": "authentication_failed" });
    }
    const principal = sessionPrincipal(session);
    const roles = principal.roles.filter((r): r is Role => CONSOLE_ROLES.includes(r));
    c.set("session", session);
    c.set("roles", roles);
    c.set("pseudonym", await deps.pseudonym(principal.issuer, principal.subject));
    if (roles.length === 0) {
      c.res = await c.html(<Refusal title="No access" message="Your account has no console role." session={session} />, 403, { "x-custos-error-code": "forbidden" });
    } else if (c.req.method !== "GET" && c.req.method !== "HEAD") {
      const form = (c.req.header("content-type") ?? "").includes("form") ? await c.req.parseBody().catch(() => ({}) as Record<string, unknown>) : {};
      const token = typeof form._csrf === "string" ? form._csrf : c.req.header("x-csrf-token");
      const why = csrfProblem(c.req.raw, session, token);
      if (why) c.res = await c.html(<Refusal title="Request refused" message={`Refused: ${why}.`} session={session} />, 403, { "x-custos-error-code": "csrf_rejected" });
      else await next();
    } else {
      await next();
    }
    await emitAccess(deps, c, principal, "console.access", receivedAt, started);
  };
}

/** For page modules: refuse unless the session has one of the roles (403 page). */
export function needRole(c: Context<ConsoleEnv>, ...roles: Role[]): Response | Promise<Response> | undefined {
  if (hasRole(c.get("roles"), ...roles)) return undefined;
  return c.html(<Refusal title="Not allowed" message={`This page needs the ${roles.join(" or ")} role.`} session={c.get("session")} />, 403, { "x-custos-error-code": "forbidden" });
}
