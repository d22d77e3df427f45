// custos audit proof --id ID: one event's inclusion proof against the latest checkpoint.
import { eventProof, proofJson, tlogProofText } from "../../audit/proof-file.ts";
import { nodeSha256 } from "../../runtime/node-audit.ts";
import type { Flags } from "../commands/audit.ts";
import type { CliIo, ExitCode } from "../io.ts";
import { withStorage } from "../open-storage.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function auditProof(flags: Flags, io: CliIo): Promise<ExitCode> {
  if (typeof flags.id !== "string" || !UUID.test(flags.id)) {
    io.err("--id is required: the event id (the x-request-id of a call is its request event's id)");
    return 2;
  }
  const id = flags.id.toLowerCase();
  const p = await withStorage(io, "custos audit proof", (s) => eventProof(s.audit, nodeSha256, id));
  if (typeof p === "string") {
    io.err(`no proof: ${p}`);
    return 1;
  }
  io.out(flags.json === true ? JSON.stringify(proofJson(p), null, 2) : tlogProofText(p).trimEnd());
  return 0;
}
