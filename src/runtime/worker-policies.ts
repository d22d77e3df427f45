// The policy directory as the Worker sees it: every file bundled as text at build time
// (scripts/worker-policies.ts, wrangler's build command, lists them). ${VAR}s stay in the
// text and are resolved at run time against the bindings, so no secret is ever baked into
// the bundle, and the policy version (a hash of the files as written) is the same as on Node.
import { CONFIG_FILES, type ConfigTexts } from "../config/config.ts";
import type { PolicyTexts } from "../policy/compile.ts";
import { POLICY_FILES } from "./worker-policy-files.gen.ts";

export const BUNDLED_CONFIG: ConfigTexts = Object.fromEntries(CONFIG_FILES.filter((f) => f in POLICY_FILES).map((f) => [f, POLICY_FILES[f]!]));

/** org.yaml and the team files. */
export const BUNDLED_POLICIES: PolicyTexts = Object.fromEntries(Object.entries(POLICY_FILES).filter(([f]) => f === "org.yaml" || f.startsWith("teams/")));
