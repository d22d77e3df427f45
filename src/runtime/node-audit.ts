// The audit machinery of a Node process: the writer (with its fsync'ed spool), the content
// sealer, pseudonyms, and, where this process integrates, the integrator and checkpoint
// signer on timers. `custos serve` and `custos audit integrate` both build it here.
import { DEFAULT_RETENTION, type RetentionPolicy } from "../audit/retention.ts";
import { loadNodePolicies } from "./node-policies.ts";
import { scheduledRetention } from "../compliance/purge.ts";
import path from "node:path";
import { createHash } from "node:crypto";
import { webhookAnchor, type Anchor } from "../audit/anchor.ts";
import { importSigningKey, type SigningKey } from "../audit/checkpoint.ts";
import { contentSealers, type ContentSealer } from "../audit/content.ts";
import { integrator, type Integrator } from "../audit/integrator.ts";
import type { Sha256 } from "../audit/merkle.ts";
import { pseudonyms, subjectLookup, type Pseudonymizer, type SubjectLookup } from "../audit/pseudonym.ts";
import { checkpointSigner, type Signer } from "../audit/signer.ts";
import { auditWriter, type AuditSink } from "../audit/writer.ts";
import type { Config } from "../config/config.ts";
import type { Storage } from "../storage/types.ts";
import type { Logger } from "../telemetry/logger.ts";
import { fileAnchor } from "./node-anchor.ts";
import { anchorDir, signingKeyText, type Paths } from "./node-files.ts";
import { nodeHashing } from "./node-hashing.ts";
import { nodeSpool } from "./node-spool.ts";
import { acquireLock, DataDirLockedError } from "./lock.ts";
import { memorySpool } from "../audit/spool.ts";
import { uuidv7 } from "../ids.ts";

type Env = Readonly<Record<string, string | undefined>>;

export const nodeSha256: Sha256 = (d) => {
  const b = createHash("sha256").update(d).digest();
  return new Uint8Array(b.buffer, b.byteOffset, b.length); // a plain Uint8Array, as stored rows come back
};

export interface NodeAudit {
  sink: AuditSink;
  sealer: ContentSealer;
  pseudonym: Pseudonymizer;
  subjectLookup: SubjectLookup;
  integrator?: Integrator;
  signer?: Signer;
  /** The signing key, where this process integrates and signs (its public half is the log's key). */
  signingKey?: SigningKey;
  /** Stops the timers, writes writer.close, flushes, integrates and signs a last checkpoint. */
  close(): Promise<void>;
}

/** The signing key from CUSTOS_SIGNING_KEY (or the development key under .custos/). */
export async function loadSigningKey(env: Env, stateDir: string, logger: Logger): Promise<SigningKey> {
  const text = await signingKeyText(env, stateDir, (file) => logger.warn({ file }, "generated the development audit signing key"));
  let jwk: unknown;
  try {
    jwk = JSON.parse(text);
  } catch {
    throw new Error("CUSTOS_SIGNING_KEY is not a JSON Web Key (nor a file holding one)");
  }
  const key = await importSigningKey(jwk);
  if (!key.ok) throw new Error(`CUSTOS_SIGNING_KEY: ${key.error.message}`);
  return key.value;
}

export async function integrationParts(o: { storage: Storage; config: Config; env: Env; paths: Paths; logger: Logger }): Promise<{ integrator: Integrator; signer: Signer; signingKey: SigningKey; close(): Promise<void> }> {
  const key = await loadSigningKey(o.env, o.paths.stateDir, o.logger);
  const anchor = anchorDir(o.env, o.paths.stateDir);
  if (!anchor.configured && o.env.DATABASE_URL) o.logger.warn({ dir: anchor.dir }, "CUSTOS_ANCHOR_DIR is not set: checkpoints are anchored under .custos/ on this machine; point it at storage the database administrators cannot rewrite");
  const origin = o.config.server.audit.origin;
  const file = fileAnchor(anchor.dir, origin);
  const anchors: Anchor[] = [file];
  if (o.env.CUSTOS_ANCHOR_WEBHOOK) anchors.push(webhookAnchor(o.env.CUSTOS_ANCHOR_WEBHOOK));
  return {
    integrator: integrator(o.storage.audit, nodeSha256, o.logger),
    signer: checkpointSigner({ store: o.storage.audit, sha: nodeSha256, key, origin, anchors, logger: o.logger, now: Date.now }),
    signingKey: key,
    close: () => file.close(),
  };
}

export async function startNodeAudit(o: {
  storage: Storage;
  config: Config;
  env: Env;
  paths: Paths;
  logger: Logger;
  kek: Uint8Array;
  defer: (p: Promise<unknown>) => void;
  newId: () => string;
  build: string;
  /** Each audit write's duration and outcome (metrics). */
  onWrite?: (seconds: number, errorType?: string) => void;
  /** The retention classes of the policy in force. */
  retention?: () => RetentionPolicy;
}): Promise<NodeAudit> {
  const audit = o.config.server.audit;
  await o.storage.audit.ensurePartitions(new Date(Date.now() - 31 * 86_400_000), 4);
  if (o.storage.kind === "postgres") {
    const role = await o.storage.audit.canBypass();
    if (role.owner || role.superuser) {
      o.logger.warn({ owner: role.owner, superuser: role.superuser }, "DATABASE_URL connects as a role that owns the audit log (or is a superuser): it could disable the triggers. Fine for development; in production connect as a member of custos_runtime and migrate with CUSTOS_MIGRATE_URL");
    }
  }
  const parts = audit.integrate ? await integrationParts(o) : undefined;
  const spoolDir = path.join(o.paths.stateDir, "spool");
  // One process per spool: two servers replaying one file would each think it theirs.
  const spoolLock = await acquireLock(spoolDir, "custos serve (audit spool)").catch((e: unknown) => {
    if (e instanceof DataDirLockedError) throw new Error(`the audit spool in ${spoolDir} belongs to another running Custos process (pid ${e.pid}); run each server from its own directory`, { cause: e });
    throw e;
  });
  const spool = await nodeSpool(spoolDir);
  const sink = auditWriter({
    store: o.storage.audit,
    sha: nodeSha256,
    origin: audit.origin,
    logger: o.logger,
    spool,
    now: Date.now,
    newId: o.newId,
    defer: o.defer,
    open: { proxy_build: o.build, config_sha256: o.config.sha256, runtime: `node ${process.version}`, storage: o.storage.kind },
    batchMs: audit.batch_ms,
    writeTimeoutMs: audit.write_timeout_ms,
    ...(o.onWrite ? { onWrite: o.onWrite } : {}),
    ...(o.retention ? { retention: o.retention } : {}),
  });
  // Spooled events from an earlier run go in first.
  await sink.replay().catch(() => {});
  // The configuration this process serves with (the policy bundle's activation is its own event).
  sink.emit({ type: "config.activate", fields: { system: { proxy_build: o.build, config_sha256: o.config.sha256 }, config: { files: ["server.yaml", "providers.yaml", "identity.yaml"], endpoints: o.config.providers.endpoints.map((e) => e.id) } } });

  const timers: ReturnType<typeof setTimeout>[] = [];
  let stopped = false;
  const every = (ms: number, name: string, fn: () => Promise<unknown>) => {
    const tick = () => {
      if (stopped) return;
      const run = fn().catch((e: unknown) => o.logger.error({ task: name, err: e instanceof Error ? e.message : String(e) }, "audit background task failed"));
      o.defer(run);
      void run.finally(() => {
        if (!stopped) timers.push(setTimeout(tick, ms));
      });
    };
    timers.push(setTimeout(tick, ms));
  };
  if (parts) {
    every(audit.integrate_interval_ms, "integrate", () => parts.integrator.run());
    every(audit.checkpoint_interval_ms, "checkpoint", async () => {
      await parts.integrator.run();
      await parts.signer.checkpoint();
    });
  }
  every(6 * 3_600_000, "partitions", () => o.storage.audit.ensurePartitions(new Date(), 3));
  // Retention where the log is integrated (one place per deployment): expired content keys
  // destroyed, then every month that may go purged; the database refuses the rest.
  const hours = o.config.server.compliance.retention_schedule_hours;
  if (parts && hours > 0) {
    every(hours * 3_600_000, "retention", async () => {
      const r = await scheduledRetention({ storage: o.storage, audit: sink, now: Date.now });
      for (const m of r.purged) o.logger.info({ month: m.month, events: m.events }, "retention: month purged");
    });
  }

  return {
    sink,
    sealer: (await contentSealers(o.kek, nodeSha256))(o.storage.audit),
    pseudonym: (await pseudonyms(o.kek, { hashing: nodeHashing }))(o.storage.audit),
    subjectLookup: await subjectLookup(o.kek, nodeHashing),
    ...parts,
    async close() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      await sink.close();
      if (parts) {
        await parts.integrator.run();
        await parts.signer.checkpoint();
        await parts.close();
      }
      await spool.close();
      await spoolLock.release();
    },
  };
}

/**
 * A writer for a CLI command that changes something (keys, erasure): its own chain,
 * writer.open … writer.close. Its events are committed before the command reports success
 * (a failed commit fails the command: the database was just written, so it is reachable).
 */
/**
 * The retention classes for a CLI command's events: the policy's, or — where the policy files
 * are not at hand (a key created from a database-admin machine) — the default classes, said
 * on stderr so the operator knows which class the events were given.
 */
export async function cliRetention(policiesDir: string, env: Env, warn: (line: string) => void): Promise<RetentionPolicy> {
  try {
    return (await loadNodePolicies(policiesDir, env)).retention;
  } catch (e) {
    warn(`warning: the policy files could not be read (${(e instanceof Error ? e.message : String(e)).split("\n")[0]}); this command's audit events get the default retention class`);
    return DEFAULT_RETENTION;
  }
}

export async function cliAudit(storage: Storage, config: Pick<Config, "server" | "sha256">, logger: Logger, retention: RetentionPolicy): Promise<AuditSink> {
  return auditWriter({
    store: storage.audit,
    sha: nodeSha256,
    origin: config.server.audit.origin,
    logger,
    spool: memorySpool(10_000),
    now: Date.now,
    newId: () => uuidv7(),
    defer: () => {},
    open: { proxy_build: "custos cli", config_sha256: config.sha256, runtime: `node ${process.version}`, storage: storage.kind },
    batchMs: 0,
    retention: () => retention,
  });
}
