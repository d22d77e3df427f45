// A bundle written to memory: each file's bytes handed over when it closes, with the
// SHA-256 and length its manifest entry needs. The console's export (one download) and
// verification where there is no file system both keep bundles this way.
import { concatBytes } from "../bytes.ts";
import { hex } from "../crypto/hashing.ts";
import type { BundleSink } from "./export.ts";
import type { Sha256 } from "./merkle.ts";

export function memoryBundleSink(sha: Sha256, onFile: (path: string, bytes: Uint8Array) => void): BundleSink {
  const utf8 = new TextEncoder();
  return {
    open(path) {
      const parts: Uint8Array[] = [];
      return {
        async write(text) {
          if (text.length > 0) parts.push(utf8.encode(text));
        },
        async close() {
          const bytes = concatBytes(parts);
          onFile(path, bytes);
          return { sha256: hex(sha(bytes)), bytes: bytes.length };
        },
      };
    },
  };
}
