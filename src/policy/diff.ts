// What changed between two policy sets, and which calls would be decided differently: the
// rules per scope (baseline, each team) by id, field by field, and for sampled requests the
// decision under the old set against the new one. Pure: `custos policy diff` reads the
// directories and the sample and prints what this returns. Prompt text never appears in a
// result: a request is named by its team, API and model only.
import type { Env } from "../config/interpolate.ts";
import { parseYamlFile, type ConfigProblem } from "../config/yaml-file.ts";
import { err, ok, type Result } from "../errors/result.ts";
import type { Operation } from "../providers/types.ts";
import type { PolicyBundle, PolicyTexts } from "./compile.ts";
import { decidePolicy, type PolicyDecision, type PolicyRequest } from "./engine.ts";
import { OUTPUT_LIMIT_FIELDS, policyRequestOf } from "./request.ts";
import { OPERATIONS, OrgFileSchema, ruleKind, TeamFileSchema, type OrgFile, type Rule, type RuleKind, type TeamFile } from "./schema.ts";

/** The policy files as written (after `${VAR}`), which the compiled bundle merges per team. */
export interface PolicyFiles {
  org: OrgFile;
  teams: ReadonlyMap<string, TeamFile>;
}

export function policyFilesOf(texts: PolicyTexts, env: Env, dir: string): Result<PolicyFiles, ConfigProblem[]> {
  const org = parseYamlFile(`${dir}/org.yaml`, texts["org.yaml"] ?? "", OrgFileSchema, env);
  if (!org.ok) return org;
  const teams = new Map<string, TeamFile>();
  for (const p of Object.keys(texts).filter((k) => k.startsWith("teams/"))) {
    const t = parseYamlFile(`${dir}/${p}`, texts[p]!, TeamFileSchema, env);
    if (!t.ok) return t;
    teams.set(t.value.team, t.value);
  }
  return ok({ org: org.value, teams });
}

// ── Rules ────────────────────────────────────────────────────────────────────────────────

export interface RuleChange {
  id: string;
  change: "added" | "removed" | "changed";
  kind: RuleKind;
  /** For a changed rule: "field: old → new", one per field. */
  fields: string[];
}

export interface ScopeChange {
  /** "baseline" or the team's name. */
  scope: string;
  status: "added" | "removed" | "changed";
  rules: RuleChange[];
  /** The file's own settings: mode, aliases, ai_system, description. */
  settings: string[];
}

/** Every scope that differs, the baseline first, then the teams by name. */
export function diffRules(a: PolicyFiles, b: PolicyFiles): ScopeChange[] {
  const out: ScopeChange[] = [];
  const base = diffScope("baseline", a.org, b.org, {});
  if (base) out.push(base);
  for (const team of [...new Set([...a.teams.keys(), ...b.teams.keys()])].sort()) {
    const [x, y] = [a.teams.get(team), b.teams.get(team)];
    if (!x) out.push({ scope: team, status: "added", rules: y!.rules.map((r) => ({ id: r.id, change: "added", kind: ruleKind(r), fields: [] })), settings: [] });
    else if (!y) out.push({ scope: team, status: "removed", rules: [], settings: [] });
    else {
      const d = diffScope(team, x, y, { mode: x.mode, ai_system: x.ai_system }, { mode: y.mode, ai_system: y.ai_system });
      if (d) out.push(d);
    }
  }
  return out;
}

type Scope = { description: string; rules: Rule[]; aliases: Record<string, string> };

function diffScope(scope: string, a: Scope, b: Scope, ownA: object, ownB: object = ownA): ScopeChange | undefined {
  const rules: RuleChange[] = [];
  const after = new Map(b.rules.map((r) => [r.id, r]));
  for (const r of a.rules) {
    const n = after.get(r.id);
    if (!n) rules.push({ id: r.id, change: "removed", kind: ruleKind(r), fields: [] });
    else {
      const fields = [...(r.description !== n.description ? ["description changed"] : []), ...fieldChanges(flat(ruleFacts(r)), flat(ruleFacts(n)))];
      if (fields.length > 0) rules.push({ id: r.id, change: "changed", kind: ruleKind(n), fields });
    }
  }
  const before = new Set(a.rules.map((r) => r.id));
  for (const r of b.rules) if (!before.has(r.id)) rules.push({ id: r.id, change: "added", kind: ruleKind(r), fields: [] });
  const settings = [...(a.description !== b.description ? ["description changed"] : []), ...fieldChanges(flat({ ...ownA, aliases: a.aliases }), flat({ ...ownB, aliases: b.aliases }))];
  return rules.length > 0 || settings.length > 0 ? { scope, status: "changed", rules, settings } : undefined;
}

/** What a rule says, an unset mode being enforce; the description is compared apart (it is prose, not printed). */
function ruleFacts(r: Rule): object {
  const { id: _id, description: _d, mode, ...says } = r;
  return { mode: mode ?? "enforce", ...says };
}

/** Leaves by dotted path ("models.allow"), each shown as written (lists as JSON). */
function flat(v: unknown, prefix = "", out = new Map<string, string>()): Map<string, string> {
  if (v !== null && typeof v === "object" && !Array.isArray(v)) for (const [k, x] of Object.entries(v)) flat(x, prefix ? `${prefix}.${k}` : k, out);
  else if (v !== undefined) out.set(prefix, typeof v === "string" ? v : JSON.stringify(v));
  return out;
}

function fieldChanges(a: Map<string, string>, b: Map<string, string>, absent = "(unset)"): string[] {
  const keys = [...new Set([...a.keys(), ...b.keys()])];
  return keys.filter((k) => a.get(k) !== b.get(k)).map((k) => `${k}: ${a.get(k) ?? absent} → ${b.get(k) ?? absent}`);
}

// ── Sampled requests ─────────────────────────────────────────────────────────────────────

export interface Sample {
  team: string;
  api: Operation;
  request: PolicyRequest;
  /** Rebuilt from an audit entry: the input size is estimated (see sampleOf). */
  estimated: boolean;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isOperation = (v: unknown): v is Operation => (OPERATIONS as readonly unknown[]).includes(v);

/**
 * One line of a sample: a request as a policy test gives it ({team, api, body}), or an audit
 * entry (llm.request / llm.denied; bare, or an export bundle's line holding it in `entry`).
 * Ok(undefined) for a line to pass over silently (blank, another entry type); err says why
 * the line cannot be used.
 */
export function sampleOf(text: string): Result<Sample | undefined, string> {
  if (text.trim() === "") return ok(undefined);
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return err("not JSON");
  }
  if (!isObj(v)) return err("not a JSON object");
  if ("entry_b64" in v) return err("the entry is stored as entry_b64 (its bytes are not canonical JSON); not read");
  const e = isObj(v.entry) ? v.entry : v;
  if ("body" in e || "api" in e) {
    if (typeof e.team !== "string" || e.team === "" || !isOperation(e.api) || !isObj(e.body)) return err(`a request needs team, api (${OPERATIONS.join("|")}) and body (an object)`);
    const bytes = new TextEncoder().encode(JSON.stringify(e.body)).length;
    return ok({ team: e.team, api: e.api, request: policyRequestOf(e.api, e.body, bytes), estimated: false });
  }
  if (typeof e.type !== "string") return err("neither a request ({team, api, body}) nor an audit entry (with a type)");
  if (e.type !== "llm.request" && e.type !== "llm.denied") return ok(undefined);
  return fromEntry(e);
}

/**
 * A request rebuilt from what the log records of it. Prompt text is never recorded, so the
 * input's characters are estimated as its bytes (the whole body's: an upper bound, so a
 * max_input_tokens rule may deny a sample that the real prompt would pass). An llm.request is
 * recorded as forwarded (an alias already resolved, an output limit already clamped).
 */
function fromEntry(e: Record<string, unknown>): Result<Sample, string> {
  const team = isObj(e.actor) ? e.actor.team : undefined;
  if (typeof team !== "string") return err(`${String(e.type)} without actor.team (refused before any team's policy applied)`);
  const r = isObj(e.request) ? e.request : {};
  if (!isOperation(r.op)) return err(`${String(e.type)} without a known request.op`);
  const bytes = isObj(r.input) ? r.input.bytes : undefined;
  if (typeof bytes !== "number") return err(`${String(e.type)} without request.input.bytes (refused before the policy read the body)`);
  const request: PolicyRequest = { operation: r.op, model: typeof r.model === "string" ? r.model : "", stream: r.stream === true, bodyBytes: bytes, inputChars: bytes };
  const params = isObj(r.params) ? r.params : {};
  const limit = OUTPUT_LIMIT_FIELDS[r.op].map((f) => params[f]).find((x) => typeof x === "number");
  if (typeof limit === "number") request.maxOutputTokens = limit;
  return ok({ team, api: r.op, request, estimated: true });
}

// ── Decisions ────────────────────────────────────────────────────────────────────────────

export type ChangeKind = "newly_denied" | "newly_allowed" | "denied_differently" | "obligations";

export interface DecisionChange {
  kind: ChangeKind;
  /** One line: "newly denied: stream_not_allowed by hr.no-streaming". */
  summary: string;
  /** "field: old → new" for changed obligations or shadow denials. */
  details: string[];
}

type Outcome = { decision: PolicyDecision } | { missing: true };

const outcome = (b: PolicyBundle, s: Sample): Outcome => {
  const p = b.teams.get(s.team);
  return p ? { decision: decidePolicy(p, s.request) } : { missing: true };
};

function denialOf(o: Outcome, team: string): string | undefined {
  if ("missing" in o) return `team_not_configured (no teams/${team.slice(0, 64)}.yaml)`;
  return o.decision.allowed ? undefined : `${o.decision.denial.code} by ${o.decision.denial.rule}`;
}

/** What an allowed call is held to, and every call's shadow denials, flat for comparison. */
function terms(o: Outcome): Map<string, string> {
  const m = new Map<string, string>();
  if ("missing" in o) return m;
  const d = o.decision;
  if (d.shadow.length > 0) m.set("shadow", d.shadow.map((s) => `${s.rule} (${s.code})`).join(", "));
  if (!d.allowed) return m;
  const ob = d.obligations;
  m.set("model", d.model);
  if (ob.clampOutputTokens) m.set("clamp", `${ob.clampOutputTokens.limit} by ${ob.clampOutputTokens.rule}`);
  for (const side of ["prompt", "answer"] as const) for (const [t, a] of Object.entries(ob.pii[side])) if (a !== "allow") m.set(`pii.${side}.${t}`, a);
  if (ob.providers.length > 0) m.set("providers", `limited by ${ob.providers.map((c) => c.rule).join(", ")}`);
  if (ob.regions.length > 0) m.set("regions", `limited by ${ob.regions.map((c) => c.rule).join(", ")}`);
  for (const [k, v] of Object.entries({ content: ob.audit.content, on_failure: ob.audit.onFailure, retention: ob.audit.retention })) if (v) m.set(`audit.${k}`, v);
  return m;
}

/** How the sample's decision under `a` differs under `b`, or undefined when it does not. */
export function compareDecision(a: PolicyBundle, b: PolicyBundle, s: Sample): DecisionChange | undefined {
  const [x, y] = [outcome(a, s), outcome(b, s)];
  const [dx, dy] = [denialOf(x, s.team), denialOf(y, s.team)];
  const estimate = s.estimated && `${dx} ${dy}`.includes("input_too_large") ? " (input size estimated from recorded bytes)" : "";
  if (dx === undefined && dy !== undefined) return { kind: "newly_denied", summary: `newly denied: ${dy}${estimate}`, details: [] };
  if (dx !== undefined && dy === undefined) return { kind: "newly_allowed", summary: `newly allowed (was ${dx})${estimate}`, details: [] };
  if (dx !== dy) return { kind: "denied_differently", summary: `denied differently: ${dx} → ${dy}${estimate}`, details: [] };
  const details = fieldChanges(terms(x), terms(y), "(none)");
  if (details.length === 0) return undefined;
  return { kind: "obligations", summary: dx === undefined ? "allowed, obligations changed" : `denied as before (${dx}), shadow denials changed`, details };
}

export type Tally = Record<ChangeKind, number> & { sampled: number; skipped: number };

/** "12 sampled, 3 would change (2 newly denied, 1 newly allowed), 1 line skipped". */
export function summaryLine(t: Tally): string {
  const parts: [number, string][] = [
    [t.newly_denied, "newly denied"],
    [t.newly_allowed, "newly allowed"],
    [t.denied_differently, "denied differently"],
    [t.obligations, "with other obligations"],
  ];
  const changed = parts.reduce((n, [k]) => n + k, 0);
  const which = parts.filter(([k]) => k > 0).map(([k, w]) => `${k} ${w}`);
  const skipped = t.skipped > 0 ? `, ${t.skipped} line${t.skipped === 1 ? "" : "s"} skipped` : "";
  return `${t.sampled} sampled, ${changed} would change${which.length > 0 ? ` (${which.join(", ")})` : ""}${skipped}`;
}
