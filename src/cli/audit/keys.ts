// custos audit keygen | trust: the signing key and the trust file that pins it.
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { generateSigningKey } from "../../audit/checkpoint.ts";
import { loadSigningKey } from "../../runtime/node-audit.ts";
import { anchorDir, resolvePaths } from "../../runtime/node-files.ts";
import { loadNodeServerSettings } from "../../runtime/node.ts";
import { jsonLogger } from "../../telemetry/logger.ts";
import type { Flags } from "../commands/audit.ts";
import type { CliIo, ExitCode } from "../io.ts";
import { trustFileText } from "./trust.ts";

export async function auditKeygen(_flags: Flags, io: CliIo): Promise<ExitCode> {
  const jwk = await generateSigningKey();
  io.out(JSON.stringify(jwk));
  io.err(`a new Ed25519 signing key (kid ${jwk.kid}). Keep it secret: set it as CUSTOS_SIGNING_KEY (or a file CUSTOS_SIGNING_KEY points at), then give auditors \`custos audit trust\`'s output.`);
  return 0;
}

export async function auditTrust(flags: Flags, io: CliIo): Promise<ExitCode> {
  const paths = resolvePaths(io.cwd, io.env);
  const settings = await loadNodeServerSettings(paths, io.env);
  const key = await loadSigningKey(io.env, paths.stateDir, jsonLogger("warn", (l) => io.err(l)));
  const text = trustFileText(settings.server.audit.origin, [key.publicJwk], anchorDir(io.env, paths.stateDir).dir);
  if (typeof flags.out === "string") {
    await writeFile(path.resolve(io.cwd, flags.out), text, { mode: 0o644 });
    io.err(`wrote the trust file to ${flags.out}: it pins key ${key.kid} and the anchor; give it to auditors (it holds no secret)`);
  } else {
    io.out(text.trimEnd());
  }
  return 0;
}
