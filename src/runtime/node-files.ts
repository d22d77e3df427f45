// Files the Node runtime and the CLI keep: the policy directory's texts, and keys
// generated once under .custos/ in development.
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { JWK } from "jose";
import { CONFIG_FILES, type ConfigTexts } from "../config/config.ts";
import { generateSigningKey } from "../audit/checkpoint.ts";
import type { PolicyTexts } from "../policy/compile.ts";
import { generateDevIssuerKey } from "../identity/dev-issuer.ts";

export const PACKAGE_ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const MIGRATIONS_DIR = path.join(PACKAGE_ROOT, "migrations");

export interface Paths {
  /** .custos/ — generated keys, the embedded database, the admin token. */
  stateDir: string;
  policiesDir: string;
  /** A directory, or "memory://". */
  dataDir: string;
}

export function resolvePaths(cwd: string, env: Readonly<Record<string, string | undefined>>): Paths {
  const stateDir = path.resolve(cwd, ".custos");
  return {
    stateDir,
    policiesDir: path.resolve(cwd, env.CUSTOS_POLICIES || "policies"),
    // "memory://" keeps the embedded database in memory (tests, throw-away runs).
    dataDir: env.CUSTOS_DATA_DIR === "memory://" ? "memory://" : path.resolve(cwd, env.CUSTOS_DATA_DIR || path.join(".custos", "data")),
  };
}

export async function readConfigTexts(dir: string): Promise<ConfigTexts> {
  const texts: ConfigTexts = {};
  for (const name of CONFIG_FILES) {
    try {
      texts[name] = await readFile(path.join(dir, name), "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }
  }
  return texts;
}

/** org.yaml and teams/*.yaml of a policy directory, by relative path (other files in teams/, such as an editor's backups, are not policy). */
export async function readPolicyTexts(dir: string): Promise<PolicyTexts> {
  const texts: Record<string, string> = {};
  try {
    texts["org.yaml"] = await readFile(path.join(dir, "org.yaml"), "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
  let names: string[] = [];
  try {
    names = await readdir(path.join(dir, "teams"));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
  for (const name of names.filter((n) => !n.startsWith(".") && /\.ya?ml$/.test(n)).sort()) texts[`teams/${name}`] = await readFile(path.join(dir, "teams", name), "utf8");
  return texts;
}

/** A file in .custos/ (mode 0600) made once by `make`; if another process makes it first, theirs is read. */
async function readOrCreate(stateDir: string, name: string, make: () => Promise<string>, onCreate: (file: string) => void): Promise<string> {
  const file = path.join(stateDir, name);
  try {
    return await readFile(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  const value = await make();
  try {
    await writeFile(file, value, { flag: "wx", mode: 0o600 });
    onCreate(file);
    return value;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    return readFile(file, "utf8");
  }
}

/** A development secret kept in .custos/ (mode 0600), generated once. */
export async function devSecretFile(stateDir: string, name: string, onCreate: (file: string) => void): Promise<string> {
  return (await readOrCreate(stateDir, name, async () => randomBytes(32).toString("base64url"), onCreate)).trim();
}

/** The API key pepper: CUSTOS_API_KEY_PEPPER; in development (no DATABASE_URL) generated under .custos/ if unset. */
export async function apiKeyPepper(env: Readonly<Record<string, string | undefined>>, stateDir: string, onCreate: (file: string) => void): Promise<string> {
  const pepper = env.CUSTOS_API_KEY_PEPPER;
  if (pepper) return pepper;
  if (env.DATABASE_URL) throw new MissingKeyError("CUSTOS_API_KEY_PEPPER", "the secret mixed into stored API key hashes (at least 16 characters)");
  return devSecretFile(stateDir, "api-key-pepper", onCreate);
}

/** What the running server leaves for CLI commands: its URL and a fresh admin token (mode 0600), removed at shutdown. */
export interface ServerHandle {
  url: string;
  pid: number;
  token: string;
}

const HANDLE = "server.json";

export async function writeServerHandle(stateDir: string, handle: ServerHandle): Promise<() => Promise<void>> {
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  const file = path.join(stateDir, HANDLE);
  await rm(file, { force: true });
  await writeFile(file, JSON.stringify(handle), { flag: "wx", mode: 0o600 });
  return () => rm(file, { force: true });
}

export async function readServerHandle(stateDir: string): Promise<ServerHandle | undefined> {
  try {
    return JSON.parse(await readFile(path.join(stateDir, HANDLE), "utf8")) as ServerHandle;
  } catch {
    return undefined;
  }
}

/** The key-encryption key: CUSTOS_KEK; in development generated under .custos/ if unset. */
export async function kekText(env: Readonly<Record<string, string | undefined>>, stateDir: string, onCreate: (file: string) => void): Promise<string> {
  if (env.CUSTOS_KEK) return env.CUSTOS_KEK;
  if (env.DATABASE_URL) throw new MissingKeyError("CUSTOS_KEK", "the key-encryption key (32 random bytes as base64url or hex) that protects content keys and derives subject pseudonyms");
  return devSecretFile(stateDir, "kek", onCreate);
}

export class MissingKeyError extends Error {
  constructor(readonly variable: string, what: string) {
    super(`${variable} is required when DATABASE_URL is set: ${what}`);
    this.name = "MissingKeyError";
  }
}

/** The development issuer's private key, generated on first use (mode 0600). */
export async function devIssuerKey(stateDir: string, onCreate: (file: string) => void): Promise<JWK> {
  return JSON.parse(await readOrCreate(stateDir, "dev-issuer.jwk", async () => JSON.stringify(await generateDevIssuerKey()), onCreate)) as JWK;
}

/** The checkpoint signer's Ed25519 private JWK: CUSTOS_SIGNING_KEY (the JWK itself or a file holding it); in development generated under .custos/ if unset. */
export async function signingKeyText(env: Readonly<Record<string, string | undefined>>, stateDir: string, onCreate: (file: string) => void): Promise<string> {
  const v = env.CUSTOS_SIGNING_KEY?.trim();
  if (v) return v.startsWith("{") ? v : readFile(path.resolve(v), "utf8");
  if (env.DATABASE_URL) throw new MissingKeyError("CUSTOS_SIGNING_KEY", "the Ed25519 private JWK (or a file holding it) that signs audit checkpoints; `custos audit keygen` makes one");
  return readOrCreate(stateDir, "signing-key.jwk", async () => JSON.stringify(await generateSigningKey()), onCreate);
}

/** Where checkpoints are anchored outside the database: CUSTOS_ANCHOR_DIR, else .custos/anchor (with a warning: the same machine is a weak anchor). */
export function anchorDir(env: Readonly<Record<string, string | undefined>>, stateDir: string): { dir: string; configured: boolean } {
  const v = env.CUSTOS_ANCHOR_DIR?.trim();
  return v ? { dir: path.resolve(v), configured: true } : { dir: path.join(stateDir, "anchor"), configured: false };
}
