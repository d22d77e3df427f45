// Crypto-shredding erasure end to end: with content at the encrypted level the log keeps
// only commitments to JWEs (no prompt text), the JWEs open under the subject's data key;
// `custos audit erase` destroys the keys and the pseudonym mapping, after which no JWE
// opens, the same person gets a new pseudonym, and the log still verifies intact.
// Runs on the embedded database (PGlite) always and on Postgres when DATABASE_URL is set.
import { createHash, randomBytes } from "node:crypto";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { decodeProtectedHeader } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateSigningKey } from "../../src/audit/checkpoint.ts";
import { decodeEntry } from "../../src/audit/summary.ts";
import { PACKAGE_ROOT } from "../../src/runtime/node-files.ts";
import type { AuditEventRow } from "../../src/storage/audit-types.ts";
import { runCli } from "../helpers/cli.ts";
import { eventually, startCustos, testProviders, type TestCustos } from "../helpers/custos.ts";
import { DATABASE_URL, freshDatabase, type FreshDb } from "../helpers/pg.ts";

const SUBJECT = "erin-erasable";
const ISSUER = "urn:custos:dev-issuer";

const b64url = (b: Uint8Array) => Buffer.from(b).toString("base64url");
/** The random word in a prompt. */
const secretOf = (prompt: string) => prompt.split(" ")[2]!;
const text = (b: Uint8Array | undefined) => (b === undefined ? undefined : new TextDecoder().decode(b));

interface Backend {
  /** Environment for the server and the CLI (database, keys, anchor). */
  env: Record<string, string>;
  cleanup(): Promise<void>;
}

const backends: [string, (dir: string) => Promise<Backend>][] = [
  ["the embedded database (PGlite)", async (dir) => ({ env: { CUSTOS_DATA_DIR: path.join(dir, "data") }, cleanup: async () => {} })],
];
if (DATABASE_URL) {
  backends.push([
    "Postgres",
    async () => {
      const db: FreshDb = await freshDatabase("custos_erasure");
      return { env: { DATABASE_URL: db.url, CUSTOS_API_KEY_PEPPER: randomBytes(24).toString("base64url") }, cleanup: () => db.drop() };
    },
  ]);
}

describe.each(backends)("erasure of a subject's encrypted content on %s", (_name, open) => {
  let dir: string;
  let backend: Backend;
  let env: Record<string, string>;
  let custos: TestCustos | undefined;
  const prompts: string[] = [];
  const calls: { id: string; stream: boolean }[] = [];
  /** The stored JWEs of those calls, by "<request id>/<part>". */
  const jwes = new Map<string, string>();
  let pseudonym = "";

  const start = async () => {
    custos = await startCustos({ providers: testProviders("http://127.0.0.1:9"), env });
    return custos;
  };
  const stop = async () => {
    await custos?.close();
    custos = undefined;
  };
  const cli = (args: string[]) => runCli(args, { cwd: dir, env, timeoutMs: 60_000 });

  async function chat(c: TestCustos, prompt: string, stream: boolean): Promise<string> {
    const res = await fetch(`${c.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${await c.token(SUBJECT)}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "custos-echo", stream, messages: [{ role: "user", content: prompt }] }),
      signal: AbortSignal.timeout(15_000),
    });
    const body = await res.text();
    expect(res.status, body).toBe(200);
    expect(body).toContain(stream ? secretOf(prompt) : prompt); // the echo answers with the prompt (streamed: word by word)
    return res.headers.get("x-request-id")!;
  }

  /** The call's request and response events once both are stored (bounded wait). */
  async function eventsOf(c: TestCustos, id: string): Promise<AuditEventRow[]> {
    const evs = await eventually(async () => {
      const e = await c.server.deps.storage.audit.eventsOfRequest(id);
      return e.length === 2 ? e : undefined;
    }, { timeoutMs: 10_000 });
    expect(evs?.map((e) => e.type)).toEqual(["llm.request", "llm.response"]);
    return evs!;
  }

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "custos-erasure-"));
    await cp(path.join(PACKAGE_ROOT, "policies"), path.join(dir, "policies"), { recursive: true });
    backend = await open(dir);
    env = {
      ...backend.env,
      CUSTOS_AUDIT_CONTENT: "encrypted",
      CUSTOS_KEK: randomBytes(32).toString("base64url"),
      CUSTOS_SIGNING_KEY: JSON.stringify(await generateSigningKey()),
      CUSTOS_ANCHOR_DIR: path.join(dir, "anchor"),
    };
  });
  afterAll(async () => {
    await stop().catch(() => {});
    await backend?.cleanup();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("keeps JWEs of input and output apart from the log; entries hold only their commitments and no prompt text; the JWEs open to the prompt", async () => {
    const c = await start();
    for (const stream of [false, true, false]) {
      const prompt = `erasable secret ${randomBytes(6).toString("hex")} about the quarterly numbers`;
      prompts.push(prompt);
      calls.push({ id: await chat(c, prompt, stream), stream });
    }
    const audit = c.server.deps.storage.audit;
    for (const [k, call] of calls.entries()) {
      const [req, res] = await eventsOf(c, call.id);
      const input = await audit.content(req!.eventId);
      const output = await eventually(async () => {
        const o = await audit.content(res!.eventId);
        return o.length > 0 ? o : undefined;
      });
      expect(input.map((r) => r.part)).toEqual(["input"]);
      expect(output?.map((r) => r.part)).toEqual(["output"]);
      for (const [part, row, ev] of [["input", input[0]!, req!], ["output", output![0]!, res!]] as const) {
        // A compact JWE: dir / A256GCM under a data key named by its kid.
        expect(row.jwe.split(".")).toHaveLength(5);
        const header = decodeProtectedHeader(row.jwe);
        expect(header).toMatchObject({ alg: "dir", enc: "A256GCM", kid: expect.any(String) });
        jwes.set(`${call.id}/${part}`, row.jwe);
        // The entry commits to the JWE (base64url SHA-256 of its text) and holds nothing else of it.
        const entry = decodeEntry(ev) as { request?: { input?: object }; response?: { output?: object }; actor: { subject: string } };
        const facts = part === "input" ? entry.request?.input : entry.response?.output;
        expect(facts).toMatchObject({ commit: b64url(createHash("sha256").update(row.jwe).digest()), kid: header.kid, bytes: expect.any(Number) });
        expect(facts).not.toHaveProperty("sha256");
        pseudonym ||= entry.actor.subject;
        expect(entry.actor.subject).toBe(pseudonym);
        // The sealer opens it to what was sent and answered.
        const plain = text(await c.server.deps.sealer.open(row.jwe));
        expect(plain).toContain(call.stream && part === "output" ? secretOf(prompts[k]!) : prompts[k]);
      }
    }
    expect(pseudonym).toMatch(/^[A-Za-z0-9_-]{16,64}$/);
    expect(pseudonym).not.toContain(SUBJECT);

    // No prompt text anywhere in the log's entries (raw bytes), nor the subject's identifier.
    const all = await audit.search({ limit: 1000 });
    expect(all.length).toBeGreaterThanOrEqual(calls.length * 2);
    for (const e of all) {
      const raw = Buffer.from(e.entry);
      for (const p of prompts) {
        expect(raw.includes(p), `${e.type} ${e.eventId} holds the prompt`).toBe(false);
        expect(raw.includes(secretOf(p)), `${e.type} ${e.eventId} holds the prompt's secret`).toBe(false);
      }
      expect(raw.includes(SUBJECT)).toBe(false);
    }
    await stop();

    // The mapping exists: the subject look-up (itself audited) finds the pseudonym.
    const found = await cli(["audit", "subject", "--sub", SUBJECT, "--iss", ISSUER, "--justification", "DSAR ticket 77"]);
    expect(found.code, found.stderr).toBe(0);
    expect(found.stdout).toContain(`${ISSUER}\t${pseudonym}\t`);
  });

  it("custos audit erase destroys the data keys and the mapping: no JWE opens, the same person gets a new pseudonym, and the log still verifies", async () => {
    expect(jwes.size).toBe(calls.length * 2);
    // --subject=…: a pseudonym is base64url and may start with "-", which a separate argument would make an option
    const erased = await cli(["audit", "erase", `--subject=${pseudonym}`, "--justification", "Art. 17 request 78"]);
    expect(erased.code, erased.stderr).toBe(0);
    expect(erased.stdout).toMatch(new RegExp(`erased ${pseudonym}: [1-9]\\d* content key\\(s\\) destroyed`));
    const gone = await cli(["audit", "subject", "--sub", SUBJECT, "--iss", ISSUER, "--justification", "DSAR ticket 77"]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain("no pseudonym for that subject");

    const c = await start();
    const audit = c.server.deps.storage.audit;
    // Every JWE is still stored (the log is append-only) but none opens any more.
    for (const [key, jwe] of jwes) {
      const [id, part] = key.split("/") as [string, string];
      const evs = await audit.eventsOfRequest(id);
      const ev = part === "input" ? evs[0]! : evs[1]!;
      expect((await audit.content(ev.eventId)).map((r) => r.jwe)).toEqual([jwe]);
      expect(await c.server.deps.sealer.open(jwe), key).toBeUndefined();
    }
    // The erasure itself is in the log, naming only the pseudonym.
    const erasures = (await audit.search({ type: "erasure.completed", limit: 10 })).map((e) => decodeEntry(e) as { erasure: { subject: string; keys_destroyed: number; mapping_destroyed: boolean } });
    expect(erasures.map((e) => e.erasure)).toEqual([{ subject: pseudonym, keys_destroyed: expect.any(Number), mapping_destroyed: true }]);
    expect(erasures[0]!.erasure.keys_destroyed).toBeGreaterThanOrEqual(1);
    expect(await audit.search({ type: "erasure.request", limit: 10 })).toHaveLength(1);

    // The same person calls again: a new pseudonym, a new data key; the old events stay unlinkable.
    const prompt = `after erasure ${randomBytes(6).toString("hex")}`;
    const id = await chat(c, prompt, false);
    const [req] = await eventsOf(c, id);
    const entry = decodeEntry(req!) as { actor: { subject: string } };
    expect(entry.actor.subject).not.toBe(pseudonym);
    expect(entry.actor.subject).toMatch(/^[A-Za-z0-9_-]{16,64}$/);
    const [fresh] = await audit.content(req!.eventId);
    expect(text(await c.server.deps.sealer.open(fresh!.jwe))).toContain(prompt);
    const oldKids = new Set([...jwes.values()].map((j) => decodeProtectedHeader(j).kid));
    expect(oldKids.has(decodeProtectedHeader(fresh!.jwe).kid)).toBe(false);
    expect(await audit.search({ subject: pseudonym, limit: 100 })).toHaveLength(calls.length * 2); // the old events are all still there
    await stop(); // integrates and signs a last checkpoint

    const trust = await cli(["audit", "trust", "--out", "trust.json"]);
    expect(trust.code, trust.stderr).toBe(0);
    const v = await cli(["audit", "verify", "--trust", "trust.json"]);
    expect(v.code, `${v.stdout}\n${v.stderr}`).toBe(0);
    expect(v.stdout).toMatch(/verification: INTACT/);
  });
});
