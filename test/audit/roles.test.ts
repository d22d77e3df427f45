// One URL for everything is allowed in development, with a warning: a server connected as
// the log's owner (or a superuser) could switch the triggers off.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateSigningKey } from "../../src/audit/checkpoint.ts";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { PACKAGE_ROOT } from "../../src/runtime/node-files.ts";
import { runCli, serveCli } from "../helpers/cli.ts";
import { startCustos, testProviders } from "../helpers/custos.ts";
import { DATABASE_URL, freshDatabase, MIGRATE_URL, type FreshDb } from "../helpers/pg.ts";

const WARNING = "owns the audit log";

describe.runIf(DATABASE_URL && MIGRATE_URL !== DATABASE_URL)("the server's database role", () => {
  let db: FreshDb;
  let env: Record<string, string>;
  beforeAll(async () => {
    db = await freshDatabase("custos_roles");
    env = { CUSTOS_KEK: "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff", CUSTOS_API_KEY_PEPPER: "roles-pepper-0123456789", CUSTOS_SIGNING_KEY: JSON.stringify(await generateSigningKey()), CUSTOS_AUDIT_INTEGRATE: "false" };
  });
  afterAll(async () => {
    await db?.drop();
  });

  it("warns when it connects as the log's owner", async () => {
    const c = await startCustos({ providers: testProviders("http://127.0.0.1:9"), env: { ...env, DATABASE_URL: db.ownerUrl } });
    await c.close();
    expect(c.logs.some((l) => l.includes(WARNING) && l.includes('"level":40'))).toBe(true);
  });

  it("a second server in the same directory refuses to share the audit spool (exit 2, naming the holder)", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "custos-spool-lock-"));
    await cp(path.join(PACKAGE_ROOT, "policies"), path.join(dir, "policies"), { recursive: true });
    const serveEnv = { ...env, DATABASE_URL: db.url };
    const first = await serveCli({ cwd: dir, env: serveEnv });
    try {
      const second = await runCli(["serve"], { cwd: dir, env: { ...serveEnv, PORT: "0" } });
      expect(second.code).toBe(2);
      expect(second.stderr + second.stdout).toMatch(new RegExp(`audit spool .* belongs to another running Custos process \\(pid ${first.child.pid}\\)`));
    } finally {
      first.child.kill("SIGTERM");
      await first.exited;
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("does not warn as the runtime role", async () => {
    const c = await startCustos({ providers: testProviders("http://127.0.0.1:9"), env: { ...env, DATABASE_URL: db.url } });
    await c.close();
    expect(c.logs.some((l) => l.includes(WARNING))).toBe(false);
  });
});
