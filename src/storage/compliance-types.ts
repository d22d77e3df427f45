// What the compliance workflows ask of storage (migrations/0007_compliance.sql): legal
// holds and their releases, incidents and their actions, purged months, content-key expiry.
// All insert-only; the destructive steps are the owner's SECURITY DEFINER functions.

/** A legal hold: the events it lists, or else every event matching all the scopes it gives. */
export interface HoldRecord {
  id: string;
  incidentId?: string;
  team?: string;
  /** A subject's pseudonym. */
  subject?: string;
  /** received_at in [from, to). */
  from?: Date;
  to?: Date;
  eventIds: string[];
  reason: string;
  placedBy: string;
  placedAt: Date;
  released?: { reason: string; by: string; at: Date };
}

export interface IncidentRow {
  id: string;
  openedAt: Date;
  openedBy: string;
  /** What was opened and the evidence freeze (src/incidents/service.ts IncidentOpening). */
  opening: Record<string, unknown>;
  /** The incident.open audit event. */
  eventId?: string;
}

export interface IncidentActionRow {
  id: string;
  incidentId: string;
  at: Date;
  actor: string;
  kind: string;
  detail: Record<string, unknown>;
  eventId?: string;
}

export interface PurgedMonth {
  month: Date;
  to: Date;
  events: number;
  /** The log indices the month's entries had (their leaf hashes stay). */
  firstIndex?: number;
  lastIndex?: number;
  purgeEvent: string;
  purgedAt: Date;
}

export interface RevealRequest {
  id: string;
  eventId: string;
  requestedBy: string;
  justification: string;
  requestedAt: Date;
  approval?: { by: string; at: Date };
}

export interface ComplianceStore {
  createRevealRequest(r: Omit<RevealRequest, "requestedAt" | "approval">): Promise<RevealRequest>;
  revealRequest(id: string): Promise<RevealRequest | undefined>;
  /** Pending (unapproved) requests, newest first. */
  pendingRevealRequests(): Promise<RevealRequest[]>;
  /** False when it was approved already. */
  approveRevealRequest(id: string, by: string): Promise<boolean>;

  placeHold(h: Omit<HoldRecord, "placedAt" | "released">): Promise<HoldRecord>;
  /** Records the release; undefined when there is no such hold, `already` when it was released before. */
  releaseHold(id: string, reason: string, by: string): Promise<{ hold: HoldRecord; already: boolean } | undefined>;
  hold(id: string): Promise<HoldRecord | undefined>;
  /** Holds, newest first; only those in force unless `all`. */
  holds(opts?: { all?: boolean; incidentId?: string }): Promise<HoldRecord[]>;
  /** Ids of the holds in force that cover any event of this pseudonym. */
  holdsOnSubject(pseudonym: string): Promise<string[]>;
  /** Ids of the holds in force that cover any event received in [from, to). */
  holdsOnRange(from: Date, to: Date): Promise<string[]>;

  createIncident(row: IncidentRow): Promise<void>;
  incident(id: string): Promise<IncidentRow | undefined>;
  /** Incidents, newest first. */
  incidents(limit: number): Promise<IncidentRow[]>;
  addIncidentAction(row: IncidentActionRow): Promise<void>;
  /** Actions of these incidents, oldest first. */
  incidentActions(ids: readonly string[]): Promise<IncidentActionRow[]>;

  /** The months that still have a partition, oldest first. */
  partitionMonths(): Promise<Date[]>;
  /** Why the month (its UTC start) cannot be purged now ("code: words"), or undefined when it can. */
  purgeRefusal(month: Date): Promise<string | undefined>;
  /** What purging the month would remove: its integrated entries and their log indices. */
  monthLeaves(month: Date): Promise<{ events: number; firstIndex?: number; lastIndex?: number }>;
  /**
   * Drops the month; the events it held. The retention.purge event must be committed first,
   * its `purge` field saying {month: "YYYY-MM", events, first_index, last_index} exactly.
   */
  purgeMonth(month: Date, purgeEvent: string): Promise<number>;
  purged(): Promise<PurgedMonth[]>;
  /** Destroys the content keys whose class's content period has ended and no hold covers; the count per class. */
  shredExpired(): Promise<{ class: string; destroyed: number }[]>;
}
