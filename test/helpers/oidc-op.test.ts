// The test OpenID Provider works with the relying party the console uses (openid-client 6):
// discovery, code flow with PKCE, ID token claims; it refuses a flow without PKCE and an
// unregistered redirect_uri; and its sign-in form works in a real browser.
import http from "node:http";
import type { AddressInfo } from "node:net";
import * as client from "openid-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeBrowser, launchBrowser, newPage, screenshot } from "./browser.ts";
import { CookieJar, followRedirects, startOidcProvider, type OidcOp } from "./oidc-op.ts";

const CALLBACK = "http://127.0.0.1:9/console/callback"; // never fetched in the fetch tests: followRedirects stops there
const atCallback = (u: URL) => u.href.startsWith(CALLBACK);

let op: OidcOp;
beforeAll(async () => {
  op = await startOidcProvider({
    clients: [
      { client_id: "console-public", redirect_uris: [CALLBACK] },
      { client_id: "console-secret", client_secret: "s3cret-for-tests", redirect_uris: [CALLBACK] },
    ],
    accounts: {
      "alice@example.test": { email: "alice@example.test", name: "Alice Auditor", groups: ["compliance", "auditors"] },
      bob: { name: "Bob" },
    },
  });
});
afterAll(() => op.close());

async function discover(clientId: string, secret?: string) {
  const auth = secret ? client.ClientSecretBasic(secret) : client.None();
  return client.discovery(new URL(op.issuer), clientId, secret, auth, { execute: [client.allowInsecureRequests] });
}

async function authRequest(config: client.Configuration, extra: Record<string, string> = {}) {
  const pkceCodeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: CALLBACK,
    scope: "openid email profile groups",
    code_challenge: await client.calculatePKCECodeChallenge(pkceCodeVerifier),
    code_challenge_method: "S256",
    state,
    nonce,
    ...extra,
  });
  return { url, pkceCodeVerifier, state, nonce };
}

describe("test OpenID Provider with openid-client as the relying party", () => {
  it("publishes discovery for its loopback issuer, S256 only", async () => {
    const config = await discover("console-public");
    const meta = config.serverMetadata();
    expect(meta.issuer).toBe(op.issuer);
    expect(meta.code_challenge_methods_supported).toEqual(["S256"]);
    expect(meta.scopes_supported).toEqual(expect.arrayContaining(["openid", "email", "profile", "groups"]));
  });

  for (const [kind, id, secret] of [
    ["public", "console-public", undefined],
    ["confidential", "console-secret", "s3cret-for-tests"],
  ] as const) {
    it(`signs in with the code flow and PKCE (${kind} client); the ID token carries sub, email, name, groups`, async () => {
      const config = await discover(id, secret);
      const { url, pkceCodeVerifier, state, nonce } = await authRequest(config);
      const before = op.signIns;
      op.setNext("alice@example.test");
      const landed = await followRedirects(url, { stopAt: atCallback });
      expect(landed.url.href.startsWith(CALLBACK), landed.hops.join(" -> ")).toBe(true);
      expect(landed.hops.some((h) => h.pathname.startsWith("/interaction/"))).toBe(true);
      expect(op.signIns).toBe(before + 1);

      const tokens = await client.authorizationCodeGrant(config, landed.url, { pkceCodeVerifier, expectedState: state, expectedNonce: nonce });
      const claims = tokens.claims();
      expect(claims).toMatchObject({ iss: op.issuer, aud: id, sub: "alice@example.test", email: "alice@example.test", email_verified: true, name: "Alice Auditor", groups: ["compliance", "auditors"], nonce });
    });
  }

  it("leaves out claims the account does not have, and groups when the scope is not asked for", async () => {
    const config = await discover("console-public");
    const { url, pkceCodeVerifier, state, nonce } = await authRequest(config, { scope: "openid email profile" });
    op.setNext("bob");
    const landed = await followRedirects(url, { stopAt: atCallback });
    const claims = (await client.authorizationCodeGrant(config, landed.url, { pkceCodeVerifier, expectedState: state, expectedNonce: nonce })).claims();
    expect(claims?.sub).toBe("bob");
    expect(claims?.name).toBe("Bob");
    expect(claims).not.toHaveProperty("email");
    expect(claims).not.toHaveProperty("groups");
  });

  it("shows the sign-in form when no subject is queued, and again with an error for an unknown one", async () => {
    const config = await discover("console-public");
    const { url } = await authRequest(config);
    const jar = new CookieJar();
    const form = await followRedirects(url, { jar });
    expect(form.response?.status).toBe(200);
    const html = await form.response!.text();
    expect(html).toMatch(/<input[^>]*name="login"[^>]*id="login"/);
    expect(html).toContain('id="sign-in"');
    const action = new URL(/action="([^"]+)"/.exec(html)![1]!, form.url);
    const res = await fetch(action, { method: "POST", body: new URLSearchParams({ login: "mallory" }), headers: { cookie: jar.header(action) }, redirect: "manual" });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Unknown subject &#34;mallory&#34;");
  });

  it("refuses an authorization request without PKCE", async () => {
    const config = await discover("console-public");
    const url = client.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: "openid", state: client.randomState() });
    const landed = await followRedirects(url, { stopAt: atCallback });
    expect(landed.hops).toHaveLength(1); // refused at the authorization endpoint, before any sign-in
    expect(landed.url.searchParams.get("error")).toBe("invalid_request");
    expect(landed.url.searchParams.get("error_description")).toMatch(/PKCE/);
    expect(landed.url.searchParams.has("code")).toBe(false);
    expect(op.errors.at(-1)).toMatch(/^invalid_request: .*PKCE/);
  });

  it("grants consent without a screen even when the client asks for it (prompt=consent)", async () => {
    const config = await discover("console-public");
    const { url, pkceCodeVerifier, state, nonce } = await authRequest(config, { prompt: "consent" });
    op.setNext("alice@example.test");
    const landed = await followRedirects(url, { stopAt: atCallback });
    expect(landed.hops.filter((h) => h.pathname.startsWith("/interaction/")).length, landed.hops.join(" -> ")).toBe(2); // sign-in, then consent
    const claims = (await client.authorizationCodeGrant(config, landed.url, { pkceCodeVerifier, expectedState: state, expectedNonce: nonce })).claims();
    expect(claims?.groups).toEqual(["compliance", "auditors"]);
  });

  it("refuses a confidential client's request without PKCE too", async () => {
    const config = await discover("console-secret", "s3cret-for-tests");
    const url = client.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: "openid", state: client.randomState() });
    const landed = await followRedirects(url, { stopAt: atCallback });
    expect(landed.url.searchParams.get("error")).toBe("invalid_request");
  });

  it("signs out (RP-initiated logout) through a plain confirmation page", async () => {
    const config = await discover("console-public");
    const jar = new CookieJar();
    op.setNext("bob");
    await followRedirects((await authRequest(config)).url, { jar, stopAt: atCallback });
    const confirm = await followRedirects(client.buildEndSessionUrl(config, { client_id: "console-public" }), { jar });
    const html = await confirm.response!.text();
    expect(html).toContain('id="sign-out"');
    expect(html).not.toContain("fonts.googleapis.com"); // the default pages import a web font
    const form = /<form[^>]*action="([^"]+)"[\s\S]*?name="xsrf" value="([^"]+)"/.exec(html)!;
    const action = new URL(form[1]!, confirm.url);
    const res = await fetch(action, { method: "POST", body: new URLSearchParams({ xsrf: form[2]!, logout: "yes" }), headers: { cookie: jar.header(action) }, redirect: "manual" });
    jar.store(res);
    const done = await followRedirects(new URL(res.headers.get("location")!, action), { jar });
    expect(await done.response!.text()).toContain('id="signed-out"');
  });

  it("refuses a redirect_uri the client did not register, without redirecting to it", async () => {
    const config = await discover("console-public");
    const { url } = await authRequest(config, { redirect_uri: "http://127.0.0.1:9/evil/callback" });
    const landed = await followRedirects(url, { headers: { accept: "text/html" } });
    expect(landed.hops).toHaveLength(1);
    expect(landed.response?.status).toBe(400);
    expect(await landed.response!.text()).toContain("invalid_redirect_uri");
  });
});

describeBrowser("test OpenID Provider in Chromium", () => {
  let rp: http.Server;
  let rpUrl: string;
  beforeAll(async () => {
    rp = http.createServer((_req, res) => res.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><title>callback</title><p id=done>signed in</p>"));
    await new Promise<void>((r) => rp.listen(0, "127.0.0.1", r));
    rpUrl = `http://127.0.0.1:${(rp.address() as AddressInfo).port}/console/callback`;
  });
  afterAll(() => new Promise<void>((r) => rp.close(() => r())));

  it("signs in through the form and lands on the redirect URI with a code", async () => {
    const browserOp = await startOidcProvider({ clients: [{ client_id: "console", redirect_uris: [rpUrl] }], accounts: { carol: { email: "carol@example.test", groups: ["admins"] } } });
    const browser = await launchBrowser();
    try {
      const config = await client.discovery(new URL(browserOp.issuer), "console", undefined, client.None(), { execute: [client.allowInsecureRequests] });
      const pkceCodeVerifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const nonce = client.randomNonce();
      const url = client.buildAuthorizationUrl(config, { redirect_uri: rpUrl, scope: "openid email profile groups", code_challenge: await client.calculatePKCECodeChallenge(pkceCodeVerifier), code_challenge_method: "S256", state, nonce });

      const { page, errors } = await newPage(browser);
      await page.goto(url.href);
      await page.fill("#login", "nobody");
      await page.click("#sign-in");
      await page.waitForSelector("#error");
      await page.fill("#login", "carol");
      await screenshot(page, "oidc-op-sign-in-form");
      await Promise.all([page.waitForURL((u) => u.href.startsWith(rpUrl)), page.click("#sign-in")]);
      expect(await page.textContent("#done")).toBe("signed in");
      expect(browserOp.signIns).toBe(1);
      expect(errors).toEqual([]);

      const claims = (await client.authorizationCodeGrant(config, new URL(page.url()), { pkceCodeVerifier, expectedState: state, expectedNonce: nonce })).claims();
      expect(claims).toMatchObject({ sub: "carol", email: "carol@example.test", groups: ["admins"] });
    } finally {
      await browser.close();
      await browserOp.close();
    }
  });
});
