// The incident object (reference/audit-and-compliance.md §1.7, §1.9, §4.6) as core code
// sees it: what was opened, under which regimes, and what happened since. Storage keeps
// the opening and every later action as insert-only rows; `IncidentView` is their fold.

/** The reporting regimes an incident can fall under (several at once). */
export type Regime = "ai_act_art73" | "gdpr_art33" | "nis2_art23" | "dora_art19";
export const REGIMES: readonly Regime[] = ["ai_act_art73", "gdpr_art33", "nis2_art23", "dora_art19"];

/**
 * AI Act Art. 73 sub-cases, which set the deadline: 73(3) widespread infringement or a
 * 3(49)(b) critical-infrastructure disruption (2 days), 73(4) death (10 days), any other
 * serious incident under 3(49)(a), (c) or (d) (15 days).
 */
export type AiActCase = "widespread_infringement" | "critical_infrastructure" | "death" | "health" | "fundamental_rights" | "property_environment";
export const AI_ACT_CASES: readonly AiActCase[] = ["widespread_infringement", "critical_infrastructure", "death", "health", "fundamental_rights", "property_environment"];

/** A report stage of a regime (which ones exist depends on the regime, see deadlines.ts). */
export type Stage = "report" | "complete" | "notification" | "early_warning" | "initial" | "intermediate" | "final";

export type IncidentStatus = "open" | "investigating" | "reported" | "closed";
export const INCIDENT_STATUSES: readonly IncidentStatus[] = ["open", "investigating", "reported", "closed"];

/** A report filed with an authority: which regime and stage, when, and the authority's reference. */
export interface Submission {
  regime: Regime;
  stage: Stage;
  /** ISO 8601 UTC. */
  at: string;
  reference?: string;
}

/** One computed deadline of one regime's stage. */
export interface Deadline {
  regime: Regime;
  stage: Stage;
  /** A human label, e.g. "GDPR Art. 33 notification to the supervisory authority". */
  label: string;
  /** ISO 8601 UTC; undefined while the time it counts from is not known yet (e.g. DORA before classification). */
  due?: string;
  /** What it counts from, in words ("72 h from awareness (2026-03-01 10:00 Europe/Brussels)"). */
  basis: string;
  /** The legal source, e.g. "GDPR Art. 33(1)". */
  source: string;
  /** met: a submission for this stage exists at or before due (or late: `late: true`); overdue: now past due and none filed. */
  status: "met" | "due" | "overdue" | "waiting";
  submittedAt?: string;
  late?: boolean;
}

/** What the evidence freeze captured when the incident was opened. */
export interface EvidenceFreeze {
  holdId: string;
  policy: { version: string; sha256: string };
  /** SHA-256 (hex) of the canonical configuration (providers, identity, server settings) in force. */
  configSha256: string;
  checkpoint: { size: number; rootHex: string; createdAt: string; anchors: { kind: string; ref: string }[] };
}

export interface TimelineEntry {
  /** ISO 8601 UTC. */
  at: string;
  /** opened | status | note | update | link | submission | provider_notified | report_exported | hold_released … */
  kind: string;
  /** Who did it, as recorded (operator name or issuer:pseudonym); never a credential. */
  actor: string;
  /** The audit event that records this action. */
  eventId?: string;
  detail: Record<string, unknown>;
}

/** Free-text answers the reports need that the log cannot know (causal link, measures, DPO contact…), by field key. */
export type IncidentDetails = Record<string, string>;

export interface IncidentView {
  id: string;
  title: string;
  description: string;
  status: IncidentStatus;
  regimes: Regime[];
  aiActCase?: AiActCase;
  /** ISO 8601 UTC: when the organisation became aware. */
  awareAt: string;
  /** ISO 8601 UTC: when it was classified as major (DORA) / significant (NIS2), when known. */
  classifiedAt?: string;
  /** ISO 8601 UTC: when it happened, when known. */
  occurredAt?: string;
  /** IANA zone the day and month periods are counted in. */
  timeZone: string;
  team?: string;
  aiSystemId?: string;
  /** ISO 3166 alpha-2 codes of the Member States concerned. */
  memberStates: string[];
  openedBy: string;
  openedAt: string;
  /** The audit events linked to it (their holds come with it). */
  eventIds: string[];
  freeze: EvidenceFreeze;
  details: IncidentDetails;
  submissions: Submission[];
  timeline: TimelineEntry[];
}
