// Builds one regime's incident report (JSON-ready) from the incident, its computed deadlines
// and the facts of its linked audit events; pure, no I/O. Marks it initial until complete.
import { REPORT_FIELDS, type FieldSpec, type Requirement } from "./report-fields.ts";
import { INCIDENT_VALUES, LOG_VALUES, normalise, type FieldValue, type LogFacts, type Reporter } from "./report-values.ts";
import type { Deadline, IncidentStatus, IncidentView, Regime } from "./types.ts";

export type { FieldValue, LogFacts, Reporter } from "./report-values.ts";

export type FieldOrigin = "log" | "incident" | "manual";

export interface ReportField {
  key: string;
  label: string;
  source: string;
  value: FieldValue;
  origin: FieldOrigin;
  /** Whether this report needs it to be complete (conditional duties already resolved). */
  required: boolean;
}

export interface ReportSection {
  key: string;
  title: string;
  fields: ReportField[];
}

export interface ReportEvidence {
  hold_id: string;
  policy: { version: string; sha256: string };
  config_sha256: string;
  checkpoint: { size: number; root_hex: string; created_at: string; anchors: { kind: string; ref: string }[] };
  event_ids: string[];
}

export interface IncidentReport {
  schema: "custos.incident-report/v1";
  regime: Regime;
  regime_label: string;
  source: string;
  incident: {
    id: string;
    title: string;
    status: IncidentStatus;
    opened_at: string;
    aware_at: string;
    classified_at?: string;
    occurred_at?: string;
    time_zone: string;
    member_states: string[];
    team?: string;
    ai_system_id?: string;
  };
  report_status: "initial" | "complete";
  complete: boolean;
  /** Says in words whether the report is complete, and on what basis an incomplete one may be filed. */
  notice: string;
  /** Keys of the required fields that have no value, in report order. */
  missing: string[];
  sections: ReportSection[];
  /** This regime's deadlines only. */
  deadlines: Deadline[];
  evidence: ReportEvidence;
  generated_at: string;
}

export interface BuildReportInput {
  incident: IncidentView;
  regime: Regime;
  deadlines: Deadline[];
  facts: LogFacts;
  reporter: Reporter;
  generatedAt: Date;
}

interface Context {
  input: BuildReportInput;
  deadlines: Deadline[];
}

/** A deadline was missed, or is being missed now (GDPR 33(1) then asks for the reasons). */
function late(ctx: Context): boolean {
  const now = ctx.input.generatedAt.getTime();
  return ctx.deadlines.some(
    (d) => d.status === "overdue" || d.late === true || (d.due !== undefined && d.submittedAt === undefined && now > Date.parse(d.due)),
  );
}

function isRequired(r: Requirement, ctx: Context): boolean {
  switch (r) {
    case "yes":
      return true;
    case "no":
      return false;
    case "if_late":
      return late(ctx);
    case "if_deployer":
      return ctx.input.reporter.role === "deployer";
    case "if_high_risk":
      return ctx.input.facts.aiSystems.some((s) => s.high_risk === true);
  }
}

function manual(spec: FieldSpec, incident: IncidentView): FieldValue {
  return normalise(Object.hasOwn(incident.details, spec.key) ? incident.details[spec.key] : undefined);
}

function resolve(spec: FieldSpec, ctx: Context): { value: FieldValue; origin: FieldOrigin } {
  const { incident, facts, reporter } = ctx.input;
  if (spec.fill === "manual") return { value: manual(spec, incident), origin: "manual" };
  if (spec.fill === "from_incident") {
    const get = INCIDENT_VALUES[spec.key];
    if (!get) throw new Error(`report field ${spec.key}: no incident value defined`);
    return { value: normalise(get(incident, reporter)), origin: "incident" };
  }
  const get = LOG_VALUES[spec.key];
  if (!get) throw new Error(`report field ${spec.key}: no log value defined`);
  // With no linked events there is nothing to count: a 0 would read as a finding.
  const fromLog = facts.events > 0 ? normalise(get(facts)) : null;
  if (fromLog !== null) return { value: fromLog, origin: "log" };
  // The log sees only what passed the proxy; what it cannot know is answered by hand.
  const fallback = manual(spec, incident);
  return fallback !== null ? { value: fallback, origin: "manual" } : { value: null, origin: "log" };
}

/**
 * One regime's report. Throws if the incident is not under that regime (a caller error: the
 * server offers reports only for the incident's own regimes).
 */
export function buildReport(input: BuildReportInput): IncidentReport {
  const { incident, regime } = input;
  if (!incident.regimes.includes(regime)) throw new Error(`incident ${incident.id} is not under ${regime}`);
  const spec = REPORT_FIELDS[regime];
  const ctx: Context = { input, deadlines: input.deadlines.filter((d) => d.regime === regime) };

  const missing: string[] = [];
  const sections: ReportSection[] = spec.sections.map((s) => ({
    key: s.key,
    title: s.title,
    fields: s.fields.map((fs) => {
      const { value, origin } = resolve(fs, ctx);
      const required = isRequired(fs.required, ctx);
      if (required && value === null && !missing.includes(fs.key)) missing.push(fs.key);
      return { key: fs.key, label: fs.label, source: fs.source, value, origin, required };
    }),
  }));
  const complete = missing.length === 0;

  return {
    schema: "custos.incident-report/v1",
    regime,
    regime_label: spec.label,
    source: spec.source,
    incident: {
      id: incident.id,
      title: incident.title,
      status: incident.status,
      opened_at: incident.openedAt,
      aware_at: incident.awareAt,
      ...(incident.classifiedAt !== undefined && { classified_at: incident.classifiedAt }),
      ...(incident.occurredAt !== undefined && { occurred_at: incident.occurredAt }),
      time_zone: incident.timeZone,
      member_states: [...incident.memberStates],
      ...(incident.team !== undefined && { team: incident.team }),
      ...(incident.aiSystemId !== undefined && { ai_system_id: incident.aiSystemId }),
    },
    report_status: complete ? "complete" : "initial",
    complete,
    notice: complete
      ? "Complete report: every required field has a value."
      : `Initial report, incomplete: ${missing.length} required field(s) missing. ${spec.initialBasis}`,
    missing,
    sections,
    deadlines: ctx.deadlines.map((d) => ({ ...d })),
    evidence: evidence(incident),
    generated_at: input.generatedAt.toISOString(),
  };
}

function evidence(incident: IncidentView): ReportEvidence {
  const { freeze } = incident;
  return {
    hold_id: freeze.holdId,
    policy: { version: freeze.policy.version, sha256: freeze.policy.sha256 },
    config_sha256: freeze.configSha256,
    checkpoint: {
      size: freeze.checkpoint.size,
      root_hex: freeze.checkpoint.rootHex,
      created_at: freeze.checkpoint.createdAt,
      anchors: freeze.checkpoint.anchors.map((a) => ({ kind: a.kind, ref: a.ref })),
    },
    event_ids: [...incident.eventIds],
  };
}
