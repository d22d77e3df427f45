// In a real Chromium: an auditor signs in, searches with filters, opens an event and watches
// its inclusion proof verified by the browser itself (every step ✓); a checkpoint checked
// against another key, or an entry altered in the database, fails at the right step; with no
// Web Crypto the page falls back to the server's check and says so; markup from the log
// creates no elements. Screenshots: "search", "event", "event-tampered".
import type { Browser, Page } from "playwright-core";
import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { verifyBundle } from "../../src/audit/verify-bundle.ts";
import { nodeSha256 } from "../../src/runtime/node-audit.ts";
import { directoryReader } from "../../src/runtime/node-bundle.ts";
import { generateSigningKey, importSigningKey } from "../../src/audit/checkpoint.ts";
import postgres from "postgres";
import { describeBrowser, launchBrowser, newPage, screenshot } from "../helpers/browser.ts";
import { DATABASE_URL, SUPERUSER_URL } from "../helpers/pg.ts";
import { startLog, stopLog, XSS_TEAM, type Log } from "./search-fixture.ts";

let log: Log;
let browser: Browser;

/** Waits until the proof check has a result; returns its state, text and each step's mark. */
async function proofResult(page: Page): Promise<{ state: string; text: string; steps: string[] }> {
  await page.waitForSelector('#proof-result:not([data-state="running"])', { timeout: 15_000 });
  return {
    state: (await page.getAttribute("#proof-result", "data-state"))!,
    text: (await page.textContent("#proof-result"))!.trim(),
    steps: await page.$$eval("#proof-steps li", (lis) => lis.map((li) => li.className.replace("proof-step ", ""))),
  };
}

async function signedIn(opts: { noWebCrypto?: boolean } = {}) {
  const t = await newPage(browser, { baseURL: log.custos.url });
  if (opts.noWebCrypto) await t.context.addInitScript(() => Object.defineProperty(globalThis.crypto, "subtle", { get: () => undefined }));
  const dialogs: string[] = [];
  t.page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await t.page.goto(await log.custos.consoleLink("ann", ["auditor"]));
  return { ...t, dialogs };
}

describeBrowser("search and the event page in a browser", () => {
  beforeAll(async () => {
    log = await startLog("console_search_browser");
    browser = await launchBrowser();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await stopLog(log);
  });

  it("searches with filters, opens an event and verifies its proof in the browser", async () => {
    const { page, context, errors } = await signedIn();
    await page.goto("/console/search");
    await page.fill("#f-team", "alpha");
    await page.selectOption("#f-type", "llm.request");
    await page.click("#search-submit");
    await page.waitForURL(/\/console\/search\?team=alpha&type=llm\.request$/);
    const rows = await page.$$eval("#results tbody tr", (trs) => trs.map((tr) => tr.textContent ?? ""));
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => r.includes("alpha") && r.includes("llm.request"))).toBe(true);
    await screenshot(page, "search");

    // Export the result from the page: the download is the signed bundle, and it verifies.
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#export-jsonl")]);
    expect(download.suggestedFilename()).toMatch(/\.tar$/);
    const dir = await mkdtemp(path.join(tmpdir(), "custos-browser-export-"));
    try {
      await download.saveAs(path.join(dir, "export.tar"));
      execFileSync("tar", ["-xf", path.join(dir, "export.tar"), "-C", dir]);
      const key = log.custos.server.deps.logKey!;
      const verified = await verifyBundle(directoryReader(path.join(dir, "custos-audit-export/bundle")), { origin: key.origin, keys: [key.publicJwk], anchored: [] }, { sha: nodeSha256 });
      expect(verified.status, JSON.stringify(verified.first)).toBe("intact");
      expect(JSON.parse(await readFile(path.join(dir, "custos-audit-export/search.json"), "utf8"))).toMatchObject({ scope: { team: "alpha" }, other_filters: { type: "llm.request" }, format: "jsonl" });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }

    await page.click(`#results a[href="/console/events/${log.calls[1]}"]`);
    await page.waitForURL(`**/console/events/${log.calls[1]}`);
    const r = await proofResult(page);
    expect(r).toEqual({ state: "ok", text: "✓ verified in your browser", steps: ["proof-pass", "proof-pass", "proof-pass", "proof-pass", "proof-pass"] });
    expect(await page.textContent("#proof-by")).toContain("Checked in your browser with Web Crypto");
    expect(await page.textContent("#rules")).toContain("Alpha is moving off gpt-4o-mini (watching first)");
    await screenshot(page, "event");
    expect(errors).toEqual([]);
    await context.close();
  });

  it("fails at the signature steps when the checkpoint is not signed by the trusted key", async () => {
    const deps = log.custos.server.deps;
    const real = deps.logKey!;
    const other = await importSigningKey(await generateSigningKey());
    if (!other.ok) throw other.error;
    deps.logKey = { origin: real.origin, publicJwk: other.value.publicJwk };
    try {
      const { page, context } = await signedIn();
      await page.goto(`/console/events/${log.calls[0]}`);
      const r = await proofResult(page);
      expect(r.state).toBe("bad");
      expect(r.steps).toEqual(["proof-pass", "proof-pass", "proof-pass", "proof-fail", "proof-fail"]);
      expect(r.text).toMatch(/^✗ failed at step 4, Checkpoint signature \(JWS\): /);
      await context.close();
    } finally {
      deps.logKey = real;
    }
  });

  it("falls back to the server's check without Web Crypto, and says so", async () => {
    const { page, context } = await signedIn({ noWebCrypto: true });
    await page.goto(`/console/events/${log.calls[0]}`);
    const r = await proofResult(page);
    expect(r).toEqual({ state: "server-ok", text: "✓ checked by the server, not by your browser", steps: ["proof-pass", "proof-pass", "proof-pass", "proof-pass", "proof-pass"] });
    expect(await page.textContent("#proof-by")).toMatch(/^Checked by the server, not by your browser \(Web Crypto \(crypto\.subtle\) is not available/);
    await context.close();
  });

  it("renders markup from the log inert", async () => {
    const { page, context, dialogs, errors } = await signedIn();
    await page.goto(`/console/search?team=${encodeURIComponent(XSS_TEAM)}`);
    expect(await page.$$eval("#results tbody tr", (trs) => trs.length)).toBe(1);
    expect(await page.$("#xss-team")).toBeNull();
    expect(await page.$("#xss-model")).toBeNull();
    expect(await page.textContent("#results .cell-team")).toBe(XSS_TEAM);
    await page.goto(`/console/events/${log.xss}`);
    await proofResult(page);
    expect(await page.$("#xss-team")).toBeNull();
    expect(await page.$("#xss-model")).toBeNull();
    expect(await page.textContent("#event-team")).toBe(XSS_TEAM);
    await page.goto(`/console/events/${log.calls[3]}`);
    expect(await page.$("#xss-prompt")).toBeNull();
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  // Last: it alters the log.
  // A superuser with the triggers off (as test/audit/tamper.test.ts): PGlite's own user, or CUSTOS_TEST_SUPERUSER_URL on Postgres.
  it.skipIf(Boolean(DATABASE_URL) && !SUPERUSER_URL)("fails at the leaf when the stored entry was altered in the database", async () => {
    const forge = `UPDATE audit.event SET entry = convert_to(replace(convert_from(entry, 'UTF8'), '"model":"gpt-4o"', '"model":"gpt-4X"'), 'UTF8') WHERE event_id = '${log.calls[0]}'`;
    if (log.db) {
      const sql = postgres(log.db.superUrl!, { max: 1, onnotice: () => {} });
      try {
        await sql.begin(async (tx) => {
          await tx`set local session_replication_role = replica`;
          expect((await tx.unsafe(forge)).count).toBe(1);
        });
      } finally {
        await sql.end({ timeout: 5 });
      }
    } else {
      const storage = log.custos.server.deps.storage;
      await storage.unsafeExecute("SET session_replication_role = replica");
      try {
        await storage.unsafeExecute(forge);
      } finally {
        await storage.unsafeExecute("SET session_replication_role = origin");
      }
    }
    const { page, context } = await signedIn();
    await page.goto(`/console/events/${log.calls[0]}`);
    expect(await page.textContent("#event-model")).toBe("gpt-4o"); // the projection column; the entry below says gpt-4X
    expect(await page.textContent("#raw-entry")).toContain('"model":"gpt-4X"');
    const r = await proofResult(page);
    expect(r.state).toBe("bad");
    expect(r.steps[0]).toBe("proof-fail");
    expect(r.text).toMatch(/^✗ failed at step 1, Leaf hash from the entry bytes: .*the entry is not the one the log integrated/);
    await screenshot(page, "event-tampered");
    await context.close();
  });
});
