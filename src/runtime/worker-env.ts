// The Worker's bindings (wrangler.toml [vars], secrets, Hyperdrive). Only strings take
// part in ${VAR} interpolation and server.yaml overrides, like process.env on Node.
import type { Env } from "../config/interpolate.ts";

export interface WorkerEnv {
  /** Preferred over DATABASE_URL when bound: pooled connections to Postgres. */
  HYPERDRIVE?: Hyperdrive;
  DATABASE_URL?: string;
  /** "1" trusts the development issuer (if identity.yaml lists it); never in production. */
  CUSTOS_DEV_ISSUER?: string;
  /** The development issuer's public JWK (JSON); `custos token` signs with the private half. */
  CUSTOS_DEV_ISSUER_JWK?: string;
  /** Mixed into stored API key hashes; the same value as the Node servers sharing the database. */
  CUSTOS_API_KEY_PEPPER?: string;
  /** The key-encryption key (a secret): derives subject pseudonyms, wraps content keys. */
  CUSTOS_KEK?: string;
  /** The audit checkpoint signer (a secret: Ed25519 private JWK), for the Cron Trigger's integration. */
  CUSTOS_SIGNING_KEY?: string;
  /** Where checkpoints are anchored outside the database (https). */
  CUSTOS_ANCHOR_WEBHOOK?: string;
  [binding: string]: unknown;
}

/** The string-valued bindings, as the environment config interpolation reads. */
export function stringBindings(env: WorkerEnv): Env {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (typeof v === "string") out[k] = v;
  return out;
}
