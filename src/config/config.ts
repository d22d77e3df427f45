// The whole configuration, parsed once from the policy directory's texts and the
// environment. Runtime entries supply the texts (Node: files; Workers: bundled).
import { err, ok, type Result } from "../errors/result.ts";
import { IdentityFileSchema, type IdentityFile } from "./identity.ts";
import type { Env } from "./interpolate.ts";
import { ProvidersFileSchema, type ProvidersFile } from "./providers.ts";
import { applyServerEnv, ServerSettingsSchema, type ServerSettings } from "./server.ts";
import { parseYamlFile, type ConfigProblem } from "./yaml-file.ts";

export interface Config {
  server: ServerSettings;
  providers: ProvidersFile;
  identity: IdentityFile;
  /** SHA-256 (hex) of the configuration files, recorded with every request (substantial-modification evidence). */
  sha256: string;
}

/** The files Custos reads from the policy directory, by name. */
export const CONFIG_FILES = ["server.yaml", "providers.yaml", "identity.yaml"] as const;
export type ConfigTexts = Partial<Record<(typeof CONFIG_FILES)[number], string>>;

export async function loadConfig(texts: ConfigTexts, env: Env, dir = "policies"): Promise<Result<Config, ConfigProblem[]>> {
  const problems: ConfigProblem[] = [];
  const at = (name: string) => `${dir}/${name}`;

  const server = parseYamlFile(at("server.yaml"), texts["server.yaml"] ?? "", ServerSettingsSchema, env, (d) => applyServerEnv(d, env));
  if (!server.ok) problems.push(...server.error);

  const providersText = texts["providers.yaml"];
  if (providersText === undefined) problems.push({ file: at("providers.yaml"), line: 1, column: 1, message: "file not found: the provider catalogue is required" });
  const providers = providersText === undefined ? undefined : parseYamlFile(at("providers.yaml"), providersText, ProvidersFileSchema, env);
  if (providers && !providers.ok) problems.push(...providers.error);

  const identity = parseYamlFile(at("identity.yaml"), texts["identity.yaml"] ?? "", IdentityFileSchema, env);
  if (!identity.ok) problems.push(...identity.error);

  if (problems.length > 0 || !server.ok || !providers?.ok || !identity.ok) return err(problems);
  const sha256 = await hashOf(texts);
  return ok({ server: server.value, providers: providers.value, identity: identity.value, sha256 });
}

async function hashOf(texts: ConfigTexts): Promise<string> {
  const joined = CONFIG_FILES.map((f) => `${f}\0${texts[f] ?? ""}\0`).join("");
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(joined));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** server.yaml alone (defaults when absent), for CLI commands that act on the database without serving. */
export async function loadServerSettings(texts: ConfigTexts, env: Env, dir = "policies"): Promise<Result<{ server: ServerSettings; sha256: string }, ConfigProblem[]>> {
  const server = parseYamlFile(`${dir}/server.yaml`, texts["server.yaml"] ?? "", ServerSettingsSchema, env, (d) => applyServerEnv(d, env));
  if (!server.ok) return server;
  return ok({ server: server.value, sha256: await hashOf(texts) });
}
