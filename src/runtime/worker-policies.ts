// The policy directory as the Worker sees it: the three files are bundled as text at
// build time (wrangler.toml's Text rule). ${VAR}s stay in the text and are resolved at
// run time against the bindings, so no secret is ever baked into the bundle.
import type { ConfigTexts } from "../config/config.ts";
import identityYaml from "../../policies/identity.yaml";
import providersYaml from "../../policies/providers.yaml";
import serverYaml from "../../policies/server.yaml";

export const BUNDLED_POLICIES: ConfigTexts = {
  "server.yaml": serverYaml,
  "providers.yaml": providersYaml,
  "identity.yaml": identityYaml,
};
