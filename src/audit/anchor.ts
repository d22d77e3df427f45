// Anchors keep signed checkpoints outside the database (audit spec R10), so an operator who
// rewrites the database cannot also rewrite the checkpoints auditors already compare against.
// The Node runtime has an append-only file anchor (src/runtime/node-anchor.ts); this module
// is the shared shape and the parser the offline verifier uses too, Web standards only.

export interface AnchoredCheckpoint {
  size: number;
  /** Standard base64 of the 32-byte root. */
  root: string;
  /** The C2SP signed note. */
  note: string;
  jws: string;
  /** When it was anchored, RFC 3339. */
  at: string;
}

export interface Anchor {
  readonly kind: string;
  /** Appends; resolves with a reference (e.g. "file:/abs/path#line=12"). */
  append(c: AnchoredCheckpoint): Promise<string>;
}

/** One checkpoint as one JSON line, fields in a fixed order. */
export function anchorLine(c: AnchoredCheckpoint): string {
  return `${JSON.stringify({ size: c.size, root: c.root, note: c.note, jws: c.jws, at: c.at })}\n`;
}

// A 32-byte root in canonical standard base64: 43 characters, the last one's 2 spare bits zero, "=".
const ROOT = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;

/**
 * Parses anchor file text. Malformed lines are reported (1-based), not thrown: one bad line,
 * such as a write cut short by a crash, must not hide the checkpoints around it. The
 * signatures are not checked here; that is verifyCheckpoint's job.
 */
export function parseAnchorLines(text: string): { checkpoints: AnchoredCheckpoint[]; problems: { line: number; why: string }[] } {
  const checkpoints: AnchoredCheckpoint[] = [];
  const problems: { line: number; why: string }[] = [];
  const lines = text.split("\n");
  const last = lines.pop(); // "" when the text ends in a newline
  for (const [i, line] of lines.entries()) {
    const parsed = parseLine(line);
    if (typeof parsed === "string") problems.push({ line: i + 1, why: parsed });
    else checkpoints.push(parsed);
  }
  if (last !== undefined && last !== "") problems.push({ line: lines.length + 1, why: "the last line has no newline (a write cut short?)" });
  return { checkpoints, problems };
}

function parseLine(line: string): AnchoredCheckpoint | string {
  if (line.trim() === "") return "an empty line";
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return "not JSON";
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) return "not a JSON object";
  const { size, root, note, jws, at } = v as Record<string, unknown>;
  if (typeof size !== "number" || !Number.isSafeInteger(size) || size < 0) return "size is not an integer in 0..2^53−1";
  if (typeof root !== "string" || !ROOT.test(root)) return "root is not 32 bytes of canonical standard base64";
  if (typeof note !== "string" || note === "") return "note is not a non-empty string";
  if (typeof jws !== "string" || jws === "") return "jws is not a non-empty string";
  if (typeof at !== "string" || !RFC3339.test(at) || Number.isNaN(Date.parse(at))) return "at is not an RFC 3339 time";
  return { size, root, note, jws, at };
}

/**
 * An anchor that POSTs each checkpoint (as its anchor line, JSON) to a webhook the operator
 * controls — a WORM store's ingest, a ticket system, a second administrative domain. The
 * Worker's only anchor (it has no file system); on Node an optional second one.
 */
export function webhookAnchor(url: string, send: (req: Request) => Promise<Response> = (r) => fetch(r)): Anchor {
  const target = new URL(url);
  if (target.protocol !== "https:" && !["127.0.0.1", "localhost", "[::1]"].includes(target.hostname)) throw new Error("the anchor webhook must be https (or loopback)");
  return {
    kind: "webhook",
    async append(c) {
      const res = await send(new Request(target, { method: "POST", headers: { "content-type": "application/json" }, body: anchorLine(c) }));
      if (!res.ok) throw new Error(`the anchor webhook answered ${res.status}`);
      await res.body?.cancel();
      return `webhook:${target.host}#size=${c.size}`;
    },
  };
}
