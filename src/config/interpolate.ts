// ${VAR} and ${VAR:-default} in policy and provider files, so secrets and base URLs
// come from the environment (Node: process.env; Workers: the bindings) at run time.

const PATTERN = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export type Env = Readonly<Record<string, string | undefined>>;

/** Returns the interpolated string, or the names of the variables that are unset and have no default. */
export function interpolate(text: string, env: Env): { value: string; missing: string[] } {
  const missing: string[] = [];
  const value = text.replace(PATTERN, (_m, name: string, dflt: string | undefined) => {
    const v = env[name];
    if (v !== undefined && v !== "") return v;
    if (dflt !== undefined) return dflt;
    missing.push(name);
    return "";
  });
  return { value, missing };
}

export const hasReference = (text: string): boolean => text.includes("${");
