// A real OpenID Provider (oidc-provider 8) on loopback, for the console's sign-in tests:
// authorization code flow with PKCE (S256) required for every client, an RS256 ID token
// that carries sub, email, name, groups and nonce, consent granted without a screen, and
// a one-field sign-in form (#login, #sign-in) a browser test can fill. Tests without a
// browser call setNext(sub) and the next interaction completes by itself.
import { randomBytes, randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair } from "jose";
// @ts-expect-error -- oidc-provider 8 ships no type declarations; the few members used are typed below.
import Provider from "oidc-provider";

export interface OpClient {
  client_id: string;
  /** Omitted: a public client (token_endpoint_auth_method none). */
  client_secret?: string;
  redirect_uris: string[];
  /** For a confidential client; default client_secret_basic, the OIDC default (openid-client defaults to post, so say which). */
  token_endpoint_auth_method?: "client_secret_basic" | "client_secret_post";
  post_logout_redirect_uris?: string[];
}

export interface OpAccount {
  email?: string;
  /** Default true when there is an email. */
  email_verified?: boolean;
  name?: string;
  groups?: string[];
}

export interface OidcOp {
  /** http://127.0.0.1:PORT, also the `iss` of its ID tokens. */
  readonly issuer: string;
  readonly port: number;
  /** The accounts, by subject; change them between sign-ins to change what the next ID token says. */
  readonly accounts: Record<string, OpAccount>;
  /** Completed sign-ins (form or setNext). */
  readonly signIns: number;
  /** Errors the provider answered with (the `error` code and description), newest last: what a refused flow was refused for. */
  readonly errors: string[];
  /** The next interaction signs this subject in without showing the form (once). */
  setNext(sub: string): void;
  close(): Promise<void>;
}

export interface OidcOpOptions {
  clients: OpClient[];
  accounts: Record<string, OpAccount>;
  /** The scope that releases `groups` (default "groups"; "openid" puts groups in every ID token, as Entra does). */
  groupsScope?: string;
}

// The parts of oidc-provider's API this helper uses.
interface GrantLike {
  addOIDCScope(scope: string): void;
  addOIDCClaims(claims: string[]): void;
  save(): Promise<string>;
}
interface OidcCtx {
  oidc: {
    client: { clientId: string };
    account?: { accountId: string };
    params: { scope?: string };
    requestParamClaims: Set<string>;
    result?: { consent?: { grantId?: string } };
    session: { grantIdFor(clientId: string): string | undefined };
    provider: ProviderLike;
  };
  type: string;
  body: string;
}
interface InteractionDetails {
  uid: string;
  prompt: { name: string; details: { missingOIDCScope?: string[]; missingOIDCClaims?: string[] } };
  params: { client_id: string; scope?: string };
  session?: { accountId?: string };
  grantId?: string;
}
interface ProviderLike {
  callback(): http.RequestListener;
  interactionDetails(req: http.IncomingMessage, res: http.ServerResponse): Promise<InteractionDetails>;
  interactionFinished(req: http.IncomingMessage, res: http.ServerResponse, result: Record<string, unknown>, opts: { mergeWithLastSubmission: boolean }): Promise<void>;
  Grant: { new (init: { accountId: string; clientId: string }): GrantLike; find(id: string): Promise<GrantLike | undefined> };
  on(event: string, fn: (ctx: unknown, err: { error?: string; error_description?: string; message?: string }) => void): void;
}
const ProviderCtor = Provider as new (issuer: string, config: Record<string, unknown>) => ProviderLike;

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const page = (title: string, body: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body>${body}</body></html>`;

function loginForm(uid: string, error?: string): string {
  return page(
    "Test IdP sign-in",
    `<h1>Test IdP</h1>${error ? `<p role="alert" id="error">${esc(error)}</p>` : ""}
<form method="post" action="/interaction/${esc(uid)}/login">
<label for="login">Subject</label> <input type="text" name="login" id="login" autofocus>
<button type="submit" id="sign-in">Sign in</button>
</form>`,
  );
}

// A store per provider: oidc-provider's own memory adapter is one module-level cache shared
// by every provider in the process, and warns on stderr when used.
function memoryAdapter() {
  const store = new Map<string, { payload: Record<string, unknown>; exp: number }>();
  const live = (key: string | undefined) => {
    const e = key === undefined ? undefined : store.get(key);
    return e && e.exp > Date.now() ? e.payload : undefined;
  };
  return (model: string) => ({
    async upsert(id: string, payload: Record<string, unknown>, expiresIn: number) {
      store.set(`${model}:${id}`, { payload, exp: Date.now() + expiresIn * 1000 });
      if (typeof payload.uid === "string") store.set(`${model}:uid:${payload.uid}`, { payload, exp: Date.now() + expiresIn * 1000 });
    },
    find: async (id: string) => live(`${model}:${id}`),
    findByUid: async (uid: string) => live(`${model}:uid:${uid}`),
    findByUserCode: async () => undefined,
    async consume(id: string) {
      const p = live(`${model}:${id}`);
      if (p) p.consumed = Math.floor(Date.now() / 1000);
    },
    async destroy(id: string) {
      store.delete(`${model}:${id}`);
    },
    async revokeByGrantId(grantId: string) {
      for (const [k, e] of store) if (e.payload.grantId === grantId) store.delete(k);
    },
  });
}

async function readForm(req: http.IncomingMessage): Promise<URLSearchParams> {
  let body = "";
  for await (const chunk of req) body += String(chunk);
  return new URLSearchParams(body);
}

export async function startOidcProvider(opts: OidcOpOptions): Promise<OidcOp> {
  const { accounts } = opts;
  let next: string | undefined;
  let signIns = 0;
  const errors: string[] = [];
  // Set once the port (and so the issuer) is known.
  const ready: { provider?: ProviderLike; handle?: http.RequestListener } = {};

  const server = http.createServer((req, res) => {
    const { provider: p, handle } = ready;
    if (!p || !handle) return void res.writeHead(503).end();
    const m = /^\/interaction\/([^/?]+)(\/login)?(?:\?|$)/.exec(req.url ?? "");
    if (!m) return handle(req, res);
    interaction(p, req, res, m[2] !== undefined).catch((err: unknown) => {
      errors.push(`interaction: ${String(err)}`);
      if (!res.headersSent) res.writeHead(400, { "content-type": "text/plain" });
      res.end(String(err));
    });
  });

  async function interaction(p: ProviderLike, req: http.IncomingMessage, res: http.ServerResponse, submitted: boolean) {
    const details = await p.interactionDetails(req, res);
    const finish = (result: Record<string, unknown>) => p.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
    if (details.prompt.name === "consent") {
      // Asked for explicitly (prompt=consent): grant what is missing, without a screen.
      const accountId = details.session?.accountId ?? "";
      const grant = details.grantId ? ((await p.Grant.find(details.grantId)) ?? new p.Grant({ accountId, clientId: details.params.client_id })) : new p.Grant({ accountId, clientId: details.params.client_id });
      if (details.prompt.details.missingOIDCScope) grant.addOIDCScope(details.prompt.details.missingOIDCScope.join(" "));
      if (details.prompt.details.missingOIDCClaims) grant.addOIDCClaims(details.prompt.details.missingOIDCClaims);
      return finish({ consent: { grantId: await grant.save() } });
    }
    let sub: string | undefined;
    let error: string | undefined;
    if (submitted && req.method === "POST") {
      sub = (await readForm(req)).get("login")?.trim() ?? "";
      if (!Object.hasOwn(accounts, sub)) {
        error = `Unknown subject "${sub}".`;
        sub = undefined;
      }
    } else if (next !== undefined) {
      sub = next;
      next = undefined;
    }
    if (sub === undefined) {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" }).end(loginForm(details.uid, error));
      return;
    }
    signIns++;
    return finish({ login: { accountId: sub } });
  }

  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  const issuer = `http://127.0.0.1:${port}`;

  const { privateKey } = await generateKeyPair("RS256", { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: `op-${randomUUID().slice(0, 8)}`, alg: "RS256", use: "sig" };
  const groupsScope = opts.groupsScope ?? "groups";
  const claims: Record<string, string[]> = { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] };
  claims[groupsScope] = [...(claims[groupsScope] ?? []), "groups"];

  const provider = new ProviderCtor(issuer, {
    adapter: memoryAdapter(),
    clients: opts.clients.map((c) => ({
      ...c,
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: c.client_secret === undefined ? "none" : (c.token_endpoint_auth_method ?? "client_secret_basic"),
    })),
    jwks: { keys: [jwk] },
    claims,
    // Claims asked for by scope go in the ID token too, not only in userinfo: the console reads the ID token.
    conformIdTokenClaims: false,
    pkce: { methods: ["S256"], required: () => true },
    features: {
      devInteractions: { enabled: false },
      // Plain pages without the defaults' web-font import (no network in tests); #sign-out confirms.
      rpInitiatedLogout: {
        logoutSource(ctx: OidcCtx, form: string) {
          ctx.body = page("Sign out", `<h1>Sign out of the test IdP?</h1>${form}<button type="submit" form="op.logoutForm" name="logout" value="yes" id="sign-out">Sign out</button>`);
        },
        postLogoutSuccessSource(ctx: OidcCtx) {
          ctx.body = page("Signed out", `<h1 id="signed-out">Signed out</h1>`);
        },
      },
    },
    interactions: { url: (_ctx: unknown, i: { uid: string }) => `/interaction/${i.uid}` },
    async findAccount(_ctx: unknown, sub: string) {
      if (!Object.hasOwn(accounts, sub)) return undefined;
      return {
        accountId: sub,
        claims: () => {
          const a = accounts[sub] ?? {};
          const out: Record<string, unknown> = { sub };
          if (a.email !== undefined) out.email = a.email;
          if (a.email !== undefined || a.email_verified !== undefined) out.email_verified = a.email_verified ?? true;
          if (a.name !== undefined) out.name = a.name;
          if (a.groups !== undefined) out.groups = a.groups;
          return out;
        },
      };
    },
    // Consent without a screen: the grant covers whatever the request asks for.
    async loadExistingGrant(ctx: OidcCtx) {
      const { oidc } = ctx;
      const accountId = oidc.account?.accountId;
      if (!accountId) return undefined;
      const grantId = oidc.result?.consent?.grantId ?? oidc.session.grantIdFor(oidc.client.clientId);
      const grant = (grantId ? await oidc.provider.Grant.find(grantId) : undefined) ?? new oidc.provider.Grant({ accountId, clientId: oidc.client.clientId });
      if (oidc.params.scope) grant.addOIDCScope(oidc.params.scope);
      if (oidc.requestParamClaims.size) grant.addOIDCClaims([...oidc.requestParamClaims]);
      await grant.save();
      return grant;
    },
    // Plain http on loopback: a SameSite=None cookie without Secure is dropped by Chromium.
    cookies: { keys: [randomBytes(32).toString("base64url")], long: { httpOnly: true, sameSite: "lax" }, short: { httpOnly: true, sameSite: "lax" } },
    // Numbers, not the defaults' functions, which print "you SHOULD change" notices.
    ttl: { AccessToken: 3600, AuthorizationCode: 60, IdToken: 3600, Interaction: 600, Session: 3600, Grant: 3600, RefreshToken: 3600, ClientCredentials: 600, DeviceCode: 600, BackchannelAuthenticationRequest: 600 },
    renderError(ctx: OidcCtx, out: { error: string; error_description?: string }) {
      ctx.type = "html";
      ctx.body = page("Test IdP error", `<h1 id="error">${esc(out.error)}</h1><p id="error-description">${esc(out.error_description ?? "")}</p>`);
    },
  });
  ready.provider = provider;
  ready.handle = provider.callback();
  for (const event of ["server_error", "authorization.error", "grant.error", "userinfo.error", "end_session.error", "discovery.error", "jwks.error"]) {
    provider.on(event, (_ctx, err) => errors.push(`${err.error ?? "error"}: ${err.error_description ?? err.message ?? ""}`));
  }

  return {
    issuer,
    port,
    accounts,
    get signIns() {
      return signIns;
    },
    errors,
    setNext(sub) {
      if (!Object.hasOwn(accounts, sub)) throw new Error(`oidc-op: no account "${sub}"`);
      next = sub;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/**
 * Cookies as a browser keeps them for 127.0.0.1: by name and path, shared across ports
 * (cookies ignore the port), so one jar carries a sign-in through the OP and the app.
 */
export class CookieJar {
  readonly cookies = new Map<string, { value: string; path: string }>();

  store(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair = "", ...attrs] = line.split(";").map((s) => s.trim());
      const eq = pair.indexOf("=");
      if (eq <= 0) continue;
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      const attr = (n: string) => attrs.find((a) => a.toLowerCase().startsWith(`${n}=`))?.slice(n.length + 1);
      const expires = attr("expires");
      const gone = value === "" || attr("max-age") === "0" || (expires !== undefined && Date.parse(expires) <= Date.now());
      if (gone) this.cookies.delete(name);
      else this.cookies.set(name, { value, path: attr("path") ?? "/" });
    }
  }

  header(url: URL): string {
    return [...this.cookies]
      .filter(([, c]) => url.pathname === c.path || url.pathname.startsWith(c.path.endsWith("/") ? c.path : `${c.path}/`))
      .map(([n, c]) => `${n}=${c.value}`)
      .join("; ");
  }
}

/**
 * GETs `url` and follows redirects by hand (fetch would drop the cookies), carrying cookies
 * in `jar`. Stops at the first answer that is not a redirect, or before fetching a location
 * `stopAt` accepts (a redirect_uri no server listens on). `hops` lists every URL visited.
 */
export async function followRedirects(
  url: string | URL,
  opts: { jar?: CookieJar; stopAt?: (location: URL) => boolean; maxHops?: number; headers?: Record<string, string> } = {},
): Promise<{ url: URL; response?: Response; hops: URL[] }> {
  const jar = opts.jar ?? new CookieJar();
  const hops: URL[] = [];
  let at = new URL(url);
  for (let i = 0; i < (opts.maxHops ?? 20); i++) {
    if (opts.stopAt?.(at)) return { url: at, hops };
    hops.push(at);
    const cookie = jar.header(at);
    const response = await fetch(at, { redirect: "manual", headers: { ...opts.headers, ...(cookie ? { cookie } : {}) } });
    jar.store(response);
    const location = response.headers.get("location");
    if (response.status < 300 || response.status > 399 || !location) return { url: at, response, hops };
    await response.body?.cancel();
    at = new URL(location, at);
  }
  throw new Error(`followRedirects: more than ${opts.maxHops ?? 20} redirects: ${hops.join(" -> ")}`);
}
