// Name patterns in policies: `*` stands for any run of characters; nothing else is special.
export function globRegExp(pattern: string): RegExp {
  // [\s\S]: any character, line terminators included (a model name may contain one).
  return new RegExp(`^${pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join("[\\s\\S]*")}$`);
}

export const matchesAny = (patterns: readonly RegExp[], name: string): boolean => patterns.some((p) => p.test(name));

/**
 * Whether every name `inner` matches is matched by `outer` (so a team allowing `inner` asks
 * for nothing the baseline's `outer` does not allow). Exact for names and for prefix or
 * suffix globs; anything more elaborate is not claimed to be covered.
 */
export function globCovers(outer: string, inner: string): boolean {
  if (outer === "*") return true;
  if (!inner.includes("*")) return globRegExp(outer).test(inner);
  const stars = (s: string) => s.split("*").length - 1;
  if (stars(outer) === 1 && outer.endsWith("*") && inner.startsWith(outer.slice(0, -1))) return true;
  if (stars(outer) === 1 && outer.startsWith("*") && inner.endsWith(outer.slice(1))) return true;
  return outer === inner;
}
