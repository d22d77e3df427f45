// What `custos incident open` and `report` do on the database itself (no server holds it),
// and the export through a running server's /api. Opening signs and anchors the freeze's
// checkpoint here as `custos audit integrate --once` would; reports record that they were
// exported (incident.report_exported), as the /api routes do.
import type { Config } from "../../config/config.ts";
import { actOnIncident, deadlinesOf, loadIncident, openIncident } from "../../incidents/service.ts";
import { evidencePackage, incidentReport } from "../../incidents/evidence.ts";
import { renderReportHtml } from "../../incidents/report-html.ts";
import type { AiActCase, IncidentView, Regime } from "../../incidents/types.ts";
import { integrationParts, loadSigningKey, nodeSha256 } from "../../runtime/node-audit.ts";
import { MissingKeyError, type ServerHandle } from "../../runtime/node-files.ts";
import type { Storage } from "../../storage/types.ts";
import { jsonLogger } from "../../telemetry/logger.ts";
import type { CliIo } from "../io.ts";
import { CliFailure, directCompliance, failureOf, serverFetch, serverProblem } from "./compliance-ctx.ts";

export interface OpenOp {
  title: string;
  description: string;
  regimes: Regime[];
  aiActCase?: AiActCase;
  awareAt: Date;
  eventIds: string[];
  team?: string;
  timeZone?: string;
  by: string;
}

export interface ExportOp {
  id: string;
  regime?: Regime;
  format: "json" | "html";
  evidence: boolean;
  out?: string;
  by: string;
}

/** A report for stdout (`text`), or bytes for a file of the default name `file`. */
export interface Exported {
  text?: string;
  file?: string;
  bytes?: Uint8Array;
  summary?: string;
  warnings: string[];
}

export async function directOpen(storage: Storage, io: CliIo, op: OpenOp): Promise<IncidentView> {
  const c = await directCompliance(storage, io, op.by);
  // Only warnings and errors: the signer's "checkpoint signed" line is not the command's output.
  const logger = jsonLogger("warn", (l) => io.err(l));
  let parts: Awaited<ReturnType<typeof integrationParts>> | undefined;
  try {
    // integrationParts reads only the log's origin from the configuration (server.yaml).
    parts = await integrationParts({ storage, config: c.settings as Config, env: io.env, paths: c.paths, logger });
  } catch (e) {
    if (!(e instanceof MissingKeyError)) throw e;
    io.err(`warning: ${e.message.split("\n")[0]}: the freeze's checkpoint was not signed now; it references the latest checkpoint the integrator signed (which may not cover the opening yet)`);
  }
  try {
    const r = await openIncident(
      {
        ...c.ctx,
        policy: c.policy,
        configSha256: c.settings.sha256,
        defaultTimeZone: c.settings.server.compliance.incident_time_zone,
        ...(parts
          ? {
              checkpointNow: async () => {
                await parts.integrator.run();
                return parts.signer.checkpoint();
              },
            }
          : {}),
      },
      c.who,
      { title: op.title, description: op.description, regimes: op.regimes, awareAt: op.awareAt, eventIds: op.eventIds, ...(op.aiActCase ? { aiActCase: op.aiActCase } : {}), ...(op.team ? { team: op.team } : {}), ...(op.timeZone ? { timeZone: op.timeZone } : {}) },
    );
    if (!r.ok) throw failureOf(r.error);
    return r.value;
  } finally {
    await parts?.close();
    await c.close();
  }
}

export async function directExport(storage: Storage, io: CliIo, op: ExportOp): Promise<Exported> {
  const c = await directCompliance(storage, io, op.by);
  try {
    const incident = await loadIncident(c.ctx, op.id);
    if (!incident) throw new CliFailure(`there is no incident ${op.id.slice(0, 80)} (\`custos incident list\` shows them)`, 2);
    const now = Date.now();
    const inputs = { store: storage.audit, sha: nodeSha256, incident, deadlines: deadlinesOf(incident, now), reporter: c.settings.server.compliance.reporter, now };
    const warnings: string[] = [];
    if (op.evidence) {
      let logKey;
      try {
        logKey = { origin: c.settings.server.audit.origin, publicJwk: (await loadSigningKey(io.env, c.paths.stateDir, jsonLogger("warn", (l) => io.err(l)))).publicJwk };
      } catch (e) {
        if (!(e instanceof MissingKeyError)) throw e;
        warnings.push("warning: no CUSTOS_SIGNING_KEY here, so the tar holds no trust.json: check the proofs against the trust file you pinned (`custos audit trust` where the key is)");
      }
      const pkg = await evidencePackage({ ...inputs, ...(logKey ? { logKey } : {}) });
      for (const rep of pkg.reports) await recordExport(c, op.id, rep.regime as Regime, "evidence", rep.complete);
      if (pkg.unproven.length > 0) warnings.push(`warning: ${pkg.unproven.length} event(s) have no inclusion proof yet (not integrated, or no checkpoint covers them): ${pkg.unproven.map((u) => `${u.eventId} (${u.why})`).join("; ")}`);
      return { file: `incident-${op.id}.tar`, bytes: pkg.tar, summary: `${pkg.reports.length} report(s) (${pkg.reports.map((r) => `${r.regime} ${r.report_status}`).join(", ")}), ${incident.eventIds.length - pkg.unproven.filter((u) => incident.eventIds.includes(u.eventId)).length} of ${incident.eventIds.length} linked event(s) proven`, warnings };
    }
    const regime = op.regime ?? incident.regimes[0]!;
    if (!incident.regimes.includes(regime)) throw new CliFailure(`incident ${op.id} is not under ${regime}: --regime is one of ${incident.regimes.join(", ")}`, 2);
    const report = await incidentReport(inputs, regime);
    await recordExport(c, op.id, regime, op.format, report.complete);
    const text = op.format === "html" ? renderReportHtml(report) : `${JSON.stringify(report, null, 2)}\n`;
    if (!report.complete) warnings.push(`${regime}: an INITIAL report; missing: ${report.missing.join(", ")}`);
    return reportOut(op, regime, text, warnings);
  } finally {
    await c.close();
  }
}

// An export is recorded even on a closed incident; a failure to record it does not withhold the report (as /api does).
async function recordExport(c: Awaited<ReturnType<typeof directCompliance>>, id: string, regime: Regime, format: string, complete: boolean): Promise<void> {
  await actOnIncident(c.ctx, c.who, id, { kind: "report_exported", regime, format, complete }).catch(() => undefined);
}

function reportOut(op: ExportOp, regime: Regime, text: string, warnings: string[]): Exported {
  if (op.out === undefined) return { text, warnings };
  return { file: `incident-${op.id}-${regime}.${op.format}`, bytes: new TextEncoder().encode(text), warnings };
}

export async function viaServerExport(handle: ServerHandle, op: ExportOp): Promise<Exported> {
  const id = encodeURIComponent(op.id);
  const res = op.evidence
    ? await serverFetch(handle, `/api/incidents/${id}/evidence`)
    : await serverFetch(handle, `/api/incidents/${id}/report?format=${op.format}${op.regime ? `&regime=${op.regime}` : ""}`);
  if (!res.ok) throw serverProblem(res, (await res.json().catch(() => ({}))) as Record<string, unknown>);
  if (op.evidence) return { file: `incident-${op.id}.tar`, bytes: new Uint8Array(await res.arrayBuffer()), warnings: [] };
  const text = await res.text();
  const regime = op.regime ?? (op.format === "json" ? ((JSON.parse(text) as { regime: Regime }).regime) : "report");
  return reportOut(op, regime as Regime, op.format === "json" ? `${JSON.stringify(JSON.parse(text), null, 2)}\n` : text, []);
}
