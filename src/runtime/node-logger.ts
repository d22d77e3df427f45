// pino on Node: pretty on a terminal, one JSON line per event otherwise. Credentials
// and bodies are never passed to the logger; the redact list is a second line of defence.
import pino from "pino";
import type { Logger } from "../telemetry/logger.ts";

export function nodeLogger(level: string, opts: { pretty?: boolean; destination?: pino.DestinationStream } = {}): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: "custos" },
    redact: { paths: ["authorization", "*.authorization", "headers.authorization", "*.x-api-key", "token", "apiKey"], censor: "[redacted]" },
  };
  if (opts.destination) return pino(options, opts.destination);
  if (opts.pretty) return pino(options, pino.transport({ target: "pino-pretty", options: { colorize: true, ignore: "pid,hostname,service" } }));
  return pino(options);
}
