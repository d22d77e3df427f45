// A policy bundle from its files: the baseline (org.yaml) and one file per team, each rule
// kept with where it came from. Both apply to every call of a team, so a team can only add
// restrictions; an attempt to loosen the baseline is an error naming both files, because
// a rule that looks looser than it acts misleads whoever reviews it.
import type { Env } from "../config/interpolate.ts";
import { parseYamlFileAt, type ConfigProblem, type Located } from "../config/yaml-file.ts";
import { err, ok, type Result } from "../errors/result.ts";
import { globCovers } from "./glob.ts";
import { CONTENT_LEVELS, OrgFileSchema, PII_ACTIONS, PII_TYPES, ruleKind, TeamFileSchema, type OrgFile, type Rule, type TeamFile } from "./schema.ts";
import { DEFAULT_RETENTION, meetsHighRiskMinimum, retentionPolicy, showPeriod, type RetentionPolicy } from "../audit/retention.ts";

/** A rule as it applies to a team: the rule, where it is written, whether it only observes. */
export interface PlacedRule {
  rule: Rule;
  file: string;
  shadow: boolean;
}

export interface TeamPolicy {
  team: string;
  /** Baseline rules first, then the team's. */
  rules: PlacedRule[];
  aliases: Record<string, string>;
  aiSystem?: TeamFile["ai_system"];
}

export interface PolicyBundle {
  /** SHA-256 (hex) of the files as written, tests excluded: what decided each call. */
  sha256: string;
  version: string;
  /** The files the version covers, relative to the policy directory, sorted. */
  files: string[];
  teams: ReadonlyMap<string, TeamPolicy>;
  /** Retention classes from the baseline (or the default ones). */
  retention: RetentionPolicy;
  /** The files as written (tests excluded), for an incident's evidence freeze. */
  texts: PolicyTexts;
}

/** Policy files by path relative to the policy directory: "org.yaml", "teams/<team>.yaml". */
export type PolicyTexts = Readonly<Record<string, string>>;

export async function compilePolicies(texts: PolicyTexts, env: Env, dir = "policies"): Promise<Result<PolicyBundle, ConfigProblem[]>> {
  const problems: ConfigProblem[] = [];
  const orgText = texts["org.yaml"];
  if (orgText === undefined) return err([{ file: `${dir}/org.yaml`, line: 1, column: 1, message: "file not found: the organisation baseline is required" }]);
  const org = parseYamlFileAt(`${dir}/org.yaml`, orgText, OrgFileSchema, env);
  if (!org.ok) problems.push(...org.error);
  const teams: Located<TeamFile>[] = [];
  for (const path of Object.keys(texts).filter((p) => p.startsWith("teams/")).sort()) {
    const m = /^teams\/([^/]+)\.ya?ml$/.exec(path);
    if (!m) {
      problems.push({ file: `${dir}/${path}`, line: 1, column: 1, message: "team files are teams/<team>.yaml" });
      continue;
    }
    const t = parseYamlFileAt(`${dir}/${path}`, texts[path]!, TeamFileSchema, env);
    if (!t.ok) {
      problems.push(...t.error);
      continue;
    }
    if (t.value.value.team !== m[1]) problems.push(t.value.at(["team"], `team: '${t.value.value.team}' does not match the file name (teams/${m[1]}.yaml)`));
    teams.push(t.value);
  }
  if (!org.ok || problems.length > 0) return err(problems);
  problems.push(...duplicateIds(org.value));
  for (const t of teams) problems.push(...duplicateIds(t), ...loosening(org.value, t));
  if (problems.length > 0) return err(problems);

  const seen = new Map<string, string>();
  for (const t of teams) {
    const file = t.at([], "").file;
    const other = seen.get(t.value.team);
    if (other) problems.push(t.at(["team"], `team '${t.value.team}' already has a policy file (${other}); one file per team`));
    seen.set(t.value.team, file);
  }
  if (problems.length > 0) return err(problems);

  const baseline = org.value.value;
  const retention = retentionOf(org.value, teams);
  if (!retention.ok) return err(retention.error);
  const byTeam = new Map<string, TeamPolicy>();
  for (const t of teams) {
    const f = t.value;
    byTeam.set(f.team, {
      team: f.team,
      rules: [
        ...baseline.rules.map((rule) => ({ rule, file: org.value.at([], "").file, shadow: rule.mode === "shadow" })),
        ...f.rules.map((rule) => ({ rule, file: t.at([], "").file, shadow: f.mode === "shadow" || rule.mode === "shadow" })),
      ],
      aliases: { ...baseline.aliases, ...f.aliases },
      ...(f.ai_system ? { aiSystem: f.ai_system } : {}),
    });
  }
  const files = Object.keys(texts)
    .filter((p) => !p.startsWith("tests/"))
    .sort();
  const sha256 = await hashTexts(texts, files);
  return ok({ sha256, version: `sha256:${sha256.slice(0, 16)}`, files, teams: byTeam, retention: retention.value, texts: Object.fromEntries(files.map((f) => [f, texts[f]!])) });
}

/** The baseline's retention classes; every class a rule names must exist, and a high-risk team's classes must keep six months (AI Act Art. 19). */
function retentionOf(org: Located<OrgFile>, teams: Located<TeamFile>[]): Result<RetentionPolicy, ConfigProblem[]> {
  const problems: ConfigProblem[] = [];
  let policy = DEFAULT_RETENTION;
  const section = org.value.retention;
  if (section) {
    const r = retentionPolicy(section);
    for (const p of r.problems) problems.push(org.at(p.path, p.message));
    policy = r.policy;
  }
  const check = (f: Located<OrgFile | TeamFile>, highRisk: boolean) =>
    f.value.rules.forEach((rule, i) => {
      const name = "audit" in rule ? rule.audit.retention : undefined;
      if (name === undefined) return;
      const c = policy.classes.get(name);
      if (!c) problems.push(f.at(["rules", i, "audit", "retention"], `retention class '${name}' is not defined (org.yaml retention.classes: ${[...policy.classes.keys()].join(", ")})`));
      else if (highRisk && !meetsHighRiskMinimum(c)) problems.push(f.at(["rules", i, "audit", "retention"], `retention class '${name}' keeps records ${showPeriod(c.events)}; a high-risk AI system's logs are kept at least six months (AI Act Art. 19(1), 26(6)) unless the class states a legal_basis`));
    });
  check(org, false);
  for (const t of teams) {
    const highRisk = t.value.ai_system?.high_risk === true;
    check(t, highRisk);
    const named = t.value.rules.some((r) => "audit" in r && r.audit.retention !== undefined) || org.value.rules.some((r) => "audit" in r && r.audit.retention !== undefined);
    const fallback = policy.classes.get(policy.default);
    if (highRisk && !named && fallback && !meetsHighRiskMinimum(fallback))
      problems.push(t.at(["ai_system", "high_risk"], `a high-risk AI system's logs are kept at least six months (AI Act Art. 19(1)); the default retention class '${fallback.name}' keeps ${showPeriod(fallback.events)}: name a longer class in an audit rule`));
  }
  return problems.length > 0 ? err(problems) : ok(policy);
}

async function hashTexts(texts: PolicyTexts, files: string[]): Promise<string> {
  const joined = files.map((p) => `${p}\0${texts[p]}\0`).join("");
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(joined)));
  return Array.from(d, (b) => b.toString(16).padStart(2, "0")).join("");
}

function duplicateIds(f: Located<OrgFile | TeamFile>): ConfigProblem[] {
  const seen = new Set<string>();
  const out: ConfigProblem[] = [];
  f.value.rules.forEach((r, i) => {
    if (seen.has(r.id)) out.push(f.at(["rules", i, "id"], `rule id '${r.id}' is used twice in this file`));
    seen.add(r.id);
  });
  return out;
}

const rank = <T extends string>(order: readonly T[], v: T) => order.indexOf(v);

/** Every way a team rule asks for more than the baseline allows, as errors naming both places. */
function loosening(org: Located<OrgFile>, team: Located<TeamFile>): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const base = org.value.rules.map((rule, i) => ({ rule, i })).filter((b) => b.rule.mode !== "shadow");
  const where = (i: number, key: string) => {
    const p = org.at(["rules", i, key], "");
    return `${p.file}:${p.line}:${p.column}`;
  };
  const add = (path: (string | number)[], message: string) => out.push(team.at(path, message));

  team.value.rules.forEach((r, ti) => {
    const clash = org.value.rules.findIndex((b) => b.id === r.id);
    if (clash >= 0) add(["rules", ti, "id"], `rule id '${r.id}' is the baseline's (${where(clash, "id")}); a team adds rules of its own and cannot redefine or shadow a baseline rule`);
    const kind = ruleKind(r);
    for (const { rule: b, i: bi } of base.filter((x) => ruleKind(x.rule) === kind)) {
      const at = `baseline rule '${b.id}' (${where(bi, kind)})`;
      if ("models" in r && "models" in b) namesWithin(r.models, b.models, "models", ti, bi, at, add);
      if ("providers" in r && "providers" in b) namesWithin(r.providers, b.providers, "providers", ti, bi, at, add);
      if ("regions" in r && "regions" in b) {
        namesWithin({ allow: r.regions.allow }, { allow: b.regions.allow }, "regions", ti, bi, at, add);
        const outside = (r.regions.jurisdictions ?? []).filter((j) => b.regions.jurisdictions && !b.regions.jurisdictions.includes(j));
        if (outside.length > 0) add(["rules", ti, "regions", "jurisdictions"], `jurisdictions ${outside.join(", ")} are not among ${at}'s (${b.regions.jurisdictions!.join(", ")})`);
      }
      if ("pii" in r && "pii" in b) {
        for (const side of ["prompt", "answer"] as const) {
          // Each type as each rule acts on it (its own action, else its default): the team's
          // must never be below the baseline's, whichever key says it.
          const reported = new Set<string>();
          for (const type of PII_TYPES) {
            const own = r.pii[side]?.[type];
            const mine = own ?? r.pii[side]?.default;
            const theirs = b.pii[side]?.[type] ?? b.pii[side]?.default;
            if (!mine || !theirs || rank(PII_ACTIONS, mine) >= rank(PII_ACTIONS, theirs)) continue;
            const key = own ? type : "default";
            if (reported.has(key)) continue;
            reported.add(key);
            add(["rules", ti, "pii", side, key], `${side} ${key}: '${mine}' is looser than '${theirs}' in ${at} (allow < pseudonymize < redact < block${key === "default" ? `; the default covers ${type}` : ""})`);
          }
        }
      }
      if ("limits" in r && "limits" in b) {
        for (const k of ["max_request_bytes", "max_input_tokens", "max_output_tokens"] as const) {
          const mine = r.limits[k];
          const theirs = b.limits[k];
          if (mine !== undefined && theirs !== undefined && mine > theirs) add(["rules", ti, "limits", k], `${k}: ${mine} is above ${theirs} in ${at}`);
        }
        if (r.limits.streaming === true && b.limits.streaming === false) add(["rules", ti, "limits", "streaming"], `streaming: true, but ${at} forbids streaming`);
        if (r.limits.output_over_limit === "clamp" && b.limits.output_over_limit === "refuse") add(["rules", ti, "limits", "output_over_limit"], `output_over_limit: clamp is looser than refuse in ${at}`);
        const extra = (r.limits.operations ?? []).filter((o) => b.limits.operations && !b.limits.operations.includes(o));
        if (extra.length > 0) add(["rules", ti, "limits", "operations"], `operations ${extra.join(", ")} are not allowed by ${at}`);
      }
      if ("audit" in r && "audit" in b) {
        if (r.audit.content && b.audit.content && rank(CONTENT_LEVELS, r.audit.content) < rank(CONTENT_LEVELS, b.audit.content)) add(["rules", ti, "audit", "content"], `content: '${r.audit.content}' is below the floor '${b.audit.content}' of ${at} (none < hashes < encrypted)`);
        if (r.audit.on_failure === "fail_open" && b.audit.on_failure === "fail_closed") add(["rules", ti, "audit", "on_failure"], `on_failure: fail_open, but ${at} is fail_closed`);
      }
    }
  });
  for (const name of Object.keys(team.value.aliases)) {
    if (name in org.value.aliases) add(["aliases", name], `alias '${name}' is defined by the baseline (${org.at(["aliases", name], "").file}:${org.at(["aliases", name], "").line}); a team cannot redefine it`);
  }
  return out;
}

/** A team's allow-list must sit inside the baseline's, and outside its deny-list. */
function namesWithin(
  mine: { allow?: string[] | undefined },
  theirs: { allow?: string[] | undefined; deny?: string[] | undefined },
  key: "models" | "providers" | "regions",
  ti: number,
  _bi: number,
  at: string,
  add: (path: (string | number)[], message: string) => void,
): void {
  (mine.allow ?? []).forEach((p, k) => {
    if (theirs.allow && !theirs.allow.some((a) => globCovers(a, p))) add(["rules", ti, key, "allow", k], `${key} allow '${p}' is not within the allow-list of ${at}`);
    if (theirs.deny?.some((d) => globCovers(d, p))) add(["rules", ti, key, "allow", k], `${key} allow '${p}' is denied by ${at}`);
  });
}
