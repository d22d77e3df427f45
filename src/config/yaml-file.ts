// Parse one YAML file, interpolate ${VAR}s in its scalars, validate it with a zod
// schema, and report every problem as file:line:column with what was expected.
import { isScalar, LineCounter, parseDocument, visit, type Document } from "yaml";
import type { z } from "zod";
import { err, ok, type Result } from "../errors/result.ts";
import { hasReference, interpolate, type Env } from "./interpolate.ts";

export interface ConfigProblem {
  file: string;
  line: number;
  column: number;
  message: string;
}

export const formatProblem = (p: ConfigProblem): string => `${p.file}:${p.line}:${p.column}: ${p.message}`;

export class ConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(problems.map(formatProblem).join("\n"));
    this.name = "ConfigError";
  }
}

function position(lc: LineCounter, offset: number | undefined): { line: number; column: number } {
  if (offset === undefined) return { line: 1, column: 1 };
  const p = lc.linePos(offset);
  return { line: p.line, column: p.col };
}

function nodeOffset(doc: Document, path: ReadonlyArray<PropertyKey>): number | undefined {
  // Walk up the path until a node exists (a missing key is reported at its parent).
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n) as (string | number)[], true) as { range?: [number, number, number] } | undefined;
    if (node && typeof node === "object" && node.range) return node.range[0];
  }
  return undefined;
}

export function parseYamlFile<S extends z.ZodType>(
  file: string,
  text: string,
  schema: S,
  env: Env,
  /** Adjusts the parsed data before validation (environment overrides); returns a note per overridden path. */
  prepare?: (data: unknown) => { data: unknown; fromEnv?: ReadonlyMap<string, string> },
): Result<z.output<S>, ConfigProblem[]> {
  const r = parseYamlFileAt(file, text, schema, env, prepare);
  return r.ok ? ok(r.value.value) : r;
}

/** A parsed file and where each of its values stands, for checks made after validation (policy loosening). */
export interface Located<T> {
  value: T;
  /** The position of the value at `path` (or of its nearest parent present in the file). */
  at(path: ReadonlyArray<string | number>, message: string): ConfigProblem;
}

export function parseYamlFileAt<S extends z.ZodType>(
  file: string,
  text: string,
  schema: S,
  env: Env,
  prepare?: (data: unknown) => { data: unknown; fromEnv?: ReadonlyMap<string, string> },
): Result<Located<z.output<S>>, ConfigProblem[]> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const problems: ConfigProblem[] = [];
  for (const e of doc.errors) {
    problems.push({ file, ...position(lineCounter, e.pos[0]), message: e.message.split("\n")[0] ?? e.message });
  }
  if (problems.length > 0) return err(problems);

  // Interpolate scalar strings in place; line numbers stay those of the file.
  visit(doc, {
    Scalar(_key, node) {
      if (!isScalar(node) || typeof node.value !== "string" || !hasReference(node.value)) return;
      const { value, missing } = interpolate(node.value, env);
      for (const name of missing) {
        problems.push({ file, ...position(lineCounter, node.range?.[0]), message: `\${${name}} is not set and has no default` });
      }
      node.value = value;
    },
  });
  if (problems.length > 0) return err(problems);

  const prepared: { data: unknown; fromEnv?: ReadonlyMap<string, string> } = prepare ? prepare(doc.toJS() ?? {}) : { data: doc.toJS() ?? {} };
  const parsed = schema.safeParse(prepared.data);
  if (parsed.success) return ok({ value: parsed.data, at: (path, message) => ({ file, ...position(lineCounter, nodeOffset(doc, path)), message }) });
  for (const issue of parsed.error.issues) {
    const dotted = issue.path.join(".");
    const envName = prepared.fromEnv?.get(dotted);
    const where = envName ? `${dotted} (from environment variable ${envName}): ` : dotted ? `${dotted}: ` : "";
    problems.push({ file, ...position(lineCounter, nodeOffset(doc, issue.path)), message: `${where}${issue.message}` });
  }
  return err(problems);
}
