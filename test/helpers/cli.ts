// Runs the custos CLI as a real process (bin/custos.mjs) in a directory of the test's.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { PACKAGE_ROOT } from "../../src/runtime/node-files.ts";

export const CUSTOS_BIN = path.join(PACKAGE_ROOT, "bin", "custos.mjs");

export interface CliResult {
  code: number | null;
  /** The signal that ended the process, when one did (the timeout sends SIGKILL). */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

const baseEnv = (env: Record<string, string>) => {
  const e: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && k !== "DATABASE_URL" && k !== "CUSTOS_MIGRATE_URL") e[k] = v;
  // every server a test starts takes a free metrics port (two test files run at once)
  return { ...e, NO_COLOR: "1", CUSTOS_METRICS_PORT: "0", ...env };
};

export function runCli(args: string[], opts: { cwd: string; env?: Record<string, string>; timeoutMs?: number; input?: string }): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CUSTOS_BIN, ...args], { cwd: opts.cwd, env: baseEnv(opts.env ?? {}), stdio: [opts.input === undefined ? "ignore" : "pipe", "pipe", "pipe"] as const });
    if (opts.input !== undefined) child.stdin!.end(opts.input);
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 60_000);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

export interface ServeProcess {
  child: ChildProcess;
  url: string;
  output(): string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

/** Starts `custos serve` and waits for its "custos listening" line (JSON logs: stdout is not a terminal). */
export function serveCli(opts: { cwd: string; env?: Record<string, string>; timeoutMs?: number }): Promise<ServeProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CUSTOS_BIN, "serve"], { cwd: opts.cwd, env: baseEnv({ PORT: "0", ...opts.env }), stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    const exited = new Promise<number | null>((r) => child.on("close", (code) => r(code)));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`custos serve did not start:\n${out}`));
    }, opts.timeoutMs ?? 60_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /"url":"(http:\/\/[^"]+)".*"msg":"custos listening"/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]!, output: () => out, exited });
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`custos serve exited with ${code}:\n${out}`));
    });
  });
}
