// A minimal POSIX ustar writer: regular files with names under 100 bytes, mode 0644, in
// memory. The console hands an export bundle (a directory, which is what `custos audit
// verify --bundle` reads) to the browser as one download; `tar -xf` unpacks it anywhere.
// Written here rather than taken from npm: the packages that write tar (tar, tar-stream)
// pull in Node streams and several dependencies for what is ~40 lines of Web-standard code
// that both runtimes (Node and Workers) can run.
const BLOCK = 512;
const utf8 = new TextEncoder();

export interface TarFile {
  name: string;
  data: Uint8Array;
  /** Seconds since the epoch. */
  mtime: number;
}

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width - 1, "0") + "\0";
}

function header(f: TarFile): Uint8Array {
  const name = utf8.encode(f.name);
  if (name.length === 0 || name.length > 99) throw new RangeError(`ustar: the name ${f.name} is not 1..99 bytes`);
  const h = new Uint8Array(BLOCK);
  const put = (at: number, text: string) => h.set(utf8.encode(text), at);
  h.set(name, 0);
  put(100, octal(0o644, 8));
  put(108, octal(0, 8));
  put(116, octal(0, 8));
  put(124, octal(f.data.length, 12));
  put(136, octal(Math.max(0, Math.floor(f.mtime)), 12));
  put(148, "        "); // the checksum counts its own field as spaces
  put(156, "0");
  put(257, "ustar\0");
  put(263, "00");
  put(265, "custos");
  put(297, "custos");
  let sum = 0;
  for (const b of h) sum += b;
  put(148, `${sum.toString(8).padStart(6, "0")}\0 `);
  return h;
}

/** The archive's bytes: each file's header and data padded to 512 bytes, then two zero blocks. */
export function ustar(files: readonly TarFile[]): Uint8Array {
  const size = files.reduce((n, f) => n + BLOCK + Math.ceil(f.data.length / BLOCK) * BLOCK, 0) + 2 * BLOCK;
  const out = new Uint8Array(size);
  let at = 0;
  for (const f of files) {
    out.set(header(f), at);
    at += BLOCK;
    out.set(f.data, at);
    at += Math.ceil(f.data.length / BLOCK) * BLOCK;
  }
  return out;
}
