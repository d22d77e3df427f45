// Where every proxied call is recorded. The walking skeleton writes one row per
// request to request_log, batched; the audit-log issue replaces this with the
// tamper-evident log.
import type { AuthFailureRecord, RequestRecord, Storage } from "../storage/types.ts";
import type { Logger } from "../telemetry/logger.ts";
import { batchWriter } from "../background/batch-writer.ts";

export interface AuthFailure {
  source: string;
  reason: string;
  route: string;
  at: number;
}

export interface AuditSink {
  record(row: RequestRecord): void;
  /** Counted per source, reason and route over a window, and written as one row each. */
  authFailure(f: AuthFailure): void;
  /** Resolves when everything recorded so far has been written (or has failed and been logged). */
  flush(): Promise<void>;
}

export interface SinkOptions {
  maxBatch?: number;
  /** Authentication failures are counted over this window before one row per source and reason is written. */
  authFailureWindowMs?: number;
  /** How long request records are gathered before one INSERT (ms). */
  requestBatchMs?: number;
  newId: () => string;
}

export function requestLogSink(storage: Storage, defer: (p: Promise<unknown>) => void, logger: Logger, opts: SinkOptions): AuditSink {
  const maxBatch = opts.maxBatch ?? 500;
  const windowMs = opts.authFailureWindowMs ?? 10_000;
  let buffer: RequestRecord[] = [];
  // Authentication failures in the current window, by source/reason/route.
  let failures = new Map<string, AuthFailureRecord>();

  // A few milliseconds of gathering: records of calls that end together share one INSERT,
  // and the write does not land on the CPU just as the caller's next request arrives
  // (at one connection that alone added ~0.7 ms to the next request's first byte).
  const requests = batchWriter(
    opts.requestBatchMs ?? 5,
    async () => {
      while (buffer.length > 0) {
        const batch = buffer.slice(0, maxBatch);
        buffer = buffer.slice(batch.length);
        try {
          await storage.appendRequests(batch);
        } catch (e) {
          logger.error({ err: e instanceof Error ? e.message : String(e), lost: batch.length, ids: batch.map((r) => r.id) }, "request log write failed");
        }
      }
    },
    () => buffer.length > 0,
    defer,
  );

  const window = batchWriter(
    windowMs,
    async () => {
      const rows = [...failures.values()];
      failures = new Map();
      try {
        await storage.appendAuthFailures(rows);
        const total = rows.reduce((n, r) => n + r.count, 0);
        logger.warn({ failures: total, sources: new Set(rows.map((r) => r.source)).size }, "authentication failures in the last window");
      } catch (e) {
        logger.error({ err: e instanceof Error ? e.message : String(e), lost: rows.length }, "auth failure log write failed");
      }
    },
    () => failures.size > 0,
    defer,
  );

  return {
    record(row) {
      buffer.push(row);
      requests.schedule();
    },
    authFailure(f) {
      const key = `${f.source}\u0000${f.reason}\u0000${f.route}`;
      const at = new Date(f.at);
      const row = failures.get(key);
      if (row) {
        row.count++;
        row.windowEnd = at;
      } else {
        failures.set(key, { id: opts.newId(), windowStart: at, windowEnd: at, source: f.source, reason: f.reason, route: f.route, count: 1 });
      }
      window.schedule();
    },
    async flush() {
      await window.flush();
      await requests.flush();
    },
  };
}
