// Starts the real Custos server (the Node runtime) on a random loopback port, with a
// policy directory written for the test and a fake provider behind it.
import { cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { mintDevToken } from "../../src/identity/dev-issuer.ts";
import { mintConsoleLinkToken } from "../../src/console/link.ts";
import type { Role } from "../../src/identity/principal.ts";
import { devIssuerKey, PACKAGE_ROOT } from "../../src/runtime/node-files.ts";
import { startNodeServer, type RunningServer } from "../../src/runtime/node.ts";
import { jsonLogger } from "../../src/telemetry/logger.ts";

export interface TestCustos {
  readonly url: string;
  readonly server: RunningServer;
  /** The directory the server runs in (its .custos/ and policies/). */
  readonly dir: string;
  /** Every log line the server wrote, as JSON text. */
  readonly logs: string[];
  token(sub?: string, teams?: string[], opts?: { roles?: Role[]; ttl?: number; now?: number }): Promise<string>;
  /** A one-time console sign-in link (as `custos console-link` prints it). */
  consoleLink(sub: string, roles: Role[], teams?: string[]): Promise<string>;
  close(): Promise<void>;
}

/** A catalogue with the fake provider behind OpenAI- and Anthropic-kind endpoints, the echo provider, and a dead endpoint. */
export function testProviders(fakeUrl: string, extra = ""): string {
  return `endpoints:
  - id: echo
    kind: echo
    models: [custos-echo]
  - id: fake-openai
    kind: openai
    base_url: ${fakeUrl}/v1
    api_key: \${FAKE_OPENAI_KEY:-sk-upstream-openai}
    region: eu-west-1
    jurisdiction: EU
    models: [gpt-*, fake-*]
  - id: slow
    kind: openai
    base_url: ${fakeUrl}/v1
    api_key: sk-upstream-openai
    timeout_ms: 300
    models: [slow-*]
  - id: fake-anthropic
    kind: anthropic
    base_url: ${fakeUrl}
    api_key: sk-ant-upstream
    region: eu-central-1
    models: [claude-*]
  - id: dead
    kind: openai
    base_url: http://127.0.0.1:9/v1
    models: [dead-*]
${extra}`;
}

/** The teams the tests call as, each with a policy file that restricts nothing (so tests of other things are not policy tests). */
export const OPEN_TEAMS = ["demo", "research", "finance", "legal", "compliance", "alpha", "beta", "x", "t", "bench"];

/** A baseline with no rules, and an unrestricted file for each of OPEN_TEAMS. */
export function openPolicies(teams: readonly string[] = OPEN_TEAMS): Record<string, string> {
  const files: Record<string, string> = { "org.yaml": "description: Test baseline; restricts nothing.\nrules: []\n" };
  for (const t of teams) files[`teams/${t}.yaml`] = `team: ${t}\ndescription: Test team ${t}; restricts nothing.\n`;
  return files;
}

/** Replaces a copied policy directory's org.yaml and teams/ with these files. */
export async function writePolicies(policiesDir: string, files: Record<string, string> = openPolicies()): Promise<void> {
  await rm(path.join(policiesDir, "teams"), { recursive: true, force: true });
  await mkdir(path.join(policiesDir, "teams"));
  for (const [file, text] of Object.entries(files)) await writeFile(path.join(policiesDir, file), text);
}

export interface StartOptions {
  providers: string;
  serverYaml?: string;
  identityYaml?: string;
  env?: Record<string, string>;
  /**
   * The policy files (org.yaml, teams/*.yaml) by relative path; default openPolicies().
   * "examples" keeps the package's example set.
   */
  policies?: Record<string, string> | "examples";
  /** A fixed port (default: any free one), for a test that must name the server's URL before it starts (an IdP's redirect URI). */
  port?: number;
}

export async function startCustos(opts: StartOptions): Promise<TestCustos> {
  const dir = await mkdtemp(path.join(tmpdir(), "custos-test-"));
  const policies = path.join(dir, "policies");
  await cp(path.join(PACKAGE_ROOT, "policies"), policies, { recursive: true });
  if (opts.policies !== "examples") await writePolicies(policies, opts.policies);
  await writeFile(path.join(policies, "providers.yaml"), opts.providers);
  if (opts.serverYaml !== undefined) await writeFile(path.join(policies, "server.yaml"), opts.serverYaml);
  if (opts.identityYaml !== undefined) await writeFile(path.join(policies, "identity.yaml"), opts.identityYaml);
  const logs: string[] = [];
  const env: Record<string, string> = { CUSTOS_DATA_DIR: "memory://", ...opts.env };
  const server = await startNodeServer({ env, cwd: dir, port: opts.port ?? 0, metricsPort: 0, logger: jsonLogger("debug", (l) => logs.push(l)) });
  const key = await devIssuerKey(path.join(dir, ".custos"), () => {});
  return {
    url: server.url,
    server,
    dir,
    logs,
    token: (sub = "alice", teams = ["demo"], o = {}) => mintDevToken(key, { sub, teams, roles: o.roles ?? ["user"], ttl: o.ttl ?? 600 }, o.now),
    consoleLink: async (sub, roles, teams = []) => `${server.url}/console/link?token=${await mintConsoleLinkToken(key, { sub, roles, teams })}`,
    async close() {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Polls until the condition holds (bounded), for effects that land after a response. */
export async function eventually<T>(fn: () => T | Promise<T>, { timeoutMs = 5000, intervalMs = 20 } = {}): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
      if (Date.now() > end) return v;
    } catch (e) {
      if (Date.now() > end) throw e;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** A port nothing listens on right now (for a server whose URL must be known before it starts). */
export async function freePort(): Promise<number> {
  const { createServer } = await import("node:net");
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}
