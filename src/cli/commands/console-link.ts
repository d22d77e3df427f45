// custos console-link --sub S --role R [--team T] [--email E] [--url U]: a one-time link that
// signs a browser in to the console for five minutes' worth of validity, from the local
// development issuer (honoured only by a server that trusts it: a loopback listener).
import { parseArgs } from "node:util";
import { mintConsoleLinkToken, CONSOLE_LINK_TTL_SECONDS } from "../../console/link.ts";
import { isRole } from "../../identity/dev-issuer.ts";
import type { Role } from "../../identity/principal.ts";
import { devIssuerKey, readServerHandle, resolvePaths } from "../../runtime/node-files.ts";
import type { CliIo, ExitCode } from "../io.ts";

export const CONSOLE_LINK_USAGE = "custos console-link --sub SUBJECT --role auditor|auditor_content|admin [--team T] [--email E] [--url http://127.0.0.1:8787]";

export async function consoleLinkCommand(argv: string[], io: CliIo): Promise<ExitCode> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { sub: { type: "string" }, role: { type: "string", multiple: true }, team: { type: "string", multiple: true }, email: { type: "string" }, url: { type: "string" } },
      strict: true,
    }));
  } catch (e) {
    io.err(`${(e as Error).message}\nusage: ${CONSOLE_LINK_USAGE}`);
    return 2;
  }
  const roles = (values.role ?? []).flatMap((r) => r.split(",")).map((r) => r.trim()).filter(Boolean);
  if (!values.sub || roles.length === 0) {
    io.err(`--sub and --role are required\nusage: ${CONSOLE_LINK_USAGE}`);
    return 2;
  }
  const bad = roles.filter((r) => !isRole(r));
  if (bad.length > 0) {
    io.err(`unknown role: ${bad.join(", ")} (roles: auditor, auditor_content, admin; user has no console)`);
    return 2;
  }
  const { stateDir } = resolvePaths(io.cwd, io.env);
  const base = values.url ?? (await readServerHandle(stateDir))?.url ?? "http://127.0.0.1:8787";
  let url: URL;
  try {
    url = new URL("/console/link", base);
  } catch {
    io.err(`--url must be the server's address, such as http://127.0.0.1:8787`);
    return 2;
  }
  const key = await devIssuerKey(stateDir, (file) => io.err(`warning: generated the development issuer key at ${file}`));
  const teams = (values.team ?? []).flatMap((t) => t.split(",")).map((t) => t.trim()).filter(Boolean);
  const token = await mintConsoleLinkToken(key, { sub: values.sub, roles: roles as Role[], teams, ...(values.email ? { email: values.email } : {}) });
  url.searchParams.set("token", token);
  io.out(url.href);
  io.err(`one use, valid for ${CONSOLE_LINK_TTL_SECONDS / 60} minutes, on a server that trusts the development issuer (loopback)`);
  return 0;
}
