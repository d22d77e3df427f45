// Export bundles as directories on Node: a sink that writes files (hashing as it goes,
// honouring backpressure) and a reader that streams them back for the verifier.
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { createInterface } from "node:readline";
import type { BundleFile, BundleSink } from "../audit/export.ts";
import type { BundleReader } from "../audit/verify-bundle.ts";

export async function directorySink(dir: string): Promise<BundleSink> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  return {
    open(name): BundleFile {
      const out = createWriteStream(path.join(dir, name), { flags: "wx", mode: 0o600 });
      const hash = createHash("sha256");
      let bytes = 0;
      let failed: Error | undefined;
      out.on("error", (e) => (failed = e));
      return {
        async write(text) {
          if (failed) throw failed;
          if (text.length === 0) return;
          const b = Buffer.from(text, "utf8");
          hash.update(b);
          bytes += b.length;
          if (!out.write(b)) {
            await new Promise<void>((resolve, reject) => {
              const done = (e?: Error) => {
                out.off("drain", done);
                out.off("error", done);
                if (e) reject(e);
                else resolve();
              };
              out.on("drain", done);
              out.on("error", done);
            });
          }
        },
        async close() {
          await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
          if (failed) throw failed;
          return { sha256: hash.digest("hex"), bytes };
        },
      };
    },
  };
}

export function directoryReader(dir: string): BundleReader {
  const at = (p: string) => {
    const full = path.resolve(dir, p);
    if (!full.startsWith(path.resolve(dir) + path.sep)) throw new Error(`${p} is outside the bundle`);
    return full;
  };
  const missing = (e: unknown) => (e as NodeJS.ErrnoException).code === "ENOENT";
  return {
    async list() {
      const out: string[] = [];
      const walk = async (rel: string) => {
        for (const d of await readdir(path.join(dir, rel), { withFileTypes: true })) {
          const r = rel ? `${rel}/${d.name}` : d.name;
          if (d.isDirectory()) await walk(r);
          else out.push(r);
        }
      };
      await walk("");
      return out.sort();
    },
    async text(p) {
      try {
        return await readFile(at(p), "utf8");
      } catch (e) {
        if (missing(e)) return undefined;
        throw e;
      }
    },
    async *lines(p) {
      const rl = createInterface({ input: createReadStream(at(p), { encoding: "utf8" }), crlfDelay: Infinity });
      for await (const line of rl) yield line;
    },
    async digest(p) {
      try {
        const hash = createHash("sha256");
        let bytes = 0;
        for await (const chunk of createReadStream(at(p))) {
          hash.update(chunk as Buffer);
          bytes += (chunk as Buffer).length;
        }
        return { sha256: hash.digest("hex"), bytes };
      } catch (e) {
        if (missing(e)) return undefined;
        throw e;
      }
    },
  };
}
