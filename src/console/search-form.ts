// The audit search's query, shared by /api/audit/events, the console's search page and the
// export: one zod schema, so a filter the API refuses the page refuses with the same words,
// and a search's URL on the page is the API's query string.
import { z } from "zod";
import type { AuditSearch } from "../storage/audit-types.ts";

const UUID = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, "a UUID");
const time = z.string().refine((s) => /^\d{4}-\d{2}-\d{2}/.test(s) && Number.isFinite(Date.parse(s)), "an RFC 3339 time or a date");
const name = z.string().min(1).max(256);

export const SearchQuery = z
  .object({
    from: time.optional(),
    to: time.optional(),
    team: name.optional(),
    subject: name.optional(),
    model: name.optional(),
    /** The provider kind (route.provider: openai, anthropic…). */
    provider: name.optional(),
    /** The endpoint id (route.endpoint). */
    endpoint: name.optional(),
    decision: name.optional(),
    region: name.optional(),
    jurisdiction: name.optional(),
    pii: z.string().regex(/^[A-Z_]{2,32}$/, "a PII type such as EMAIL").optional(),
    /** A policy rule id the entry names (enforced, denying, shadow, clamping or routing). */
    rule: z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, "a policy rule id such as base.no-secrets").optional(),
    policy_version: z.string().regex(/^[\x21-\x7e]{1,128}$/, "a policy version such as sha256:0123456789abcdef").optional(),
    status: z.coerce.number().int().min(100).max(599).optional(),
    type: z.string().regex(/^[a-z_]+\.[a-z_.]+$/, "an event type such as llm.request").optional(),
    before: UUID.optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    /** count=true: also how many events match (up to COUNT_CAP; `count_capped` beyond). */
    count: z.enum(["true", "false"]).optional(),
  })
  .strict();

export type SearchParams = z.output<typeof SearchQuery>;

/** The filter names, in the order the page's form shows them (the API takes the same). */
export const FILTER_KEYS = ["from", "to", "team", "subject", "model", "provider", "endpoint", "region", "jurisdiction", "decision", "rule", "pii", "status", "policy_version", "type"] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];

/** The storage search for parsed parameters (without paging). */
export function searchFilters(q: SearchParams): Omit<AuditSearch, "before" | "limit"> {
  const { from, to, limit: _limit, before: _before, count: _count, policy_version: policyVersion, ...rest } = q;
  return { ...rest, ...(policyVersion === undefined ? {} : { policyVersion }), ...(from ? { from: new Date(from) } : {}), ...(to ? { to: new Date(to) } : {}) };
}

/** The problem+json message for the first issue, exactly as /api/audit says it. */
export function issueMessage(issues: readonly z.core.$ZodIssue[]): { message: string; param: string } {
  const i = issues[0]!;
  const param = i.path.join(".");
  return { message: `${param || "query"}: ${i.message}`, param };
}

/**
 * A query string from a form: empty fields dropped (a GET form sends every field), and
 * datetime-local values ("2026-11-30T10:15") read as UTC and written as RFC 3339, so the
 * shared URL means the same instant for every reader.
 */
export function fromForm(raw: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    const t = v.trim();
    if (t === "") continue;
    out[k] = (k === "from" || k === "to") && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/.test(t) ? `${t.length === 16 ? `${t}:00` : t}Z` : t;
  }
  return out;
}

/** An RFC 3339 value as a datetime-local input shows it (UTC, to the second), or "" when it is not one. */
export function toDatetimeLocal(v: string | undefined): string {
  if (v === undefined) return "";
  const ms = Date.parse(v);
  return Number.isFinite(ms) ? new Date(ms).toISOString().slice(0, 19) : "";
}

/** The query string of a search (only the filters given), for links, saved searches and exports. */
export function queryString(q: Record<string, string | undefined>, extra: Record<string, string> = {}): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== "") p.set(k, v);
  for (const [k, v] of Object.entries(extra)) p.set(k, v);
  return p.toString();
}

export { UUID };
