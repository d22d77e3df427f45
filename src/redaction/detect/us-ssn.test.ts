// US_SSN after Presidio: grouped with dashes or spaces at 0.5, bare nine digits only with
// context, never issued or published numbers and mixed delimiters dropped.
import { describe, expect, it } from "vitest";
import { detector } from "./detect.ts";
import { ssnValid, usSsnRecognizer } from "./us-ssn.ts";
import type { Candidate } from "./types.ts";

const d = detector([usSsnRecognizer()]);
const found = (text: string) => d.detect(text).map((s) => [text.slice(s.start, s.end), Math.round(s.score * 100) / 100]);
const raw = (text: string) => {
  const out: Candidate[] = [];
  usSsnRecognizer().find(text, (c) => out.push(c));
  return out.map((c) => [text.slice(c.start, c.end), c.score]);
};

describe("us-ssn", () => {
  it("scores by how it is written", () => {
    expect(raw("536-22-4875")).toEqual([["536-22-4875", 0.5]]);
    expect(raw("536 22 4875")).toEqual([["536 22 4875", 0.5]]);
    expect(raw("536.22.4875")).toEqual([["536.22.4875", 0.4]]);
    expect(raw("536224875")).toEqual([["536224875", 0.15]]);
  });

  it("reports grouped numbers alone and bare ones only with context", () => {
    expect(found("Applicant 536-22-4875 approved")).toEqual([["536-22-4875", 0.5]]);
    expect(found("SSN: 536-22-4875")).toEqual([["536-22-4875", 0.85]]);
    expect(found("Order 536224875 shipped")).toEqual([]);
    expect(found("my social security number is 536224875")).toEqual([["536224875", 0.5]]);
  });

  it.each([
    ["000-12-3456", "area 000"],
    ["666-12-3456", "area 666"],
    ["900-12-3456", "area 9xx"],
    ["999-12-3456", "area 9xx"],
    ["123-00-4567", "group 00"],
    ["123-45-0000", "serial 0000"],
    ["078-05-1120", "Woolworth's wallet card"],
    ["219-09-9999", "the 1936 pamphlet"],
    ["123-45-6789", "the obvious fake"],
    ["987-65-4320", "advertising range"],
    ["111-11-1111", "all the same digit"],
    ["123-45 6789", "mixed delimiters"],
    ["536-224875", "one dash"],
  ])("%s is not an SSN (%s)", (value) => {
    expect(raw(`SSN ${value}`)).toEqual([]);
  });

  it("ssnValid", () => {
    expect(ssnValid("536224875")).toBe(true);
    expect(ssnValid("665224875")).toBe(true);
    expect(ssnValid("899224875")).toBe(true);
  });

  it("is never part of a longer number", () => {
    expect(raw("1536-22-4875")).toEqual([]);
    expect(raw("536-22-48751")).toEqual([]);
    expect(raw("12 536-22-4875")).toEqual([]);
    expect(raw("4111-536-22-4875")).toEqual([]);
    expect(raw("5362248751")).toEqual([]);
  });
});
