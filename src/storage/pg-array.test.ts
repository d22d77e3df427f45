import postgres from "postgres";
import { describe, expect, it } from "vitest";
import { parsePgArray, pgArrayTypes } from "./pg-array.ts";

describe("parsePgArray", () => {
  it("reads empty, plain, quoted, escaped and NULL elements", () => {
    expect(parsePgArray("{}")).toEqual([]);
    expect(parsePgArray("{EMAIL,PHONE}")).toEqual(["EMAIL", "PHONE"]);
    expect(parsePgArray('{"x,y","\\"q\\"",NULL,"NULL","a\\\\b"}')).toEqual(["x,y", '"q"', null, "NULL", "a\\b"]);
    expect(parsePgArray("{1,2,-3}", Number)).toEqual([1, 2, -3]);
  });
  it("refuses what it does not read (nested, bounds, not an array), so the text is kept", () => {
    expect(parsePgArray("{{1,2},{3,4}}")).toBeUndefined();
    expect(parsePgArray("[0:1]={1,2}")).toBeUndefined();
    expect(parsePgArray('{"open')).toBeUndefined();
  });
});

// Real Postgres: the driver with fetch_types off reads arrays through these parsers, and no
// type query runs when a connection opens.
describe.skipIf(!process.env.DATABASE_URL)("postgres.js with these types", () => {
  it("returns text, uuid, int and bool arrays as arrays, NULL as null", async () => {
    const sql = postgres(process.env.DATABASE_URL!, { fetch_types: false, types: pgArrayTypes, onnotice: () => {} });
    try {
      const [r] = await sql.unsafe(
        `SELECT ARRAY['a','b c']::text[] AS t, ARRAY['01900000-0000-7000-8000-000000000000']::uuid[] AS u, ARRAY[1,2]::int[] AS i, ARRAY[true,false]::bool[] AS b, NULL::text[] AS n, ARRAY[]::text[] AS e`,
      );
      expect(r).toEqual({ t: ["a", "b c"], u: ["01900000-0000-7000-8000-000000000000"], i: [1, 2], b: [true, false], n: null, e: [] });
      // Parameters cast to arrays, as literals (how the audit store sends them) and as arrays, prepared and not.
      for (const prepare of [true, false]) {
        const [p] = await sql.unsafe("SELECT $1::text[] AS a, $2::uuid[] AS u, $3::int[] AS i", ['{x,"y z"}', "{01900000-0000-7000-8000-000000000000}", [1, 2]], { prepare });
        expect(p).toEqual({ a: ["x", "y z"], u: ["01900000-0000-7000-8000-000000000000"], i: [1, 2] });
      }
    } finally {
      await sql.end();
    }
  });
});
