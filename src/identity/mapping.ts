// Group → team and group → role rules, compiled once per issuer. A user removed from a
// group in the IdP loses the team on their next token: nothing here is remembered.
import type { MatchRule } from "../config/identity.ts";
import type { Role } from "./principal.ts";

type Compiled = (group: string) => string | undefined;

const TEAM_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

function compile(rule: MatchRule, output: string | undefined): Compiled {
  if (rule.group !== undefined) return (g) => (g === rule.group ? (output ?? g) : undefined);
  if (rule.prefix !== undefined) {
    const prefix = rule.prefix;
    return (g) => (g.startsWith(prefix) && g.length > prefix.length ? (output ?? g.slice(prefix.length)) : undefined);
  }
  const re = new RegExp(`^(?:${rule.regex})$`);
  return (g) => {
    const m = re.exec(g);
    if (!m) return undefined;
    if (output === undefined) return m[1] ?? g;
    return output.replace(/\$(\d)/g, (_s, d: string) => m[Number(d)] ?? "");
  };
}

export interface GroupMapper {
  teams(groups: readonly string[]): string[];
  roles(groups: readonly string[]): Role[];
}

export function groupMapper(teamRules: readonly (MatchRule & { team?: string })[], roleRules: readonly (MatchRule & { role: Role })[], defaultRoles: readonly Role[]): GroupMapper {
  const teamFns = teamRules.map((r) => compile(r, r.team));
  const roleFns = roleRules.map((r) => ({ fn: compile(r, r.role), role: r.role }));
  return {
    teams(groups) {
      const out = new Set<string>();
      for (const g of groups) {
        for (const fn of teamFns) {
          const t = fn(g);
          // A team name from a capture must still look like a team name (no spaces, no paths).
          if (t !== undefined && TEAM_NAME.test(t)) out.add(t);
        }
      }
      return [...out];
    },
    roles(groups) {
      const out = new Set<Role>(defaultRoles);
      for (const g of groups) for (const { fn, role } of roleFns) if (fn(g) !== undefined) out.add(role);
      return [...out];
    },
  };
}
