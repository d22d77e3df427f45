// Everything the app is built from. Runtime entries (src/runtime/) construct it; core
// code receives it and never reads the environment or opens I/O by itself.
import type { AuditSink } from "./audit/sink.ts";
import type { Config } from "./config/config.ts";
import type { Verifier } from "./identity/verify-jwt.ts";
import type { UpstreamClient } from "./providers/types.ts";
import type { Storage } from "./storage/types.ts";
import type { Logger } from "./telemetry/logger.ts";

export interface Clock {
  /** Wall clock, epoch ms. */
  now(): number;
  /** Monotonic ms, for durations. */
  monotonic(): number;
}

export interface Deps {
  config: Config;
  storage: Storage;
  audit: AuditSink;
  logger: Logger;
  verifier: Verifier;
  upstream: UpstreamClient;
  clock: Clock;
  /** A new request id (time-ordered). */
  newId(): string;
  /** Background work that must finish (Workers: waitUntil; Node: drained on SIGTERM). */
  defer(work: Promise<unknown>): void;
  /** Aborted when the server gives up on in-flight work (end of the shutdown grace period). */
  shutdownSignal: AbortSignal;
}

export const systemClock: Clock = { now: () => Date.now(), monotonic: () => performance.now() };
