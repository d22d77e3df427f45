// What identity costs per request: verifying a token the first time it is seen (a
// signature check, per algorithm), the same token again (the token cache), and a Custos
// API key (HMAC + cache). In process, against a loopback OIDC provider.
//   node --import tsx bench/identity.ts [--n 2000]
import { parseArgs } from "node:util";
import { IdentityFileSchema } from "../src/config/identity.ts";
import { apiKeyVerifier, generateApiKey, keyHasher } from "../src/identity/api-keys.ts";
import { identityVerifier } from "../src/identity/build-verifier.ts";
import { systemClock } from "../src/deps.ts";
import { nodeHashing } from "../src/runtime/node-hashing.ts";
import type { ApiKeyRecord, Storage } from "../src/storage/types.ts";
import { jsonLogger } from "../src/telemetry/logger.ts";
import { startIdp, type IdpAlg } from "../test/helpers/idp.ts";

const { values } = parseArgs({ options: { n: { type: "string", default: "2000" } } });
const N = Number(values.n);
const logger = jsonLogger("error", () => {});

async function timeEach(label: string, items: string[], verify: (t: string) => Promise<{ ok: boolean }>): Promise<string> {
  for (const t of items.slice(0, 50)) if (!(await verify(t)).ok) throw new Error(`${label}: verification failed`);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (const t of items) if (!(await verify(t)).ok) throw new Error(`${label}: verification failed`);
  const wall = ((performance.now() - t0) * 1000) / items.length;
  const cpu = process.cpuUsage(cpu0);
  return `| ${label} | ${items.length} | ${wall.toFixed(1)} | ${((cpu.user + cpu.system) / items.length).toFixed(1)} |`;
}

const idp = await startIdp({ algs: ["RS256", "PS256", "ES256", "EdDSA"] });
const rows = ["| credential | verifications | µs each (wall) | CPU µs each |", "|---|---:|---:|---:|"];
try {
  const identity = IdentityFileSchema.parse({ issuers: [{ issuer: idp.issuer, audience: idp.audience, algorithms: ["RS256", "PS256", "ES256", "EdDSA"] }], token_cache_size: 100_000 });
  const verifier = await identityVerifier(identity, undefined, logger, nodeHashing);
  for (const alg of ["RS256", "PS256", "ES256", "EdDSA"] as IdpAlg[]) {
    const tokens = await Promise.all(Array.from({ length: N }, () => idp.mint({ groups: ["grp-ai-bench"] }, { alg })));
    rows.push(await timeEach(`JWT ${alg}, first sight (signature check)`, tokens, (t) => verifier.verify(t)));
    rows.push(await timeEach(`JWT ${alg}, cached`, tokens, (t) => verifier.verify(t)));
  }
  const key = generateApiKey();
  const hash = await keyHasher("bench-pepper-0123456789", nodeHashing);
  const record: ApiKeyRecord = { id: "k1", name: "bench", team: "bench", prefix: key.slice(0, 10), hash: await hash(key), createdAt: new Date(), createdBy: "bench", expiresAt: null, revokedAt: null, lastUsedAt: null };
  const storage = { apiKeyByHash: async (h: string) => (h === record.hash ? record : undefined), touchApiKeys: async () => {} } as unknown as Storage;
  const keys = apiKeyVerifier({ storage, hash, clock: systemClock, defer: () => {}, logger }, { ttlMs: 60_000 });
  rows.push(await timeEach("API key (cst_…), cached validation", Array.from({ length: N }, () => key), (k) => keys.verify(k)));
  await keys.flush();
} finally {
  await idp.close();
}
console.log(`\n## Identity cost per request (in process, Node ${process.version})\n`);
console.log(rows.join("\n"));
