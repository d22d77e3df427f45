// The trust file an auditor verifies against: the log's origin, its pinned public key(s)
// and where the outside anchor is. Verify never takes a key or a checkpoint from the
// database or a bundle alone.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import type { PublicJwk } from "../../audit/checkpoint.ts";
import { anchorPath, readAnchorFile } from "../../runtime/node-anchor.ts";
import type { Trust } from "../../audit/verify-bundle.ts";

export const TRUST_FORMAT = "custos-audit-trust/1";

const TrustFile = z
  .object({
    format: z.literal(TRUST_FORMAT),
    origin: z.string().min(1),
    keys: z.array(z.object({ kty: z.literal("OKP"), crv: z.literal("Ed25519"), x: z.string(), kid: z.string().optional() }).loose()).min(1),
    anchor: z.object({ kind: z.literal("file"), path: z.string().min(1) }).strict(),
  })
  .strict();

export function trustFileText(origin: string, keys: PublicJwk[], anchorDir: string): string {
  return `${JSON.stringify({ format: TRUST_FORMAT, origin, keys, anchor: { kind: "file", path: anchorPath(anchorDir, origin) } }, null, 2)}\n`;
}

/** The trust file with its anchor read; a string says why it cannot be used. */
export async function loadTrust(file: string): Promise<{ trust: Trust; anchorFile: string; anchorProblems: string[] } | string> {
  let parsed: z.infer<typeof TrustFile>;
  try {
    const r = TrustFile.safeParse(JSON.parse(await readFile(file, "utf8")));
    if (!r.success) return `${file}: ${r.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")}`;
    parsed = r.data;
  } catch (e) {
    return `${file}: ${(e as Error).message}`;
  }
  const anchorFile = path.resolve(path.dirname(file), parsed.anchor.path);
  let anchored;
  try {
    anchored = await readAnchorFile(anchorFile);
  } catch (e) {
    return `the anchor ${anchorFile} cannot be read: ${(e as Error).message}`;
  }
  // The private part must never be in a trust file; strip anything but the public key.
  const keys = parsed.keys.map((k) => ({ kty: k.kty, crv: k.crv, x: k.x }));
  return { trust: { origin: parsed.origin, keys, anchored: anchored.checkpoints }, anchorFile, anchorProblems: anchored.problems.map((p) => `line ${p.line}: ${p.why}`) };
}
