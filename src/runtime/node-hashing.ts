// Node's synchronous hashing (node:crypto): microseconds, no thread-pool round trip.
import { createHash, createHmac } from "node:crypto";
import type { Hashing } from "../crypto/hashing.ts";

export const nodeHashing: Hashing = {
  sha256: (data) => createHash("sha256").update(data).digest(),
  hmacSha256: (key, data) => createHmac("sha256", key).update(data).digest(),
};
