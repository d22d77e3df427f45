// One process per embedded data directory: two processes on one PGlite directory lose
// writes. The holder's pid is in custos.lock; a lock whose process is gone is stale.
import { mkdir, open, readFile, unlink } from "node:fs/promises";
import path from "node:path";

export class DataDirLockedError extends Error {
  constructor(readonly dir: string, readonly pid: number) {
    super(`the embedded database at ${dir} is in use by another Custos process (pid ${pid})`);
    this.name = "DataDirLockedError";
  }
}

export interface Lock {
  readonly file: string;
  release(): Promise<void>;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
};

export async function acquireLock(dir: string, purpose: string): Promise<Lock> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, "custos.lock");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fh = await open(file, "wx", 0o600);
      await fh.writeFile(JSON.stringify({ pid: process.pid, purpose, since: new Date().toISOString() }));
      await fh.close();
      return {
        file,
        release: async () => {
          await unlink(file).catch(() => {});
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const holder = await readHolder(file);
      if (holder !== undefined && holder !== process.pid && alive(holder)) throw new DataDirLockedError(dir, holder);
      await unlink(file).catch(() => {}); // stale: its process is gone
    }
  }
  throw new Error(`could not take the lock ${file}`);
}

export async function readHolder(file: string): Promise<number | undefined> {
  try {
    const pid = (JSON.parse(await readFile(file, "utf8")) as { pid?: unknown }).pid;
    return typeof pid === "number" ? pid : undefined;
  } catch {
    return undefined;
  }
}
