// Where every proxied call is recorded. The walking skeleton writes one row per
// request to request_log, batched; the audit-log issue replaces this with the
// tamper-evident log.
import type { RequestRecord, Storage } from "../storage/types.ts";
import type { Logger } from "../telemetry/logger.ts";

export interface AuditSink {
  record(row: RequestRecord): void;
  /** Resolves when everything recorded so far has been written (or has failed and been logged). */
  flush(): Promise<void>;
}

export function requestLogSink(storage: Storage, defer: (p: Promise<unknown>) => void, logger: Logger, maxBatch = 500): AuditSink {
  let buffer: RequestRecord[] = [];
  let running: Promise<void> | undefined;

  async function drain(): Promise<void> {
    // Yield once so the rows of requests finishing together go in one INSERT.
    await new Promise((r) => setTimeout(r, 0));
    while (buffer.length > 0) {
      const batch = buffer.slice(0, maxBatch);
      buffer = buffer.slice(batch.length);
      try {
        await storage.appendRequests(batch);
      } catch (e) {
        logger.error({ err: e instanceof Error ? e.message : String(e), lost: batch.length, ids: batch.map((r) => r.id) }, "request log write failed");
      }
    }
    running = undefined;
  }

  return {
    record(row) {
      buffer.push(row);
      if (!running) {
        running = drain();
        defer(running);
      }
    },
    async flush() {
      while (running) await running;
    },
  };
}
