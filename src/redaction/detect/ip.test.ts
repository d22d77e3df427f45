// IP_ADDRESS: parsed IPv4 and IPv6; not versions, section numbers, dates or times.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ipRecognizer, parseV6, type IpOptions } from "./ip.ts";
import type { Candidate } from "./types.ts";

const find = (text: string, options?: IpOptions) => {
  const out: Candidate[] = [];
  ipRecognizer(options).find(text, (c) => out.push(c));
  return out;
};
const values = (text: string, options?: IpOptions) =>
  find(text, options)
    .sort((a, b) => a.start - b.start)
    .map((c) => text.slice(c.start, c.end));

describe("ip", () => {
  it.each([
    ["server 192.168.1.10 is down", "192.168.1.10"],
    ["connect to 10.0.0.1:8080", "10.0.0.1"],
    ["subnet 172.16.0.0/12", "172.16.0.0"],
    ["dns 8.8.8.8.", "8.8.8.8"],
    ["(255.255.255.0)", "255.255.255.0"],
    ["v6 2001:db8:85a3::8a2e:370:7334 ok", "2001:db8:85a3::8a2e:370:7334"],
    ["full 2001:0db8:0000:0000:0000:ff00:0042:8329", "2001:0db8:0000:0000:0000:ff00:0042:8329"],
    ["loopback ::1", "::1"],
    ["link fe80::1%eth0 up", "fe80::1%eth0"],
    ["mapped ::ffff:192.0.2.128", "::ffff:192.0.2.128"],
    ["url http://[2001:db8::1]:8080/", "2001:db8::1"],
    ["ends 2001:db8::.", "2001:db8::"],
  ])("finds the address in %j", (text, address) => {
    expect(values(text)).toEqual([address]);
    expect(find(text)[0]!.score).toBe(0.6);
  });

  it.each([
    ["1.2.3.4.5", "a dotted sequence longer than four"],
    ["v1.2.3.4", "a version with a v"],
    ["version 1.2.3.4", "a version after the word"],
    ["Windows 10.0.19045.1", "a build number"],
    ["see section 2.1.3.4", "a section number"],
    ["010.001.002.003", "leading zeros"],
    ["256.1.1.1", "an octet over 255"],
    ["1.2.3", "three parts"],
    ["2026-11-29T10:15:30Z", "a timestamp"],
    ["10:15:30.123", "a time with milliseconds"],
    ["29.11.2026 10:15", "a date"],
    ["3.14159", "a number"],
    ["std::vector<int>", "C++"],
    ["00:1A:2B:3C:4D:5E", "a MAC address"],
    ["1:2:3", "a ratio"],
    ["a::", "just a compressed start after a word"],
    ["::", "the unspecified address alone"],
    ["1.2.3.4abc", "glued to a word"],
  ])("reports nothing for %s (%s)", (text) => {
    expect(find(text).filter((c) => c.score >= 0.5)).toEqual([]);
  });

  it("scores short compressed IPv6 weakly (a context word can lift it)", () => {
    expect(find("x = a[1::2]").map((c) => c.score)).toEqual([0.3]);
  });

  it("by default reports every range; options drop loopback, documentation and private ones", () => {
    const text = "127.0.0.1 ::1 192.0.2.5 198.51.100.7 203.0.113.9 2001:db8::5 10.1.2.3 172.20.0.1 192.168.0.1 169.254.1.1 fd00::1 fe80::2 93.184.216.34 2606:4700::1111";
    expect(values(text)).toHaveLength(14);
    expect(values(text, { ignoreLoopback: true })).not.toContain("127.0.0.1");
    expect(values(text, { ignoreLoopback: true })).not.toContain("::1");
    expect(values(text, { ignoreDocumentation: true })).toEqual(["127.0.0.1", "::1", "10.1.2.3", "172.20.0.1", "192.168.0.1", "169.254.1.1", "fd00::1", "fe80::2", "93.184.216.34", "2606:4700::1111"]);
    expect(values(text, { ignorePrivate: true })).toEqual(["127.0.0.1", "::1", "192.0.2.5", "198.51.100.7", "203.0.113.9", "2001:db8::5", "93.184.216.34", "2606:4700::1111"]);
    expect(values(text, { ignoreLoopback: true, ignoreDocumentation: true, ignorePrivate: true })).toEqual(["93.184.216.34", "2606:4700::1111"]);
  });

  it("parses IPv6 per RFC 4291", () => {
    const g = [0, 0, 0, 0, 0, 0, 0, 0];
    const parse = (s: string) => (parseV6(s, 0, s.length, g) < 0 ? null : [...g]);
    expect(parse("::1")).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
    expect(parse("1::")).toEqual([1, 0, 0, 0, 0, 0, 0, 0]);
    expect(parse("::ffff:1.2.3.4")).toEqual([0, 0, 0, 0, 0, 0xffff, 0x0102, 0x0304]);
    expect(parse("1:2:3:4:5:6:7:8")).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(parse("1:2:3:4:5:6:7::")).toEqual([1, 2, 3, 4, 5, 6, 7, 0]);
    expect(parse("1:2:3:4:5:6:7")).toBeNull();
    expect(parse("1:2:3:4:5:6:7:8:9")).toBeNull();
    expect(parse("1::2::3")).toBeNull();
    expect(parse("12345::1")).toBeNull();
    expect(parse("::1.2.3")).toBeNull();
    expect(parse("::01.2.3.4")).toBeNull();
    expect(parse(":1::2")).toBeNull();
  });

  it("gives UTF-16 offsets after emoji and accents", () => {
    const text = "Adresse du serveur 🖥️ élevé : 192.0.2.44 et 2001:db8::7";
    expect(find(text).map((c) => c.start).sort((a, b) => a - b)).toEqual([text.indexOf("192"), text.indexOf("2001")]);
  });

  it("never throws on any text", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom("1", "25", "255", ".", ":", "::", "a", "f", "%", "e0", " ", "v", "é"), { maxLength: 80 }), (parts) => {
        const text = parts.join("");
        for (const c of find(text)) {
          expect(c.start).toBeGreaterThanOrEqual(0);
          expect(c.end).toBeLessThanOrEqual(text.length);
        }
      }),
    );
    fc.assert(fc.property(fc.string({ unit: "binary" }), (text) => void find(text)));
  });
});
