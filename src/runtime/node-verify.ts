// Verifying the log from the running Node server (/api/audit/verify, the console's "Run
// verify"): the trust is what `custos audit trust` would write for this server — its own
// public key and the file anchor outside the database, read afresh each time — and the
// bundle is staged in a temporary directory, so memory stays bounded whatever the log's size.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { PublicJwk } from "../audit/checkpoint.ts";
import type { LogVerification, Scratch } from "../audit/verify-database.ts";
import { anchorPath, readAnchorFile } from "./node-anchor.ts";
import { directoryReader, directorySink } from "./node-bundle.ts";
import { anchorDir } from "./node-files.ts";

/** A scratch space for verifying the database's log (here and in `custos audit verify`): a bundle in a new temporary directory, removed on dispose. */
export async function tempDirScratch(): Promise<Scratch> {
  const temp = await mkdtemp(path.join(tmpdir(), "custos-verify-"));
  const dir = path.join(temp, "bundle");
  return { sink: await directorySink(dir), reader: directoryReader(dir), dispose: () => rm(temp, { recursive: true, force: true }) };
}

type Env = Readonly<Record<string, string | undefined>>;

export function nodeLogVerification(o: { origin: string; publicJwk: PublicJwk; env: Env; stateDir: string }): LogVerification {
  const file = anchorPath(anchorDir(o.env, o.stateDir).dir, o.origin);
  // Only the public key's parts, as a trust file holds them.
  const key = { kty: o.publicJwk.kty, crv: o.publicJwk.crv, x: o.publicJwk.x };
  return {
    async trust() {
      let anchored;
      try {
        anchored = await readAnchorFile(file);
      } catch (e) {
        // No anchor file yet: no checkpoint was ever anchored here (verify then says the anchor check was skipped).
        if ((e as NodeJS.ErrnoException).code !== "ENOENT") return `the anchor ${file} cannot be read: ${(e as Error).message}`;
        anchored = { checkpoints: [], problems: [] };
      }
      return { trust: { origin: o.origin, keys: [key], anchored: anchored.checkpoints }, problems: anchored.problems.map((p) => `anchor line ${p.line}: ${p.why}`) };
    },
    scratch: tempDirScratch,
  };
}
