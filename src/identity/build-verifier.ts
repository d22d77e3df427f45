// The JWT verifier for a configuration: every enabled SSO issuer in identity.yaml,
// plus the development issuer when the runtime has decided to trust it.
import type { JWK } from "jose";
import type { IdentityFile } from "../config/identity.ts";
import type { Logger } from "../telemetry/logger.ts";
import { webHashing, type Hashing } from "../crypto/hashing.ts";
import { issuerName, oidcIssuer, type IssuerVerifier } from "./oidc-issuer.ts";
import { devIssuerVerifier, jwtVerifier, type Verifier } from "./verify-jwt.ts";

export async function identityVerifier(identity: IdentityFile, devPublicJwk: JWK | undefined, logger: Logger, hashing: Hashing = webHashing, now: () => number = Date.now): Promise<Verifier> {
  const issuers: IssuerVerifier[] = [];
  if (devPublicJwk) issuers.push(await devIssuerVerifier(devPublicJwk, identity.development_issuer.clock_skew_seconds));
  identity.issuers.forEach((cfg, i) => {
    if (cfg.issuer === "") {
      logger.info({ entry: i }, "identity.yaml: an issuer entry has an empty issuer (its variable is unset) and is skipped");
      return;
    }
    issuers.push(oidcIssuer(cfg, logger, now));
    logger.info({ issuer: issuerName(cfg), audience: cfg.audience }, "trusting identity issuer");
  });
  return jwtVerifier({ issuers, cacheSize: identity.token_cache_size, now, hashing, noIssuerReason: "neither an SSO issuer nor the development issuer is configured for this listener" });
}
