// Signing in to the console without a browser (a one-time link, as `custos console-link`
// prints), and calling pages and /api with the session cookie and CSRF token.
import type { Role } from "../../src/identity/principal.ts";
import type { TestCustos } from "./custos.ts";

export interface ConsoleClient {
  cookie: string;
  csrf: string;
  /** GET or POST with the session cookie; POST bodies are forms with the CSRF token added unless `csrf: false`. */
  get(path: string): Promise<Response>;
  post(path: string, form?: Record<string, string>, opts?: { csrf?: boolean }): Promise<Response>;
  /** A JSON call to /api with the cookie (and x-csrf-token on state-changing methods). */
  api(method: string, path: string, body?: unknown): Promise<Response>;
}

export async function signInWithLink(custos: TestCustos, sub: string, roles: Role[], teams: string[] = []): Promise<ConsoleClient> {
  const res = await fetch(await custos.consoleLink(sub, roles, teams), { redirect: "manual" });
  if (res.status !== 303) throw new Error(`console link sign-in answered ${res.status}: ${await res.text()}`);
  const cookie = res.headers.getSetCookie().map((c) => c.split(";")[0]!).join("; ");
  const page = await fetch(`${custos.url}/console/session`, { headers: { cookie }, redirect: "manual" });
  const csrf = /<meta name="csrf-token" content="([^"]+)"/.exec(await page.text())?.[1];
  if (!csrf) throw new Error(`no CSRF token on /console/session (status ${page.status})`);
  const origin = custos.url;
  return {
    cookie,
    csrf,
    get: (path) => fetch(`${origin}${path}`, { headers: { cookie }, redirect: "manual" }),
    post: (path, form = {}, opts = {}) =>
      fetch(`${origin}${path}`, {
        method: "POST",
        headers: { cookie, "content-type": "application/x-www-form-urlencoded", origin },
        body: new URLSearchParams({ ...(opts.csrf === false ? {} : { _csrf: csrf }), ...form }),
        redirect: "manual",
      }),
    api: (method, path, body) =>
      fetch(`${origin}${path}`, {
        method,
        headers: { cookie, ...(method === "GET" ? {} : { "x-csrf-token": csrf, "content-type": "application/json" }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        redirect: "manual",
      }),
  };
}

/** identity.yaml for a test IdP "corp": custos-auditors → auditor, custos-admins → admin, grp-ai-X → team X, and its console client. */
export function consoleIdentityYaml(issuer: string, client: { id: string; secret?: string }): string {
  return `development_issuer:
  trusted: true
issuers:
  - name: corp
    issuer: ${issuer}
    audience: custos
    teams:
      - regex: "grp-ai-(.*)"
        team: "$1"
    roles:
      - group: custos-auditors
        role: auditor
      - group: custos-admins
        role: admin
    console:
      client_id: ${client.id}
${client.secret ? `      client_secret: ${client.secret}\n` : ""}      label: Corp SSO
      scopes: [openid, email, profile, groups]
`;
}
