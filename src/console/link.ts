// One-time console sign-in links from the development issuer (`custos console-link`):
// a short-lived JWT for the audience "custos-console" (so it is no API credential, and an
// API token is no link), honoured only where the server trusts the development issuer
// (loopback), and only once: its jti is recorded on first use.
import { importJWK, jwtVerify, SignJWT, type JWK } from "jose";
import { DEV_ISSUER } from "../config/identity.ts";
import { hex } from "../crypto/hashing.ts";
import type { Deps } from "../deps.ts";
import { CustosError } from "../errors/errors.ts";
import { err, ok, type Result } from "../errors/result.ts";
import { isRole } from "../identity/dev-issuer.ts";
import type { Role } from "../identity/principal.ts";
import type { SignedIn } from "./session.ts";

export const CONSOLE_LINK_AUDIENCE = "custos-console";
export const CONSOLE_LINK_TTL_SECONDS = 300;

export async function mintConsoleLinkToken(privateJwk: JWK, o: { sub: string; roles: Role[]; teams: string[]; email?: string; ttl?: number }, now = Date.now()): Promise<string> {
  const iat = Math.floor(now / 1000);
  return new SignJWT({ roles: o.roles, teams: o.teams, ...(o.email ? { email: o.email } : {}) })
    .setProtectedHeader({ alg: "EdDSA", typ: "JWT", ...(privateJwk.kid ? { kid: privateJwk.kid } : {}) })
    .setIssuer(DEV_ISSUER)
    .setAudience(CONSOLE_LINK_AUDIENCE)
    .setSubject(o.sub)
    .setIssuedAt(iat)
    .setExpirationTime(iat + (o.ttl ?? CONSOLE_LINK_TTL_SECONDS))
    .setJti(crypto.randomUUID())
    .sign(await importJWK(privateJwk, "EdDSA"));
}

/** Checks a link's token and spends it. */
export async function redeemConsoleLink(deps: Pick<Deps, "devIssuerKey" | "storage" | "clock" | "sha256">, token: string): Promise<Result<SignedIn, CustosError>> {
  if (!deps.devIssuerKey) return err(new CustosError("authentication_failed", "Console links work only where this server trusts the development issuer (a loopback listener); sign in with SSO."));
  if (token.length > 4096) return err(new CustosError("authentication_failed", "This sign-in link is not valid."));
  let payload;
  try {
    ({ payload } = await jwtVerify(token, await importJWK(deps.devIssuerKey, "EdDSA"), {
      issuer: DEV_ISSUER,
      audience: CONSOLE_LINK_AUDIENCE,
      algorithms: ["EdDSA"],
      requiredClaims: ["sub", "exp", "iat", "jti"],
      currentDate: new Date(deps.clock.now()),
      maxTokenAge: CONSOLE_LINK_TTL_SECONDS + 60,
    }));
  } catch {
    return err(new CustosError("authentication_failed", "This sign-in link is not valid or has expired: print a new one with `custos console-link`."));
  }
  const fresh = await deps.storage.console.putLogin(hex(deps.sha256(new TextEncoder().encode(`link:${String(payload.jti)}`))), "link_used", {}, new Date((payload.exp! + 120) * 1000));
  if (!fresh) return err(new CustosError("authentication_failed", "This sign-in link was already used: print a new one with `custos console-link`."));
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
  return ok({
    issuer: DEV_ISSUER,
    issuerName: "dev",
    subject: payload.sub!,
    ...(typeof payload.email === "string" ? { email: payload.email } : {}),
    teams: strings(payload.teams),
    roles: strings(payload.roles).filter(isRole),
    method: "link",
  });
}
