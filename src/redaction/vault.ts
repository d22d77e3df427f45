// Reversible pseudonyms for one request: each distinct value of a type gets a numbered
// placeholder (<EMAIL_1>, <EMAIL_2>, …), the same value always the same one, across every
// message of the request. The mapping lives only in this object, in memory, for the
// request's lifetime; answers get the values back.
import type { PiiType } from "../policy/schema.ts";

export interface Vault {
  /** The placeholder for this value (made on first use). */
  placeholder(type: PiiType, value: string): string;
  /** Placeholders this vault made, replaced by their values; others are left as they are. */
  restore(text: string): string;
  /** How many placeholders were made. */
  readonly size: number;
}

/** `<TYPE_n>` as Custos writes it; models sometimes change the case, which is tolerated. */
const PLACEHOLDER = /<([A-Za-z_]{3,24})_(\d{1,6})>/g;

export function vault(): Vault {
  const byValue = new Map<string, string>();
  const byPlaceholder = new Map<string, string>();
  const counters = new Map<PiiType, number>();
  return {
    placeholder(type, value) {
      const key = `${type}\u0000${value}`;
      let p = byValue.get(key);
      if (p === undefined) {
        const n = (counters.get(type) ?? 0) + 1;
        counters.set(type, n);
        p = `<${type}_${n}>`;
        byValue.set(key, p);
        byPlaceholder.set(p, value);
      }
      return p;
    },
    restore(text) {
      if (byPlaceholder.size === 0 || text.indexOf("<") < 0) return text;
      return text.replace(PLACEHOLDER, (m, type: string, n: string) => byPlaceholder.get(`<${type.toUpperCase()}_${n}>`) ?? m);
    },
    get size() {
      return byPlaceholder.size;
    },
  };
}

/**
 * Where a placeholder may be starting at the end of the text ("…<EMA", "…<EMAIL_1"): the
 * index of its '<', or -1. A stream holds that much back until it is complete.
 */
export function pendingPlaceholder(text: string): number {
  const from = Math.max(0, text.length - 32);
  const lt = text.lastIndexOf("<");
  if (lt < from) return -1;
  return /^<[A-Za-z_]{0,24}\d{0,6}$/.test(text.slice(lt)) ? lt : -1;
}
