// One trusted SSO issuer: finds its keys (OIDC discovery or an explicit jwks_uri),
// verifies its tokens with jose, and maps its claims to a Principal. Keys are fetched
// through jose's remote key set (its cooldown stops refetch storms from forged kids);
// when the IdP is unreachable, the last keys fetched keep working.
import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey, type RemoteJWKSet } from "jose";
import { DEFAULT_ALGORITHMS, type IssuerConfig } from "../config/identity.ts";
import { CustosError } from "../errors/errors.ts";
import { err, ok, type Result } from "../errors/result.ts";
import type { Logger } from "../telemetry/logger.ts";
import { stringClaim, stringList, claimAt } from "./claims.ts";
import { groupMapper, type GroupMapper } from "./mapping.ts";
import type { Principal, TokenFacts } from "./principal.ts";

export interface VerifiedToken {
  principal: Principal;
  /** exp, epoch ms. */
  expiresAt: number;
}

export interface IssuerVerifier {
  readonly issuer: string;
  readonly name: string;
  verify(token: string): Promise<Result<VerifiedToken, CustosError>>;
}

/** After a failed discovery or key fetch, wait this long before asking the IdP again. */
const RETRY_AFTER_FAILURE_MS = 10_000;

export const authError = (message: string, detail?: string) => new CustosError("authentication_failed", message, detail === undefined ? {} : { detail });

const ACCEPTED_TYP = new Set(["jwt", "at+jwt"]);
const normTyp = (t: string) => t.toLowerCase().replace(/^application\//, "");

/** The client the token was issued to: azp (OIDC, Keycloak, Entra v2, Auth0, Google), client_id (RFC 9068), cid (Okta), appid (Entra v1). */
export function clientIdOf(claims: Record<string, unknown>): string | undefined {
  return stringClaim(claims, "azp") ?? stringClaim(claims, "client_id") ?? stringClaim(claims, "cid") ?? stringClaim(claims, "appid");
}

export function issuerName(cfg: IssuerConfig): string {
  if (cfg.name) return cfg.name;
  try {
    return new URL(cfg.issuer).host;
  } catch {
    return cfg.issuer;
  }
}

export function oidcIssuer(cfg: IssuerConfig, logger: Logger, now: () => number = Date.now): IssuerVerifier {
  const name = issuerName(cfg);
  const mapper = groupMapper(cfg.teams, cfg.roles, cfg.default_roles);
  const algorithms: string[] = cfg.algorithms ?? [...DEFAULT_ALGORITHMS, ...(cfg.hs_secret ? ["HS256"] : [])];
  const secret = cfg.hs_secret ? new TextEncoder().encode(cfg.hs_secret) : undefined;

  let remote: RemoteJWKSet | undefined;
  let keysFailedAt = 0;
  let discovering: Promise<string> | undefined;
  let discoveryFailedAt = 0;

  async function jwksUri(): Promise<string> {
    if (cfg.jwks_uri) return cfg.jwks_uri;
    if (now() - discoveryFailedAt < RETRY_AFTER_FAILURE_MS) throw new Error("discovery failed recently; waiting before retrying");
    discovering ??= discover().catch((e: unknown) => {
      discovering = undefined;
      discoveryFailedAt = now();
      throw e;
    });
    return discovering;
  }

  async function discover(): Promise<string> {
    const url = `${cfg.issuer.replace(/\/+$/, "")}/.well-known/openid-configuration`;
    const res = await fetch(url, { signal: AbortSignal.timeout(cfg.fetch_timeout_ms), redirect: "manual", headers: { accept: "application/json" } });
    if (res.status !== 200) throw new Error(`discovery at ${url} answered ${res.status}`);
    const doc = (await res.json()) as { issuer?: unknown; jwks_uri?: unknown };
    // The document must be for this very issuer (OIDC Discovery §4.3).
    if (doc.issuer !== cfg.issuer) throw new Error(`discovery document's issuer '${String(doc.issuer)}' is not '${cfg.issuer}'`);
    if (typeof doc.jwks_uri !== "string" || !URL.canParse(doc.jwks_uri)) throw new Error("discovery document has no valid jwks_uri");
    logger.info({ issuer: name, jwksUri: doc.jwks_uri }, "identity provider discovered");
    return doc.jwks_uri;
  }

  /** The remote key set, falling back to the last keys fetched when the IdP cannot be reached. */
  const keys: JWTVerifyGetKey = async (header, token) => {
    if (secret && header.alg?.startsWith("HS")) return secret;
    if (!remote) {
      remote = createRemoteJWKSet(new URL(await jwksUri()), {
        timeoutDuration: cfg.fetch_timeout_ms,
        cooldownDuration: 30_000,
        cacheMaxAge: cfg.jwks_max_age_seconds * 1000,
      });
    }
    const cached = remote.jwks();
    if (cached && !remote.fresh && now() - keysFailedAt < RETRY_AFTER_FAILURE_MS) return createLocalJWKSet(cached)(header, token);
    try {
      return await remote(header, token);
    } catch (e) {
      // Key selection failures are the token's fault; anything else (network, timeout, a non-200, garbage) is the IdP's.
      if (e instanceof errors.JWKSNoMatchingKey || e instanceof errors.JWKSMultipleMatchingKeys || e instanceof errors.JOSENotSupported) throw e;
      keysFailedAt = now();
      const stale = remote.jwks();
      if (!stale) throw e;
      logger.warn({ issuer: name, err: e instanceof Error ? e.message : String(e) }, "identity provider keys unreachable; using the keys fetched before");
      return createLocalJWKSet(stale)(header, token);
    }
  };

  return {
    issuer: cfg.issuer,
    name,
    async verify(token) {
      let payload: JWTPayload;
      let typ: string | undefined;
      let header: { alg?: string; kid?: string };
      try {
        const r = await jwtVerify(token, keys, {
          issuer: cfg.issuer,
          audience: cfg.audience,
          algorithms,
          clockTolerance: cfg.clock_skew_seconds,
          requiredClaims: ["exp", ...cfg.required_claims],
          currentDate: new Date(now()),
          ...(cfg.typ ? { typ: cfg.typ } : {}),
        });
        payload = r.payload;
        typ = r.protectedHeader.typ;
        header = r.protectedHeader;
      } catch (e) {
        return err(joseFailure(e, name));
      }
      if (!cfg.typ && typ !== undefined && !ACCEPTED_TYP.has(normTyp(typ))) return err(authError(`The token's type '${typ.slice(0, 40)}' is not an access or ID token.`, "typ"));
      if (cfg.authorized_parties) {
        const party = clientIdOf(payload as Record<string, unknown>);
        if (!party || !cfg.authorized_parties.includes(party)) return err(authError("The token was issued to a client this server does not accept (azp).", "azp"));
      }
      const principal = claimsPrincipal(cfg, name, mapper, payload);
      if (!principal.ok) return principal;
      principal.value.token = tokenFacts(header, payload);
      return ok({ principal: principal.value, expiresAt: payload.exp! * 1000 + cfg.clock_skew_seconds * 1000 });
    },
  };
}

/** The principal an issuer's claims (an access or ID token's) describe: subject, email, and teams and roles from its groups. */
export function claimsPrincipal(cfg: IssuerConfig, name: string, mapper: GroupMapper, payload: JWTPayload): Result<Principal, CustosError> {
  const claims = payload as Record<string, unknown>;
  const subject = stringClaim(claims, cfg.claims.subject);
  if (!subject) return err(authError(`The token has no '${cfg.claims.subject}' claim to identify you by.`, "missing subject"));
  const groups = cfg.claims.groups.flatMap((p) => stringList(claimAt(claims, p)));
  const email = stringClaim(claims, cfg.claims.email);
  const tenant = cfg.claims.tenant ? stringClaim(claims, cfg.claims.tenant) : undefined;
  const clientId = clientIdOf(claims);
  return ok({
    kind: "user",
    credential: "jwt",
    issuer: cfg.issuer,
    issuerName: name,
    subject,
    ...(email ? { email } : {}),
    teams: mapper.teams(groups),
    roles: mapper.roles(groups),
    ...(clientId ? { clientId } : {}),
    ...(tenant ? { tenant } : {}),
    ...(typeof payload.jti === "string" ? { tokenId: payload.jti } : {}),
  });
}

/** What the audit log records about a verified token (never the token or its signature). */
export function tokenFacts(header: { alg?: string; kid?: string }, payload: JWTPayload): TokenFacts {
  const claims = payload as Record<string, unknown>;
  const short = (v: unknown) => (typeof v === "string" ? v.slice(0, 128) : undefined);
  const aud = typeof payload.aud === "string" ? [payload.aud] : Array.isArray(payload.aud) ? payload.aud : undefined;
  const amr = Array.isArray(claims.amr) ? claims.amr.filter((m): m is string => typeof m === "string").slice(0, 16) : undefined;
  const f: TokenFacts = { alg: short(header.alg) ?? "unknown" };
  if (header.kid !== undefined) f.kid = short(header.kid)!;
  if (aud) f.aud = aud.slice(0, 8).map((a) => a.slice(0, 256));
  if (amr && amr.length > 0) f.amr = amr.map((m) => m.slice(0, 32));
  const acr = short(claims.acr);
  if (acr !== undefined) f.acr = acr;
  return f;
}

/** jose's errors as messages a person can act on; never the token itself. */
export function joseFailure(e: unknown, issuer: string): CustosError {
  if (e instanceof errors.JWTExpired) return authError("The token has expired.", e.code);
  if (e instanceof errors.JWTClaimValidationFailed) {
    if (e.claim === "nbf" || e.claim === "iat") return authError("The token is not valid yet.", `${e.code} ${e.claim}`);
    if (e.claim === "aud") return authError("The token was issued for another audience.", `${e.code} aud`);
    if (e.claim === "iss") return authError("The token's issuer is not trusted here.", `${e.code} iss`);
    if (e.claim === "typ") return authError("The token's type is not accepted.", `${e.code} typ`);
    return authError(`The token lacks or has an invalid '${e.claim}' claim.`, `${e.code} ${e.claim}`);
  }
  if (e instanceof errors.JOSEAlgNotAllowed) return authError(`The token's signing algorithm is not accepted for issuer '${issuer}'.`, e.code);
  if (e instanceof errors.JWSSignatureVerificationFailed) return authError("The token's signature does not verify.", e.code);
  if (e instanceof errors.JWKSNoMatchingKey || e instanceof errors.JWKSMultipleMatchingKeys) return authError(`The token was signed with a key issuer '${issuer}' does not publish.`, e.code);
  if (e instanceof errors.JWKSTimeout) return authError(`The keys of issuer '${issuer}' could not be fetched in time; try again shortly.`, e.code);
  // A key set that is not JSON, not a key set, or not a 200: the identity provider's fault, not the token's.
  if (e instanceof errors.JWKSInvalid || (e instanceof errors.JOSEError && e.code === "ERR_JOSE_GENERIC")) {
    return authError(`The keys of issuer '${issuer}' could not be fetched; try again shortly.`, `${e.code}: ${e.message}`);
  }
  if (e instanceof errors.JWTInvalid || e instanceof errors.JWSInvalid || e instanceof errors.JOSENotSupported) return authError("The bearer credential is not a valid JWT.", e.code);
  if (e instanceof errors.JOSEError) return authError(`The token could not be verified against issuer '${issuer}'.`, e.code);
  return authError(`The keys of issuer '${issuer}' could not be fetched; try again shortly.`, e instanceof Error ? `${e.name}: ${e.message}` : String(e));
}
