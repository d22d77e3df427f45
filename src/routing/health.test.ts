// Circuit breakers with a clock the test moves: open after N failures in a row, closed
// again by a successful probe, one probe at a time, and a probe that never settles or whose
// caller left does not block the endpoint for good.
import { describe, expect, it } from "vitest";
import { endpointHealth } from "./health.ts";

function setup(failures = 3, open_ms = 1000) {
  const clock = { t: 0, monotonic: () => clock.t };
  return { clock, h: endpointHealth({ failures, open_ms }, clock) };
}

describe("endpoint health", () => {
  it("opens after the threshold of consecutive failures, and a success in between resets the count", () => {
    const { h } = setup(3);
    h.settle("a", "failure");
    h.settle("a", "failure");
    h.settle("a", "success");
    h.settle("a", "failure");
    h.settle("a", "failure");
    expect(h.state("a")).toBe("closed");
    expect(h.ready("a")).toBe(true);
    h.settle("a", "failure");
    expect(h.state("a")).toBe("open");
    expect(h.ready("a")).toBe(false);
    expect(h.ready("b")).toBe(true); // per endpoint
  });

  it("after the open period lets exactly one probe go; its success closes the breaker", () => {
    const { h, clock } = setup(1, 1000);
    h.settle("a", "failure");
    clock.t = 999;
    expect(h.ready("a")).toBe(false);
    clock.t = 1000;
    expect(h.state("a")).toBe("half_open");
    expect(h.ready("a")).toBe(true);
    h.begin("a");
    expect(h.ready("a")).toBe(false); // the probe is out: nobody else
    h.settle("a", "success");
    expect(h.state("a")).toBe("closed");
    expect(h.ready("a")).toBe(true);
  });

  it("a failed probe opens it for another full period", () => {
    const { h, clock } = setup(1, 1000);
    h.settle("a", "failure");
    clock.t = 1500;
    h.begin("a");
    h.settle("a", "failure");
    expect(h.state("a")).toBe("open");
    clock.t = 2499;
    expect(h.ready("a")).toBe(false);
    clock.t = 2500;
    expect(h.ready("a")).toBe(true);
  });

  it("a probe whose caller left, or that never settles, does not keep the endpoint out", () => {
    const { h, clock } = setup(1, 1000);
    h.settle("a", "failure");
    clock.t = 1000;
    h.begin("a");
    h.settle("a", "abandoned");
    expect(h.ready("a")).toBe(true);
    h.begin("a");
    clock.t = 1999;
    expect(h.ready("a")).toBe(false);
    clock.t = 2000; // the probe hung for a whole period: another may go
    expect(h.ready("a")).toBe(true);
  });
});
