// Content per audit level (R7): nothing; a SHA-256 of each part; or each part as a JWE
// (dir / A256GCM) under a data key per (subject, month). Data keys are stored wrapped
// (AES-KW) by a key derived from CUSTOS_KEK, in keys.dek, apart from the log; erasure
// destroys them, after which the commitments in the log still verify but reveal nothing.
import { compactDecrypt, CompactEncrypt, decodeProtectedHeader } from "jose";
import { base64url } from "../crypto/hashing.ts";
import type { AuditStore } from "../storage/audit-types.ts";
import type { Sha256 } from "./merkle.ts";
import { deriveKey } from "./pseudonym.ts";
import { addPeriod, monthStart, type RetentionClass } from "./retention.ts";

export type ContentLevel = "none" | "hashes" | "encrypted";

/** What an entry says about one part (input, output): its size and, by level, a hash or a commitment to its JWE. */
export type PartFacts = { bytes: number; sha256?: string; commit?: string; kid?: string };

export interface Sealed {
  facts: PartFacts;
  /** The JWE to store in audit.content (encrypted level only). */
  jwe?: string;
}

export interface ContentSealer {
  /** `cls`: the record's retention class; its content period sets when the data key is destroyed. */
  seal(level: ContentLevel, pseudonym: string, at: number, data: Uint8Array, cls?: RetentionClass): Promise<Sealed>;
  /** The plaintext of a stored JWE, or undefined when its key was destroyed (erasure). */
  open(jwe: string): Promise<Uint8Array | undefined>;
}

const DEK_CACHE_MS = 60_000;

/** A sealer factory with a key cache shared by every use: bind it to a store per use (Workers: per request). */
export async function contentSealers(kek: Uint8Array, sha: Sha256): Promise<(store: AuditStore) => ContentSealer> {
  const wrapping = await crypto.subtle.importKey("raw", (await deriveKey(kek, "custos/dek-wrap/v1")) as Uint8Array<ArrayBuffer>, "AES-KW", false, ["wrapKey", "unwrapKey"]);
  const cache = new Map<string, { kid: string; key: CryptoKey; until: number }>();

  const unwrap = (wrapped: Uint8Array) => crypto.subtle.unwrapKey("raw", wrapped as Uint8Array<ArrayBuffer>, wrapping, "AES-KW", "AES-GCM", false, ["encrypt", "decrypt"]);

  async function dekFor(store: () => AuditStore, pseudonym: string, at: number, cls: RetentionClass | undefined): Promise<{ kid: string; key: CryptoKey }> {
    // One key per subject, month and class: a class's content expires as a whole, by destroying its keys.
    const month = monthStart(at);
    const period = new Date(at).toISOString().slice(0, 7) + (cls ? `/${cls.name}` : "");
    const id = `${pseudonym}/${period}`;
    const hit = cache.get(id);
    if (hit && hit.until > Date.now()) return hit;
    let row = await store().dek(pseudonym, period);
    if (!row) {
      const fresh = (await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, true, ["encrypt", "decrypt"])) as CryptoKey;
      const wrapped = new Uint8Array(await crypto.subtle.wrapKey("raw", fresh, wrapping, "AES-KW"));
      const expiry = cls ? { class: cls.name, month: new Date(month), expiresAt: new Date(addPeriod(addPeriod(month, { n: 1, unit: "months" }), cls.content)) } : {};
      row = await store().createDek({ kid: base64url(crypto.getRandomValues(new Uint8Array(16))), pseudonym, period, wrapped, ...expiry });
    }
    const entry = { kid: row.kid, key: await unwrap(row.wrapped), until: Date.now() + DEK_CACHE_MS };
    if (cache.size > 10_000) cache.clear();
    cache.set(id, entry);
    return entry;
  }

  return (bound) => {
    const store = () => bound;
    return {
      async seal(level, pseudonym, at, data, cls) {
        if (level === "none") return { facts: { bytes: data.length } };
        if (level === "hashes") return { facts: { bytes: data.length, sha256: base64url(sha(data)) } };
        const { kid, key } = await dekFor(store, pseudonym, at, cls);
        const jwe = await new CompactEncrypt(data).setProtectedHeader({ alg: "dir", enc: "A256GCM", kid }).encrypt(key);
        return { facts: { bytes: data.length, commit: base64url(sha(new TextEncoder().encode(jwe))), kid }, jwe };
      },
      async open(jwe) {
        const { kid } = decodeProtectedHeader(jwe);
        if (typeof kid !== "string") return undefined;
        const row = await store().dekByKid(kid);
        if (!row) return undefined;
        const { plaintext } = await compactDecrypt(jwe, await unwrap(row.wrapped));
        return plaintext;
      },
    };
  };
}
