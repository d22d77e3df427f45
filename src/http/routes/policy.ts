// /api/policy (role auditor or auditor_content): the policy bundle in force with each rule
// in words, its version history (the log's policy.activate events, newest first), and
// what the rules did over a window (denials, shadow-mode would-be denials, clamps,
// routing). The console's Policies view shows exactly these.
import { Hono } from "hono";
import { rfc3339Millis } from "../../audit/canonical-json.ts";
import { decodeEntry } from "../../audit/summary.ts";
import type { Deps } from "../../deps.ts";
import { CustosError } from "../../errors/errors.ts";
import { errorResponse } from "../../errors/to-response.ts";
import type { Principal } from "../../identity/principal.ts";
import type { PlacedRule, PolicyBundle } from "../../policy/compile.ts";
import { ruleKind, type Rule, type RuleKind } from "../../policy/schema.ts";
import type { AppEnv } from "../app-env.ts";
import { requireRole } from "../middleware/api-auth.ts";
import { cachedStats, METADATA_ROLES, statsWindow, windowParam, type WindowName } from "./stats.ts";

export interface RuleView {
  id: string;
  kind: RuleKind;
  mode: "enforce" | "shadow";
  file: string;
  description: string;
  /** What the rule allows, denies or imposes, in words. */
  says: string;
  rule: Rule;
}

export interface BundleView {
  version: string;
  sha256: string;
  files: string[];
  /** The baseline's rules (org.yaml), once; they apply to every team. */
  baseline: RuleView[];
  teams: { team: string; aiSystem?: { id: string; high_risk: boolean; annex_iii?: string }; aliases: Record<string, string>; rules: RuleView[] }[];
}

const list = (xs: readonly string[] | undefined) => (xs ?? []).join(", ");

/** One rule in a sentence or two: what it allows, denies or imposes. */
export function describeRule(r: Rule): string {
  if ("models" in r || "providers" in r) {
    const what = "models" in r ? "models" : "providers";
    const v = "models" in r ? r.models : r.providers;
    const parts: string[] = [];
    if (v.allow) parts.push(`allows only ${what} ${list(v.allow)}`);
    if (v.deny) parts.push(`denies ${what} ${list(v.deny)}`);
    return parts.join("; ") || `names no ${what}`;
  }
  if ("regions" in r) {
    const parts: string[] = [];
    if (r.regions.allow) parts.push(`only regions ${list(r.regions.allow)}`);
    if (r.regions.jurisdictions) parts.push(`only jurisdictions ${list(r.regions.jurisdictions)}`);
    return parts.length > 0 ? `calls go to ${parts.join(" and ")}` : "restricts no region";
  }
  if ("pii" in r) {
    const side = (name: string, actions: Record<string, string> | undefined) =>
      actions && Object.keys(actions).length > 0
        ? `${name}: ${Object.entries(actions)
            .map(([t, a]) => `${t} → ${a}`)
            .join(", ")}`
        : undefined;
    return [side("prompt", r.pii.prompt), side("answer", r.pii.answer)].filter(Boolean).join("; ") || "no PII actions";
  }
  if ("limits" in r) {
    const l = r.limits;
    const parts: string[] = [];
    if (l.max_request_bytes !== undefined) parts.push(`requests up to ${l.max_request_bytes} bytes`);
    if (l.max_input_tokens !== undefined) parts.push(`input up to ${l.max_input_tokens} tokens`);
    if (l.max_output_tokens !== undefined) parts.push(`output up to ${l.max_output_tokens} tokens (${l.output_over_limit === "refuse" ? "more is refused" : "more is lowered to it"})`);
    if (l.streaming !== undefined) parts.push(l.streaming ? "streaming allowed" : "no streaming");
    if (l.operations) parts.push(`only ${list(l.operations)}`);
    return parts.join("; ") || "no limits";
  }
  if ("routing" in r) {
    const where = [r.routing.jurisdictions ? `jurisdictions ${list(r.routing.jurisdictions)}` : "", r.routing.tags ? `endpoints tagged ${list(r.routing.tags)}` : ""].filter(Boolean).join(" or ");
    return `prompts with ${list(r.routing.when_prompt_has)} go only to ${where}`;
  }
  const a = r.audit;
  const parts: string[] = [];
  if (a.content) parts.push(`content recorded as ${a.content}`);
  if (a.retention) parts.push(`retention class ${a.retention}`);
  if (a.on_failure) parts.push(a.on_failure === "fail_closed" ? "calls refused when the log cannot be written" : "calls go on when the log cannot be written");
  return parts.join("; ") || "audit defaults";
}

/** The rule's file as the bundle names it (relative to the policy directory): the server's paths stay on the server. */
const relative = (file: string, files: readonly string[]) => files.find((f) => file === f || file.endsWith(`/${f}`)) ?? file.slice(file.lastIndexOf("/") + 1);

const ruleView = (p: PlacedRule, files: readonly string[]): RuleView => ({ id: p.rule.id, kind: ruleKind(p.rule), mode: p.shadow ? "shadow" : "enforce", file: relative(p.file, files), description: p.rule.description, says: describeRule(p.rule), rule: p.rule });

export function bundleView(b: PolicyBundle): BundleView {
  const teams = [...b.teams.values()].sort((x, y) => x.team.localeCompare(y.team));
  // Baseline rules come first in every team's list, from org.yaml.
  const isBaseline = (p: PlacedRule) => /(^|\/)org\.ya?ml$/.test(p.file);
  const first = teams[0];
  return {
    version: b.version,
    sha256: b.sha256,
    files: b.files,
    baseline: first ? first.rules.filter(isBaseline).map((p) => ruleView(p, b.files)) : [],
    teams: teams.map((t) => ({ team: t.team, ...(t.aiSystem ? { aiSystem: t.aiSystem } : {}), aliases: t.aliases, rules: t.rules.filter((p) => !isBaseline(p)).map((p) => ruleView(p, b.files)) })),
  };
}

export interface Activation {
  eventId: string;
  at: Date;
  version: string;
  sha256: string;
  reason: string;
  previous?: { version: string; sha256: string };
  files: string[];
  teams: string[];
}

/** The policy.activate events, newest first. */
export async function activations(deps: Deps, limit: number): Promise<Activation[]> {
  const rows = await deps.storage.audit.search({ type: "policy.activate", limit });
  return rows.map((row) => {
    const e = decodeEntry(row);
    const p = (e.policy ?? {}) as Record<string, unknown>;
    const prev = p.previous as { version?: unknown; sha256?: unknown } | undefined;
    const strs = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
    return {
      eventId: row.eventId,
      at: row.receivedAt,
      version: String(p.version ?? ""),
      sha256: String(p.sha256 ?? ""),
      reason: String(e.reason ?? ""),
      ...(prev ? { previous: { version: String(prev.version ?? ""), sha256: String(prev.sha256 ?? "") } } : {}),
      files: strs(p.files),
      teams: strs(p.teams),
    };
  });
}

/** Rule outcomes and the newest shadow-mode would-be denials over a window. */
export async function ruleActivity(deps: Deps, window: WindowName, latest = 10) {
  const range = statsWindow(window, deps.clock.now());
  const { value, computedAt } = await cachedStats(deps, `rules:${window}:${range.from.getTime()}:${latest}`, async () => ({
    rules: await deps.storage.stats.ruleOutcomes(range),
    shadow: await deps.storage.stats.shadowEvents(range, latest),
  }));
  return { range, computedAt, ...value };
}

const ruleJson = (r: RuleView) => ({ id: r.id, kind: r.kind, mode: r.mode, file: r.file, description: r.description, says: r.says, rule: r.rule });

type Env = AppEnv & { Variables: { principal: Principal } };

/** Mounted at /api/policy. */
export function policyRoutes(deps: Deps): Hono<Env> {
  const app = new Hono<Env>();
  app.use("*", async (c, next) => requireRole(c, ...METADATA_ROLES) ?? next());

  app.get("/active", (c) => {
    const v = bundleView(deps.policies.current);
    return c.json({ version: v.version, sha256: v.sha256, files: v.files, baseline: v.baseline.map(ruleJson), teams: v.teams.map((t) => ({ team: t.team, ...(t.aiSystem ? { ai_system: t.aiSystem } : {}), aliases: t.aliases, rules: t.rules.map(ruleJson) })) });
  });

  app.get("/history", async (c) => {
    const raw = c.req.query("limit");
    const limit = raw === undefined ? 100 : Number(raw);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return errorResponse("problem", new CustosError("invalid_request", "limit: an integer from 1 to 1000", { param: "limit" }), c.get("requestId"));
    const current = deps.policies.current.sha256;
    const list = await activations(deps, limit);
    return c.json({
      current: { version: deps.policies.current.version, sha256: current },
      activations: list.map((a) => ({ event_id: a.eventId, at: rfc3339Millis(a.at), version: a.version, sha256: a.sha256, reason: a.reason, ...(a.previous ? { previous: a.previous } : {}), files: a.files, teams: a.teams })),
    });
  });

  app.get("/rules", async (c) => {
    const w = windowParam(c.req.query("window"));
    if (w instanceof CustosError) return errorResponse("problem", w, c.get("requestId"));
    const a = await ruleActivity(deps, w);
    return c.json({
      window: w,
      from: rfc3339Millis(a.range.from),
      to: rfc3339Millis(a.range.to),
      computed_at: rfc3339Millis(a.computedAt),
      rules: a.rules,
      shadow_latest: a.shadow.map((s) => ({ event_id: s.eventId, at: rfc3339Millis(s.receivedAt), type: s.type, team: s.team, model: s.model, shadow: s.shadow })),
    });
  });
  return app;
}
