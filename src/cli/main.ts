// The custos command line: one file per command under commands/.
import type { CliIo, ExitCode } from "./io.ts";
import { migrateCommand } from "./commands/migrate.ts";
import { serveCommand } from "./commands/serve.ts";
import { tokenCommand, TOKEN_USAGE } from "./commands/token.ts";
import { keysCommand, KEYS_USAGE } from "./commands/keys.ts";
import { auditCommand, AUDIT_USAGE } from "./commands/audit.ts";
import { incidentCommand, INCIDENT_USAGE } from "./commands/incident.ts";
import { policyCommand, POLICY_USAGE } from "./commands/policy.ts";
import { redactCommand, REDACT_USAGE } from "./commands/redact.ts";
import { consoleLinkCommand, CONSOLE_LINK_USAGE } from "./commands/console-link.ts";
import { resumeCommand, RESUME_USAGE, suspendCommand, suspensionsCommand, SUSPEND_USAGE, SUSPENSIONS_USAGE } from "./commands/suspend.ts";

const COMMANDS: Record<string, { run: (argv: string[], io: CliIo) => Promise<ExitCode>; usage: string }> = {
  serve: { run: serveCommand, usage: "custos serve                 run the proxy (npm start)" },
  migrate: { run: migrateCommand, usage: "custos migrate               apply migrations/ (CUSTOS_MIGRATE_URL, DATABASE_URL, or the embedded database)" },
  token: { run: tokenCommand, usage: TOKEN_USAGE },
  "console-link": { run: consoleLinkCommand, usage: CONSOLE_LINK_USAGE },
  keys: { run: keysCommand, usage: KEYS_USAGE },
  audit: { run: auditCommand, usage: AUDIT_USAGE },
  incident: { run: incidentCommand, usage: INCIDENT_USAGE },
  policy: { run: policyCommand, usage: POLICY_USAGE },
  redact: { run: redactCommand, usage: REDACT_USAGE },
  suspend: { run: suspendCommand, usage: SUSPEND_USAGE },
  resume: { run: resumeCommand, usage: RESUME_USAGE },
  suspensions: { run: suspensionsCommand, usage: SUSPENSIONS_USAGE },
};

export async function main(argv: string[], io: CliIo): Promise<ExitCode> {
  const [name, ...rest] = argv;
  const cmd = name ? COMMANDS[name] : undefined;
  if (!cmd) {
    const usage = Object.values(COMMANDS).map((c) => `  ${c.usage}`).join("\n");
    (name && name !== "help" && name !== "--help" ? io.err : io.out)(`${name && name !== "help" && name !== "--help" ? `unknown command: ${name}\n` : ""}usage:\n${usage}`);
    return name && name !== "help" && name !== "--help" ? 2 : 0;
  }
  return cmd.run(rest, io);
}
