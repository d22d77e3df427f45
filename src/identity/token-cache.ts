// Verified tokens, kept by their SHA-256 until they expire, so a repeat call costs a
// hash and a map lookup instead of a signature check. Bounded: the oldest entry goes
// first when it is full.
import { webHashing, type Hashing } from "../crypto/hashing.ts";
import type { Principal } from "./principal.ts";

export interface CachedPrincipal {
  principal: Principal;
  /** Epoch ms after which the token is no longer accepted. */
  expiresAt: number;
}

export class TokenCache {
  private readonly entries = new Map<string, CachedPrincipal>();
  constructor(private readonly max: number) {}

  get(key: string, now: number): Principal | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.expiresAt <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return e.principal;
  }

  set(key: string, value: CachedPrincipal): void {
    if (this.max === 0) return;
    if (this.entries.size >= this.max) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, value);
  }

  get size(): number {
    return this.entries.size;
  }
}

export async function tokenKey(token: string, hashing: Hashing = webHashing): Promise<string> {
  const d = await hashing.sha256(token);
  let s = "";
  for (const b of d) s += String.fromCharCode(b);
  return s; // 32 raw chars: a compact map key
}
