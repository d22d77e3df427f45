// Policy tests (policies/tests/*.yaml), like `opa test`: each case is a team, a request
// body for one API, and the decision expected — allow or the denial code and rule, and
// any obligations to check. Pure: the CLI reads the files, this runs them.
import { z } from "zod";
import type { Env } from "../config/interpolate.ts";
import { parseYamlFile, type ConfigProblem } from "../config/yaml-file.ts";
import { err, ok, type Result } from "../errors/result.ts";
import type { PolicyBundle } from "./compile.ts";
import { decidePolicy, type PolicyDecision } from "./engine.ts";
import { policyRequestOf } from "./request.ts";
import { OPERATIONS, PII_ACTIONS, PII_TYPES, CONTENT_LEVELS } from "./schema.ts";

const piiExpect = z.partialRecord(z.enum(PII_TYPES), z.enum(PII_ACTIONS));

export const TestFileSchema = z.array(
  z
    .object({
      name: z.string().min(1).max(200),
      team: z.string().min(1),
      request: z.object({ api: z.enum(OPERATIONS), body: z.record(z.string(), z.unknown()) }).strict(),
      expect: z
        .object({
          decision: z.enum(["allow", "deny"]),
          code: z.string().optional(),
          rule: z.string().optional(),
          /** Rule ids that must be among those evaluated. */
          rules: z.array(z.string()).optional(),
          /** Would-be denials of shadow rules, by rule id. */
          shadow: z.array(z.string()).optional(),
          model: z.string().optional(),
          clamp_output_tokens: z.number().int().optional(),
          pii: z.object({ prompt: piiExpect.optional(), answer: piiExpect.optional() }).strict().optional(),
          audit: z.object({ content: z.enum(CONTENT_LEVELS).optional(), on_failure: z.enum(["fail_closed", "fail_open"]).optional(), retention: z.string().optional() }).strict().optional(),
        })
        .strict(),
    })
    .strict(),
);
export type TestCase = z.output<typeof TestFileSchema>[number];

export interface CaseResult {
  file: string;
  name: string;
  ok: boolean;
  /** What differed: "expected …, got …" lines. */
  diff: string[];
}

export function parseTestFile(file: string, text: string, env: Env): Result<TestCase[], ConfigProblem[]> {
  const r = parseYamlFile(file, text, TestFileSchema, env);
  return r.ok ? ok(r.value) : err(r.error);
}

export function runCase(bundle: PolicyBundle, file: string, c: TestCase): CaseResult {
  const team = bundle.teams.get(c.team);
  if (!team) return { file, name: c.name, ok: false, diff: [`team '${c.team}' has no policy file (a call would be denied team_not_configured)`] };
  const body = c.request.body;
  const d = decidePolicy(team, policyRequestOf(c.request.api, body, new TextEncoder().encode(JSON.stringify(body)).length));
  const diff: string[] = [];
  const e = c.expect;
  const same = (what: string, want: unknown, got: unknown) => {
    if (want !== undefined && JSON.stringify(want) !== JSON.stringify(got)) diff.push(`${what}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
  };
  same("decision", e.decision, d.allowed ? "allow" : "deny");
  if (!d.allowed) {
    same("code", e.code, d.denial.code);
    same("rule", e.rule, d.denial.rule);
  } else if (e.code !== undefined || e.rule !== undefined) {
    diff.push(`denial: expected ${e.code ?? "a denial"}${e.rule ? ` by ${e.rule}` : ""}, but the call is allowed`);
  }
  for (const id of e.rules ?? []) if (!d.rules.includes(id)) diff.push(`rules: expected ${id} among them, got ${JSON.stringify(d.rules)}`);
  same("shadow", e.shadow, e.shadow === undefined ? undefined : d.shadow.map((s) => s.rule));
  if (d.allowed) obligations(e, d, same);
  return { file, name: c.name, ok: diff.length === 0, diff };
}

function obligations(e: TestCase["expect"], d: Extract<PolicyDecision, { allowed: true }>, same: (what: string, want: unknown, got: unknown) => void): void {
  same("model", e.model, d.model);
  same("clamp_output_tokens", e.clamp_output_tokens, d.obligations.clampOutputTokens?.limit);
  for (const side of ["prompt", "answer"] as const) {
    for (const [type, action] of Object.entries(e.pii?.[side] ?? {})) same(`pii.${side}.${type}`, action, d.obligations.pii[side][type as keyof typeof d.obligations.pii.prompt]);
  }
  same("audit.content", e.audit?.content, d.obligations.audit.content);
  same("audit.on_failure", e.audit?.on_failure, d.obligations.audit.onFailure);
  same("audit.retention", e.audit?.retention, d.obligations.audit.retention);
}
