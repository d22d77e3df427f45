import { describe, expect, it } from "vitest";
import { pendingPlaceholder, vault } from "./vault.ts";

describe("vault", () => {
  it("numbers values per type, the same value always the same placeholder, and restores them", () => {
    const v = vault();
    expect(v.placeholder("EMAIL", "a@x.eu")).toBe("<EMAIL_1>");
    expect(v.placeholder("PERSON", "Anna")).toBe("<PERSON_1>");
    expect(v.placeholder("EMAIL", "b@x.eu")).toBe("<EMAIL_2>");
    expect(v.placeholder("EMAIL", "a@x.eu")).toBe("<EMAIL_1>");
    expect(v.size).toBe(3);
    expect(v.restore("Write to <EMAIL_1> and <email_2>, cc <EMAIL_3>, dear <PERSON_1>.")).toBe("Write to a@x.eu and b@x.eu, cc <EMAIL_3>, dear Anna.");
  });

  it("<PERSON_1> and <PERSON_10> never mix", () => {
    const v = vault();
    for (let i = 1; i <= 10; i++) v.placeholder("PERSON", `P${i}`);
    expect(v.restore("<PERSON_10>/<PERSON_1>")).toBe("P10/P1");
  });

  it("finds a placeholder still arriving at the end of a text", () => {
    expect(pendingPlaceholder("Hi <EMA")).toBe(3);
    expect(pendingPlaceholder("Hi <EMAIL_1")).toBe(3);
    expect(pendingPlaceholder("Hi <EMAIL_1>")).toBe(-1);
    expect(pendingPlaceholder("a < b and c")).toBe(-1);
    expect(pendingPlaceholder("x <")).toBe(2);
  });
});
