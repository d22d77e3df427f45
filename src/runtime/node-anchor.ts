// The file anchor: signed checkpoints appended to a JSONL file outside the database, one per
// line, fsync'ed. The file is only ever opened with O_APPEND and never rewritten or truncated,
// so a later process (or a bug) cannot quietly replace an earlier checkpoint; shipping the
// file somewhere the database operator cannot write (WORM storage, a log collector) is the
// deployment's part.
//
// One writer per file: line numbers in references are counted by this process, so two
// processes appending to one file would hand out wrong ones.
import { mkdir, open, readFile, type FileHandle } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { anchorLine, parseAnchorLines, type Anchor, type AnchoredCheckpoint } from "../audit/anchor.ts";

/** `<dir>/<origin, every character outside [A-Za-z0-9._-] as _>.checkpoints.jsonl`, absolute. */
export function anchorPath(dir: string, origin: string): string {
  return path.resolve(dir, `${origin.replace(/[^A-Za-z0-9._-]/g, "_")}.checkpoints.jsonl`);
}

/** "file:/abs/path#line=12"; characters a URL cannot hold are percent-encoded. */
export function anchorRef(file: string, line: number): string {
  return `${pathToFileURL(file).href.replace(/^file:\/\//, "file:")}#line=${line}`;
}

export interface FileAnchor extends Anchor {
  readonly path: string;
  /** After the appends already made: closes the file (shutdown; tests). */
  close(): Promise<void>;
}

export function fileAnchor(dir: string, origin: string): FileAnchor {
  const file = anchorPath(dir, origin);
  let fh: FileHandle | undefined;
  let lines = 0; // whole lines in the file, once opened
  let tail: Promise<unknown> = Promise.resolve();

  // On first use (and after a failed write) the file's state comes from disk: the line count,
  // and whether it ends in a torn line that the next append must not be glued to.
  async function openFile(): Promise<{ handle: FileHandle; prefix: string }> {
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    const handle = await open(file, "a", 0o600);
    try {
      const text = await readFile(file, "utf8");
      const newlines = text.split("\n").length - 1;
      const torn = text !== "" && !text.endsWith("\n");
      lines = newlines + (torn ? 1 : 0);
      await syncDir(path.dirname(file)); // a new file's directory entry
      return { handle, prefix: torn ? "\n" : "" };
    } catch (e) {
      await handle.close();
      throw e;
    }
  }

  async function write(c: AnchoredCheckpoint): Promise<string> {
    const line = anchorLine(c);
    // Never write a line the reader would report as malformed.
    const problem = parseAnchorLines(line).problems[0];
    if (problem !== undefined) throw new RangeError(`fileAnchor: not a checkpoint to anchor: ${problem.why}`);
    let prefix = "";
    if (fh === undefined) ({ handle: fh, prefix } = await openFile());
    try {
      await fh.appendFile(prefix + line);
      await fh.datasync();
    } catch (e) {
      // The write may have landed partly: recount from disk next time.
      const h = fh;
      fh = undefined;
      await h.close().catch(() => {});
      throw e;
    }
    lines += 1;
    return anchorRef(file, lines);
  }

  // One at a time: the line number is only known once the lines before it are written.
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = tail.then(fn);
    tail = run.catch(() => {});
    return run;
  };

  return {
    kind: "file",
    path: file,
    append: (c) => serial(() => write(c)),
    close: () =>
      serial(async () => {
        const h = fh;
        fh = undefined;
        await h?.close();
      }),
  };
}

export async function readAnchorFile(file: string): Promise<ReturnType<typeof parseAnchorLines>> {
  return parseAnchorLines(await readFile(file, "utf8"));
}

/** fsync a directory, so a file created in it survives a crash (its entry is on disk too). */
export async function syncDir(dir: string): Promise<void> {
  if (process.platform === "win32") return; // directories cannot be opened for fsync there
  const h = await open(dir, "r");
  try {
    await h.sync();
  } finally {
    await h.close();
  }
}
