// The Node metrics endpoint: a MeterProvider read by the Prometheus exporter, served as
// Prometheus text on its own listener. Scrapers carry no JWT, so the listener is separate
// from the API and binds to loopback unless told otherwise.
//
// The exporter's built-in server cannot be used: it takes `port || 9464`, so port 0 (tests)
// becomes 9464, and it never reports the port it bound. It runs with preventServerStart and
// this module serves what its collect() and PrometheusSerializer produce.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Meter } from "@opentelemetry/api";
import { PrometheusExporter, PrometheusSerializer } from "@opentelemetry/exporter-prometheus";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { MeterProvider } from "@opentelemetry/sdk-metrics";
import type { Logger } from "../telemetry/logger.ts";

export const DEFAULT_METRICS_HOST = "127.0.0.1";
export const DEFAULT_METRICS_PORT = 9464;
const PATH = "/metrics";
/** The classic text format (0.0.4); Prometheus 3 refuses a scrape without a content type it knows. */
const CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

export interface MetricsOptions {
  /** Default 127.0.0.1. Anything else exposes team and model names to whoever can reach it. */
  host?: string;
  /** Default 9464; 0 picks a free port (see `port` on the result). */
  port?: number;
  logger: Logger;
  /** service.version on target_info (the package version). */
  version?: string;
}

export interface RunningMetrics {
  /** The meter core code records on (createCallMetrics). */
  readonly meter: Meter;
  /** http://host:port/metrics as bound. */
  readonly url: string;
  readonly port: number;
  /** Stops the listener and the provider. */
  close(): Promise<void>;
}

/** This server's own MeterProvider with the exporter as its reader (not registered globally), and the listener. */
export async function startMetrics(opts: MetricsOptions): Promise<RunningMetrics> {
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ "service.name": "custos", ...(opts.version ? { "service.version": opts.version } : {}) }),
    readers: [exporter],
  });
  try {
    const listener = await metricsListener({ ...opts, exporter });
    return { meter: provider.getMeter("custos"), ...listener, close: () => listener.close().then(() => provider.shutdown()) };
  } catch (e) {
    await provider.shutdown();
    throw e;
  }
}

export interface MetricsListener {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * /metrics for a Prometheus exporter some MeterProvider reads through (this module's own,
 * or the one NodeSDK registers when `custos serve` runs it).
 */
export async function metricsListener(opts: Omit<MetricsOptions, "version"> & { exporter: PrometheusExporter }): Promise<MetricsListener> {
  const host = opts.host ?? DEFAULT_METRICS_HOST;
  const { exporter } = opts;
  const serializer = new PrometheusSerializer();

  const scrape = async (res: ServerResponse) => {
    try {
      const { resourceMetrics, errors } = await exporter.collect();
      // A failing gauge callback costs its own reading, not the scrape.
      if (errors.length > 0) opts.logger.warn({ errors: errors.map(String) }, "metrics: some readings failed");
      const body = serializer.serialize(resourceMetrics);
      res.writeHead(200, { "content-type": CONTENT_TYPE, "cache-control": "no-store" });
      res.end(body); // node:http sends no body for HEAD
    } catch (e) {
      // A failed scrape must show as one (5xx), not as an empty page of metrics.
      opts.logger.error({ err: e instanceof Error ? e.message : String(e) }, "metrics: collection failed");
      res.writeHead(500, { "content-type": "text/plain; charset=utf-8" }).end("metrics collection failed\n");
    }
  };
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? "").split("?", 1)[0];
    if (path !== PATH) return void res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("not found\n");
    if (req.method !== "GET" && req.method !== "HEAD") return void res.writeHead(405, { allow: "GET, HEAD" }).end();
    void scrape(res);
  };

  const server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host, port: opts.port ?? DEFAULT_METRICS_PORT }, () => {
      server.off("error", reject);
      resolve();
    });
  });
  // The API listener keeps the process alive; this one alone must not (a server that fails
  // to start after it, a CLI that ends, must still exit).
  server.unref();
  // Unexpected errors after listening (rare: EMFILE on accept) are logged, not thrown.
  server.on("error", (e) => opts.logger.error({ err: e.message }, "metrics listener error"));
  const address = server.address() as AddressInfo;
  const url = `http://${address.family === "IPv6" ? `[${address.address}]` : address.address}:${address.port}${PATH}`;
  if (!isLoopback(address.address)) opts.logger.warn({ url }, "metrics: the listener is not on loopback; /metrics has no authentication");
  opts.logger.info({ url }, "metrics listening");

  let closing: Promise<void> | undefined;
  return {
    url,
    port: address.port,
    close: () =>
      (closing ??= (async () => {
        const closed = new Promise<void>((r) => server.close(() => r()));
        server.closeAllConnections(); // a scrape still running, or a scraper holding its connection open, must not hold up shutdown
        await closed;
      })()),
  };
}

function isLoopback(address: string): boolean {
  return address === "::1" || address.startsWith("127.") || address.startsWith("::ffff:127.");
}
