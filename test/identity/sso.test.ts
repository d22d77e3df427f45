// SSO end to end: a real Custos server trusting several OIDC identity providers at
// once, each a real loopback IdP (discovery + JWKS) minting tokens shaped like
// Keycloak's, Entra ID's, Okta's, Auth0's and Google's; the official SDKs as callers.
// Every bad credential gets a 401 in the API's shape and reaches no provider; key
// rotation and IdP outages are survived without a restart.
import { callSummary } from "../../src/audit/summary.ts";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Principal } from "../../src/identity/principal.ts";
import { eventually, startCustos, testProviders, type TestCustos } from "../helpers/custos.ts";
import { FAKE_REPLY, startFakeProvider, type FakeProvider } from "../helpers/fake-provider.ts";
import { startIdp, type IdpAlg, type TestIdp } from "../helpers/idp.ts";

// Entra ID: tenant, the API's application id (the audience), the calling client, group object ids.
const TID = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const ENTRA_API = "6e74172b-be56-4843-9ff4-e66a39bb12e3";
const ENTRA_CLIENT = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";
const G_RESEARCH = "3f2a1c9e-5b7d-4e8f-9a0b-1c2d3e4f5a6b";
const G_FINANCE = "8d7c6b5a-4f3e-4d2c-8b1a-0f9e8d7c6b5a";
const G_ADMINS = "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d";
const G_UNMAPPED = "00000000-1111-4222-8333-444444444444";
const OKTA_CLIENT = "0oa1b2c3d4E5F6g7H8i9";
const GOOGLE_CLIENT = "123456789012-abcdefghijklmnop.apps.googleusercontent.com";
const AUTH0_NS = "https://custos.example.com/";

let fake: FakeProvider;
let custos: TestCustos;
const idps: Record<string, TestIdp> = {};
const HS_SECRET = "a-shared-secret-of-at-least-32-characters!";

function identityYaml(i: Record<string, TestIdp>): string {
  return `
development_issuer:
  trusted: false
max_token_bytes: 16384
token_cache_size: 1000
issuers:
  # Generic OIDC: every key type, groups as an array or a space-separated string.
  - name: main
    issuer: ${i.main!.issuer}
    audience: [custos, custos-batch]
    required_claims: [jti]
    fetch_timeout_ms: 1000
    teams:
      - regex: "grp-ai-(.*)"
        team: "$1"
    roles:
      - group: custos-admins
        role: admin
      - prefix: custos-audit
        role: auditor

  # Keycloak: groups with "full group path" on ("/grp-ai-x"), realm roles nested in realm_access.roles.
  - name: keycloak
    issuer: ${i.keycloak!.issuer}
    audience: custos
    authorized_parties: [custos-web]
    claims:
      subject: sub
      email: email
      groups: [groups, realm_access.roles]
    teams:
      - regex: "/?grp-ai-([a-z0-9-]+)"
        team: "$1"
    roles:
      - group: custos-auditor
        role: auditor
      - group: custos-admin
        role: admin

  # Microsoft Entra ID (v2 tokens): object ids, groups as GUIDs mapped one by one.
  - name: entra
    issuer: ${i.entra!.issuer}
    audience: ${ENTRA_API}
    authorized_parties: [${ENTRA_CLIENT}]
    claims:
      subject: oid
      email: preferred_username
      groups: groups
      tenant: tid
    teams:
      - group: ${G_RESEARCH}
        team: research
      - group: ${G_FINANCE}
        team: finance
    roles:
      - group: ${G_ADMINS}
        role: admin

  # Okta (custom authorization server "default"): cid is the client, groups an array.
  - name: okta
    issuer: ${i.okta!.issuer}
    audience: api://default
    authorized_parties: [${OKTA_CLIENT}]
    teams:
      - prefix: ai-

  # Auth0: groups in a namespaced custom claim added by an Action; issuer ends with "/".
  - name: auth0
    issuer: ${i.auth0!.issuer}
    audience: https://custos.example.com/api
    claims:
      groups: ${AUTH0_NS}groups
      email: ${AUTH0_NS}email
    teams:
      - regex: "grp-ai-(.*)"
        team: "$1"

  # Google: ID tokens carry no groups.
  - name: google
    issuer: ${i.google!.issuer}
    audience: ${GOOGLE_CLIENT}
    authorized_parties: [${GOOGLE_CLIENT}]

  # An explicit jwks_uri (no discovery) and a required typ.
  - name: strict
    issuer: ${i.strict!.issuer}
    jwks_uri: ${i.strict!.jwksUri}
    audience: custos
    typ: at+jwt
    teams:
      - regex: ".+"
        team: strict-team

  # A shared-secret issuer: HS256 is accepted here and only here.
  - name: hs
    issuer: urn:example:hs-issuer
    audience: custos
    hs_secret: "${HS_SECRET}"
    teams:
      - regex: "(.*)"

  # Identity providers that fail from the start.
  - name: garbage
    issuer: ${i.garbage!.issuer}
    audience: custos
  - name: notkeyset
    issuer: ${i.notkeyset!.issuer}
    audience: custos
  - name: hang
    issuer: ${i.hang!.issuer}
    audience: custos
    fetch_timeout_ms: 500
  - name: discohang
    issuer: ${i.discohang!.issuer}
    audience: custos
    fetch_timeout_ms: 500
  - name: disco503
    issuer: ${i.disco503!.issuer}
    audience: custos
  - name: liar
    issuer: ${i.liar!.issuer}
    audience: custos

  # Rotation and outages: key sets go stale after 10 s.
  - name: rot
    issuer: ${i.rot!.issuer}
    audience: custos
    jwks_max_age_seconds: 10
    teams: [{ regex: "(.*)" }]
  - name: down
    issuer: ${i.down!.issuer}
    audience: custos
    jwks_max_age_seconds: 10
    teams: [{ regex: "(.*)" }]
  - name: downhang
    issuer: ${i.downhang!.issuer}
    audience: custos
    jwks_max_age_seconds: 10
    fetch_timeout_ms: 500
    teams: [{ regex: "(.*)" }]
`;
}

beforeAll(async () => {
  fake = await startFakeProvider();
  const start: [string, Parameters<typeof startIdp>[0]][] = [
    ["main", { path: "/main", algs: ["RS256", "PS256", "ES256", "EdDSA"] }],
    ["keycloak", { path: "/realms/corp", audience: ["custos", "account"] }],
    ["entra", { path: `/${TID}/v2.0`, audience: ENTRA_API }],
    ["okta", { path: "/oauth2/default", audience: "api://default" }],
    ["auth0", { path: "/", audience: ["https://custos.example.com/api", "https://tenant.example/userinfo"] }],
    ["google", { audience: GOOGLE_CLIENT }],
    ["strict", { path: "/strict", algs: ["ES256"] }],
    ["garbage", { path: "/garbage" }],
    ["notkeyset", { path: "/notkeyset" }],
    ["hang", { path: "/hang" }],
    ["discohang", { path: "/discohang" }],
    ["disco503", { path: "/disco503" }],
    ["liar", { path: "/liar" }],
    ["rot", { path: "/rot" }],
    ["down", { path: "/down" }],
    ["downhang", { path: "/downhang", algs: ["EdDSA"] }],
  ];
  await Promise.all(start.map(async ([name, o]) => (idps[name] = await startIdp(o))));
  idps.garbage!.setMode("garbage", "jwks");
  idps.notkeyset!.setMode("not-a-key-set", "jwks");
  idps.hang!.setMode("hang", "jwks");
  idps.discohang!.setMode("hang", "discovery");
  idps.disco503!.setMode("unavailable", "discovery");
  idps.liar!.discoveryIssuer = "https://login.evil.example/";
  custos = await startCustos({ providers: testProviders(fake.url), identityYaml: identityYaml(idps) });
});

afterAll(async () => {
  await custos?.close();
  await Promise.all(Object.values(idps).map((i) => i.close()));
  await fake?.close();
});

const CHAT = { model: "gpt-4o-mini", messages: [{ role: "user" as const, content: "Summarise the report." }] };
const MESSAGE = { model: "claude-fake", max_tokens: 64, messages: [{ role: "user" as const, content: "Summarise the report." }] };

const openai = (token: string, headers: Record<string, string> = {}) => new OpenAI({ apiKey: token, baseURL: `${custos.url}/v1`, maxRetries: 0, defaultHeaders: headers });
/** The SDK's default credential header is x-api-key; authToken sends Authorization: Bearer. */
const anthropic = (token: string, via: "x-api-key" | "bearer" = "x-api-key") =>
  via === "x-api-key" ? new Anthropic({ apiKey: token, authToken: null, baseURL: custos.url, maxRetries: 0 }) : new Anthropic({ apiKey: null, authToken: token, baseURL: custos.url, maxRetries: 0 });

interface Raw {
  status: number;
  headers: Headers;
  text: string;
  json: Record<string, unknown>;
  ms: number;
}

async function call(route: "/v1/chat/completions" | "/v1/messages", headers: Record<string, string>): Promise<Raw> {
  const t0 = performance.now();
  const res = await fetch(`${custos.url}${route}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(route === "/v1/messages" ? { "anthropic-version": "2023-06-01" } : {}), ...headers },
    body: JSON.stringify(route === "/v1/messages" ? MESSAGE : CHAT),
  });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    /* 431 has no body */
  }
  return { status: res.status, headers: res.headers, text, json, ms: performance.now() - t0 };
}

const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
const verify = async (token: string): Promise<Principal> => {
  const r = await custos.server.deps.verifier.verify(token);
  if (!r.ok) throw new Error(`expected the token to verify: ${r.error.message} (${r.error.detail})`);
  return r.value;
};

/** The token, or any of its three parts, must not appear in what the caller receives. */
function expectNoEcho(r: Raw, token: string | undefined) {
  if (!token) return;
  const everything = `${r.text}\n${[...r.headers].map(([k, v]) => `${k}: ${v}`).join("\n")}`;
  expect(everything).not.toContain(token);
  for (const part of token.split(".")) if (part.length >= 12) expect(everything).not.toContain(part);
}

/** 401 on both APIs, in each one's shape, with WWW-Authenticate; the message says what is wrong; nothing went upstream. */
async function expectUnauthenticated(headers: Record<string, string>, message: RegExp, token?: string): Promise<Raw[]> {
  const before = fake.requests.length;
  const oa = await call("/v1/chat/completions", headers);
  const an = await call("/v1/messages", headers);
  for (const r of [oa, an]) {
    expect(r.status, r.text).toBe(401);
    expect(r.headers.get("www-authenticate")).toBe('Bearer realm="custos"');
    expect(r.headers.get("x-custos-error-code")).toBe("authentication_failed");
    expect(r.headers.get("x-request-id")).toBeTruthy();
    expectNoEcho(r, token);
  }
  expect(oa.json).toEqual({ error: { message: expect.stringMatching(message), type: "authentication_error", code: "authentication_failed", param: null } });
  expect(an.json).toMatchObject({ type: "error", error: { type: "authentication_error", message: expect.stringMatching(message) } });
  expect(fake.requests.length, "nothing may reach the provider").toBe(before);
  return [oa, an];
}

async function expectForbidden(headers: Record<string, string>, code: "team_required" | "team_not_allowed", message: RegExp) {
  const before = fake.requests.length;
  const oa = await call("/v1/chat/completions", headers);
  const an = await call("/v1/messages", headers);
  for (const r of [oa, an]) {
    expect(r.status, r.text).toBe(403);
    expect(r.headers.get("x-custos-error-code")).toBe(code);
    expect(r.headers.get("www-authenticate")).toBeNull();
  }
  expect(oa.json).toEqual({ error: { message: expect.stringMatching(message), type: "permission_error", code, param: null } });
  expect(an.json).toMatchObject({ type: "error", error: { type: "permission_error", message: expect.stringMatching(message) } });
  expect(fake.requests.length).toBe(before);
}

describe("a valid token from each key type", () => {
  it.each<IdpAlg>(["RS256", "PS256", "ES256", "EdDSA"])("%s works with the OpenAI SDK and the Anthropic SDK (Bearer and x-api-key)", async (alg) => {
    const idp = idps.main!;
    const token = () => idp.mint({ sub: `user-${alg}`, groups: ["grp-ai-research"] }, { alg });
    const chat = await openai(await token()).chat.completions.create(CHAT);
    expect(chat.choices[0]!.message.content).toBe(FAKE_REPLY);
    for (const via of ["x-api-key", "bearer"] as const) {
      const msg = await anthropic(await token(), via).messages.create(MESSAGE);
      expect(msg.content[0]?.type === "text" && msg.content[0].text).toBe(FAKE_REPLY);
    }
    // Custos's credential never travels upstream.
    const up = fake.requests.at(-1)!;
    expect(up.headers["x-api-key"]).toBe("sk-ant-upstream");
    expect(up.headers.authorization).toBeUndefined();
  });

  it("maps the principal: issuer, subject, email, teams, roles, client, token id, and the sign-in facts the log records", async () => {
    const p = await verify(await idps.main!.mint({ sub: "u-42", email: "dana@example.com", azp: "portal", jti: "tok-1", amr: ["pwd", "mfa"], acr: "2", groups: ["grp-ai-research", "custos-admins", "custos-auditors", "unrelated"] }));
    expect(p).toEqual({
      kind: "user",
      credential: "jwt",
      issuer: idps.main!.issuer,
      issuerName: "main",
      subject: "u-42",
      email: "dana@example.com",
      teams: ["research"],
      roles: ["user", "admin", "auditor"],
      clientId: "portal",
      tokenId: "tok-1",
      token: { alg: expect.any(String), kid: expect.any(String), aud: expect.any(Array), amr: ["pwd", "mfa"], acr: "2" },
    });
  });

  it("accepts any of several audiences, typ JWT, at+jwt, application/at+jwt or none, and a token expired within the clock skew", async () => {
    const m = idps.main!;
    for (const token of [
      await m.mint({ aud: "custos-batch", groups: ["grp-ai-research"] }),
      await m.mint({ aud: ["other", "custos"], groups: ["grp-ai-research"] }),
      await m.mint({ groups: ["grp-ai-research"] }, { header: { typ: "at+jwt" } }),
      await m.mint({ groups: ["grp-ai-research"] }, { header: { typ: "application/at+jwt" } }),
      await m.mint({ groups: ["grp-ai-research"] }, { header: { typ: undefined } }),
      await m.mint({ groups: ["grp-ai-research"] }, { now: Date.now() - 630_000, ttl: 600 }), // expired 30 s ago, skew 60 s
    ]) {
      const r = await call("/v1/chat/completions", bearer(token));
      expect(r.status, r.text).toBe(200);
    }
  });

  it("HS256 is accepted only from the issuer configured with a shared secret", async () => {
    const { SignJWT } = await import("jose");
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ groups: ["hs-team"] })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setIssuer("urn:example:hs-issuer")
      .setAudience("custos")
      .setSubject("svc")
      .setIssuedAt(now)
      .setExpirationTime(now + 600)
      .sign(new TextEncoder().encode(HS_SECRET));
    expect((await verify(token)).teams).toEqual(["hs-team"]);
    const wrongSecret = await new SignJWT({}).setProtectedHeader({ alg: "HS256" }).setIssuer("urn:example:hs-issuer").setAudience("custos").setSubject("svc").setExpirationTime(now + 600).sign(new TextEncoder().encode("x".repeat(40)));
    await expectUnauthenticated(bearer(wrongSecret), /signature does not verify/, wrongSecret);
  });
});

describe("tokens shaped like each identity provider's", () => {
  it("Keycloak: groups with a leading slash and realm_access.roles map to teams and roles; azp is the client", async () => {
    const kc = idps.keycloak!;
    const claims = {
      sub: "f:2d5c7a3e:alice",
      typ: "Bearer",
      azp: "custos-web",
      aud: ["custos", "account"],
      session_state: "9e8f7a6b",
      scope: "openid email profile",
      email_verified: true,
      preferred_username: "alice",
      email: "alice@example.com",
      groups: ["/grp-ai-research", "/grp-ai-ops/sub-team", "/staff"],
      realm_access: { roles: ["offline_access", "uma_authorization", "custos-auditor", "default-roles-corp"] },
      resource_access: { account: { roles: ["manage-account"] } },
    };
    const p = await verify(await kc.mint(claims));
    expect(p).toMatchObject({ issuerName: "keycloak", subject: "f:2d5c7a3e:alice", email: "alice@example.com", teams: ["research"], roles: ["user", "auditor"], clientId: "custos-web" });
    const chat = await openai(await kc.mint(claims)).chat.completions.create(CHAT);
    expect(chat.choices[0]!.message.content).toBe(FAKE_REPLY);

    // Realm role custos-admin grants the admin role (here: the key administration API).
    const admin = await kc.mint({ ...claims, realm_access: { roles: ["custos-admin"] } });
    expect((await fetch(`${custos.url}/api/admin/keys`, { headers: bearer(admin) })).status).toBe(200);
    const notAdmin = await kc.mint(claims);
    const denied = await fetch(`${custos.url}/api/admin/keys`, { headers: bearer(notAdmin) });
    expect(denied.status).toBe(403);
    expect(denied.headers.get("content-type")).toBe("application/problem+json");

    // Another client of the same realm is not accepted.
    const otherClient = await kc.mint({ ...claims, azp: "some-other-app" });
    await expectUnauthenticated(bearer(otherClient), /issued to a client this server does not accept/, otherClient);
  });

  it("Microsoft Entra ID: oid is the subject, tid the tenant, GUID groups map by exact rules, azp (v2) or appid (v1) the client", async () => {
    const entra = idps.entra!;
    const claims = {
      aud: ENTRA_API,
      aio: "AWQAm/8TAAAA",
      azp: ENTRA_CLIENT,
      azpacr: "0",
      groups: [G_RESEARCH, G_ADMINS, G_UNMAPPED],
      name: "Alice Example",
      oid: "6b0e1a7c-38e4-4a55-a5b0-7ed1b2d1f3c0",
      preferred_username: "alice@contoso.example",
      rh: "0.AXEA",
      scp: "access_as_user",
      sub: "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ",
      tid: TID,
      uti: "fqiBqXLPj0eQa82S-IYFAA",
      ver: "2.0",
      jti: undefined,
      nbf: Math.floor(Date.now() / 1000) - 5,
    };
    expect(entra.issuer).toMatch(new RegExp(`/${TID}/v2\\.0$`));
    const p = await verify(await entra.mint(claims));
    expect(p).toMatchObject({
      issuerName: "entra",
      subject: "6b0e1a7c-38e4-4a55-a5b0-7ed1b2d1f3c0",
      email: "alice@contoso.example",
      tenant: TID,
      teams: ["research"],
      roles: ["user", "admin"],
      clientId: ENTRA_CLIENT,
    });
    expect(p.tokenId).toBeUndefined();
    const msg = await anthropic(await entra.mint(claims), "bearer").messages.create(MESSAGE);
    expect(msg.content[0]?.type === "text" && msg.content[0].text).toBe(FAKE_REPLY);

    // v1-style client claim (appid) is honoured; an unknown client is refused.
    const { azp: _azp, ...v1 } = claims;
    expect((await verify(await entra.mint({ ...v1, azp: undefined, appid: ENTRA_CLIENT }))).clientId).toBe(ENTRA_CLIENT);
    const stranger = await entra.mint({ ...claims, azp: "11111111-2222-4333-8444-555555555555" });
    await expectUnauthenticated(bearer(stranger), /client this server does not accept/, stranger);
    // No subject claim (no oid): refused.
    const noOid = await entra.mint({ ...claims, oid: undefined });
    await expectUnauthenticated(bearer(noOid), /no 'oid' claim/, noOid);
  });

  it("Okta: audience api://default, cid is the client, groups an array matched by prefix", async () => {
    const okta = idps.okta!;
    const claims = { ver: 1, jti: "AT.q2BxVz3bkwq", aud: "api://default", cid: OKTA_CLIENT, uid: "00u1a2b3c4D5E6f7G8h9", scp: ["openid", "email"], auth_time: 1_700_000_000, sub: "alice@example.com", groups: ["Everyone", "ai-research", "ai-finance"] };
    const p = await verify(await okta.mint(claims));
    expect(p).toMatchObject({ issuerName: "okta", subject: "alice@example.com", teams: ["research", "finance"], roles: ["user"], clientId: OKTA_CLIENT, tokenId: "AT.q2BxVz3bkwq" });
    const token = await okta.mint(claims);
    const chat = await openai(token, { "x-custos-team": "finance" }).chat.completions.create(CHAT);
    expect(chat.choices[0]!.message.content).toBe(FAKE_REPLY);
    await expectForbidden(bearer(token), "team_required", /several teams \(research, finance\).*x-custos-team/);
    const otherApp = await okta.mint({ ...claims, cid: "0oaSomeOtherApp" });
    await expectUnauthenticated(bearer(otherApp), /client this server does not accept/, otherApp);
  });

  it("Auth0: a namespaced groups claim, an issuer ending in '/', several audiences", async () => {
    const a0 = idps.auth0!;
    expect(a0.issuer.endsWith("/")).toBe(true);
    const claims = {
      [`${AUTH0_NS}groups`]: ["grp-ai-research", "staff"],
      [`${AUTH0_NS}email`]: "alice@example.com",
      sub: "auth0|64b7f0c2a1e3d4f5a6b7c8d9",
      aud: ["https://custos.example.com/api", "https://tenant.example/userinfo"],
      azp: "AbCdEfGhIjKlMnOpQrStUvWxYz012345",
      scope: "openid profile email",
      permissions: ["use:models"],
    };
    const p = await verify(await a0.mint(claims));
    expect(p).toMatchObject({ issuerName: "auth0", subject: "auth0|64b7f0c2a1e3d4f5a6b7c8d9", email: "alice@example.com", teams: ["research"], clientId: "AbCdEfGhIjKlMnOpQrStUvWxYz012345" });
    const msg = await anthropic(await a0.mint(claims)).messages.create(MESSAGE);
    expect(msg.content[0]?.type === "text" && msg.content[0].text).toBe(FAKE_REPLY);
    // The same claim without its namespace is not read.
    expect((await verify(await a0.mint({ ...claims, [`${AUTH0_NS}groups`]: undefined, groups: ["grp-ai-research"] }))).teams).toEqual([]);
  });

  it("Google: no groups claim, so no team: 403 team_required (hd and email still read)", async () => {
    const g = idps.google!;
    const claims = { azp: GOOGLE_CLIENT, aud: GOOGLE_CLIENT, sub: "110169484474386276334", hd: "example.com", email: "alice@example.com", email_verified: true, at_hash: "HK6E_P6Dh8Y93mRNtsDB1Q", name: "Alice", jti: undefined };
    const p = await verify(await g.mint(claims));
    expect(p).toMatchObject({ issuerName: "google", subject: "110169484474386276334", email: "alice@example.com", teams: [], roles: ["user"], clientId: GOOGLE_CLIENT });
    await expectForbidden(bearer(await g.mint(claims)), "team_required", /maps to no Custos team/);
  });
});

describe("teams", () => {
  it("a space-separated groups string works like an array", async () => {
    const p = await verify(await idps.main!.mint({ groups: "grp-ai-research  grp-ai-legal custos-admins" }));
    expect(p.teams).toEqual(["research", "legal"]);
    expect(p.roles).toEqual(["user", "admin"]);
  });

  it("several teams need x-custos-team; one not the caller's is 403 team_not_allowed", async () => {
    const token = await idps.main!.mint({ groups: ["grp-ai-research", "grp-ai-legal"] });
    await expectForbidden(bearer(token), "team_required", /several teams \(research, legal\)/);
    await expectForbidden({ ...bearer(token), "x-custos-team": "finance" }, "team_not_allowed", /not one of your teams \(you belong to: research, legal\)/);
    const ok = await call("/v1/chat/completions", { ...bearer(token), "x-custos-team": "legal" });
    expect(ok.status).toBe(200);
    const row = await eventually(async () => {
      const s = await callSummary(custos.server.deps.storage.audit, ok.headers.get("x-request-id")!);
      return s?.status === undefined ? undefined : s;
    });
    expect(row).toMatchObject({ team: "legal", status: 200, credential: "jwt" });
    // The sign-in facts, never the token: algorithm, key id, audience and the jti's hash.
    const request = (await custos.server.deps.storage.audit.event(ok.headers.get("x-request-id")!))!;
    const auth = (JSON.parse(new TextDecoder().decode(request.entry)) as { actor: { auth: Record<string, unknown> } }).actor.auth;
    expect(auth).toMatchObject({ method: "jwt", alg: expect.stringMatching(/^(RS|PS|ES)256$|^EdDSA$/), kid: expect.any(String), aud: expect.any(Array) });
    expect(row!.subject).toMatch(/^[A-Za-z0-9_-]{22}$/); // a pseudonym, never the raw subject
    expect(JSON.stringify(await custos.server.deps.storage.audit.eventsOfRequest(ok.headers.get("x-request-id")!), (_k, v: unknown) => (v instanceof Uint8Array ? new TextDecoder().decode(v) : v))).not.toContain("user-1");
  });

  it("a single team is used without the header, and x-custos-team may name it", async () => {
    const token = await idps.main!.mint({ groups: ["grp-ai-research"] });
    expect((await call("/v1/chat/completions", bearer(token))).status).toBe(200);
    expect((await call("/v1/chat/completions", { ...bearer(token), "x-custos-team": "research" })).status).toBe(200);
    await expectForbidden({ ...bearer(token), "x-custos-team": "legal" }, "team_not_allowed", /you belong to: research/);
  });

  it("a user removed from a group in the IdP loses that team on the next token", async () => {
    const m = idps.main!;
    const before = await m.mint({ sub: "bob", groups: ["grp-ai-research", "grp-ai-finance"] });
    expect((await call("/v1/chat/completions", { ...bearer(before), "x-custos-team": "finance" })).status).toBe(200);
    const after = await m.mint({ sub: "bob", groups: ["grp-ai-research"] });
    await expectForbidden({ ...bearer(after), "x-custos-team": "finance" }, "team_not_allowed", /you belong to: research\)/);
    expect((await call("/v1/chat/completions", bearer(after))).status).toBe(200);
  });

  it("team names built from a capture must look like team names; others are dropped", async () => {
    const p = await verify(await idps.main!.mint({ groups: ["grp-ai-", "grp-ai-has space", "grp-ai-a/b", "grp-ai-ok_1.x"] }));
    expect(p.teams).toEqual(["ok_1.x"]);
  });
});

describe("every bad credential is a 401 that reaches no provider", () => {
  const m = () => idps.main!;
  const g = { groups: ["grp-ai-research"] };

  it("missing credential", async () => {
    await expectUnauthenticated({}, /No credential: send 'Authorization: Bearer <token>' or 'x-api-key: <key>'/);
  });

  it("malformed Authorization header: 'Bearer' with nothing, 'Basic …', two tokens", async () => {
    await expectUnauthenticated({ authorization: "Bearer" }, /must be 'Bearer <token>'/);
    await expectUnauthenticated({ authorization: "Basic dXNlcjpwYXNzd29yZA==" }, /must be 'Bearer <token>'/, "dXNlcjpwYXNzd29yZA==");
    await expectUnauthenticated({ authorization: "Bearer aaaa.bbbb.cccc dddd" }, /must be 'Bearer <token>'/);
  });

  it("not a JWT (Bearer and x-api-key)", async () => {
    await expectUnauthenticated(bearer("definitely-not-a-jwt"), /not a valid JWT/);
    await expectUnauthenticated(bearer("eyJub3Q.eyJqc29u.c2ln"), /not a valid JWT/);
    await expectUnauthenticated({ "x-api-key": "sk-someone-elses-openai-key-0123456789" }, /not a valid JWT/, "sk-someone-elses-openai-key-0123456789");
  });

  it("alg none", async () => {
    const t = m().mintNone(g);
    await expectUnauthenticated(bearer(t), /signing algorithm is not accepted for issuer 'main'/, t);
  });

  it("HS256 signed with the issuer's public key as the secret (algorithm confusion), PEM and JWK", async () => {
    const kid = m().kids[0]!;
    for (const form of ["pem", "jwk"] as const) {
      const t = m().mintHmacWithPublicKey(kid, form, g);
      await expectUnauthenticated(bearer(t), /signing algorithm is not accepted for issuer 'main'/, t);
    }
  });

  it("a forged signature under a published kid", async () => {
    for (const alg of ["RS256", "ES256", "EdDSA"] as const) {
      const t = await m().mint(g, { alg, rogue: true });
      await expectUnauthenticated(bearer(t), /signature does not verify/, t);
    }
  });

  it("a signature byte flipped", async () => {
    const t = await m().mint(g, { alg: "ES256" });
    const [h, p, s] = t.split(".") as [string, string, string];
    const sig = Buffer.from(s, "base64url");
    sig[5] = sig[5]! ^ 0xff;
    const bad = `${h}.${p}.${sig.toString("base64url")}`;
    await expectUnauthenticated(bearer(bad), /signature does not verify/, bad);
  });

  it("an unknown kid, and a kid from another issuer", async () => {
    const t = await m().mint(g, { header: { kid: "no-such-key" } });
    await expectUnauthenticated(bearer(t), /signed with a key issuer 'main' does not publish/, t);
    const borrowed = await m().mint({ ...g, iss: idps.keycloak!.issuer, aud: "custos", azp: "custos-web" });
    await expectUnauthenticated(bearer(borrowed), /signed with a key issuer 'keycloak' does not publish/, borrowed);
  });

  it("expired, beyond the clock skew", async () => {
    const t = await m().mint(g, { now: Date.now() - 3_600_000, ttl: 600 });
    await expectUnauthenticated(bearer(t), /has expired/, t);
  });

  it("not yet valid (nbf in the future, beyond the skew)", async () => {
    const t = await m().mint({ ...g, nbf: Math.floor(Date.now() / 1000) + 3600 });
    await expectUnauthenticated(bearer(t), /not valid yet/, t);
  });

  it("wrong issuer: one not trusted here", async () => {
    const t = await m().mint({ ...g, iss: "https://login.evil.example/" });
    await expectUnauthenticated(bearer(t), /issuer is not trusted by this server/, t);
    const none = await m().mint({ ...g, iss: undefined });
    await expectUnauthenticated(bearer(none), /issuer is not trusted by this server/, none);
  });

  it("wrong audience", async () => {
    const t = await m().mint({ ...g, aud: "someone-else" });
    await expectUnauthenticated(bearer(t), /issued for another audience/, t);
    const missing = await m().mint({ ...g, aud: undefined });
    await expectUnauthenticated(bearer(missing), /another audience|lacks or has an invalid 'aud'/, missing);
  });

  it("a missing required claim (required_claims: [jti]), a missing subject, a missing exp", async () => {
    const t = await m().mint({ ...g, jti: undefined });
    await expectUnauthenticated(bearer(t), /lacks or has an invalid 'jti' claim/, t);
    const noSub = await m().mint({ ...g, sub: undefined });
    await expectUnauthenticated(bearer(noSub), /no 'sub' claim/, noSub);
    const noExp = await m().mint({ ...g, exp: undefined });
    await expectUnauthenticated(bearer(noExp), /lacks or has an invalid 'exp' claim/, noExp);
  });

  it("a typ that is not an access or ID token; a typ other than the one configured", async () => {
    const t = await m().mint(g, { header: { typ: "dpop+jwt" } });
    await expectUnauthenticated(bearer(t), /type 'dpop\+jwt' is not an access or ID token/, t);
    const strict = idps.strict!;
    const jwtTyp = await strict.mint({ groups: ["any"] }, { header: { typ: "JWT" } });
    await expectUnauthenticated(bearer(jwtTyp), /type is not accepted/, jwtTyp);
    const atJwt = await strict.mint({ groups: ["any"] }, { header: { typ: "at+jwt" } });
    expect((await verify(atJwt)).teams).toEqual(["strict-team"]);
  });

  it(`oversized: over max_token_bytes is a 401 in the API's shape; a header block over Node's 64 KiB limit is Node's bare 431`, async () => {
    const big = await m().mint({ ...g, padding: "x".repeat(20_000) });
    expect(big.length).toBeGreaterThan(16_384);
    await expectUnauthenticated(bearer(big), /longer than this server accepts \(16384 bytes\)/, big);
    await expectUnauthenticated({ "x-api-key": `cst_${"A".repeat(17_000)}` }, /longer than this server accepts/);

    const before = fake.requests.length;
    const huge = await m().mint({ ...g, padding: "x".repeat(70_000) });
    for (const route of ["/v1/chat/completions", "/v1/messages"] as const) {
      const r = await call(route, bearer(huge));
      expect(r.status).toBe(431);
      expect(r.text).toBe("");
      expect(r.headers.get("x-custos-error-code")).toBeNull();
    }
    expect(fake.requests.length).toBe(before);
    // The server is still fine afterwards.
    expect((await call("/v1/chat/completions", bearer(await m().mint(g)))).status).toBe(200);
  });

  it("a JWKS endpoint answering garbage, or JSON that is not a key set", async () => {
    for (const name of ["garbage", "notkeyset"]) {
      const t = await idps[name]!.mint({});
      await expectUnauthenticated(bearer(t), new RegExp(`keys of issuer '${name}' could not be fetched; try again shortly`), t);
    }
  });

  it("a JWKS endpoint that hangs: refused within fetch_timeout_ms (500 ms), not held forever", async () => {
    const t = await idps.hang!.mint({});
    const [oa, an] = await expectUnauthenticated(bearer(t), /keys of issuer 'hang' could not be fetched/, t);
    expect(oa!.ms).toBeLessThan(3000);
    expect(an!.ms).toBeLessThan(3000);
  });

  it("a discovery document that hangs, answers 503, or names another issuer", async () => {
    const hang = await idps.discohang!.mint({});
    const [first] = await expectUnauthenticated(bearer(hang), /keys of issuer 'discohang' could not be fetched/, hang);
    expect(first!.ms).toBeLessThan(3000);
    const d503 = await idps.disco503!.mint({});
    await expectUnauthenticated(bearer(d503), /keys of issuer 'disco503' could not be fetched/, d503);

    const liar = idps.liar!;
    const t = await liar.mint({});
    await expectUnauthenticated(bearer(t), /keys of issuer 'liar' could not be fetched/, t);
    expect(liar.discoveryFetches).toBeGreaterThanOrEqual(1);
    expect(liar.jwksFetches, "keys are never fetched from a document for another issuer").toBe(0);
    expect(custos.logs.some((l) => l.includes("discovery document's issuer 'https://login.evil.example/'"))).toBe(true);
  });

  it("no log line holds any of the rejected tokens", () => {
    const logs = custos.logs.join("\n");
    expect(logs).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}/);
  });
});

describe("the token cache", () => {
  it("verifies a token's signature once; the repeat costs a lookup", async () => {
    const token = await idps.main!.mint({ groups: ["grp-ai-research"] }, { alg: "ES256" });
    const spy = vi.spyOn(crypto.subtle, "verify");
    try {
      expect((await call("/v1/chat/completions", bearer(token))).status).toBe(200);
      expect(spy).toHaveBeenCalledTimes(1);
      for (let i = 0; i < 5; i++) expect((await call("/v1/chat/completions", bearer(token))).status).toBe(200);
      expect(spy).toHaveBeenCalledTimes(1);
      // A different token (another jti) is verified anew.
      expect((await call("/v1/chat/completions", bearer(await idps.main!.mint({ groups: ["grp-ai-research"] }, { alg: "ES256" })))).status).toBe(200);
      expect(spy).toHaveBeenCalledTimes(2);
    } finally {
      spy.mockRestore();
    }
  });

  it("a cached token still expires at its exp", async () => {
    const m = idps.main!;
    // exp 61 s ago + 60 s skew = 1 s ago: refused although a token like it was cached.
    const t = await m.mint({ groups: ["grp-ai-research"] }, { now: Date.now() - 661_000, ttl: 600 });
    await expectUnauthenticated(bearer(t), /expired/, t);
  });
});

// These run in order: the key sets of rot/down/downhang are fetched in the first test,
// go stale 10 s later (jwks_max_age_seconds: 10), and the later tests rely on that.
describe("key rotation and identity provider outages", () => {
  const ok = async (token: string) => (await call("/v1/chat/completions", bearer(token))).status;
  let primedAt = 0;
  /** Waits (at most ~10.5 s) until the key sets fetched while priming are past their 10 s max age. */
  const stale = () => new Promise((r) => setTimeout(r, Math.max(0, primedAt + 10_500 - Date.now())));
  let oldKid = "";

  it("primes: one token from each issuer, one key set fetch each", async () => {
    oldKid = idps.rot!.kids[0]!;
    for (const name of ["rot", "down", "downhang"]) {
      expect(await ok(await idps[name]!.mint({ groups: ["t"] }))).toBe(200);
      expect(idps[name]!.jwksFetches).toBe(1);
    }
    primedAt = Date.now();
    idps.down!.setMode("unavailable");
    idps.downhang!.setMode("hang");
    // Within the max age, an IdP outage is not even noticed.
    expect(await ok(await idps.down!.mint({ groups: ["t"] }))).toBe(200);
    expect(idps.down!.jwksFetches).toBe(1);
  });

  it("a newly added key works without a restart once the cached set is refetched; a removed key stops working", async () => {
    const rot = idps.rot!;
    const newKid = await rot.addKey("ES256");
    rot.removeKey(oldKid);
    // The set was fetched moments ago: jose's 30 s cooldown holds back a refetch for an unknown kid.
    expect(await ok(await rot.mint({ groups: ["t"] }, { kid: newKid }))).toBe(401);
    expect(rot.jwksFetches).toBe(1);
    // Once the set is older than jwks_max_age_seconds (10 s), the next call refetches it. Bounded poll.
    let status = 0;
    const deadline = primedAt + 15_000;
    while (Date.now() < deadline) {
      status = await ok(await rot.mint({ groups: ["t"] }, { kid: newKid }));
      if (status === 200) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(status).toBe(200);
    expect(Date.now() - primedAt).toBeGreaterThanOrEqual(9_000);
    expect(rot.jwksFetches).toBe(2);
    expect(await ok(await rot.mint({ groups: ["t"] }, { kid: oldKid }))).toBe(401);
  });

  it("IdP answering 503: keys fetched before keep working; one refetch attempt, not one per request", async () => {
    const down = idps.down!;
    await stale(); // the cached set is older than jwks_max_age_seconds now
    const fetchesBefore = down.jwksFetches;
    for (let i = 0; i < 20; i++) expect(await ok(await down.mint({ groups: ["t"] }))).toBe(200); // each a new jti: not from the token cache
    expect(down.jwksFetches - fetchesBefore).toBe(1);
    expect(custos.logs.some((l) => l.includes("keys unreachable; using the keys fetched before"))).toBe(true);
    // A kid it never published is still refused.
    const forged = await down.mint({ groups: ["t"] }, { header: { kid: "new-but-unreachable" } });
    expect(await ok(forged)).toBe(401);
  });

  it("IdP hanging: keys fetched before keep working, the first call waits at most fetch_timeout_ms", async () => {
    const dh = idps.downhang!;
    await stale();
    const t0 = performance.now();
    expect(await ok(await dh.mint({ groups: ["t"] }))).toBe(200);
    expect(performance.now() - t0).toBeLessThan(3000);
    const t1 = performance.now();
    const all = await Promise.all(Array.from({ length: 10 }, async () => ok(await dh.mint({ groups: ["t"] }))));
    expect(all.every((s) => s === 200)).toBe(true);
    expect(performance.now() - t1).toBeLessThan(2000); // no further waiting on the hung IdP
    expect(dh.jwksFetches).toBe(2);
  });

  it("forged kids cause no refetch storm (jose's cooldown)", async () => {
    const m = idps.main!;
    // Make sure main's key set has been fetched, then flood it with unknown kids.
    expect(await ok(await m.mint({ groups: ["grp-ai-research"] }))).toBe(200);
    const before = m.jwksFetches;
    const statuses = await Promise.all(Array.from({ length: 100 }, async (_, i) => ok(await m.mint({ groups: ["grp-ai-research"] }, { header: { kid: `forged-${i}` } }))));
    expect(statuses.every((s) => s === 401)).toBe(true);
    expect(m.jwksFetches - before).toBeLessThanOrEqual(1);
    const again = await Promise.all(Array.from({ length: 100 }, async (_, i) => ok(await m.mint({ groups: ["grp-ai-research"] }, { header: { kid: `forged-again-${i}` } }))));
    expect(again.every((s) => s === 401)).toBe(true);
    expect(m.jwksFetches - before).toBeLessThanOrEqual(1);
  });
});
