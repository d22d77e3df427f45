// The verifier's answer for people (plain text for a terminal or a ticket) and for programs
// (JSON: the VerifyResult itself). The text names what was checked, the counts, the first
// failure with its log index, event id and reason, and the findings; it holds no entry content.
import type { CheckOutcome, Failure, FindingKind, VerifyResult } from "./verify-bundle.ts";

const HEADLINE: Record<VerifyResult["status"], string> = {
  intact: "INTACT: every check passed. Nothing in the exported range was altered, removed or added, and the log agrees with its pinned keys and the outside anchor.",
  tampered: "TAMPERED: the bundle, or the log it was exported from, was altered.",
  incomplete: "INCOMPLETE: the verification could not be completed because input is missing or unreadable. Nothing was proven either way for the checks marked MISSING or skipped.",
};

const MARK: Record<CheckOutcome, string> = { pass: "ok     ", fail: "FAILED ", missing: "MISSING", skipped: "skipped" };

const FINDING: Record<FindingKind, string> = {
  unterminated_request: "requests with no recorded end (no response, error or cancellation entry)",
  writer_abnormal_end: "writers whose last entry is not writer.close (crashed, killed, or still running)",
  writer_gap_at_edge: "writer sequence gaps at the edge of the exported range (the missing events may lie just outside it)",
};

const num = (n: number): string => n.toLocaleString("en-US");

export function formatReport(r: VerifyResult): string {
  const findings = Object.values(r.findingCounts).reduce((s, n) => s + n, 0);
  // Intact is not "all fine" while something needs explaining (a request never answered).
  const headline =
    r.status === "intact" && findings > 0
      ? `INTACT, WITH ${num(findings)} FINDING${findings === 1 ? "" : "S"}: nothing in the exported range was altered, removed or added, but the findings below need an explanation.`
      : HEADLINE[r.status];
  const out: string[] = [`Audit bundle verification: ${headline}`, `Exit code ${r.exitCode}.`, ""];
  const b = r.bundle;
  if (b) {
    out.push(`Log:       ${b.origin}`);
    out.push(`Export:    ${b.scope === "full" ? "every entry" : `entries of team ${b.team ?? "?"} (other teams' entries are present as leaf hashes only)`}, log indices [${num(b.fromIndex)}, ${num(b.toIndex)}) of a tree of ${num(b.treeSize)}, in ${b.entries}${b.created ? `, made ${b.created}` : ""}`);
  }
  if (r.timeRange) out.push(`Reported:  entries with ts from ${r.timeRange.from ?? "the start"} up to ${r.timeRange.to ?? "the end"} (everything else was still checked)`);
  const c = r.counts;
  out.push(`Counts:    ${num(c.leaves)} leaves, ${num(c.entries)} entries${r.timeRange ? ` (${num(c.entriesInRange)} in the reported time range)` : ""}, ${num(c.checkpoints)} checkpoints, ${num(c.anchors)} anchored checkpoints, ${num(c.writers)} writers`);
  out.push("");
  if (r.first) out.push(r.status === "tampered" ? "First failure:" : "First problem:", ...failureLines(r.first), "");
  out.push("Checks:");
  for (const check of r.checks) out.push(`  [${MARK[check.outcome]}] ${check.name}: ${check.detail}`);
  out.push("");
  const total = findings;
  if (total === 0) {
    out.push("Findings: none.");
  } else {
    out.push(`Findings (${num(total)}; these are not integrity failures, but may need an explanation):`);
    for (const [kind, count] of Object.entries(r.findingCounts) as [FindingKind, number][]) {
      if (count === 0) continue;
      out.push(`  ${num(count)} ${FINDING[kind]}:`);
      const listed = r.findings.filter((f) => f.kind === kind);
      for (const f of listed) out.push(`    - ${f.detail}${f.eventId && !f.detail.includes(f.eventId) ? ` (event ${f.eventId})` : ""}`);
      if (listed.length < count) out.push(`    … and ${num(count - listed.length)} more not listed`);
    }
  }
  return `${out.join("\n")}\n`;
}

function failureLines(f: Failure): string[] {
  const lines = [`  check:      ${f.check}`];
  if (f.logIndex !== undefined) lines.push(`  log index:  ${num(f.logIndex)}`);
  if (f.eventId !== undefined) lines.push(`  event id:   ${f.eventId}`);
  if (f.checkpointSize !== undefined) lines.push(`  checkpoint: size ${num(f.checkpointSize)}`);
  if (f.leafRange !== undefined) lines.push(`  leaves:     [${num(f.leafRange[0])}, ${num(f.leafRange[1])})`);
  lines.push(`  why:        ${f.why}`);
  return lines;
}

/** The JSON report: the VerifyResult itself, for scripts and the console. */
export function formatReportJson(r: VerifyResult): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}
