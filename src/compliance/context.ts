// What the compliance workflows (holds, incidents, retention, data-subject requests) run
// on, whoever calls them: the /api routes, the console and the CLI build the same context,
// so every path writes the same audit events.
import type { AuditSink } from "../audit/writer.ts";
import type { Storage } from "../storage/types.ts";

export interface ComplianceCtx {
  storage: Storage;
  audit: AuditSink;
  now: () => number;
}

/** Who acts: `by` as rows record it (an operator name, or issuer:pseudonym), `actor` as entries record it. */
export interface Operator {
  by: string;
  actor: Record<string, unknown>;
}
