// Custos API keys for services: "cst_" + 43 base64url characters (256 random bits),
// recognisable by secret scanners. Only an HMAC-SHA256 of the key under a server-side
// pepper is stored. Validations are cached for a few seconds, so a revocation reaches
// every instance within 5 s, and a key validated before keeps working while the
// database is briefly unreachable.
import { batchWriter } from "../background/batch-writer.ts";
import type { Clock } from "../deps.ts";
import { base64url, hex, webHashing, type Hashing } from "../crypto/hashing.ts";
import { CustosError } from "../errors/errors.ts";
import { err, ok, type Result } from "../errors/result.ts";
import type { ApiKeyRecord, Storage } from "../storage/types.ts";
import type { Logger } from "../telemetry/logger.ts";
import type { Principal } from "./principal.ts";

export const API_KEY_PREFIX = "cst_";
const API_KEY_FORMAT = /^cst_[A-Za-z0-9_-]{43}$/;

export const looksLikeApiKey = (credential: string): boolean => credential.startsWith(API_KEY_PREFIX);
export const isApiKeyFormat = (credential: string): boolean => API_KEY_FORMAT.test(credential);

export function generateApiKey(): string {
  return API_KEY_PREFIX + base64url(crypto.getRandomValues(new Uint8Array(32)));
}

export type KeyHasher = (key: string) => Promise<string>;

/** HMAC-SHA256(pepper, key), hex. The pepper never leaves the server, so a stolen table cannot be brute-forced offline. */
export async function keyHasher(pepper: string, hashing: Hashing = webHashing): Promise<KeyHasher> {
  if (pepper.length < 16) throw new Error("the API key pepper must be at least 16 characters");
  const key = new TextEncoder().encode(pepper);
  return async (apiKey) => hex(await hashing.hmacSha256(key, apiKey));
}

export function keyPrincipal(k: Pick<ApiKeyRecord, "id" | "name" | "team">): Principal {
  return { kind: "service", credential: "api_key", issuer: "custos", issuerName: "api-key", subject: k.id, teams: [k.team], roles: ["user"], tokenId: k.id };
}

export interface ApiKeyVerifierOptions {
  /** How long a database answer is trusted (revocations reach every instance within this + one query). */
  ttlMs?: number;
  /** How long a key validated before stays usable while the database cannot be reached. */
  graceMs?: number;
  /** How often last-used times are written. */
  touchFlushMs?: number;
  maxEntries?: number;
}

interface Entry {
  record: ApiKeyRecord | undefined;
  checkedAt: number;
}

export interface ApiKeyVerifier {
  verify(key: string): Promise<Result<Principal, CustosError>>;
  /** The stored form of a key (for creating keys with the same pepper). */
  readonly hash: KeyHasher;
  /** Writes pending last-used times now. */
  flush(): Promise<void>;
}

const fail = (message: string, detail: string) => err(new CustosError("authentication_failed", message, { detail }));

export function apiKeyVerifier(
  deps: { storage: Storage; hash: KeyHasher; clock: Clock; defer: (p: Promise<unknown>) => void; logger: Logger },
  opts: ApiKeyVerifierOptions = {},
): ApiKeyVerifier {
  const ttl = opts.ttlMs ?? 4000;
  const grace = opts.graceMs ?? 60_000;
  const touchEvery = opts.touchFlushMs ?? 5000;
  const max = opts.maxEntries ?? 10_000;
  const cache = new Map<string, Entry>();
  const used = new Set<string>();
  const touches = batchWriter(
    touchEvery,
    async () => {
      const ids = [...used];
      used.clear();
      try {
        await deps.storage.touchApiKeys(ids, new Date(deps.clock.now()));
      } catch (e) {
        deps.logger.warn({ err: e instanceof Error ? e.message : String(e), keys: ids.length }, "could not record API key last-used times");
      }
    },
    () => used.size > 0,
    deps.defer,
  );

  function remember(hash: string, entry: Entry) {
    if (cache.size >= max && !cache.has(hash)) {
      const oldest = cache.keys().next().value;
      if (oldest !== undefined) cache.delete(oldest);
    }
    cache.set(hash, entry);
  }

  function judge(record: ApiKeyRecord | undefined, now: number): Result<Principal, CustosError> {
    if (!record) return fail("The API key is not known to this server.", "unknown api key");
    if (record.revokedAt && record.revokedAt.getTime() <= now) return fail("The API key has been revoked.", "revoked api key");
    if (record.expiresAt && record.expiresAt.getTime() <= now) return fail("The API key has expired.", "expired api key");
    used.add(record.id);
    touches.schedule();
    return ok(keyPrincipal(record));
  }

  return {
    hash: deps.hash,
    async verify(key) {
      if (!isApiKeyFormat(key)) return fail("The API key is malformed (expected cst_ followed by 43 characters).", "malformed api key");
      const hash = await deps.hash(key);
      const now = deps.clock.now();
      const cached = cache.get(hash);
      if (cached && now - cached.checkedAt < ttl) return judge(cached.record, now);
      let record: ApiKeyRecord | undefined;
      try {
        record = await deps.storage.apiKeyByHash(hash);
      } catch (e) {
        if (cached?.record && now - cached.checkedAt < grace) {
          deps.logger.warn({ err: e instanceof Error ? e.message : String(e) }, "API key store unreachable; using a recent validation");
          return judge(cached.record, now);
        }
        return err(new CustosError("unavailable", "API keys cannot be checked right now; try again shortly.", { detail: e instanceof Error ? e.message : String(e) }));
      }
      remember(hash, { record, checkedAt: now });
      return judge(record, now);
    },
    flush: () => touches.flush(),
  };
}
