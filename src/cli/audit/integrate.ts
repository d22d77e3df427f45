// custos audit integrate: the integrator and checkpoint signer as their own process, so
// proxies can run without the signing key (audit.integrate: false in their server.yaml).
// Runs until SIGINT/SIGTERM, then integrates and signs once more; --once does one round.
import { integrationParts } from "../../runtime/node-audit.ts";
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
    logger.info({ intervalMs: every, checkpointIntervalMs: signEvery }, "integrator running");
    let lastSigned = Date.now();
    while (!stop) {
      await integrator.run().catch((e: unknown) => logger.error({ err: (e as Error).message }, "integration failed"));
      if (Date.now() - lastSigned >= signEvery) {
        await signer.checkpoint().catch((e: unknown) => logger.error({ err: (e as Error).message }, "checkpoint failed"));
        lastSigned = Date.now();
      }
      await Promise.race([stopped, new Promise((r) => setTimeout(r, every))]);
    }
    await round();
    await close();
    logger.info({}, "integrator stopped");
    return 0;
  });
}
