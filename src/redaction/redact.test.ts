import { describe, expect, it } from "vitest";
import { ServerSettingsSchema } from "../config/server.ts";
import { PII_TYPES, type PiiAction, type PiiType } from "../policy/schema.ts";
import { redactionSettings } from "./redact.ts";
import { redactWhole, textRedactor } from "./text-redactor.ts";
import { vault } from "./vault.ts";

const redactAll = Object.fromEntries(PII_TYPES.map((t) => [t, "redact"])) as Record<PiiType, PiiAction>;
const run = (yaml: object, text: string) => {
  const s = redactionSettings(ServerSettingsSchema.parse({ redaction: yaml }).redaction);
  return redactWhole(textRedactor(s.detector, redactAll, vault(), s.thresholds), text).text;
};

describe("server.yaml redaction settings", () => {
  const text = "Hosts 127.0.0.1, 192.0.2.10, 10.1.2.3 and 8.8.8.8 are up.";

  it("every IP address is personal data by default", () => {
    expect(run({}, text)).toBe("Hosts [IP_ADDRESS], [IP_ADDRESS], [IP_ADDRESS] and [IP_ADDRESS] are up.");
  });

  it("loopback, documentation and private ranges can be left alone", () => {
    expect(run({ ip: { ignore_loopback: true, ignore_documentation: true, ignore_private: true } }, text)).toBe("Hosts 127.0.0.1, 192.0.2.10, 10.1.2.3 and [IP_ADDRESS] are up.");
  });

  it("a threshold above a type's scores turns it off; a bad threshold is a config error", () => {
    expect(run({ thresholds: { IP_ADDRESS: 1 } }, "server 8.8.8.8")).toBe("server 8.8.8.8");
    expect(() => ServerSettingsSchema.parse({ redaction: { thresholds: { IP_ADDRESS: 2 } } })).toThrow();
    expect(() => ServerSettingsSchema.parse({ redaction: { thresholds: { NOPE: 0.5 } } })).toThrow();
  });
});
