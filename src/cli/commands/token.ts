// custos token --sub S --team T [--role R] [--email E] [--ttl 8h]: a JWT from the local
// development issuer (trusted only where identity.yaml lists it, on loopback).
import { parseArgs } from "node:util";
import { isRole, mintDevToken } from "../../identity/dev-issuer.ts";
import type { Role } from "../../identity/principal.ts";
import { devIssuerKey, resolvePaths } from "../../runtime/node-files.ts";
import type { CliIo, ExitCode } from "../io.ts";

export const TOKEN_USAGE = "custos token --sub SUBJECT --team TEAM [--team TEAM2] [--role user|auditor|auditor_content|admin] [--email E] [--ttl 8h]";

export function parseTtl(s: string): number | undefined {
  const m = /^(\d+)\s*([smhd]?)$/.exec(s.trim());
  if (!m) return undefined;
  const n = Number(m[1]) * ({ "": 1, s: 1, m: 60, h: 3600, d: 86400 } as const)[m[2] as "" | "s" | "m" | "h" | "d"];
  return n > 0 && n <= 30 * 86400 ? n : undefined;
}

export async function tokenCommand(argv: string[], io: CliIo): Promise<ExitCode> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        sub: { type: "string" },
        team: { type: "string", multiple: true },
        role: { type: "string", multiple: true },
        email: { type: "string" },
        ttl: { type: "string", default: "8h" },
      },
      strict: true,
    }));
  } catch (e) {
    io.err(`${(e as Error).message}\nusage: ${TOKEN_USAGE}`);
    return 2;
  }
  const teams = (values.team ?? []).flatMap((t) => t.split(",")).map((t) => t.trim()).filter(Boolean);
  if (!values.sub || teams.length === 0) {
    io.err(`--sub and --team are required\nusage: ${TOKEN_USAGE}`);
    return 2;
  }
  const roles = values.role ?? ["user"];
  const bad = roles.filter((r) => !isRole(r));
  if (bad.length > 0) {
    io.err(`unknown role: ${bad.join(", ")} (roles: user, auditor, auditor_content, admin)`);
    return 2;
  }
  const ttl = parseTtl(values.ttl);
  if (ttl === undefined) {
    io.err("--ttl must be a duration such as 3600, 30m, 8h or 7d (at most 30d)");
    return 2;
  }
  const { stateDir } = resolvePaths(io.cwd, io.env);
  const key = await devIssuerKey(stateDir, (file) => io.err(`warning: generated the development issuer key at ${file}`));
  const token = await mintDevToken(key, { sub: values.sub, teams, roles: roles as Role[], ttl, ...(values.email ? { email: values.email } : {}) });
  io.out(token);
  return 0;
}
