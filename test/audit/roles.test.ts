// One URL for everything is allowed in development, with a warning: a server connected as
// the log's owner (or a superuser) could switch the triggers off.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateSigningKey } from "../../src/audit/checkpoint.ts";
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

  it("does not warn as the runtime role", async () => {
    const c = await startCustos({ providers: testProviders("http://127.0.0.1:9"), env: { ...env, DATABASE_URL: db.url } });
    await c.close();
    expect(c.logs.some((l) => l.includes(WARNING))).toBe(false);
  });
});
