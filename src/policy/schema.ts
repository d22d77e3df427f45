// The policy files (policies/org.yaml, policies/teams/<team>.yaml): what a security team
// can say, validated with zod. Every rule has a stable id and a description, says one
// thing (models, providers, regions, pii, limits or audit), and may run in shadow mode.
import { z } from "zod";
import { RetentionSchema } from "../audit/retention.ts";

/** The PII types (DESIGN.md): detector output, policy keys, audit counts. */
export const PII_TYPES = [
  "EMAIL",
  "PHONE",
  "CREDIT_CARD",
  "IBAN",
  "IP_ADDRESS",
  "US_SSN",
  "UK_NINO",
  "PERSON",
  "LOCATION",
  "DATE_OF_BIRTH",
  "PASSPORT",
  "NATIONAL_ID",
  "API_KEY",
  "URL_WITH_CREDENTIALS",
  "CRYPTO_WALLET",
  "MEDICAL_ID",
] as const;
export type PiiType = (typeof PII_TYPES)[number];

/** Stricter to the right: a pseudonym is restored in the answer, a redaction is not. */
export const PII_ACTIONS = ["allow", "pseudonymize", "redact", "block"] as const;
export type PiiAction = (typeof PII_ACTIONS)[number];

/** Stricter to the right. */
export const CONTENT_LEVELS = ["none", "hashes", "encrypted"] as const;
export type ContentLevel = (typeof CONTENT_LEVELS)[number];

export const OPERATIONS = ["chat", "responses", "embeddings", "messages"] as const;

const ruleId = z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, "a rule id: lower-case letters, digits, '.', '_' or '-' (at most 64)");
/** A name or a glob: `*` matches any run of characters (`gpt-4o*`, `*-preview`). */
const pattern = z.string().min(1).max(256);
const mode = z.enum(["enforce", "shadow"]);

/** An action per PII type, and `default` for the types not named. */
const piiActions = z.partialRecord(z.enum([...PII_TYPES, "default"]), z.enum(PII_ACTIONS));

const common = { id: ruleId, description: z.string().min(1).max(500), mode: mode.optional() };

const limitsSchema = z
  .object({
    max_request_bytes: z.number().int().min(1).optional(),
    /** Estimated as characters ÷ 4 unless a tokenizer is configured. */
    max_input_tokens: z.number().int().min(1).optional(),
    max_output_tokens: z.number().int().min(1).optional(),
    /** What happens to a request asking for more output: lowered to the limit, or refused. */
    output_over_limit: z.enum(["clamp", "refuse"]).optional(),
    streaming: z.boolean().optional(),
    operations: z.array(z.enum(OPERATIONS)).optional(),
  })
  .strict();

const auditSchema = z
  .object({ content: z.enum(CONTENT_LEVELS).optional(), retention: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/).optional(), on_failure: z.enum(["fail_closed", "fail_open"]).optional() })
  .strict();

/**
 * Risk-aware routing: when the prompt holds one of these types, only endpoints in one of the
 * jurisdictions or carrying one of the tags may serve the call (an alternative to redacting:
 * the data goes only where it may).
 */
const routingSchema = z
  .object({
    when_prompt_has: z.array(z.enum(PII_TYPES)).min(1),
    jurisdictions: z.array(z.string().min(2).max(16)).min(1).optional(),
    tags: z.array(z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,62}$/)).min(1).optional(),
  })
  .strict()
  .refine((r) => r.jurisdictions !== undefined || r.tags !== undefined, "say where such prompts may go: jurisdictions, tags, or both (an endpoint qualifies by either)");

/** The rule shapes, one kind each (the type rules have once validated). */
export const RuleShapes = z.union([
  z.object({ ...common, models: z.object({ allow: z.array(pattern).optional(), deny: z.array(pattern).optional() }).strict() }).strict(),
  z.object({ ...common, providers: z.object({ allow: z.array(pattern).optional(), deny: z.array(pattern).optional() }).strict() }).strict(),
  z.object({ ...common, regions: z.object({ allow: z.array(pattern).optional(), jurisdictions: z.array(z.string().min(2).max(16)).optional() }).strict() }).strict(),
  z.object({ ...common, pii: z.object({ prompt: piiActions.optional(), answer: piiActions.optional() }).strict() }).strict(),
  z
    .object({
      ...common,
      limits: limitsSchema,
    })
    .strict(),
  z
    .object({
      ...common,
      audit: auditSchema,
    })
    .strict(),
  z.object({ ...common, routing: routingSchema }).strict(),
]);
/** What a rule may say, one kind per rule. */
const KINDS = ["models", "providers", "regions", "pii", "limits", "audit", "routing"] as const;

/**
 * Validated as one object with every kind optional, then "exactly one kind": a union would
 * report a wrong value deep inside a rule as "rules.0: Invalid input" at the rule, naming
 * neither the field nor what was expected.
 */
export const RuleSchema = z
  .object({
    ...common,
    models: z.object({ allow: z.array(pattern).optional(), deny: z.array(pattern).optional() }).strict().optional(),
    providers: z.object({ allow: z.array(pattern).optional(), deny: z.array(pattern).optional() }).strict().optional(),
    regions: z.object({ allow: z.array(pattern).optional(), jurisdictions: z.array(z.string().min(2).max(16)).optional() }).strict().optional(),
    pii: z.object({ prompt: piiActions.optional(), answer: piiActions.optional() }).strict().optional(),
    limits: limitsSchema.optional(),
    audit: auditSchema.optional(),
    routing: routingSchema.optional(),
  })
  .strict()
  .superRefine((r, ctx) => {
    const kinds = KINDS.filter((k) => r[k] !== undefined);
    if (kinds.length !== 1) ctx.addIssue({ code: "custom", path: [], message: kinds.length === 0 ? `a rule says one of: ${KINDS.join(", ")}` : `a rule says one thing; this one says ${kinds.join(" and ")} (split it into rules with ids of their own)` });
  })
  .transform((r) => r as z.output<typeof RuleShapes>);
export type Rule = z.output<typeof RuleSchema>;

const aiSystem = z
  .object({ id: z.string().min(1).max(128), high_risk: z.boolean().default(false), annex_iii: z.string().regex(/^[1-8][a-z]?$/, "an Annex III point such as 5b").optional() })
  .strict();

export const OrgFileSchema = z
  .object({
    description: z.string().min(1).max(500),
    rules: z.array(RuleSchema).default([]),
    aliases: z.record(z.string().min(1).max(128), z.string().min(1).max(256)).default({}),
    /** Retention classes (src/audit/retention.ts); absent: DEFAULT_RETENTION. */
    retention: RetentionSchema.optional(),
  })
  .strict();
export type OrgFile = z.output<typeof OrgFileSchema>;

export const TeamFileSchema = z
  .object({
    team: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/),
    description: z.string().min(1).max(500),
    /** shadow: this team's own rules are evaluated and recorded but do not deny (the baseline still does). */
    mode: mode.default("enforce"),
    rules: z.array(RuleSchema).default([]),
    aliases: z.record(z.string().min(1).max(128), z.string().min(1).max(256)).default({}),
    ai_system: aiSystem.optional(),
  })
  .strict();
export type TeamFile = z.output<typeof TeamFileSchema>;

/** What a rule is about. */
export type RuleKind = "models" | "providers" | "regions" | "pii" | "limits" | "audit" | "routing";
export function ruleKind(r: Rule): RuleKind {
  if ("models" in r) return "models";
  if ("providers" in r) return "providers";
  if ("regions" in r) return "regions";
  if ("pii" in r) return "pii";
  if ("limits" in r) return "limits";
  if ("routing" in r) return "routing";
  return "audit";
}
