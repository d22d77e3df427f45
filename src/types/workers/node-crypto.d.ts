// The one node:crypto function the Worker uses (nodejs_compat provides it): synchronous
// SHA-256 for audit leaves, so a tree is not thousands of awaits. Node type-checks against
// @types/node instead; this file is only in the Worker's tsconfig.
declare module "node:crypto" {
  interface Hash {
    update(data: Uint8Array | string): Hash;
    digest(): Uint8Array;
  }
  export function createHash(algorithm: "sha256"): Hash;
}
