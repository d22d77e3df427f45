// The fixed incident, log facts and deadlines the report tests build from (test data only).
import type { BuildReportInput, LogFacts } from "./report.ts";
import type { Deadline, IncidentView } from "./types.ts";

export const INCIDENT: IncidentView = {
  id: "inc-0193",
  title: "Credit model disclosed other applicants' e-mail addresses",
  description: "The scoring assistant quoted e-mail addresses of other applicants in its explanations.",
  status: "investigating",
  regimes: ["ai_act_art73", "gdpr_art33", "nis2_art23", "dora_art19"],
  aiActCase: "fundamental_rights",
  awareAt: "2026-03-01T09:00:00.000Z",
  classifiedAt: "2026-03-01T11:00:00.000Z",
  occurredAt: "2026-02-28T22:15:00.000Z",
  timeZone: "Europe/Brussels",
  team: "credit",
  aiSystemId: "credit-scoring",
  memberStates: ["BE", "NL"],
  openedBy: "alice",
  openedAt: "2026-03-01T09:05:00.000Z",
  eventIds: ["01950000-0000-7000-8000-000000000001", "01950000-0000-7000-8000-000000000002"],
  freeze: {
    holdId: "hold-77",
    policy: { version: "2026-02-14.1", sha256: "a".repeat(64) },
    configSha256: "c".repeat(64),
    checkpoint: {
      size: 4711,
      rootHex: "0f".repeat(32),
      createdAt: "2026-03-01T09:05:01.000Z",
      anchors: [{ kind: "file", ref: "anchors/4711.json" }],
    },
  },
  details: {},
  submissions: [],
  timeline: [{ at: "2026-03-01T09:05:00.000Z", kind: "opened", actor: "alice", detail: {} }],
};

export const FACTS: LogFacts = {
  events: 6,
  calls: 3,
  firstAt: "2026-02-28T22:14:03.000Z",
  lastAt: "2026-02-28T23:40:00.000Z",
  teams: ["credit"],
  models: ["gpt-x-2026-01"],
  endpoints: ["openai-eu"],
  regions: ["eu-west-1"],
  jurisdictions: ["EU"],
  subjects: 2,
  decisions: { block: 1, allow: 2 },
  statuses: { "403": 1, "200": 2 },
  piiTypes: { PHONE: 1, EMAIL: 5, IBAN: 0 },
  aiSystems: [{ id: "credit-scoring", high_risk: true, annex_iii: "5(b)" }],
  policyVersions: ["2026-02-14.1"],
};

const d = (regime: Deadline["regime"], stage: Deadline["stage"], due: string | undefined, status: Deadline["status"]): Deadline => ({
  regime,
  stage,
  label: `${regime} ${stage}`,
  ...(due !== undefined && { due }),
  basis: "from awareness",
  source: `${regime} source`,
  status,
});

export const DEADLINES: Deadline[] = [
  d("ai_act_art73", "report", "2026-03-16T09:00:00.000Z", "due"),
  d("gdpr_art33", "notification", "2026-03-04T09:00:00.000Z", "due"),
  d("nis2_art23", "early_warning", "2026-03-02T09:00:00.000Z", "due"),
  d("nis2_art23", "notification", "2026-03-04T09:00:00.000Z", "due"),
  d("nis2_art23", "final", undefined, "waiting"),
  d("dora_art19", "initial", "2026-03-01T15:00:00.000Z", "overdue"),
];

export const GENERATED_AT = new Date("2026-03-02T08:00:00.000Z");

export function input(over: Partial<BuildReportInput> = {}): BuildReportInput {
  return {
    incident: INCIDENT,
    regime: "ai_act_art73",
    deadlines: DEADLINES,
    facts: FACTS,
    reporter: { name: "Acme Bank NV", contact: "incidents@acme.example", role: "deployer", lei: "529900T8BM49AURSDO55" },
    generatedAt: GENERATED_AT,
    ...over,
  };
}

/** The incident with its details filled in (every manual field of every regime). */
export function withDetails(details: Record<string, string>, base: IncidentView = INCIDENT): IncidentView {
  return { ...base, details: { ...base.details, ...details } };
}
