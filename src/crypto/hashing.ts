// SHA-256 and HMAC-SHA-256 for the hot path. The Web Crypto version runs everywhere;
// on Node each subtle call is a thread-pool round trip (~0.3 ms of latency measured per
// call), so the Node runtime supplies a synchronous node:crypto version instead.
export interface Hashing {
  sha256(data: string): Uint8Array | Promise<Uint8Array>;
  hmacSha256(key: Uint8Array, data: string): Uint8Array | Promise<Uint8Array>;
}

const enc = new TextEncoder();

export const webHashing: Hashing = {
  async sha256(data) {
    return new Uint8Array(await crypto.subtle.digest("SHA-256", enc.encode(data)));
  },
  async hmacSha256(key, data) {
    const k = await crypto.subtle.importKey("raw", key as Uint8Array<ArrayBuffer>, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    return new Uint8Array(await crypto.subtle.sign("HMAC", k, enc.encode(data)));
  },
};

export const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");

export function base64url(b: Uint8Array): string {
  let s = "";
  for (const x of b) s += String.fromCharCode(x);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
