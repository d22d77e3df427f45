// Subject pseudonyms. Records carry a random pseudonym, never the subject, its email or a
// keyed hash of it (whoever held the key could re-link a person's history after erasure).
// The mapping (issuer, subject) → pseudonym lives in keys.subject, found by a lookup HMAC
// under a key derived from CUSTOS_KEK; erasure deletes the row, and the person's past
// events can never be tied to them again (a later call gets a new pseudonym).
import { base64url, webHashing, type Hashing } from "../crypto/hashing.ts";
import type { AuditStore } from "../storage/audit-types.ts";

/** `email`, when the token carries one, is recorded as an alias so a data-subject request by email finds the pseudonym. */
export type Pseudonymizer = ((issuer: string, subject: string, email?: string) => Promise<string>) & {
  /**
   * A random stand-in while the mapping table cannot be read (fail_open only): the same for
   * this person on this instance for a minute, recorded as provisional, never stored. Calls
   * made under it cannot be found by a later subject look-up — the price of not keeping a
   * derivable pseudonym.
   */
  provisional(issuer: string, subject: string): string;
};

/** KEK bytes from CUSTOS_KEK: 32 bytes as base64url/base64 (43–44 chars) or hex (64 chars). */
export function parseKek(text: string): Uint8Array {
  const t = text.trim();
  let bytes: Uint8Array | undefined;
  if (/^[0-9a-fA-F]{64}$/.test(t)) bytes = Uint8Array.from(t.match(/../g)!, (h) => parseInt(h, 16));
  else if (/^[A-Za-z0-9+/_-]{43}=?$/.test(t)) {
    const b = atob(t.replace(/-/g, "+").replace(/_/g, "/").replace(/=?$/, "="));
    bytes = Uint8Array.from(b, (c) => c.charCodeAt(0));
  }
  if (!bytes || bytes.length !== 32) throw new Error("CUSTOS_KEK must be 32 random bytes, as base64url (43 characters) or hex (64 characters)");
  return bytes;
}

/** A key derived from the KEK for one purpose (HKDF-SHA-256, info names the purpose). */
export async function deriveKey(kek: Uint8Array, info: string): Promise<Uint8Array> {
  const ikm = await crypto.subtle.importKey("raw", kek as Uint8Array<ArrayBuffer>, "HKDF", false, ["deriveBits"]);
  return new Uint8Array(await crypto.subtle.deriveBits({ name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: new TextEncoder().encode(info) }, ikm, 256));
}

/** Mappings are cached this long, so an erasure on one instance reaches every other within it. */
const CACHE_TTL_MS = 5_000;
const CACHE_SIZE = 10_000;

export interface SubjectLookup {
  /** The lookup hash of (issuer, subject) in keys.subject. */
  lookup(issuer: string, subject: string): Promise<Uint8Array>;
  /** The lookup hash of an email address in keys.alias (case-insensitive). */
  email(address: string): Promise<Uint8Array>;
}

export async function subjectLookup(kek: Uint8Array, hashing: Hashing = webHashing): Promise<SubjectLookup> {
  const key = await deriveKey(kek, "custos/subject-lookup/v1");
  return {
    lookup: async (issuer, subject) => new Uint8Array(await hashing.hmacSha256(key, `${issuer}\n${subject}`)),
    email: async (address) => new Uint8Array(await hashing.hmacSha256(key, `email\n${address.trim().toLowerCase()}`)),
  };
}

/**
 * Pseudonyms with a cache shared by every use: bind it to a store per use (on Workers each
 * request has its own connection; the cache lives as long as the isolate).
 */
export async function pseudonyms(kek: Uint8Array, opts: { hashing?: Hashing; now?: () => number } = {}): Promise<(store: AuditStore) => Pseudonymizer> {
  const lookups = await subjectLookup(kek, opts.hashing);
  const now = opts.now ?? Date.now;
  const cache = new Map<string, { pseudonym: string; until: number }>();
  const stand = new Map<string, { pseudonym: string; until: number }>();
  const provisional = (issuer: string, subject: string): string => {
    const input = `${issuer}\n${subject}`;
    const hit = stand.get(input);
    if (hit && hit.until > now()) return hit.pseudonym;
    const p = base64url(crypto.getRandomValues(new Uint8Array(16)));
    if (stand.size >= CACHE_SIZE) stand.clear();
    stand.set(input, { pseudonym: p, until: now() + 60_000 });
    return p;
  };
  return (store) => Object.assign(async (issuer: string, subject: string, email?: string) => {
    const input = `${issuer}\n${subject}`;
    const hit = cache.get(input);
    if (hit !== undefined && hit.until > now()) return hit.pseudonym;
    const fresh = base64url(crypto.getRandomValues(new Uint8Array(16)));
    const pseudonym = await store.pseudonym(await lookups.lookup(issuer, subject), fresh);
    if (email !== undefined && email !== "") await store.addAlias(await lookups.email(email), pseudonym);
    cache.delete(input);
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
    cache.set(input, { pseudonym, until: now() + CACHE_TTL_MS });
    return pseudonym;
  }, { provisional });
}
