// Console sign-in with the organisation's SSO: the OIDC authorization code flow with PKCE
// (openid-client), against any issuer in identity.yaml that has a `console` client. The
// state, nonce and code verifier wait in console_logins under the state's hash and are
// taken once, so a replayed or forged callback finds nothing. The ID token's claims go
// through the same claim paths and group rules as the issuer's API tokens.
import * as client from "openid-client";
import type { IssuerConfig } from "../config/identity.ts";
import { hex } from "../crypto/hashing.ts";
import type { Deps } from "../deps.ts";
import { CustosError } from "../errors/errors.ts";
import { err, ok, type Result } from "../errors/result.ts";
import { isLoopbackHost } from "../identity/dev-issuer.ts";
import { groupMapper } from "../identity/mapping.ts";
import { claimsPrincipal, issuerName } from "../identity/oidc-issuer.ts";
import type { SignedIn } from "./session.ts";

/** client_secret_basic is OIDC's default for confidential clients; some IdPs register client_secret_post. */
function clientAuth(secret: string, method: "client_secret_basic" | "client_secret_post"): client.ClientAuth {
  return method === "client_secret_post" ? client.ClientSecretPost(secret) : client.ClientSecretBasic(secret);
}

/** A sign-in may take this long at the IdP. */
const FLOW_TTL_MS = 10 * 60_000;

export interface ConsoleIssuer {
  name: string;
  label: string;
  cfg: IssuerConfig;
}

/** The issuers the console offers, in identity.yaml's order. */
export function consoleIssuers(issuers: readonly IssuerConfig[]): ConsoleIssuer[] {
  return issuers.filter((i) => i.issuer !== "" && i.console && i.console.client_id !== "").map((cfg) => ({ name: issuerName(cfg), label: cfg.console!.label ?? issuerName(cfg), cfg }));
}

interface Flow {
  issuer: string;
  verifier: string;
  nonce: string;
  redirect: string;
  returnTo: string;
}

type FlowDeps = Pick<Deps, "storage" | "clock" | "sha256" | "logger">;

export interface OidcSignIn {
  /** The IdP's authorization URL for a new sign-in. */
  begin(issuer: ConsoleIssuer, callbackUrl: string, returnTo: string): Promise<URL>;
  /** Completes a sign-in from the callback URL the IdP redirected to. */
  finish(callback: URL): Promise<Result<{ who: SignedIn; returnTo: string }, CustosError>>;
}

export function oidcSignIn(deps: FlowDeps, issuers: readonly ConsoleIssuer[]): OidcSignIn {
  // Discovery results per issuer, for this app's lifetime (openid-client refreshes keys itself).
  const configs = new Map<string, Promise<client.Configuration>>();
  const stateKey = (state: string) => hex(deps.sha256(new TextEncoder().encode(`oidc:${state}`)));

  function configFor(i: ConsoleIssuer): Promise<client.Configuration> {
    let p = configs.get(i.name);
    if (!p) {
      const url = new URL(i.cfg.issuer);
      const c = i.cfg.console!;
      // Plain http only for an IdP on this machine (development and tests).
      const insecure = url.protocol === "http:" && isLoopbackHost(url.hostname);
      p = client.discovery(url, c.client_id, c.client_secret, c.client_secret ? clientAuth(c.client_secret, c.token_auth) : client.None(), {
        ...(insecure ? { execute: [client.allowInsecureRequests] } : {}),
        timeout: Math.ceil(i.cfg.fetch_timeout_ms / 1000),
      });
      p.catch(() => configs.delete(i.name));
      configs.set(i.name, p);
    }
    return p;
  }

  return {
    async begin(issuer, callbackUrl, returnTo) {
      const config = await configFor(issuer);
      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const nonce = client.randomNonce();
      const redirect = issuer.cfg.console!.redirect_url ?? callbackUrl;
      const flow: Flow = { issuer: issuer.name, verifier, nonce, redirect, returnTo };
      await deps.storage.console.putLogin(stateKey(state), "oidc", flow, new Date(deps.clock.now() + FLOW_TTL_MS));
      return client.buildAuthorizationUrl(config, {
        redirect_uri: redirect,
        scope: issuer.cfg.console!.scopes.join(" "),
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: "S256",
        state,
        nonce,
      });
    },

    async finish(callback) {
      const state = callback.searchParams.get("state");
      if (!state || state.length > 512) return err(new CustosError("authentication_failed", "The sign-in response has no state: start the sign-in again."));
      const flow = (await deps.storage.console.takeLogin(stateKey(state), "oidc", new Date(deps.clock.now()))) as Flow | undefined;
      if (!flow) return err(new CustosError("authentication_failed", "This sign-in is unknown, already used or expired: start the sign-in again."));
      const issuer = issuers.find((i) => i.name === flow.issuer);
      if (!issuer) return err(new CustosError("authentication_failed", "The issuer of this sign-in is no longer configured."));
      const idpError = callback.searchParams.get("error");
      if (idpError) return err(new CustosError("authentication_failed", `The identity provider refused the sign-in (${idpError.slice(0, 64)}).`));
      let claims: Record<string, unknown> | undefined;
      try {
        const config = await configFor(issuer);
        // The IdP redirected to `flow.redirect`; compare against it, not the URL this server saw (proxies).
        const current = new URL(flow.redirect);
        current.search = callback.search;
        const tokens = await client.authorizationCodeGrant(config, current, { pkceCodeVerifier: flow.verifier, expectedState: state, expectedNonce: flow.nonce, idTokenExpected: true });
        claims = tokens.claims() as Record<string, unknown> | undefined;
      } catch (e) {
        deps.logger.warn({ issuer: issuer.name, err: e instanceof Error ? e.message.slice(0, 200) : "unknown" }, "console sign-in failed at the token endpoint");
        return err(new CustosError("authentication_failed", "The identity provider did not confirm the sign-in."));
      }
      if (!claims) return err(new CustosError("authentication_failed", "The identity provider returned no ID token."));
      const p = claimsPrincipal(issuer.cfg, issuer.name, groupMapper(issuer.cfg.teams, issuer.cfg.roles, issuer.cfg.default_roles), claims);
      if (!p.ok) return p;
      const v = p.value;
      return ok({ who: { issuer: v.issuer, issuerName: v.issuerName, subject: v.subject, ...(v.email ? { email: v.email } : {}), teams: v.teams, roles: v.roles, method: `oidc:${issuer.name}` }, returnTo: flow.returnTo });
    },
  };
}
