// API keys on Workers: one verifier per isolate, so its short validation cache and its
// batched last-used writes span requests. Its background writes are kept alive with
// the waitUntil of the request being served when they are scheduled.
import { systemClock } from "../deps.ts";
import { CustosError } from "../errors/errors.ts";
import { err } from "../errors/result.ts";
import { apiKeyVerifier, keyHasher, type ApiKeyVerifier } from "../identity/api-keys.ts";
import type { Logger } from "../telemetry/logger.ts";
import type { WorkerEnv } from "./worker-env.ts";
import { workerStorage } from "./worker-storage.ts";

export interface WorkerApiKeys {
  forRequest(ctx: ExecutionContext): ApiKeyVerifier;
}

export async function workerApiKeys(env: WorkerEnv, logger: Logger): Promise<WorkerApiKeys> {
  const pepper = typeof env.CUSTOS_API_KEY_PEPPER === "string" ? env.CUSTOS_API_KEY_PEPPER : "";
  if (pepper.length < 16) {
    logger.error({}, "CUSTOS_API_KEY_PEPPER is not set (at least 16 characters): API keys are refused");
    const refusing: ApiKeyVerifier = {
      verify: async () => err(new CustosError("unavailable", "API keys are not configured on this deployment.", { detail: "CUSTOS_API_KEY_PEPPER unset" })),
      flush: async () => {},
      hash: () => Promise.reject(new Error("CUSTOS_API_KEY_PEPPER unset")),
    };
    return { forRequest: () => refusing };
  }
  let current: ExecutionContext | undefined;
  const verifier = apiKeyVerifier({
    storage: workerStorage(env), // stateless: it opens its connection inside each call
    hash: await keyHasher(pepper),
    clock: systemClock,
    defer: (p) => current?.waitUntil(p.catch((e: unknown) => logger.warn({ err: e instanceof Error ? e.message : String(e) }, "API key bookkeeping failed"))),
    logger,
  });
  return {
    forRequest(ctx) {
      current = ctx;
      return verifier;
    },
  };
}
