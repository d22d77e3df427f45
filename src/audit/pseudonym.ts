// Subject pseudonyms (audit spec R8): base64url(HMAC-SHA-256(K_pseudo, iss ‖ 0x0A ‖ sub)).
// Records carry the pseudonym, never the raw subject or email. K_pseudo is derived from
// the key-encryption key (HKDF, versioned), so it never leaves the server.
import { base64url, webHashing, type Hashing } from "../crypto/hashing.ts";

export const PSEUDONYM_VERSION = 1;

export type Pseudonymizer = (issuer: string, subject: string) => Promise<string>;

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

/** Pseudonyms of recent callers are kept (callers repeat; the HMAC need not). */
const CACHE_SIZE = 10_000;

export async function pseudonymizer(kek: Uint8Array, opts: { hashing?: Hashing; version?: number } = {}): Promise<Pseudonymizer> {
  const hashing = opts.hashing ?? webHashing;
  const version = opts.version ?? PSEUDONYM_VERSION;
  const ikm = await crypto.subtle.importKey("raw", kek as Uint8Array<ArrayBuffer>, "HKDF", false, ["deriveBits"]);
  const key = new Uint8Array(
    await crypto.subtle.deriveBits({ name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: new TextEncoder().encode(`custos/pseudonym/v${version}`) }, ikm, 256),
  );
  const cache = new Map<string, string>();
  return async (issuer, subject) => {
    const input = `${issuer}\n${subject}`;
    const hit = cache.get(input);
    if (hit !== undefined) return hit;
    const p = base64url(await hashing.hmacSha256(key, input));
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
    cache.set(input, p);
    return p;
  };
}
