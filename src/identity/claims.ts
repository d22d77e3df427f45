// Reading claims the way identity providers shape them: nested paths
// (realm_access.roles), arrays or space-separated strings, and claim names with dots
// or slashes (Auth0's namespaced "https://example.com/groups").

/** The value at a claim path: the whole name first (namespaced claims), then as a dotted path. Own properties only. */
export function claimAt(payload: Record<string, unknown>, path: string): unknown {
  if (Object.hasOwn(payload, path)) return payload[path];
  let node: unknown = payload;
  for (const key of path.split(".")) {
    if (typeof node !== "object" || node === null || Array.isArray(node) || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** A claim as a list of strings: an array of strings, or a space-separated string. */
export function stringList(value: unknown): string[] {
  if (typeof value === "string") return value.split(/\s+/).filter(Boolean);
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string" && v.length > 0);
  return [];
}

export function stringClaim(payload: Record<string, unknown>, path: string): string | undefined {
  const v = claimAt(payload, path);
  return typeof v === "string" && v.length > 0 ? v : typeof v === "number" ? String(v) : undefined;
}
