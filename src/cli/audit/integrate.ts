// custos audit integrate: the integrator and checkpoint signer as their own process, so
// proxies can run without the signing key (audit.integrate: false in their server.yaml).
// Runs until SIGINT/SIGTERM, then integrates and signs once more; --once does one round.
import { scheduledRetention } from "../../compliance/purge.ts";
import type { Config } from "../../config/config.ts";
import { cliAudit, integrationParts } from "../../runtime/node-audit.ts";
import { loadNodePolicies } from "../../runtime/node-policies.ts";
import type { Storage } from "../../storage/types.ts";
import type { Logger } from "../../telemetry/logger.ts";
import { resolvePaths } from "../../runtime/node-files.ts";
import { loadNodeConfig } from "../../runtime/node.ts";
import { jsonLogger } from "../../telemetry/logger.ts";
import type { Flags } from "../commands/audit.ts";
import type { CliIo, ExitCode } from "../io.ts";
import { withStorage } from "../open-storage.ts";

export async function auditIntegrate(flags: Flags, io: CliIo): Promise<ExitCode> {
  const paths = resolvePaths(io.cwd, io.env);
  const config = await loadNodeConfig(paths, io.env);
  const logger = jsonLogger(config.server.logging.level, (l) => io.out(l), { service: "custos-integrator" });
  return withStorage(io, "custos audit integrate", async (storage): Promise<ExitCode> => {
    const { integrator, signer, close } = await integrationParts({ storage, config, env: io.env, paths, logger });
    const round = async () => {
      await integrator.run();
      await signer.checkpoint();
    };
    if (flags.once === true) {
      await round();
      const cp = await storage.audit.latestCheckpoint();
      await close();
      io.err(`integrated; latest checkpoint covers ${cp?.size ?? 0} entries`);
      return 0;
    }
    const { integrate_interval_ms: every, checkpoint_interval_ms: signEvery } = config.server.audit;
    let stop = false;
    const stopped = new Promise<void>((resolve) => {
      const onSignal = () => {
        stop = true;
        resolve();
      };
      process.once("SIGINT", onSignal);
      process.once("SIGTERM", onSignal);
    });
    // Retention runs where the log is integrated: here, when proxies do not integrate (Workers, or audit.integrate: false).
    const hours = config.server.compliance.retention_schedule_hours;
    const retention = hours > 0 ? await retentionRunner(storage, config, io, paths.policiesDir, logger) : undefined;
    logger.info({ intervalMs: every, checkpointIntervalMs: signEvery, retentionHours: hours }, "integrator running");
    let lastSigned = Date.now();
    let lastRetention = Date.now();
    while (!stop) {
      if (retention && Date.now() - lastRetention >= hours * 3_600_000) {
        await retention.run().catch((e: unknown) => logger.error({ err: (e as Error).message }, "retention run failed"));
        lastRetention = Date.now();
      }
      await integrator.run().catch((e: unknown) => logger.error({ err: (e as Error).message }, "integration failed"));
      if (Date.now() - lastSigned >= signEvery) {
        await signer.checkpoint().catch((e: unknown) => logger.error({ err: (e as Error).message }, "checkpoint failed"));
        lastSigned = Date.now();
      }
      await Promise.race([stopped, new Promise((r) => setTimeout(r, every))]);
    }
    await round();
    await retention?.close();
    await close();
    logger.info({}, "integrator stopped");
    return 0;
  });
}

/** Content-key expiry and purge on the integrator's schedule, recorded by a writer of its own. */
async function retentionRunner(storage: Storage, config: Config, io: CliIo, policiesDir: string, logger: Logger): Promise<{ run(): Promise<void>; close(): Promise<void> }> {
  const policies = await loadNodePolicies(policiesDir, io.env);
  const sink = await cliAudit(storage, config, logger, policies.retention);
  return {
    async run() {
      const r = await scheduledRetention({ storage, audit: sink, now: Date.now });
      for (const m of r.purged) logger.info({ month: m.month, events: m.events }, "retention: month purged");
    },
    close: () => sink.close(),
  };
}
