import { describe, expect, it } from "vitest";
import { uuidv7 } from "./ids.ts";

describe("uuidv7", () => {
  it("puts the 48-bit millisecond time first, big-endian, with version 7 and the RFC 9562 variant", () => {
    const t = Date.UTC(2026, 10, 29, 12, 0, 0, 123);
    const id = uuidv7(t);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.replace(/-/g, "").slice(0, 12), 16)).toBe(t);
  });

  it("sorts by time and does not repeat", () => {
    const a = uuidv7(1_000_000_000_000);
    const b = uuidv7(1_000_000_000_001);
    expect(a < b).toBe(true);
    const many = new Set(Array.from({ length: 10_000 }, () => uuidv7(1_000_000_000_000)));
    expect(many.size).toBe(10_000);
  });
});
