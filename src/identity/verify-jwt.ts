// Bearer JWTs: pick the trusted issuer by the token's `iss`, verify with that issuer's
// rules, and keep the result until the token expires. The development issuer is one
// more issuer, present only where it is trusted.
import { decodeJwt, errors as joseErrors, importJWK, jwtVerify, type JWK, type KeyObject } from "jose";
import { DEV_AUDIENCE, DEV_ISSUER } from "../config/identity.ts";
import type { CustosError } from "../errors/errors.ts";
import { err, ok, type Result } from "../errors/result.ts";
import { isRole } from "./dev-issuer.ts";
import { authError, joseFailure, tokenFacts, type IssuerVerifier, type VerifiedToken } from "./oidc-issuer.ts";
import type { Principal } from "./principal.ts";
import { TokenCache, tokenKey } from "./token-cache.ts";
import type { Hashing } from "../crypto/hashing.ts";

export interface Verifier {
  verify(token: string): Promise<Result<Principal, CustosError>>;
}

export async function devIssuerVerifier(publicJwk: JWK, clockSkewSeconds: number): Promise<IssuerVerifier> {
  const key = (await importJWK(publicJwk, "EdDSA")) as CryptoKey | KeyObject;
  return {
    issuer: DEV_ISSUER,
    name: "dev",
    async verify(token): Promise<Result<VerifiedToken, CustosError>> {
      try {
        const { payload, protectedHeader } = await jwtVerify(token, key, {
          issuer: DEV_ISSUER,
          audience: DEV_AUDIENCE,
          algorithms: ["EdDSA"],
          clockTolerance: clockSkewSeconds,
          requiredClaims: ["sub", "exp", "iat"],
        });
        const teams = Array.isArray(payload.teams) ? payload.teams.filter((t): t is string => typeof t === "string") : [];
        const roles = Array.isArray(payload.roles) ? payload.roles.filter((r): r is string => typeof r === "string").filter(isRole) : [];
        return ok({
          principal: {
            kind: "user",
            credential: "dev",
            subject: payload.sub!,
            issuer: DEV_ISSUER,
            issuerName: "dev",
            ...(typeof payload.email === "string" ? { email: payload.email } : {}),
            teams,
            roles: roles.length > 0 ? roles : ["user"],
            ...(typeof payload.jti === "string" ? { tokenId: payload.jti } : {}),
            token: tokenFacts(protectedHeader, payload),
          },
          expiresAt: payload.exp! * 1000 + clockSkewSeconds * 1000,
        });
      } catch (e) {
        if (e instanceof joseErrors.JOSEError) return err(joseFailure(e, "dev"));
        throw e;
      }
    },
  };
}

export interface JwtVerifierOptions {
  issuers: readonly IssuerVerifier[];
  cacheSize: number;
  now?: () => number;
  /** Why nothing is trusted, when `issuers` is empty (said to callers). */
  noIssuerReason?: string;
  hashing?: Hashing;
}

export function jwtVerifier(opts: JwtVerifierOptions): Verifier {
  const byIssuer = new Map(opts.issuers.map((i) => [i.issuer, i]));
  const cache = new TokenCache(opts.cacheSize);
  const now = opts.now ?? Date.now;
  return {
    async verify(token) {
      const key = await tokenKey(token, opts.hashing);
      const hit = cache.get(key, now());
      if (hit) return ok(hit);
      if (byIssuer.size === 0) return err(authError(`No identity issuer is trusted by this server (${opts.noIssuerReason ?? "none configured"}).`));
      let iss: unknown;
      try {
        iss = decodeJwt(token).iss;
      } catch {
        return err(authError("The bearer credential is not a valid JWT.", "not a JWT"));
      }
      const issuer = typeof iss === "string" ? byIssuer.get(iss) : undefined;
      // The detail is the aggregation key of authentication failures: a fixed text, never the token's own (attacker-chosen) iss.
      if (!issuer) return err(authError("The token's issuer is not trusted by this server.", typeof iss === "string" ? "untrusted iss" : "no iss"));
      const r = await issuer.verify(token);
      if (!r.ok) return r;
      cache.set(key, r.value);
      return ok(r.value.principal);
    },
  };
}

/** No issuer is trusted: every credential is refused with a message that says why. */
export const noVerifier = (why: string): Verifier => jwtVerifier({ issuers: [], cacheSize: 0, noIssuerReason: why });
