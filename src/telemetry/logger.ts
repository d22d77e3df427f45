// The logger core code writes to: pino's call shape (object first, then message), so
// the Node runtime passes a pino logger and the Worker a small console-backed one.
export interface LogFn {
  (obj: object, msg?: string): void;
  (msg: string): void;
}

export interface Logger {
  fatal: LogFn;
  error: LogFn;
  warn: LogFn;
  info: LogFn;
  debug: LogFn;
  child(bindings: Record<string, unknown>): Logger;
}

const LEVELS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity } as const;
export type LogLevel = keyof typeof LEVELS;

/** One JSON line per call on a `write` sink (console.log in Workers, an array in tests). */
export function jsonLogger(level: LogLevel, write: (line: string) => void, bindings: Record<string, unknown> = {}): Logger {
  const threshold = LEVELS[level];
  const make = (name: Exclude<LogLevel, "silent">): LogFn =>
    ((a: object | string, b?: string) => {
      if (LEVELS[name] < threshold) return;
      const fields = typeof a === "string" ? { msg: a } : { ...a, ...(b === undefined ? {} : { msg: b }) };
      write(JSON.stringify({ level: LEVELS[name], time: Date.now(), ...bindings, ...fields }));
    }) as LogFn;
  return {
    fatal: make("fatal"),
    error: make("error"),
    warn: make("warn"),
    info: make("info"),
    debug: make("debug"),
    child: (more) => jsonLogger(level, write, { ...bindings, ...more }),
  };
}
