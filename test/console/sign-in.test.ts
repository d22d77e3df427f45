// Console sign-in without a browser: the OIDC code flow with PKCE against a real OpenID
// Provider on loopback, one-time links, sessions (cookie flags, idle and absolute
// timeouts, sign-out), CSRF, and who is refused.
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeEntry } from "../../src/audit/summary.ts";
import { eventually, freePort, startCustos, testProviders, type TestCustos } from "../helpers/custos.ts";
import { consoleIdentityYaml, signInWithLink } from "../helpers/console.ts";
import { CookieJar, followRedirects, startOidcProvider, type OidcOp } from "../helpers/oidc-op.ts";
import { runCli } from "../helpers/cli.ts";

let op: OidcOp;
let custos: TestCustos;
let base: string;

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  op = await startOidcProvider({
    clients: [{ client_id: "custos-console", client_secret: "console-secret-0123456789", redirect_uris: [`${base}/console/callback`] }],
    accounts: {
      ann: { email: "ann@example.test", groups: ["custos-auditors", "grp-ai-demo"] },
      bob: { email: "bob@example.test", groups: ["grp-ai-demo"] },
    },
  });
  custos = await startCustos({ providers: testProviders("http://127.0.0.1:9"), port, identityYaml: consoleIdentityYaml(op.issuer, { id: "custos-console", secret: "console-secret-0123456789" }) });
}, 60_000);
afterAll(async () => {
  await custos?.close();
  await op?.close();
});

type Entry = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The events of a type that match, once there are some (events are written in batches). */
async function events(type: string, match: (e: Entry) => boolean = () => true): Promise<Entry[]> {
  const found = await eventually(async () => {
    const rows = (await custos.server.deps.storage.audit.search({ type, limit: 50 })).map((r) => decodeEntry(r) as Entry).filter(match);
    return rows.length > 0 ? rows : undefined;
  });
  return found ?? [];
}

/** Signs `sub` in through the IdP and stops once Custos answers something that is not a redirect. */
async function ssoSignIn(sub: string, returnTo = "/console/session") {
  op.setNext(sub);
  const jar = new CookieJar();
  const end = await followRedirects(`${base}/console/login/corp?return_to=${encodeURIComponent(returnTo)}`, { jar });
  return { jar, end };
}

describe("SSO sign-in (OIDC code flow with PKCE)", () => {
  it("offers the configured identity provider on the sign-in page", async () => {
    const page = await (await fetch(`${base}/console/login`)).text();
    expect(page).toContain('id="sign-in-corp"');
    expect(page).toContain("Sign in with Corp SSO");
  });

  it("sends the browser to the IdP with an S256 code challenge, a state and a nonce", async () => {
    const res = await fetch(`${base}/console/login/corp`, { redirect: "manual" });
    expect(res.status).toBe(302);
    const to = new URL(res.headers.get("location")!);
    expect(to.origin).toBe(op.issuer);
    expect(to.searchParams.get("code_challenge_method")).toBe("S256");
    expect(to.searchParams.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(to.searchParams.get("state")).toBeTruthy();
    expect(to.searchParams.get("nonce")).toBeTruthy();
    expect(to.searchParams.get("redirect_uri")).toBe(`${base}/console/callback`);
  });

  it("signs an auditor in: an HttpOnly SameSite=Lax cookie (not Secure on plain-http loopback), the session page, a console.signin event", async () => {
    const { jar, end } = await ssoSignIn("ann");
    expect(end.url.pathname).toBe("/console/session");
    expect(end.response!.status).toBe(200);
    const html = await end.response!.text();
    expect(html).toContain("ann@example.test");
    expect(html).toMatch(/id="session-roles">auditor</);
    const callbackHop = end.hops.find((u) => u.pathname === "/console/callback")!;
    const cb = await fetch(callbackHop, { redirect: "manual" });
    expect(cb.status).toBe(401); // the state was spent by the first use
    expect(jar.header(new URL(base))).toMatch(/(^|; )custos_console=/);
    const signins = await events("console.signin", (e) => e.signin?.method === "oidc:corp" && e.signin.outcome === "ok");
    expect(signins.length).toBeGreaterThan(0);
    expect(JSON.stringify(signins)).not.toContain("ann@example.test");
  });

  it("sets the cookie HttpOnly, SameSite=Lax, Path=/", async () => {
    op.setNext("ann");
    const jar = new CookieJar();
    let setCookie = "";
    let at = new URL(`${base}/console/login/corp`);
    for (let i = 0; i < 10; i++) {
      const r = await fetch(at, { redirect: "manual", headers: { cookie: jar.header(at) } });
      jar.store(r);
      if (at.pathname === "/console/callback") setCookie = r.headers.getSetCookie().join("\n");
      const loc = r.headers.get("location");
      if (!loc) break;
      at = new URL(loc, at);
    }
    expect(setCookie).toMatch(/custos_console=[^;]+;.*HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).toMatch(/Path=\//);
    expect(setCookie).not.toMatch(/Secure/i);
  });

  it("refuses a user without a console role (403, no session) and records the refusal", async () => {
    const { jar, end } = await ssoSignIn("bob");
    expect(end.response!.status).toBe(403);
    expect(await end.response!.text()).toContain("none of the console roles");
    expect(jar.header(new URL(base))).not.toMatch(/(^|; )custos_console=/);
    const refused = await events("console.signin", (e) => e.signin?.outcome === "refused");
    expect(refused.length).toBeGreaterThan(0);
  });

  it("refuses a callback with an unknown state, and one the IdP reports as an error", async () => {
    const a = await fetch(`${base}/console/callback?code=x&state=forged`);
    expect(a.status).toBe(401);
    expect(await a.text()).toContain("unknown, already used or expired");
    const b = await fetch(`${base}/console/callback?error=access_denied`);
    expect(b.status).toBe(401);
    const c = await fetch(`${base}/console/login/nobody`);
    expect(c.status).toBe(404);
  });

  it("sends only same-site return paths back (no open redirect)", async () => {
    const res = await fetch(`${base}/console/login/corp?return_to=${encodeURIComponent("//evil.example/x")}`, { redirect: "manual" });
    op.setNext("ann");
    const jar = new CookieJar();
    const end = await followRedirects(res.headers.get("location")!, { jar });
    expect(end.url.origin).toBe(base);
    expect(end.url.pathname.startsWith("/console")).toBe(true);
  });
});

describe("sessions", () => {
  it("sends a visitor without a session to the sign-in page, and /api answers 401", async () => {
    const page = await fetch(`${base}/console/search?team=demo`, { redirect: "manual" });
    expect(page.status).toBe(302);
    expect(page.headers.get("location")).toBe(`/console/login?return_to=${encodeURIComponent("/console/search?team=demo")}`);
    const api = await fetch(`${base}/api/audit/events`);
    expect(api.status).toBe(401);
    expect(api.headers.get("content-type")).toContain("application/problem+json");
    const forged = await fetch(`${base}/console/session`, { headers: { cookie: "custos_console=forged" }, redirect: "manual" });
    expect(forged.status).toBe(302);
  });

  it("sign-out needs the CSRF token and ends the session for every copy of the cookie", async () => {
    const s = await signInWithLink(custos, "carol", ["auditor"]);
    expect((await s.post("/console/logout", {}, { csrf: false })).status).toBe(403);
    const wrong = await s.post("/console/logout", { _csrf: "x".repeat(32) }, { csrf: false });
    expect(wrong.status).toBe(403);
    expect((await s.get("/console/session")).status).toBe(200);
    const out = await s.post("/console/logout");
    expect(out.status).toBe(303);
    expect(out.headers.getSetCookie().join(";")).toMatch(/custos_console=;/);
    expect((await s.get("/console/session")).status).toBe(302);
    expect((await events("console.signout")).length).toBeGreaterThan(0);
  });

  it("refuses a cross-site form post even with the right token", async () => {
    const s = await signInWithLink(custos, "dora", ["auditor"]);
    const res = await fetch(`${base}/console/logout`, {
      method: "POST",
      headers: { cookie: s.cookie, "content-type": "application/x-www-form-urlencoded", origin: "https://evil.example", "sec-fetch-site": "cross-site" },
      body: new URLSearchParams({ _csrf: s.csrf }),
      redirect: "manual",
    });
    expect(res.status).toBe(403);
    expect(res.headers.get("x-custos-error-code")).toBe("csrf_rejected");
    expect((await s.get("/console/session")).status).toBe(200);
  });

  it("/api with the session cookie: reads work, changes need x-csrf-token", async () => {
    const s = await signInWithLink(custos, "erin", ["auditor"]);
    expect((await s.api("GET", "/api/audit/checkpoints")).status).toBe(200);
    const noToken = await fetch(`${base}/api/audit/checkpoint`, { method: "POST", headers: { cookie: s.cookie } });
    expect(noToken.status).toBe(403);
    expect(noToken.headers.get("x-custos-error-code")).toBe("csrf_rejected");
    const withToken = await s.api("POST", "/api/audit/checkpoint");
    expect([201, 404]).toContain(withToken.status);
  });

  it("ends a session after the idle timeout and after the absolute timeout, and deletes it", async () => {
    const storage = custos.server.deps.storage;
    const idle = await signInWithLink(custos, "fred", ["auditor"]);
    await storage.unsafeExecute(`UPDATE console_sessions SET last_seen_at = now() - interval '31 minutes' WHERE subject = 'fred'`);
    const r1 = await idle.get("/console/session");
    expect(r1.status).toBe(302);
    expect(r1.headers.get("location")).toContain("error=expired");
    const absolute = await signInWithLink(custos, "gina", ["auditor"]);
    await storage.unsafeExecute(`UPDATE console_sessions SET expires_at = now() - interval '1 second' WHERE subject = 'gina'`);
    expect((await absolute.get("/console/session")).status).toBe(302);
    await storage.unsafeExecute(`UPDATE console_sessions SET last_seen_at = now() WHERE subject IN ('fred', 'gina')`);
    expect((await idle.get("/console/session")).status).toBe(302); // deleted, not just hidden
    // A session nobody comes back to is cleared out by the next sign-in.
    const left = await signInWithLink(custos, "hugo", ["auditor"]);
    await storage.unsafeExecute(`UPDATE console_sessions SET last_seen_at = now() - interval '2 hours' WHERE subject = 'hugo'`);
    await signInWithLink(custos, "hugh", ["auditor"]);
    await storage.unsafeExecute(`UPDATE console_sessions SET last_seen_at = now() WHERE subject = 'hugo'`);
    expect((await left.get("/console/session")).status).toBe(302);
  });

  it("marks the cookie Secure with the __Host- prefix when the console is reached by a non-loopback name", async () => {
    const link = new URL(await custos.consoleLink("hana", ["auditor"]));
    const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = http.request({ host: "127.0.0.1", port: link.port, path: link.pathname + link.search, headers: { host: "console.example.com" } }, resolve);
      req.on("error", reject);
      req.end();
    });
    res.resume();
    expect(res.statusCode).toBe(303);
    const cookie = (res.headers["set-cookie"] ?? []).join("\n");
    expect(cookie).toMatch(/^__Host-custos_console=/);
    expect(cookie).toMatch(/Secure/);
  });

  it("serves console pages with a strict CSP and no caching", async () => {
    const s = await signInWithLink(custos, "ivan", ["auditor"]);
    const res = await s.get("/console/session");
    expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
  });
});

describe("one-time console links", () => {
  it("work once", async () => {
    const link = await custos.consoleLink("jo", ["auditor"]);
    expect((await fetch(link, { redirect: "manual" })).status).toBe(303);
    const again = await fetch(link, { redirect: "manual" });
    expect(again.status).toBe(401);
    expect(await again.text()).toContain("already used");
  });

  it("refuse a user-only link, an API token used as a link, and a link used as an API token", async () => {
    const userOnly = await fetch(await custos.consoleLink("kim", ["user"]), { redirect: "manual" });
    expect(userOnly.status).toBe(403);
    const apiToken = await custos.token("kim", ["demo"], { roles: ["auditor"] });
    expect((await fetch(`${base}/console/link?token=${apiToken}`, { redirect: "manual" })).status).toBe(401);
    const linkToken = new URL(await custos.consoleLink("kim", ["auditor"])).searchParams.get("token")!;
    expect((await fetch(`${base}/api/audit/events`, { headers: { authorization: `Bearer ${linkToken}` } })).status).toBe(401);
  });

  it("come from `custos console-link`, which names the running server", async () => {
    const r = await runCli(["console-link", "--sub", "lee", "--role", "auditor", "--url", base], { cwd: custos.dir });
    expect(r.code).toBe(0);
    const link = r.stdout.trim();
    expect(link.startsWith(`${base}/console/link?token=`)).toBe(true);
    expect((await fetch(link, { redirect: "manual" })).status).toBe(303);
    const bad = await runCli(["console-link", "--sub", "lee", "--role", "boss"], { cwd: custos.dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("unknown role: boss");
  });
});
