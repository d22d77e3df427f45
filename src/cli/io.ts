// What CLI commands get instead of touching process directly, so tests can run them.
export interface CliIo {
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  out(line: string): void;
  err(line: string): void;
  /** Raw output, no newline added (commands that pass data through, like redact). */
  write(text: string): void;
  /** Standard input, for commands that read it. */
  stdin?: AsyncIterable<Uint8Array | string>;
}

/** Exit codes: 0 done, 1 the check failed (what the command reports), 2 could not run. */
export type ExitCode = 0 | 1 | 2;
