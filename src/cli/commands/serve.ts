// custos serve: the proxy, until SIGTERM or SIGINT (then a graceful shutdown).
import { ConfigError } from "../../config/yaml-file.ts";
import { DataDirLockedError } from "../../runtime/lock.ts";
import { startNodeServer } from "../../runtime/node.ts";
import type { CliIo, ExitCode } from "../io.ts";

export async function serveCommand(_argv: string[], io: CliIo): Promise<ExitCode> {
  let server;
  try {
    server = await startNodeServer({ env: io.env, cwd: io.cwd, globalTelemetry: true });
  } catch (e) {
    if (e instanceof ConfigError) io.err(`configuration errors:\n${e.message}`);
    else if (e instanceof DataDirLockedError) io.err(`${e.message}; stop it first, or set CUSTOS_DATA_DIR to use another directory`);
    else io.err(`could not start: ${(e as Error).message}`);
    return 2;
  }
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = () => {
      if (stopping) return;
      stopping = true;
      void server.close().then(resolve, (e: unknown) => {
        io.err(`shutdown error: ${(e as Error).message}`);
        resolve();
      });
    };
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
  });
  return 0;
}
