// One-dimensional Postgres array literals ('{a,"b c",NULL}') to JS arrays, for postgres.js
// with fetch_types off. postgres.js otherwise learns array types with a query on every new
// connection whose failure (a connection cut while it runs) it leaves unhandled, which
// crashes a Node process (seen under fault injection); Workers never fetched them at all,
// so arrays came back as strings there.

/** Array type OIDs and how their elements are read. */
const ELEMENT: Record<number, (s: string) => unknown> = {
  1000: (s) => s === "t", // bool[]
  1005: Number, // int2[]
  1007: Number, // int4[]
  1016: (s) => s, // int8[]: strings, as postgres.js returns int8
  1021: Number, // float4[]
  1022: Number, // float8[]
  1009: (s) => s, // text[]
  1015: (s) => s, // varchar[]
  1014: (s) => s, // bpchar[]
  1003: (s) => s, // name[]
  2951: (s) => s, // uuid[]
  1185: (s) => s, // timestamptz[]
};

export const ARRAY_OIDS = Object.keys(ELEMENT).map(Number);

/** The elements of a one-dimensional array literal; undefined for anything else (nested, bounds). */
export function parsePgArray(text: string, element: (s: string) => unknown = (s) => s): unknown[] | undefined {
  if (!text.startsWith("{") || !text.endsWith("}")) return undefined;
  const out: unknown[] = [];
  let i = 1;
  const end = text.length - 1;
  if (i === end) return out;
  while (i <= end) {
    let value: string | null;
    if (text[i] === "{") return undefined; // nested: not handled here
    if (text[i] === '"') {
      let s = "";
      i++;
      while (i < end && text[i] !== '"') {
        if (text[i] === "\\") i++;
        s += text[i];
        i++;
      }
      if (text[i] !== '"') return undefined;
      i++;
      value = s;
    } else {
      let j = i;
      while (j < end && text[j] !== ",") j++;
      const raw = text.slice(i, j);
      value = raw === "NULL" ? null : raw;
      i = j;
    }
    out.push(value === null ? null : element(value));
    if (i === end) break;
    if (text[i] !== ",") return undefined;
    i++;
  }
  return out;
}

const quote = (v: unknown) => (v === null || v === undefined ? "NULL" : `"${String(v).replace(/["\\]/g, "\\$&")}"`);

/** postgres.js custom types reading every array OID above (and writing JS arrays as literals). */
export const pgArrayTypes = Object.fromEntries(
  ARRAY_OIDS.map((oid) => [
    `array_${oid}`,
    {
      to: oid,
      from: [oid],
      // A parameter the statement casts to an array may arrive as its literal already (as the audit store sends them).
      serialize: (xs: unknown) => (Array.isArray(xs) ? `{${xs.map(quote).join(",")}}` : String(xs)),
      parse: (text: string) => parsePgArray(text, ELEMENT[oid]) ?? text,
    },
  ]),
);
