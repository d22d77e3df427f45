// otel_spans on both drivers (PGlite always; real Postgres as the runtime role when
// DATABASE_URL is set): a batch goes in as one statement and reads back by trace, and
// retention drops whole days past it while keeping today's.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SpanRow, Storage } from "../../src/storage/types.ts";
import { storageDrivers } from "../helpers/pg.ts";
import postgres from "postgres";

const { drivers, db, close } = storageDrivers("custos_spans");

const span = (over: Partial<SpanRow> = {}): SpanRow => ({
  timestamp: new Date().toISOString(),
  trace_id: "4bf92f3577b34da6a3ce929d0e0e4736",
  span_id: "00f067aa0ba902b7",
  parent_span_id: null,
  trace_state: null,
  span_name: "chat gpt-4o",
  span_kind: "SERVER",
  service_name: "custos",
  resource_attributes: { "service.name": "custos" },
  scope_name: "custos",
  scope_version: null,
  span_attributes: { "gen_ai.request.model": "gpt-4o", "custos.team": "demo", "gen_ai.usage.input_tokens": 12 },
  duration_ns: "123456789012",
  status_code: "UNSET",
  status_message: null,
  events: [],
  links: [],
  ...over,
});

describe.each(drivers)("otel_spans on %s", (name, open) => {
  let storage: Storage;
  beforeAll(async () => {
    storage = await open();
  });
  afterAll(() => close(storage));

  it("a batch in one statement, read back by trace in time order, values intact", async () => {
    const t0 = Date.now();
    await storage.insertSpans([
      span({ span_id: "aaaaaaaaaaaaaaaa", timestamp: new Date(t0 + 5).toISOString(), span_kind: "CLIENT", parent_span_id: "00f067aa0ba902b7" }),
      span({ timestamp: new Date(t0).toISOString() }),
      span({ trace_id: "ffffffffffffffffffffffffffffffff", span_id: "bbbbbbbbbbbbbbbb" }),
    ]);
    const rows = await storage.spansOfTrace("4bf92f3577b34da6a3ce929d0e0e4736");
    expect(rows.map((r) => r.span_id)).toEqual(["00f067aa0ba902b7", "aaaaaaaaaaaaaaaa"]);
    expect(rows[0]).toMatchObject({ span_name: "chat gpt-4o", duration_ns: "123456789012", span_attributes: { "gen_ai.usage.input_tokens": 12 }, parent_span_id: null });
    expect(rows[1]).toMatchObject({ span_kind: "CLIENT", parent_span_id: "00f067aa0ba902b7" });
  });

  it("a span outside every partition is refused, not lost silently", async () => {
    const e = await storage.insertSpans([span({ timestamp: "2001-01-01T00:00:00.000Z" })]).then(() => undefined, (x: unknown) => x as Error & { cause?: Error });
    expect(String(e?.cause?.message ?? e?.message)).toMatch(/partition/i);
  });

  it("retention drops whole days past it and keeps the rest", async () => {
    const old = new Date(Date.now() - 40 * 86400_000).toISOString().slice(0, 10);
    const part = `otel_spans_${old.replaceAll("-", "_")}`;
    const ddl = `CREATE TABLE ${part} PARTITION OF otel_spans FOR VALUES FROM ('${old} 00:00:00+00') TO ('${old} 00:00:00+00'::timestamptz + interval '1 day')`;
    if (name === "pglite") await storage.unsafeExecute(ddl);
    else {
      const owner = postgres(db()!.ownerUrl, { max: 1, onnotice: () => {} });
      await owner.unsafe(ddl).finally(() => owner.end());
    }
    expect(await storage.maintainSpans(30)).toBe(1);
    expect(await storage.maintainSpans(30)).toBe(0);
    expect((await storage.spansOfTrace("4bf92f3577b34da6a3ce929d0e0e4736")).length).toBe(2); // today's stay
  });
});
