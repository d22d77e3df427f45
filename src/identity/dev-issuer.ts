// The local development issuer behind `custos token`: an Ed25519 key kept under
// .custos/, trusted only where identity.yaml lists it and only on loopback (or with
// CUSTOS_DEV_ISSUER=1), so it can never stand in for SSO in production by accident.
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from "jose";
import { DEV_AUDIENCE, DEV_ISSUER } from "../config/identity.ts";
import { ROLES, type Role } from "./principal.ts";

export interface DevTokenClaims {
  sub: string;
  teams: string[];
  roles: Role[];
  email?: string;
  /** Lifetime in seconds. */
  ttl: number;
}

export async function generateDevIssuerKey(): Promise<JWK> {
  const { privateKey } = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
  const jwk = await exportJWK(privateKey);
  const kid = await thumbprintId(jwk);
  return { ...jwk, alg: "EdDSA", kid, use: "sig" };
}

export function publicJwk(jwk: JWK): JWK {
  const { d: _d, ...pub } = jwk;
  return pub;
}

export async function mintDevToken(privateJwk: JWK, claims: DevTokenClaims, now = Date.now()): Promise<string> {
  const key = await importJWK(privateJwk, "EdDSA");
  const iat = Math.floor(now / 1000);
  const payload: Record<string, unknown> = { teams: claims.teams, roles: claims.roles };
  if (claims.email) payload.email = claims.email;
  return new SignJWT(payload)
    .setProtectedHeader({ alg: "EdDSA", typ: "JWT", ...(privateJwk.kid ? { kid: privateJwk.kid } : {}) })
    .setIssuer(DEV_ISSUER)
    .setAudience(DEV_AUDIENCE)
    .setSubject(claims.sub)
    .setIssuedAt(iat)
    .setExpirationTime(iat + claims.ttl)
    .setJti(crypto.randomUUID())
    .sign(key);
}

export const isRole = (r: string): r is Role => (ROLES as readonly string[]).includes(r);

/** Loopback hosts the development issuer may be trusted on without CUSTOS_DEV_ISSUER=1. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h);
}

export type DevIssuerTrust = { trusted: false; reason: string } | { trusted: true; warning: string };

/** Listed in identity.yaml AND (listening on loopback OR explicitly enabled). */
export function devIssuerTrust(listed: boolean, host: string | undefined, explicit: boolean): DevIssuerTrust {
  if (!listed) return { trusted: false, reason: "identity.yaml does not list the development issuer" };
  if (explicit) return { trusted: true, warning: "the development token issuer is trusted because CUSTOS_DEV_ISSUER=1; do not use this in production" };
  if (host !== undefined && isLoopbackHost(host)) return { trusted: true, warning: "the development token issuer (custos token) is trusted on this loopback listener" };
  return { trusted: false, reason: `the development issuer is listed but the server listens on ${host ?? "a non-loopback address"}; set CUSTOS_DEV_ISSUER=1 to trust it anyway` };
}

async function thumbprintId(jwk: JWK): Promise<string> {
  const input = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x });
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(input));
  return btoa(String.fromCharCode(...new Uint8Array(digest))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "").slice(0, 16);
}
