// Database-mode verification of the search-only columns (endpoint, jurisdiction, policy_version,
// rule_ids: src/audit/projection.ts searchProjectionOf). They are not in the export bundle (its
// columns are fixed by the audit spec), so `custos audit verify` against the database checks
// them on the rows as its export reads them: each is recomputed from the entry's bytes, and
// a column that disagrees (edited to hide an event from a search, or to misfile it) is
// tampering, reported under "entry fields" like an edited bundle column.
import type { AuditEventRow } from "../storage/audit-types.ts";
import { safeId, show } from "./bundle-format.ts";
import { SEARCH_COLUMNS, searchProjectionOf, type SearchProjection } from "./projection.ts";
import type { VerifyResult } from "./verify-bundle.ts";
import { CHECKS, type Failure } from "./verify-ledger.ts";

const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

export class SearchColumnCheck {
  checked = 0;
  mismatches = 0;
  first: Failure | undefined;

  /** One event row as stored, at its log index. */
  add(logIndex: number, e: AuditEventRow): void {
    let entry: unknown;
    try {
      entry = JSON.parse(decoder.decode(e.entry));
    } catch {
      return; // not JSON: the bundle check reports the entry itself
    }
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) return;
    this.checked++;
    const expected = searchProjectionOf(entry as Record<string, unknown>);
    const why = mismatch(e, expected);
    if (why === undefined) return;
    this.mismatches++;
    this.first ??= { check: "entry fields", logIndex, eventId: safeId(e.eventId), why: `log index ${logIndex}: ${why}` };
  }

  /** The verification's result with this check's outcome folded into "entry fields". */
  apply(result: VerifyResult): VerifyResult {
    const i = result.checks.findIndex((c) => c.name === "entry fields");
    if (i < 0) return result;
    const checks = [...result.checks];
    const check = checks[i]!;
    if (this.first === undefined) {
      if (check.outcome === "pass") checks[i] = { ...check, detail: `${check.detail}; the database's search columns equal the entry too (${this.checked} rows)` };
      return { ...result, checks };
    }
    const ours = this.first;
    if (check.outcome !== "fail") checks[i] = { name: "entry fields", ok: false, outcome: "fail", detail: this.mismatches > 1 ? `${ours.why} (and ${this.mismatches - 1} more)` : ours.why };
    // A proof of tampering outranks missing input, and the first failure is the first by check order.
    const earlier = result.status === "tampered" && result.first !== undefined && CHECKS.indexOf(result.first.check) <= CHECKS.indexOf("entry fields");
    return { ...result, checks, status: "tampered", exitCode: 1, first: earlier ? result.first : ours };
  }
}

/** The first search column that disagrees with the entry. */
function mismatch(e: AuditEventRow, expected: SearchProjection): string | undefined {
  for (const [column, field] of SEARCH_COLUMNS) {
    const stored = e[field];
    const want = expected[field];
    if (JSON.stringify(stored) === JSON.stringify(want)) continue;
    return `search column ${column} says ${stored === undefined ? "nothing" : show(stored, 60)}, entry says ${want === undefined ? "nothing" : show(want, 60)} (the database row was edited)`;
  }
  return undefined;
}
