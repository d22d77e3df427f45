// custos redact [--jsonl]: the shipped detector on stdin, so any labelled set can be scored.
//   text mode   stdin → stdout with each entity replaced by [TYPE]
//   --jsonl     lines {"id","text"} in → lines {"id","text","spans":[{"type","start","end"}]} out,
//               text redacted, spans as UTF-16 offsets into the input text
// Thresholds and IP ranges come from server.yaml (redaction.*). Exit 0 done, 1 some input lines
// were not {"id","text"} (reported on stderr by line number, the rest still processed), 2
// could not run.
import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import { parseArgs } from "node:util";
import { PII_TYPES, type PiiAction, type PiiType } from "../../policy/schema.ts";
import { redactionSettings, type RedactionSettings } from "../../redaction/redact.ts";
import { textRedactor } from "../../redaction/text-redactor.ts";
import { vault } from "../../redaction/vault.ts";
import { resolvePaths } from "../../runtime/node-files.ts";
import { loadNodeServerSettings } from "../../runtime/node.ts";
import type { CliIo, ExitCode } from "../io.ts";

export const REDACT_USAGE = `custos redact [--jsonl] [--types T,T] [--pseudonymize]
                              redact stdin; --jsonl: {"id","text"} lines in, {"id","text","spans"} lines out`;

export async function redactCommand(argv: string[], io: CliIo): Promise<ExitCode> {
  let flags: { jsonl?: boolean; types?: string; pseudonymize?: boolean };
  try {
    flags = parseArgs({ args: argv, options: { jsonl: { type: "boolean" }, types: { type: "string" }, pseudonymize: { type: "boolean" } }, strict: true }).values;
  } catch (e) {
    io.err(`${(e as Error).message}\nusage: ${REDACT_USAGE}`);
    return 2;
  }
  const wanted = flags.types ? flags.types.split(",").map((t) => t.trim().toUpperCase()) : [...PII_TYPES];
  const unknown = wanted.filter((t) => !(PII_TYPES as readonly string[]).includes(t));
  if (unknown.length > 0) {
    io.err(`unknown PII type(s): ${unknown.join(", ")} (one of ${PII_TYPES.join(", ")})`);
    return 2;
  }
  let settings: RedactionSettings;
  try {
    settings = redactionSettings((await loadNodeServerSettings(resolvePaths(io.cwd, io.env), io.env)).server.redaction);
  } catch (e) {
    io.err(`server.yaml: ${(e as Error).message}`);
    return 2;
  }
  const action: PiiAction = flags.pseudonymize ? "pseudonymize" : "redact";
  const actions = Object.fromEntries(PII_TYPES.map((t) => [t, wanted.includes(t) ? action : "allow"])) as Record<PiiType, PiiAction>;
  const { detector: d, thresholds } = settings;
  const input = io.stdin ?? Readable.from([]);

  if (!flags.jsonl) {
    let text = "";
    const dec = new TextDecoder();
    for await (const chunk of input) text += typeof chunk === "string" ? chunk : dec.decode(chunk, { stream: true });
    text += dec.decode();
    const r = textRedactor(d, actions, vault(), thresholds);
    io.write(r.apply(text, r.spans(text)).text);
    return 0;
  }

  let bad = 0;
  let n = 0;
  for await (const line of createInterface({ input: Readable.from(input), crlfDelay: Infinity })) {
    n++;
    if (line.trim() === "") continue;
    let rec: unknown;
    try {
      rec = JSON.parse(line);
    } catch {
      rec = undefined;
    }
    if (typeof rec !== "object" || rec === null || typeof (rec as { text?: unknown }).text !== "string") {
      io.err(`line ${n}: expected a JSON object {"id", "text"}`);
      bad++;
      continue;
    }
    const { id, text } = rec as { id?: unknown; text: string };
    // One vault per line: pseudonyms are numbered per text, as per request in the proxy.
    const r = textRedactor(d, actions, vault(), thresholds);
    const spans = r.spans(text);
    io.write(`${JSON.stringify({ id: id ?? null, text: r.apply(text, spans).text, spans: spans.map((s) => ({ type: s.type, start: s.start, end: s.end })) })}\n`);
  }
  return bad > 0 ? 1 : 0;
}
