// An incident's report package: the reports per regime (JSON and printable HTML) and the
// evidence — every linked event's exact entry with its inclusion proof against a signed
// checkpoint (C2SP tlog-proof), the freeze's checkpoint, the log's public key, and a
// SHA-256 list of every file — as one tar. Anyone holding the log's key can check each
// proof offline; `custos audit proof` prints the same proof for one event.
import { base64url, hex } from "../crypto/hashing.ts";
import { eventProof, proofJson, tlogProofText } from "../audit/proof-file.ts";
import type { PublicJwk } from "../audit/checkpoint.ts";
import type { Sha256 } from "../audit/merkle.ts";
import { ustar, type TarFile } from "../audit/ustar.ts";
import type { AuditStore } from "../storage/audit-types.ts";
import { linkedEvents, logFacts } from "./facts.ts";
import { buildReport, type IncidentReport } from "./report.ts";
import { renderReportHtml } from "./report-html.ts";
import type { Reporter } from "./report-values.ts";
import type { Deadline, IncidentView, Regime } from "./types.ts";

export interface ReportInputs {
  store: AuditStore;
  sha: Sha256;
  incident: IncidentView;
  deadlines: Deadline[];
  reporter: Reporter;
  now: number;
}

/** One regime's report, pre-filled from the incident's linked events. */
export async function incidentReport(o: ReportInputs, regime: Regime): Promise<IncidentReport> {
  const facts = logFacts(await linkedEvents(o.store, o.incident.eventIds));
  return buildReport({ incident: o.incident, regime, deadlines: o.deadlines, facts, reporter: o.reporter, generatedAt: new Date(o.now) });
}

export interface EvidencePackage {
  tar: Uint8Array;
  reports: IncidentReport[];
  /** Events whose proof could not be made yet (not integrated or no checkpoint covers them). */
  unproven: { eventId: string; why: string }[];
}

const enc = new TextEncoder();

export async function evidencePackage(o: ReportInputs & { logKey?: { origin: string; publicJwk: PublicJwk } }): Promise<EvidencePackage> {
  const mtime = Math.floor(o.now / 1000);
  const files: TarFile[] = [];
  const put = (name: string, text: string) => files.push({ name: `incident-${o.incident.id}/${name}`, data: enc.encode(text), mtime });
  const reports: IncidentReport[] = [];
  for (const regime of o.incident.regimes) {
    const r = await incidentReport(o, regime);
    reports.push(r);
    put(`reports/${regime}.json`, `${JSON.stringify(r, null, 2)}\n`);
    put(`reports/${regime}.html`, renderReportHtml(r));
  }
  put("incident.json", `${JSON.stringify({ incident: o.incident, deadlines: o.deadlines }, null, 2)}\n`);
  const unproven: { eventId: string; why: string }[] = [];
  const lines: string[] = [];
  for (const e of await linkedEvents(o.store, o.incident.eventIds)) {
    const p = await eventProof(o.store, o.sha, e.eventId);
    const line: Record<string, unknown> = { event_id: e.eventId, type: e.type, leaf: base64url(e.leafHash), entry_b64url: base64url(e.entry), linked: o.incident.eventIds.includes(e.eventId) };
    if (typeof p === "string") unproven.push({ eventId: e.eventId, why: p });
    else {
      line.log_index = p.logIndex;
      put(`proofs/${e.eventId}.tlog-proof`, tlogProofText(p));
      put(`proofs/${e.eventId}.json`, `${JSON.stringify(proofJson(p), null, 2)}\n`);
    }
    lines.push(JSON.stringify(line));
  }
  put("events.jsonl", lines.map((l) => `${l}\n`).join(""));
  if (o.logKey) put("trust.json", `${JSON.stringify({ origin: o.logKey.origin, keys: [o.logKey.publicJwk] }, null, 2)}\n`);
  put(
    "README.txt",
    [
      `Incident ${o.incident.id}: reports and evidence, generated ${new Date(o.now).toISOString()}.`,
      "",
      "reports/<regime>.json and .html  the report per regime, pre-filled from the audit log; an INITIAL report lists what is missing.",
      "incident.json                    the incident, its timeline and its computed deadlines.",
      "events.jsonl                     the linked events and the other events of their calls: exact entry bytes (base64url) and leaf hashes.",
      "proofs/<event id>.tlog-proof     each event's inclusion proof against a signed checkpoint (C2SP tlog-proof@v1).",
      "trust.json                       the log's origin and public key (compare it with the key you pinned).",
      "SHA256SUMS                       a SHA-256 of every other file.",
      "",
      "Check a proof: the entry bytes hash (RFC 6962 leaf: SHA-256(0x00 || bytes)) to the leaf; the proof's hashes lead from",
      "the leaf to the checkpoint's root; the checkpoint's signature verifies under trust.json's key. `custos audit proof --id ID`",
      "prints the same proof from the database; `custos audit verify` checks the whole log.",
      unproven.length > 0 ? `\nNot proven yet (${unproven.length}): ${unproven.map((u) => `${u.eventId} (${u.why})`).join("; ")}` : "",
      "",
    ].join("\n"),
  );
  const sums = files.map((f) => `${hex(o.sha(f.data))}  ${f.name.slice(f.name.indexOf("/") + 1)}`).join("\n");
  put("SHA256SUMS", `${sums}\n`);
  return { tar: ustar(files), reports, unproven };
}
