// The compliance console's in-browser proof check: an auditor's own browser recomputes an
// event's leaf hash, the Merkle root from its audit path (RFC 9162 §2.1.3.2), compares it with
// the signed checkpoint and verifies the checkpoint's signatures (audit spec R2–R4, R9), and
// checks consistency proofs between checkpoints (RFC 9162 §2.1.4.2). Each step is shown with
// what was computed, so the page proves rather than asserts.
//
// The console is server-rendered on Node and on Workers, so the browser code ships as a string
// (served as /console/assets/proof-check.js, loaded with <script type="module">): plain modern
// JavaScript with no imports, Web Crypto only. It mirrors src/audit/merkle.ts verifyInclusion /
// verifyConsistency and src/audit/checkpoint.ts verifyCheckpoint (signed note + JWS, both by the
// trusted key, over the same body bytes); proof-check.test.ts holds them to agreeing.
//
// Longer than 500 lines because a browser module served as one string cannot import: the
// hashing, both proof algorithms, checkpoint parsing, both signature checks and the rendering
// have to live in this one string.
//
// Exports of the module:
//   checkInclusion({ entry | entryJson, leaf?, leafIndex, treeSize, hashes, checkpoint: { note, jws }, logKey?: { origin, publicJwk } })
//   checkConsistency({ oldSize, oldRoot, newSize, newRoot, hashes })
//     → { ok, steps: [{ id, name, ok: true | false | null, detail }], unavailable?, reason? }
//     (bytes and hashes base64url; ok is true only when every step passed)
//   renderSteps(result, ol): one <li> per step, text nodes only.
//
// Kept in String.raw: no backticks and no dollar-brace in the JavaScript below; non-ASCII
// characters are written as \u escapes inside JavaScript strings.

export const PROOF_CHECK_JS: string = String.raw`// Custos proof check: runs in the auditor's browser with Web Crypto only.
const CHECKPOINT_JWS_TYPE = "audit-checkpoint+jws";
const EM_DASH = "\u2014";
const CONCAT = " \u2016 ";
const utf8 = new TextEncoder();
// Signed notes forbid control characters other than newline, and lone surrogates.
const NOTE_FORBIDDEN = /[\u0000-\u0009\u000b-\u001f\p{Cs}]/u;
const CONTROL = /[\u0000-\u001f\p{Cs}]/u;

export const INCLUSION_STEPS = [
  ["leaf", "Leaf hash from the entry bytes"],
  ["path", "Root from the leaf and the audit path"],
  ["checkpoint", "Root, size and origin match the checkpoint"],
  ["jws", "Checkpoint signature (JWS)"],
  ["note", "Checkpoint signature (signed note)"],
];

export const CONSISTENCY_STEPS = [
  ["shape", "Sizes and proof length"],
  ["old", "Old root recomputed from the proof"],
  ["new", "New root recomputed from the old tree and the proof"],
];

// --- Encodings

function bytesFromBinary(bin) {
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function toBase64(bytes) {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

const toBase64url = (bytes) => toBase64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

/** Standard base64 with padding, canonical, else undefined (as the checkpoint parser). */
function fromBase64(text) {
  if (typeof text !== "string" || !/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text)) return undefined;
  const bytes = bytesFromBinary(atob(text));
  return toBase64(bytes) === text ? bytes : undefined;
}

/** base64url without padding, canonical, else undefined. */
function fromBase64url(text) {
  if (typeof text !== "string" || !/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return undefined;
  const std = text.replace(/-/g, "+").replace(/_/g, "/");
  let bytes;
  try {
    bytes = bytesFromBinary(atob(std + "===".slice((std.length + 3) % 4)));
  } catch {
    return undefined;
  }
  return toBase64url(bytes) === text ? bytes : undefined;
}

const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
const hexPrefix = (bytes) => hex(bytes.subarray(0, 8)) + "\u2026";

function decodeUtf8(bytes) {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

function equalBytes(a, b) {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const plural = (n, one, many) => n + " " + (n === 1 ? one : many);
const message = (e) => (e && typeof e.message === "string" ? e.message : String(e));

/**
 * RFC 8785 (JCS) text of a JSON value: keys sorted by UTF-16 code units, strings and numbers as
 * JSON.stringify writes them. An audit entry is stored as exactly these bytes (spec R1), so
 * re-encoding the entry the API shows gives back the stored bytes; any other bytes would not
 * lead to the signed root.
 */
function jcs(v) {
  if (v === null || typeof v === "boolean" || typeof v === "string") return JSON.stringify(v);
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new TypeError("not JSON");
    return JSON.stringify(v);
  }
  if (Array.isArray(v)) return "[" + v.map(jcs).join(",") + "]";
  if (Object.prototype.toString.call(v) === "[object Object]") {
    return "{" + Object.keys(v).sort().map((k) => JSON.stringify(k) + ":" + jcs(v[k])).join(",") + "}";
  }
  throw new TypeError("not JSON");
}

function jcsBytes(value) {
  try {
    return utf8.encode(jcs(value));
  } catch {
    return undefined;
  }
}

// --- Merkle tree (RFC 6962 hashing, RFC 9162 verification as C2SP merkle-tree restates it)

const subtle = () => (globalThis.crypto && globalThis.crypto.subtle ? globalThis.crypto.subtle : undefined);
const sha256 = async (data) => new Uint8Array(await subtle().digest("SHA-256", data));
const leafHash = (d) => sha256(concat(new Uint8Array([0]), d));
const nodeHash = (l, r) => sha256(concat(new Uint8Array([1]), l, r));

const isCount = (x) => Number.isSafeInteger(x) && x >= 0;
const odd = (x) => x % 2 === 1;
const half = (x) => (x - (x % 2)) / 2;
function isPowerOfTwo(x) {
  let k = 1;
  while (k < x) k *= 2;
  return k === x;
}

/** How many hashes the audit path of leaf m in a tree of n leaves has (m < n). */
function inclusionPathLength(m, n) {
  let fn = m;
  let sn = n - 1;
  let count = 0;
  while (sn !== 0) {
    count++;
    if (odd(fn) || fn === sn) {
      while (!odd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    }
    fn = half(fn);
    sn = half(sn);
  }
  return count;
}

/** How many hashes a consistency proof from m to n has (0 < m < n). */
function consistencyProofLength(m, n) {
  let fn = m - 1;
  let sn = n - 1;
  while (odd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let count = isPowerOfTwo(m) ? 0 : 1;
  while (sn !== 0) {
    count++;
    if (odd(fn) || fn === sn) {
      while (!odd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    }
    fn = half(fn);
    sn = half(sn);
  }
  return count;
}

/** base64url hashes of 32 bytes, or the reason they are not. */
function decodeHashes(list, what) {
  if (!Array.isArray(list)) return { error: what + " is not a list of hashes" };
  const out = [];
  for (let i = 0; i < list.length; i++) {
    const h = fromBase64url(list[i]);
    if (h === undefined || h.length !== 32) return { error: what + " hash " + (i + 1) + " of " + list.length + " is not 32 bytes of base64url" };
    out.push(h);
  }
  return { hashes: out };
}

/** RFC 9162 section 2.1.3.2 steps 2-4: the root the path leads to (the caller compares it, step 5). */
async function rootFromPath(m, n, leaf, proof) {
  let fn = m;
  let sn = n - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) throw new Error("unreachable: the path length was checked");
    if (odd(fn) || fn === sn) {
      r = await nodeHash(p, r);
      while (!odd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) throw new Error("unreachable: the path length was checked");
  return r;
}

// --- Checkpoint (C2SP tlog-checkpoint body inside a C2SP signed note)

/** The note's body (text up to and including the newline before the blank line) and signature lines. */
function splitNote(note) {
  if (typeof note !== "string") return { error: "the checkpoint note is missing" };
  if (NOTE_FORBIDDEN.test(note)) return { error: "the note contains a control character other than newline" };
  if (!note.endsWith("\n")) return { error: "the note does not end in a newline" };
  const split = note.lastIndexOf("\n\n");
  if (split < 0) return { error: "the note has no blank line before its signatures" };
  const sigBlock = note.slice(split + 2);
  if (sigBlock === "") return { error: "the note has no signature lines" };
  return { body: note.slice(0, split + 1), lines: sigBlock.slice(0, -1).split("\n") };
}

/** As parseCheckpointBody in src/audit/checkpoint.ts: exactly origin, size and base64 root lines. */
function parseBody(body) {
  if (!body.endsWith("\n")) return { error: "the body does not end in a newline" };
  const lines = body.slice(0, -1).split("\n");
  if (lines.length < 3) return { error: "the body has " + plural(lines.length, "line", "lines") + "; a checkpoint has origin, size and root" };
  if (lines.length > 3) return { error: "the body has " + plural(lines.length - 3, "line", "lines") + " after the root; Custos checkpoints carry no extension lines" };
  const [origin, sizeText, rootText] = lines;
  if (origin === "" || CONTROL.test(origin) || origin.trim() !== origin) return { error: "the origin line is empty or has control characters or outer spaces" };
  if (!/^(?:0|[1-9][0-9]*)$/.test(sizeText) || !Number.isSafeInteger(Number(sizeText))) return { error: "the size line is not a decimal number in 0..2^53\u22121" };
  const root = fromBase64(rootText);
  if (root === undefined || root.length !== 32) return { error: "the root line is not 32 bytes of canonical standard base64" };
  return { origin, size: Number(sizeText), root };
}

/** The trusted key as a Web Crypto key and its raw bytes; the JWK's own kid is not trusted, its thumbprint is. */
async function trustedKey(jwk) {
  if (typeof jwk !== "object" || jwk === null) return { error: "the trusted key is not a JWK object" };
  if (jwk.kty !== "OKP" || jwk.crv !== "Ed25519") return { error: "the trusted key is kty " + jwk.kty + " crv " + jwk.crv + ", not an Ed25519 key" };
  if (jwk.d !== undefined) return { error: "the trusted key holds a private part (d); trust a public JWK only" };
  const raw = fromBase64url(jwk.x);
  if (raw === undefined || raw.length !== 32) return { error: "the trusted key's x is not 32 bytes of base64url" };
  let key;
  try {
    key = await subtle().importKey("jwk", { kty: "OKP", crv: "Ed25519", x: jwk.x }, { name: "Ed25519" }, false, ["verify"]);
  } catch (e) {
    return { unsupported: "this browser's Web Crypto cannot use Ed25519 keys (" + message(e) + ")" };
  }
  // RFC 7638 thumbprint: SHA-256 of the required members in lexicographic order.
  const thumbprint = toBase64url(await sha256(utf8.encode(JSON.stringify({ crv: "Ed25519", kty: "OKP", x: jwk.x }))));
  return { key, raw, thumbprint };
}

const ed25519Verify = (key, sig, data) => subtle().verify({ name: "Ed25519" }, key, sig, data);

function parseJws(jws) {
  if (typeof jws !== "string") return { error: "the checkpoint JWS is missing" };
  const parts = jws.split(".");
  if (parts.length !== 3) return { error: "the JWS is not a compact serialisation (three dot-separated parts)" };
  const headerBytes = fromBase64url(parts[0]);
  const headerText = headerBytes && decodeUtf8(headerBytes);
  let header;
  try {
    header = headerText === undefined ? undefined : JSON.parse(headerText);
  } catch {
    header = undefined;
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) return { error: "the JWS protected header is not base64url JSON" };
  const payload = fromBase64url(parts[1]);
  if (payload === undefined) return { error: "the JWS payload is not base64url" };
  const signature = fromBase64url(parts[2]);
  if (signature === undefined || signature.length !== 64) return { error: "the JWS signature is not 64 bytes of base64url" };
  return { header, payload, signature, signingInput: utf8.encode(parts[0] + "." + parts[1]) };
}

/** R9b: alg Ed25519, kid = the trusted key's thumbprint, the signature, typ, header origin = body origin, payload = the note's body. */
async function checkJws(jwsText, trusted, noteBody) {
  const jws = parseJws(jwsText);
  if (jws.error) return { ok: false, detail: jws.error };
  const h = jws.header;
  if (h.alg !== "Ed25519") return { ok: false, detail: "the JWS alg is " + String(h.alg) + ", expected Ed25519" };
  if (h.crit !== undefined) return { ok: false, detail: "the JWS header has crit parameters, which a checkpoint JWS does not use" };
  if (h.kid !== trusted.thumbprint) return { ok: false, detail: "the JWS kid " + String(h.kid) + " is not the trusted key's RFC 7638 thumbprint " + trusted.thumbprint };
  if (!(await ed25519Verify(trusted.key, jws.signature, jws.signingInput))) return { ok: false, detail: "the Ed25519 signature by key " + trusted.thumbprint + " does not verify: the header or the payload was altered, or another key signed" };
  if (h.typ !== CHECKPOINT_JWS_TYPE) return { ok: false, detail: "the JWS typ is " + String(h.typ) + ", expected " + CHECKPOINT_JWS_TYPE };
  if (typeof h.origin !== "string" || !Number.isSafeInteger(h.iat) || h.iat < 0) return { ok: false, detail: "the JWS header lacks a string origin or an integer iat" };
  const body = decodeUtf8(jws.payload);
  const fields = body === undefined ? { error: "the JWS payload is not UTF-8" } : parseBody(body);
  if (fields.error) return { ok: false, detail: "the JWS payload is not a checkpoint body: " + fields.error };
  if (fields.origin !== h.origin) return { ok: false, detail: "the JWS header names origin " + h.origin + " but its payload " + fields.origin };
  if (noteBody === undefined) return { ok: false, detail: "the signature verifies, but the note has no body to compare its payload with" };
  if (!equalBytes(jws.payload, utf8.encode(noteBody))) return { ok: false, detail: "the signature verifies, but over a different body than the note's: the JWS and the note sign different checkpoints" };
  const at = new Date(h.iat * 1000).toISOString();
  return { ok: true, detail: "Ed25519 signature by key " + trusted.thumbprint + " verifies over the note's exact body (" + jws.payload.length + " bytes), typ " + h.typ + ", signed at " + at };
}

/** R9a: a signature line by the origin's key name with this key's ID verifies over the body; other signers (witnesses) are skipped. */
async function checkNote(note, name, trusted) {
  if (note.error) return { ok: false, detail: note.error };
  if (name === "" || /[\s\u0085+]/u.test(name) || CONTROL.test(name)) return { ok: false, detail: "the trusted origin is not a signed-note key name (non-empty, no spaces, no '+')" };
  const keyId = (await sha256(concat(utf8.encode(name), new Uint8Array([0x0a, 0x01]), trusted.raw))).subarray(0, 4);
  const seen = [];
  let verified = false;
  for (let i = 0; i < note.lines.length; i++) {
    const line = note.lines[i];
    const where = "signature line " + (i + 1);
    if (!line.startsWith(EM_DASH + " ")) return { ok: false, detail: where + " does not start with an em dash and a space" };
    const rest = line.slice(2);
    const space = rest.indexOf(" ");
    const lineName = space < 0 ? rest : rest.slice(0, space);
    const blob = space < 0 ? undefined : fromBase64(rest.slice(space + 1));
    if (lineName === "" || /[\s\u0085+]/u.test(lineName) || blob === undefined || blob.length < 5) return { ok: false, detail: where + " is not an em dash, a key name and base64 key ID and signature" };
    seen.push(lineName + "+" + hex(blob.subarray(0, 4)));
    if (lineName !== name || !equalBytes(blob.subarray(0, 4), keyId)) continue;
    const sig = blob.slice(4);
    if (sig.length !== 64 || !(await ed25519Verify(trusted.key, sig, utf8.encode(note.body)))) {
      return { ok: false, detail: "the note signature by " + name + "+" + hex(keyId) + " (" + where + ") does not verify: the note was altered" };
    }
    verified = true;
  }
  if (!verified) return { ok: false, detail: "no signature by the trusted key " + name + "+" + hex(keyId) + "; the note is signed by " + (seen.join(", ") || "nobody") };
  return { ok: true, detail: "Ed25519 signature by " + name + "+" + hex(keyId) + " verifies over the note's body" + (note.lines.length > 1 ? " (" + plural(note.lines.length - 1, "other signature line", "other signature lines") + " skipped)" : "") };
}

// --- Results

function result(names, outcomes, extra) {
  const steps = names.map(([id, name], i) => ({ id, name, ok: outcomes[i].ok, detail: outcomes[i].detail }));
  return { ok: steps.every((s) => s.ok === true), steps, ...extra };
}

const skipped = (detail) => ({ ok: null, detail: "not checked: " + detail });

function unavailable(names) {
  const reason = "Web Crypto (crypto.subtle) is not available: the page is not served over https or from localhost";
  return result(names, names.map(() => skipped(reason)), { unavailable: true, reason });
}

// --- Inclusion

/**
 * One event against a signed checkpoint. input: { entry (base64url stored entry bytes) or
 * entryJson (the decoded entry, re-encoded here with JCS), leaf? (base64url leaf hash the
 * server reports), leafIndex, treeSize, hashes (base64url audit path), checkpoint: { note,
 * jws }, logKey?: { origin, publicJwk } }.
 */
export async function checkInclusion(input) {
  if (!subtle()) return unavailable(INCLUSION_STEPS);
  const o = [];
  const extra = {};
  const given = input || {};

  // 1. Leaf hash: SHA-256(0x00 || entry bytes).
  let leaf;
  const claimed = given.leaf === undefined ? undefined : fromBase64url(given.leaf);
  let entry;
  let source = "entry bytes";
  if (given.entry !== undefined) entry = fromBase64url(given.entry);
  else if (given.entryJson !== undefined) {
    entry = jcsBytes(given.entryJson);
    source = "bytes of the entry re-encoded as RFC 8785 JSON";
  }
  if (given.entry === undefined && given.entryJson === undefined) {
    if (claimed !== undefined && claimed.length === 32) {
      leaf = claimed;
      o.push(skipped("no entry was given, so the server's leaf hash " + hexPrefix(claimed) + " is used as is"));
    } else o.push({ ok: false, detail: "neither the entry nor a 32-byte leaf hash was given" });
  } else if (entry === undefined) {
    o.push({ ok: false, detail: given.entry !== undefined ? "the entry is not base64url" : "the entry is not a JSON value (it holds a non-finite number or a non-JSON type)" });
  } else {
    leaf = await leafHash(entry);
    const what = "SHA-256(0x00" + CONCAT + entry.length + " " + source + ") = " + hexPrefix(leaf) + " (base64url " + toBase64url(leaf) + ")";
    if (given.leaf !== undefined && (claimed === undefined || !equalBytes(claimed, leaf))) {
      o.push({ ok: false, detail: what + ", but the server reports leaf " + String(given.leaf) + ": the entry is not the one the log integrated" });
    } else o.push({ ok: true, detail: what + (claimed ? ", as the server reports" : "") });
  }

  // 2. Root from the leaf and the audit path (RFC 9162 section 2.1.3.2).
  let root;
  const m = given.leafIndex;
  const n = given.treeSize;
  const path = decodeHashes(given.hashes, "audit path");
  if (!isCount(m) || !isCount(n)) o.push({ ok: false, detail: "the leaf index and the tree size must be integers in 0..2^53\u22121" });
  else if (m >= n) o.push({ ok: false, detail: "leaf index " + m + " is not below tree size " + n });
  else if (path.error) o.push({ ok: false, detail: path.error });
  else if (path.hashes.length !== inclusionPathLength(m, n)) {
    const need = inclusionPathLength(m, n);
    o.push({ ok: false, detail: "the audit path of leaf " + m + " in a tree of " + n + " has " + plural(need, "hash", "hashes") + ", this one " + path.hashes.length + " (too " + (path.hashes.length > need ? "many" : "few") + ")" });
  } else if (leaf === undefined) o.push(skipped("there is no leaf hash to start from"));
  else {
    root = await rootFromPath(m, n, leaf, path.hashes);
    o.push({ ok: true, detail: "leaf " + m + " of " + n + ", " + plural(path.hashes.length, "path hash", "path hashes") + " folded in: root " + toBase64(root) });
  }

  // 3. The checkpoint body: its root, size and origin.
  const note = splitNote(given.checkpoint && given.checkpoint.note);
  const fields = note.error ? note : parseBody(note.body);
  const logKey = given.logKey;
  if (fields.error) o.push({ ok: false, detail: "the checkpoint is malformed: " + fields.error });
  else {
    const problems = [];
    if (fields.size !== n) problems.push("the checkpoint is for size " + fields.size + " but the proof for tree size " + String(n));
    if (logKey && fields.origin !== logKey.origin) problems.push("the checkpoint is for origin " + fields.origin + ", not the trusted " + String(logKey.origin));
    if (root !== undefined && !equalBytes(root, fields.root)) problems.push("the recomputed root " + toBase64(root) + " is not the checkpoint's root " + toBase64(fields.root));
    const origin = logKey ? "origin " + fields.origin + " (trusted)" : "origin " + fields.origin + " (no trusted origin given)";
    if (problems.length > 0) o.push({ ok: false, detail: problems.join("; ") });
    else if (root === undefined) o.push(skipped("no root was recomputed; the checkpoint says size " + fields.size + ", root " + toBase64(fields.root) + ", " + origin));
    else o.push({ ok: true, detail: "root " + toBase64(root) + " = the checkpoint's root; size " + fields.size + "; " + origin });
  }

  // 4 and 5. The checkpoint's two signatures by the trusted key.
  if (!logKey || typeof logKey !== "object") {
    o.push(skipped("no trusted log key was given, so the checkpoint's signature cannot be checked"));
    o.push(skipped("no trusted log key was given, so the checkpoint's signature cannot be checked"));
  } else {
    const trusted = await trustedKey(logKey.publicJwk);
    if (trusted.unsupported) {
      o.push(skipped(trusted.unsupported));
      o.push(skipped(trusted.unsupported));
      extra.unavailable = true;
      extra.reason = trusted.unsupported;
    } else if (trusted.error) {
      o.push({ ok: false, detail: trusted.error });
      o.push({ ok: false, detail: trusted.error });
    } else {
      o.push(await checkJws(given.checkpoint && given.checkpoint.jws, trusted, note.body));
      o.push(await checkNote(note, String(logKey.origin), trusted));
    }
  }
  return result(INCLUSION_STEPS, o, extra);
}

// --- Consistency

/** Two tree heads: { oldSize, oldRoot, newSize, newRoot, hashes } (roots and hashes base64url). */
export async function checkConsistency(input) {
  if (!subtle()) return unavailable(CONSISTENCY_STEPS);
  const given = input || {};
  const m = given.oldSize;
  const n = given.newSize;
  const oldRoot = fromBase64url(given.oldRoot);
  const newRoot = fromBase64url(given.newRoot);
  const proof = decodeHashes(given.hashes, "consistency proof");
  const fail = (detail) => result(CONSISTENCY_STEPS, [{ ok: false, detail }, skipped("the proof is malformed"), skipped("the proof is malformed")]);

  // 1. Sizes and proof length.
  if (!isCount(m) || !isCount(n)) return fail("the sizes must be integers in 0..2^53\u22121");
  if (m > n) return fail("the old size " + m + " is larger than the new size " + n + ": a log never shrinks");
  if (oldRoot === undefined || oldRoot.length !== 32) return fail("the old root is not 32 bytes of base64url");
  if (newRoot === undefined || newRoot.length !== 32) return fail("the new root is not 32 bytes of base64url");
  if (proof.error) return fail(proof.error);
  const need = m === 0 || m === n ? 0 : consistencyProofLength(m, n);
  if (proof.hashes.length !== need) return fail("a consistency proof from size " + m + " to " + n + " has " + plural(need, "hash", "hashes") + ", this one " + proof.hashes.length + " (too " + (proof.hashes.length > need ? "many" : "few") + ")");
  const shape = { ok: true, detail: "from size " + m + " to " + n + ": " + plural(need, "hash", "hashes") + " of 32 bytes, as the proof needs" };

  if (m === n) {
    const same = equalBytes(oldRoot, newRoot);
    const detail = same ? "equal sizes: the roots are equal (" + toBase64(oldRoot) + ")" : "equal sizes but different roots: " + toBase64(oldRoot) + " \u2260 " + toBase64(newRoot) + " (two different trees of the same size)";
    return result(CONSISTENCY_STEPS, [shape, { ok: same, detail }, { ok: same, detail: same ? "the new tree is the old tree" : "the log signed two different trees of size " + n }]);
  }
  if (m === 0) {
    return result(CONSISTENCY_STEPS, [shape, { ok: true, detail: "the empty tree is a prefix of every tree: nothing to recompute" }, { ok: true, detail: "every tree extends the empty tree" }]);
  }

  // RFC 9162 section 2.1.4.2 steps 5-9.
  const path = isPowerOfTwo(m) ? [oldRoot, ...proof.hashes] : proof.hashes;
  let fn = m - 1;
  let sn = n - 1;
  while (odd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0];
  let sr = fr;
  for (let i = 1; i < path.length; i++) {
    const p = path[i];
    if (odd(fn) || fn === sn) {
      fr = await nodeHash(p, fr);
      sr = await nodeHash(p, sr);
      while (!odd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = await nodeHash(sr, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  const start = isPowerOfTwo(m) ? "starting from the old root (size " + m + " is a power of two)" : "starting from the proof's first hash";
  const oldOk = equalBytes(fr, oldRoot);
  const newOk = equalBytes(sr, newRoot);
  return result(CONSISTENCY_STEPS, [
    shape,
    { ok: oldOk, detail: (oldOk ? "recomputed " : "recomputed old root " + toBase64(fr) + " \u2260 the given ") + toBase64(oldRoot) + ", " + start },
    { ok: newOk, detail: (newOk ? "recomputed " : "recomputed new root " + toBase64(sr) + " \u2260 the given ") + toBase64(newRoot) + " from the old tree and " + plural(path.length - 1, "more hash", "more hashes") },
  ]);
}

// --- Display

const MARKS = { pass: ["\u2713", "passed"], fail: ["\u2717", "failed"], skip: ["\u2013", "not checked"] };

/** Fills an <ol> with one <li> per step. Text nodes only: nothing from the log becomes markup. */
export function renderSteps(checked, ol) {
  const doc = ol.ownerDocument || globalThis.document;
  while (ol.firstChild) ol.removeChild(ol.firstChild);
  for (const step of checked.steps) {
    const state = step.ok === true ? "pass" : step.ok === false ? "fail" : "skip";
    const li = doc.createElement("li");
    li.className = "proof-step proof-" + state;
    const mark = doc.createElement("span");
    mark.className = "proof-mark";
    mark.setAttribute("aria-label", MARKS[state][1]);
    mark.textContent = MARKS[state][0];
    const name = doc.createElement("strong");
    name.textContent = String(step.name);
    const detail = doc.createElement("span");
    detail.className = "proof-detail";
    detail.textContent = String(step.detail);
    li.appendChild(mark);
    li.appendChild(doc.createTextNode(" "));
    li.appendChild(name);
    li.appendChild(doc.createTextNode(": "));
    li.appendChild(detail);
    ol.appendChild(li);
  }
  return ol;
}
`;
