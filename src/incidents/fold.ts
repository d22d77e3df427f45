// An incident as it stands: its opening row folded with its actions, oldest first. Rows are
// never updated (0007), so this fold is the only way an incident changes.
import type { IncidentActionRow, IncidentRow } from "../storage/compliance-types.ts";
import type { AiActCase, IncidentStatus, IncidentView, Regime, Stage, Submission } from "./types.ts";

/** What audit.incident.opening holds (snake_case, as stored). */
export interface IncidentOpening {
  title: string;
  description: string;
  regimes: Regime[];
  ai_act_case?: AiActCase;
  aware_at: string;
  classified_at?: string;
  occurred_at?: string;
  time_zone: string;
  team?: string;
  ai_system_id?: string;
  member_states: string[];
  event_ids: string[];
  details: Record<string, string>;
  policy_snapshot: { version: string; sha256: string; files: Record<string, string> };
  freeze: {
    hold_id: string;
    policy: { version: string; sha256: string };
    config_sha256: string;
    checkpoint: { size: number; root_hex: string; created_at: string; signed_now: boolean; anchors: { kind: string; ref: string }[] };
  };
}

type Obj = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

export function foldIncident(row: IncidentRow, actions: readonly IncidentActionRow[]): IncidentView {
  const o = row.opening as unknown as IncidentOpening;
  const v: IncidentView = {
    id: row.id,
    title: o.title,
    description: o.description,
    status: "open",
    regimes: o.regimes,
    awareAt: o.aware_at,
    timeZone: o.time_zone,
    memberStates: o.member_states ?? [],
    openedBy: row.openedBy,
    openedAt: row.openedAt.toISOString(),
    eventIds: [...o.event_ids],
    freeze: {
      holdId: o.freeze.hold_id,
      policy: o.freeze.policy,
      configSha256: o.freeze.config_sha256,
      checkpoint: { size: o.freeze.checkpoint.size, rootHex: o.freeze.checkpoint.root_hex, createdAt: o.freeze.checkpoint.created_at, anchors: o.freeze.checkpoint.anchors },
    },
    details: { ...(o.details ?? {}) },
    submissions: [],
    timeline: [{ at: row.openedAt.toISOString(), kind: "opened", actor: row.openedBy, ...(row.eventId ? { eventId: row.eventId } : {}), detail: { regimes: o.regimes, events: o.event_ids.length, hold_id: o.freeze.hold_id } }],
  };
  if (o.ai_act_case) v.aiActCase = o.ai_act_case;
  if (o.classified_at) v.classifiedAt = o.classified_at;
  if (o.occurred_at) v.occurredAt = o.occurred_at;
  if (o.team) v.team = o.team;
  if (o.ai_system_id) v.aiSystemId = o.ai_system_id;
  for (const a of actions) {
    const d = a.detail as Obj;
    v.timeline.push({ at: a.at.toISOString(), kind: a.kind, actor: a.actor, ...(a.eventId ? { eventId: a.eventId } : {}), detail: d });
    switch (a.kind) {
      case "status":
        v.status = d.status as IncidentStatus;
        break;
      case "update":
        if (str(d.title)) v.title = d.title as string;
        if (typeof d.description === "string") v.description = d.description;
        if (str(d.ai_act_case)) v.aiActCase = d.ai_act_case as AiActCase;
        if (str(d.classified_at)) v.classifiedAt = d.classified_at as string;
        if (str(d.occurred_at)) v.occurredAt = d.occurred_at as string;
        if (Array.isArray(d.member_states)) v.memberStates = d.member_states as string[];
        if (d.details && typeof d.details === "object") Object.assign(v.details, d.details);
        break;
      case "link":
        for (const e of d.event_ids as string[]) if (!v.eventIds.includes(e)) v.eventIds.push(e);
        break;
      case "submission": {
        const s: Submission = { regime: d.regime as Regime, stage: d.stage as Stage, at: d.at as string };
        if (str(d.reference)) s.reference = d.reference as string;
        v.submissions.push(s);
        break;
      }
    }
  }
  return v;
}
