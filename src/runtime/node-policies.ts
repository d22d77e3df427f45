// The policy bundle of a Node server: compiled from the policy directory at start, and again
// whenever org.yaml or a team file changes. A valid new bundle replaces the old one in one
// assignment (a call in flight keeps the bundle it arrived under); an invalid one is refused
// and logged loudly, and the old one stays in force. Every activation is reported, so the
// audit log shows which version decided from when.
import { watch, type FSWatcher } from "node:fs";
import path from "node:path";
import { ConfigError, formatProblem } from "../config/yaml-file.ts";
import type { Env } from "../config/interpolate.ts";
import { compilePolicies, type PolicyBundle } from "../policy/compile.ts";
import type { Logger } from "../telemetry/logger.ts";
import { readPolicyTexts } from "./node-files.ts";

export async function loadNodePolicies(dir: string, env: Env): Promise<PolicyBundle> {
  const bundle = await compilePolicies(await readPolicyTexts(dir), env, dir);
  if (!bundle.ok) throw new ConfigError(bundle.error);
  return bundle.value;
}

export interface PolicyWatch {
  /** Re-reads the files now (what a change notification triggers); resolves once done. */
  reload(): Promise<void>;
  close(): void;
}

export interface WatchOptions {
  dir: string;
  env: Env;
  holder: { current: PolicyBundle };
  logger: Logger;
  /** Called after a new bundle is in force. */
  activated(bundle: PolicyBundle, previous: PolicyBundle): void;
  /** Quiet time after the last change before reading (editors write in several steps). */
  settleMs?: number;
}

export function watchPolicies(o: WatchOptions): PolicyWatch {
  const settle = o.settleMs ?? 150;
  const watchers = new Map<string, FSWatcher>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  // One reload at a time; a change during one schedules another after it.
  let running: Promise<void> = Promise.resolve();

  const reload = (): Promise<void> =>
    (running = running.then(async () => {
      if (closed) return;
      arm();
      let next: PolicyBundle;
      try {
        next = await loadNodePolicies(o.dir, o.env);
      } catch (e) {
        const problems = e instanceof ConfigError ? e.problems.map(formatProblem) : [e instanceof Error ? e.message : String(e)];
        o.logger.error({ dir: o.dir, problems, version: o.holder.current.version }, "policy reload REFUSED: the changed policy files are invalid; the previous version stays in force");
        return;
      }
      const previous = o.holder.current;
      if (next.sha256 === previous.sha256) return;
      o.holder.current = next;
      o.logger.warn({ version: next.version, previous: previous.version, teams: [...next.teams.keys()] }, "policy activated");
      o.activated(next, previous);
    }));

  const changed = () => {
    if (closed) return;
    clearTimeout(timer);
    timer = setTimeout(() => void reload(), settle);
  };

  /** Watches the directory and teams/ (created later or replaced, it is picked up at the next change). */
  function arm(): void {
    for (const d of [o.dir, path.join(o.dir, "teams")]) {
      if (watchers.has(d)) continue;
      try {
        const w = watch(d, { persistent: false }, changed);
        w.on("error", () => {
          w.close();
          watchers.delete(d);
        });
        watchers.set(d, w);
      } catch {
        // Not there (yet): a change in the parent re-arms.
      }
    }
  }
  arm();

  return {
    reload,
    close() {
      closed = true;
      clearTimeout(timer);
      for (const w of watchers.values()) w.close();
      watchers.clear();
    },
  };
}
