// A real OpenID Connect identity provider on loopback, for the identity tests: OIDC
// discovery and a JWKS endpoint (node:http, port 0), jose-generated RSA (RS256, PS256),
// EC (ES256) and Ed25519 (EdDSA) keys with kids, and a token minter that can also
// produce every kind of bad token (alg none, HS256 keyed with the public key, wrong
// kid, forged signature, any claims or header). It rotates keys, fails on demand
// (503, hang, garbage), can publish a discovery document for another issuer, and
// counts how often its endpoints were fetched.
import { createHmac, randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type JWK, type JWTHeaderParameters } from "jose";

export type IdpAlg = "RS256" | "PS256" | "ES256" | "EdDSA";

/** How an endpoint answers: normally, 503, never, 200 with text that is not JSON, or 200 JSON that is not a key set. */
export type IdpMode = "ok" | "unavailable" | "hang" | "garbage" | "not-a-key-set";

interface SigningKey {
  kid: string;
  alg: IdpAlg;
  privateKey: CryptoKey;
  publicJwk: JWK;
  publicPem: string;
}

export interface MintOptions {
  /** Sign with this key (default: the newest key of `alg`, else the newest key). */
  kid?: string;
  alg?: IdpAlg;
  /** Protected header fields to add or override (kid, typ, …); `undefined` removes one. */
  header?: Record<string, unknown>;
  /** Sign with a key the IdP does not publish, under the chosen key's kid (a forged signature). */
  rogue?: boolean;
  /** Seconds; default 600. */
  ttl?: number;
  /** Epoch ms the token is minted at; default now. */
  now?: number;
}

export interface TestIdp {
  /** http://127.0.0.1:PORT */
  readonly base: string;
  /** base + path: the `iss` of its tokens and the issuer in its discovery document. */
  readonly issuer: string;
  readonly jwksUri: string;
  readonly discoveryUrl: string;
  /** The audience its tokens carry unless the claims say otherwise. */
  readonly audience: string | string[];
  /** How many times the JWKS / discovery document was requested. */
  readonly jwksFetches: number;
  readonly discoveryFetches: number;
  /** kids currently published. */
  readonly kids: string[];
  /** Adds a key (published at once); returns its kid. */
  addKey(alg: IdpAlg, kid?: string): Promise<string>;
  /** Stops publishing a key (tokens it signed can still be minted, for tests). */
  removeKey(kid: string): void;
  /** The published public key, as PEM (SPKI) and JWK: what an attacker can read. */
  publicKey(kid: string): { pem: string; jwk: JWK };
  setMode(mode: IdpMode, which?: "jwks" | "discovery" | "both"): void;
  /** The `issuer` the discovery document claims (default: the real one). */
  discoveryIssuer: string;
  /** A signed token: default claims iss, aud, sub, iat, exp, jti; a claim set to `undefined` is left out. */
  mint(claims?: Record<string, unknown>, opts?: MintOptions): Promise<string>;
  /** An unsecured JWT (alg none, empty signature). */
  mintNone(claims?: Record<string, unknown>): string;
  /** HS256 signed with the text of a published public key as the secret (the algorithm-confusion attack). */
  mintHmacWithPublicKey(kid: string, form: "pem" | "jwk", claims?: Record<string, unknown>): string;
  /** The default claims (with fresh iat/exp/jti) merged with these. */
  claims(extra?: Record<string, unknown>, opts?: { ttl?: number; now?: number }): Record<string, unknown>;
  close(): Promise<void>;
}

const b64url = (s: string | Buffer) => Buffer.from(s).toString("base64url");

async function newKey(alg: IdpAlg, kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = alg === "EdDSA" ? await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true }) : await generateKeyPair(alg, { extractable: true });
  const jwk = await exportJWK(publicKey);
  return { kid, alg, privateKey, publicJwk: { ...jwk, kid, alg, use: "sig" }, publicPem: await exportSPKI(publicKey) };
}

export async function startIdp(opts: { path?: string; audience?: string | string[]; algs?: IdpAlg[]; kidPrefix?: string } = {}): Promise<TestIdp> {
  const pathPrefix = (opts.path ?? "").replace(/\/+$/, "");
  const audience = opts.audience ?? "custos";
  const keys = new Map<string, SigningKey>(); // published
  const retired = new Map<string, SigningKey>(); // no longer published, still usable for minting
  const modes = { jwks: "ok" as IdpMode, discovery: "ok" as IdpMode };
  const hanging = new Set<http.ServerResponse>();
  let jwksFetches = 0;
  let discoveryFetches = 0;
  let seq = 0;

  const server = http.createServer((req, res) => {
    const url = (req.url ?? "/").split("?")[0]!;
    const which = url === `${pathPrefix}/.well-known/openid-configuration` ? "discovery" : url === `${pathPrefix}/keys` ? "jwks" : undefined;
    if (!which) {
      res.writeHead(404).end();
      return;
    }
    if (which === "jwks") jwksFetches++;
    else discoveryFetches++;
    const mode = modes[which];
    if (mode === "hang") {
      hanging.add(res);
      res.on("close", () => hanging.delete(res));
      return;
    }
    if (mode === "unavailable") {
      res.writeHead(503, { "content-type": "text/html" }).end("<h1>503 Service Unavailable</h1>");
      return;
    }
    if (mode === "garbage") {
      res.writeHead(200, { "content-type": "application/json" }).end("<html>this is not JSON {{{");
      return;
    }
    if (mode === "not-a-key-set") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: "none today", issuer: 42 }));
      return;
    }
    const body =
      which === "jwks"
        ? { keys: [...keys.values()].map((k) => k.publicJwk) }
        : {
            issuer: idp.discoveryIssuer,
            jwks_uri: jwksUri,
            authorization_endpoint: `${issuer}/authorize`,
            token_endpoint: `${issuer}/token`,
            id_token_signing_alg_values_supported: ["RS256", "PS256", "ES256", "EdDSA"],
            response_types_supported: ["code"],
            subject_types_supported: ["public"],
          };
    res.writeHead(200, { "content-type": which === "jwks" ? "application/jwk-set+json" : "application/json" }).end(JSON.stringify(body));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // path "/" gives an issuer with a trailing slash (Auth0's shape); discovery is still at /.well-known/….
  const issuer = opts.path === "/" ? `${base}/` : `${base}${pathPrefix}`;
  const jwksUri = `${base}${pathPrefix}/keys`;

  const keyFor = (o: MintOptions): SigningKey => {
    if (o.kid) {
      const k = keys.get(o.kid) ?? retired.get(o.kid);
      if (!k) throw new Error(`no key ${o.kid}`);
      return k;
    }
    const all = [...keys.values()].filter((k) => !o.alg || k.alg === o.alg);
    const k = all.at(-1);
    if (!k) throw new Error(`no published key${o.alg ? ` for ${o.alg}` : ""}`);
    return k;
  };

  const idp: TestIdp = {
    base,
    issuer,
    jwksUri,
    discoveryUrl: `${base}${pathPrefix}/.well-known/openid-configuration`,
    audience,
    get jwksFetches() {
      return jwksFetches;
    },
    get discoveryFetches() {
      return discoveryFetches;
    },
    get kids() {
      return [...keys.keys()];
    },
    discoveryIssuer: issuer,
    async addKey(alg, kid) {
      const k = await newKey(alg, kid ?? `${opts.kidPrefix ?? "k"}${++seq}-${alg.toLowerCase()}`);
      keys.set(k.kid, k);
      return k.kid;
    },
    removeKey(kid) {
      const k = keys.get(kid);
      if (!k) return;
      keys.delete(kid);
      retired.set(kid, k);
    },
    publicKey(kid) {
      const k = keys.get(kid) ?? retired.get(kid);
      if (!k) throw new Error(`no key ${kid}`);
      return { pem: k.publicPem, jwk: k.publicJwk };
    },
    setMode(mode, which = "both") {
      if (which !== "discovery") modes.jwks = mode;
      if (which !== "jwks") modes.discovery = mode;
    },
    claims(extra = {}, o = {}) {
      const iat = Math.floor((o.now ?? Date.now()) / 1000);
      const all: Record<string, unknown> = { iss: issuer, aud: audience, sub: "user-1", iat, exp: iat + (o.ttl ?? 600), jti: randomUUID(), ...extra };
      for (const [k, v] of Object.entries(all)) if (v === undefined) delete all[k];
      return all;
    },
    async mint(claims = {}, o = {}) {
      const k = keyFor(o);
      const header: Record<string, unknown> = { alg: k.alg, kid: k.kid, typ: "JWT", ...o.header };
      for (const [name, v] of Object.entries(header)) if (v === undefined) delete header[name];
      const signer = o.rogue ? (await newKey(k.alg, k.kid)).privateKey : k.privateKey;
      const ttlNow: { ttl?: number; now?: number } = {};
      if (o.ttl !== undefined) ttlNow.ttl = o.ttl;
      if (o.now !== undefined) ttlNow.now = o.now;
      return new SignJWT(idp.claims(claims, ttlNow)).setProtectedHeader(header as unknown as JWTHeaderParameters).sign(signer);
    },
    mintNone(claims = {}) {
      return `${b64url(JSON.stringify({ alg: "none", typ: "JWT" }))}.${b64url(JSON.stringify(idp.claims(claims)))}.`;
    },
    mintHmacWithPublicKey(kid, form, claims = {}) {
      const { pem, jwk } = idp.publicKey(kid);
      const input = `${b64url(JSON.stringify({ alg: "HS256", typ: "JWT", kid }))}.${b64url(JSON.stringify(idp.claims(claims)))}`;
      const secret = form === "pem" ? pem : JSON.stringify(jwk);
      return `${input}.${createHmac("sha256", secret).update(input).digest("base64url")}`;
    },
    close: () =>
      new Promise<void>((r) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
  for (const alg of opts.algs ?? ["RS256"]) await idp.addKey(alg);
  return idp;
}
