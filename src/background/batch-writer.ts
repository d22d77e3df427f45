// A background writer that gathers work and writes it in one go: after `delayMs`
// (0: on the next turn, so the records of calls finishing together share one INSERT),
// or at once on flush(). Its runs are kept alive with `defer` (Workers: waitUntil;
// Node: drained on shutdown), and it reschedules itself if work arrived meanwhile.
export interface BatchWriter {
  /** There is work: make sure a write is scheduled. */
  schedule(): void;
  /** Write what is pending now and wait until no write is running. */
  flush(): Promise<void>;
}

export function batchWriter(delayMs: number, write: () => Promise<void>, hasWork: () => boolean, defer: (p: Promise<unknown>) => void): BatchWriter {
  let running: Promise<void> | undefined;
  let wake: (() => void) | undefined;

  async function run(): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, delayMs);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    wake = undefined;
    try {
      await write();
    } finally {
      running = undefined;
      if (hasWork()) schedule();
    }
  }

  function schedule(): void {
    if (running) return;
    running = run();
    defer(running);
  }

  return {
    schedule,
    async flush() {
      while (running) {
        wake?.();
        await running;
      }
    },
  };
}
