// Verifies a bearer credential and turns it into a Principal. The skeleton trusts the
// development issuer only; the identity issue adds SSO issuers and API keys here.
import { errors as joseErrors, importJWK, jwtVerify, type JWK, type KeyObject } from "jose";
import { DEV_AUDIENCE, DEV_ISSUER } from "../config/identity.ts";
import { CustosError } from "../errors/errors.ts";
import { err, ok, type Result } from "../errors/result.ts";
import { isRole } from "./dev-issuer.ts";
import type { Principal } from "./principal.ts";

export interface Verifier {
  verify(token: string): Promise<Result<Principal, CustosError>>;
}

const fail = (message: string, detail?: string) =>
  err(new CustosError("authentication_failed", message, detail === undefined ? {} : { detail }));

export async function devIssuerVerifier(publicJwk: JWK, clockSkewSeconds: number): Promise<Verifier> {
  const key = (await importJWK(publicJwk, "EdDSA")) as CryptoKey | KeyObject;
  return {
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, key, {
          issuer: DEV_ISSUER,
          audience: DEV_AUDIENCE,
          algorithms: ["EdDSA"],
          clockTolerance: clockSkewSeconds,
          requiredClaims: ["sub", "exp", "iat"],
        });
        const teams = Array.isArray(payload.teams) ? payload.teams.filter((t): t is string => typeof t === "string") : [];
        const roles = Array.isArray(payload.roles) ? payload.roles.filter((r): r is string => typeof r === "string").filter(isRole) : [];
        return ok({
          kind: "user",
          subject: payload.sub!,
          issuer: DEV_ISSUER,
          ...(typeof payload.email === "string" ? { email: payload.email } : {}),
          teams,
          roles: roles.length > 0 ? roles : ["user"],
        });
      } catch (e) {
        if (e instanceof joseErrors.JWTExpired) return fail("The bearer token has expired.", e.code);
        if (e instanceof joseErrors.JWTClaimValidationFailed) return fail(`The bearer token's '${e.claim}' claim is not accepted.`, e.code);
        if (e instanceof joseErrors.JOSEError) return fail("The bearer token is not valid for this server.", e.code);
        throw e;
      }
    },
  };
}

/** No issuer is trusted: every credential is refused with a message that says why. */
export const noVerifier = (why: string): Verifier => ({
  verify: async () => fail(`No identity issuer is trusted by this server (${why}).`),
});
