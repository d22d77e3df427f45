// Signed checkpoints (audit spec R9) and export manifests (R11). A checkpoint body is the C2SP
// tlog-checkpoint text, signed twice over the same bytes: a C2SP signed note (Ed25519), which
// transparency-dev tooling and witnesses read, and a `jose` JWS, which carries the time and
// the key's RFC 7638 thumbprint. The export manifest is a JWS over canonical JSON.
//
// Web Crypto and `jose` only, so the signer runs on Node and Workers and the offline verifier
// shares this code. Past 300 lines because body, note, JWS and keys are one format: a verifier
// that checks them apart could accept a note and a JWS that do not sign the same bytes.
//
// Error style as in canonical-json.ts: bad arguments from our own code (an origin that is not
// a key name, a 31-byte root) throw; everything read from outside (notes, JWS, configured
// keys) is answered with a Result whose CheckpointError names the problem.
import { base64url, calculateJwkThumbprint, CompactSign, compactVerify, decodeProtectedHeader, errors, type JWK, type ProtectedHeaderParameters } from "jose";
import { err, ok, type Result } from "../errors/result.ts";
import { canonicalize, rfc3339Millis } from "./canonical-json.ts";

export const CHECKPOINT_JWS_TYPE = "audit-checkpoint+jws";
export const MANIFEST_JWS_TYPE = "audit-bundle+jws";
/** Go's sumdb/note limit; C2SP signed-note requires accepting at least 16. */
export const MAX_NOTE_SIGNATURES = 100;

export type CheckpointProblem =
  | "malformed_body" // not exactly `<origin>\n<size>\n<base64 root>\n`
  | "malformed_note" // not a C2SP signed note
  | "unknown_key" // no signature line for the trusted key name and key ID
  | "bad_signature" // a signature by the trusted key does not verify
  | "malformed_jws"
  | "wrong_alg"
  | "wrong_typ"
  | "wrong_kid"
  | "wrong_origin" // the origin is not the one expected, or header and body disagree
  | "body_mismatch" // note and JWS sign different bytes
  | "malformed_manifest"
  | "bad_key"; // a configured or trusted key is not a usable Ed25519 JWK

export class CheckpointError extends Error {
  constructor(
    readonly problem: CheckpointProblem,
    message: string,
  ) {
    super(message);
    this.name = "CheckpointError";
  }
}

export type CheckpointFields = { origin: string; size: number; root: Uint8Array };
/** The public half of a signing key, as trust files and `audit.log.public_jwk` hold it. */
export type PublicJwk = { kty: "OKP"; crv: "Ed25519"; x: string; kid: string };
/** What CUSTOS_SIGNING_KEY holds. */
export type SigningJwk = PublicJwk & { d: string; alg: "Ed25519" };
export type SigningKey = { privateKey: CryptoKey; publicJwk: PublicJwk; publicKey32: Uint8Array; kid: string };
export type SignedCheckpoint = { body: string; note: string; jws: string };
export type VerifiedCheckpoint = CheckpointFields & { body: string; iat: number };
export type ManifestFile = { path: string; sha256: string; bytes: number };
export type Manifest = { files: ManifestFile[]; created: string };

// ── Body (C2SP tlog-checkpoint) ────────────────────────────────────────────────────────────

/** `<origin>\n<size>\n<base64 root>\n`, no extension lines. Throws RangeError on bad arguments. */
export function checkpointBody(origin: string, size: number, root: Uint8Array): string {
  const why = originProblem(origin) ?? sizeProblem(size) ?? (root.length === 32 ? undefined : `the root is ${root.length} bytes, not 32`);
  if (why !== undefined) throw new RangeError(`checkpointBody: ${why}`);
  return `${origin}\n${size}\n${toBase64(root)}\n`;
}

/** The inverse of checkpointBody: anything not exactly that shape is malformed_body. */
export function parseCheckpointBody(text: string): Result<CheckpointFields, CheckpointError> {
  const bad = (why: string) => err(new CheckpointError("malformed_body", `checkpoint body: ${why}`));
  if (!text.endsWith("\n")) return bad("does not end in a newline");
  const lines = text.slice(0, -1).split("\n");
  if (lines.length < 3) return bad(`has ${lines.length} line(s); a checkpoint has origin, size and root`);
  if (lines.length > 3) return bad(`has ${lines.length - 3} line(s) after the root; Custos checkpoints carry no extension lines`);
  const [origin, sizeText, rootText] = lines as [string, string, string];
  const originWhy = originProblem(origin);
  if (originWhy !== undefined) return bad(originWhy);
  if (!/^(?:0|[1-9][0-9]*)$/.test(sizeText)) return bad("the size is not a decimal number without sign or leading zeros");
  const size = Number(sizeText);
  if (!Number.isSafeInteger(size)) return bad("the size is above 2^53−1");
  const root = fromBase64(rootText);
  if (root === undefined) return bad("the root is not canonical standard base64");
  if (root.length !== 32) return bad(`the root is ${root.length} bytes, not 32`);
  return ok({ origin, size, root });
}

// C2SP: the origin MUST be non-empty; a signed note MUST be valid UTF-8 without control
// characters other than newline, and a newline would end the line. Leading or trailing spaces
// are refused too: they survive no copy-paste into a trust file.
function originProblem(origin: string): string | undefined {
  if (origin === "") return "the origin is empty";
  if (CONTROL_OR_LONE_SURROGATE.test(origin)) return "the origin contains a control character, newline or lone surrogate";
  if (origin.trim() !== origin) return "the origin has leading or trailing white space";
  return undefined;
}

function sizeProblem(size: number): string | undefined {
  return Number.isSafeInteger(size) && size >= 0 ? undefined : `the size ${size} is not an integer in 0..2^53−1`;
}

// ── C2SP signed note, Ed25519 ──────────────────────────────────────────────────────────────

/** SHA-256(name ‖ 0x0A ‖ 0x01 ‖ pubkey32)[0:4] (signed-note, signature type 0x01 = Ed25519). */
export async function noteKeyId(name: string, publicKey32: Uint8Array): Promise<Uint8Array> {
  const why = keyNameProblem(name) ?? (publicKey32.length === 32 ? undefined : `the public key is ${publicKey32.length} bytes, not 32`);
  if (why !== undefined) throw new RangeError(`noteKeyId: ${why}`);
  const n = utf8.encode(name);
  const data = new Uint8Array(n.length + 2 + 32);
  data.set(n);
  data.set([0x0a, 0x01], n.length);
  data.set(publicKey32, n.length + 2);
  return new Uint8Array(await crypto.subtle.digest("SHA-256", data)).slice(0, 4);
}

/** The note text: body, a blank line, `— <name> base64(keyID ‖ signature)\n`. */
export async function signNote(body: string, name: string, privateKey: CryptoKey, publicKey32: Uint8Array): Promise<string> {
  if (!body.endsWith("\n") || NOTE_FORBIDDEN.test(body)) throw new RangeError("signNote: the text must end in a newline and hold no control characters other than newline");
  const keyId = await noteKeyId(name, publicKey32);
  const sig = new Uint8Array(await crypto.subtle.sign("Ed25519", privateKey, utf8.encode(body)));
  const blob = new Uint8Array(4 + sig.length);
  blob.set(keyId);
  blob.set(sig, 4);
  return `${body}\n${EM_DASH} ${name} ${toBase64(blob)}\n`;
}

/**
 * The note's text if a signature line for `name` with this key's ID verifies. Lines by other
 * names or key IDs are skipped (C2SP: unknown signers are ignored, e.g. witness cosignatures);
 * a line by this key that does not verify rejects the whole note (C2SP SHOULD).
 */
export async function verifyNote(noteText: string, name: string, publicKey32: Uint8Array): Promise<Result<string, CheckpointError>> {
  const bad = (why: string) => err(new CheckpointError("malformed_note", `signed note: ${why}`));
  if (NOTE_FORBIDDEN.test(noteText)) return bad("contains a control character other than newline, or a lone surrogate");
  if (!noteText.endsWith("\n")) return bad("does not end in a newline");
  const split = noteText.lastIndexOf("\n\n");
  if (split < 0) return bad("has no blank line before the signatures");
  const body = noteText.slice(0, split + 1);
  const sigBlock = noteText.slice(split + 2);
  if (sigBlock === "") return bad("has no signature lines");
  const lines = sigBlock.slice(0, -1).split("\n");
  if (lines.length > MAX_NOTE_SIGNATURES) return bad(`has ${lines.length} signature lines, over the limit of ${MAX_NOTE_SIGNATURES}`);
  const keyId = await noteKeyId(name, publicKey32);
  const seen: string[] = [];
  let verified = false;
  for (const [i, line] of lines.entries()) {
    const where = `signature line ${i + 1}`;
    if (!line.startsWith(`${EM_DASH} `)) return bad(`${where} does not start with an em dash (U+2014) and a space`);
    const rest = line.slice(2);
    const space = rest.indexOf(" ");
    const lineName = space < 0 ? rest : rest.slice(0, space);
    const blob = space < 0 ? undefined : fromBase64(rest.slice(space + 1));
    if (keyNameProblem(lineName) !== undefined || blob === undefined || blob.length < 5) return bad(`${where} is not "— <key name> <base64 key ID and signature>"`);
    const lineKeyId = blob.subarray(0, 4);
    seen.push(`${lineName}+${toHex(lineKeyId)}`);
    if (lineName !== name || !sameBytes(lineKeyId, keyId)) continue;
    const sig = blob.slice(4);
    if (sig.length !== 64 || !(await ed25519Verify(publicKey32, sig, utf8.encode(body)))) {
      return err(new CheckpointError("bad_signature", `signed note: the signature by ${name}+${toHex(keyId)} (${where}) does not verify; the text or the signature was altered`));
    }
    verified = true;
  }
  if (!verified) return err(new CheckpointError("unknown_key", `signed note: no signature by the trusted key ${name}+${toHex(keyId)}; signed by ${seen.join(", ")}`));
  return ok(body);
}

// signed-note: key names are non-empty, without Unicode spaces (Go's unicode.IsSpace, hence
// U+0085 besides \s) or '+'; the note forbids control characters anyway.
function keyNameProblem(name: string): string | undefined {
  if (name === "" || /[\s\u0085+]/u.test(name) || CONTROL_OR_LONE_SURROGATE.test(name)) return `"${name}" is not a signed-note key name (non-empty, no spaces, no '+', no control characters)`;
  return undefined;
}

async function ed25519Verify(publicKey32: Uint8Array, sig: Uint8Array, data: Uint8Array): Promise<boolean> {
  const key = await crypto.subtle.importKey("raw", new Uint8Array(publicKey32), "Ed25519", false, ["verify"]);
  return crypto.subtle.verify("Ed25519", key, new Uint8Array(sig), new Uint8Array(data));
}

// ── JWS checkpoint ─────────────────────────────────────────────────────────────────────────

/** JWS compact over the body bytes; the header's origin is taken from the body itself. */
export async function signCheckpointJws(body: string, opts: { privateKey: CryptoKey; kid: string; iat: number }): Promise<string> {
  const parsed = parseCheckpointBody(body);
  if (!parsed.ok) throw new RangeError(`signCheckpointJws: ${parsed.error.message}`);
  if (!Number.isSafeInteger(opts.iat) || opts.iat < 0) throw new RangeError(`signCheckpointJws: iat ${opts.iat} is not a Unix time in seconds`);
  return new CompactSign(utf8.encode(body))
    .setProtectedHeader({ alg: "Ed25519", kid: opts.kid, typ: CHECKPOINT_JWS_TYPE, origin: parsed.value.origin, iat: opts.iat })
    .sign(opts.privateKey);
}

/** Checks alg, kid (the trusted key's thumbprint), the signature, typ, and header origin = body origin. */
export async function verifyCheckpointJws(jws: string, publicJwk: unknown): Promise<Result<{ body: string; origin: string; iat: number }, CheckpointError>> {
  const verified = await verifyJws(jws, publicJwk, CHECKPOINT_JWS_TYPE);
  if (!verified.ok) return verified;
  const { header, payload } = verified.value;
  const { origin, iat } = header;
  if (typeof origin !== "string" || typeof iat !== "number" || !Number.isSafeInteger(iat) || iat < 0) {
    return err(new CheckpointError("malformed_jws", "checkpoint JWS: the header lacks a string origin or an integer iat"));
  }
  const body = decodeUtf8(payload);
  if (body === undefined) return err(new CheckpointError("malformed_body", "checkpoint JWS: the payload is not UTF-8"));
  const parsed = parseCheckpointBody(body);
  if (!parsed.ok) return parsed;
  if (parsed.value.origin !== origin) return err(new CheckpointError("wrong_origin", `checkpoint JWS: the header names origin "${origin}" but the body "${parsed.value.origin}"`));
  return ok({ body, origin, iat });
}

// ── Both together ──────────────────────────────────────────────────────────────────────────

/**
 * Body, note (key name = origin, R9a) and JWS (R9b). The result is verified against publicJwk
 * before it is returned, so a private key that does not match the published one fails here,
 * at the signer, and not years later in an auditor's verifier.
 */
export async function signCheckpoint(args: { origin: string; size: number; root: Uint8Array; privateKey: CryptoKey; publicJwk: PublicJwk; now: number }): Promise<SignedCheckpoint> {
  const why = keyNameProblem(args.origin);
  if (why !== undefined) throw new RangeError(`signCheckpoint: the origin is the note's key name (R9a): ${why}`);
  const trusted = await trustedKey(args.publicJwk);
  if (!trusted.ok) throw trusted.error;
  const body = checkpointBody(args.origin, args.size, args.root);
  const note = await signNote(body, args.origin, args.privateKey, trusted.value.raw);
  const jws = await signCheckpointJws(body, { privateKey: args.privateKey, kid: trusted.value.kid, iat: Math.floor(args.now / 1000) });
  const check = await verifyCheckpoint({ note, jws }, args.publicJwk, args.origin);
  if (!check.ok) throw new Error(`signCheckpoint: the signed checkpoint does not verify against the public key (is the private key its pair?): ${check.error.message}`);
  return { body, note, jws };
}

/** Both signatures by the trusted key, over identical body bytes, for the expected origin. */
export async function verifyCheckpoint(signed: { note: string; jws: string }, trustedPublicJwk: unknown, origin: string): Promise<Result<VerifiedCheckpoint, CheckpointError>> {
  const trusted = await trustedKey(trustedPublicJwk);
  if (!trusted.ok) return trusted;
  if (keyNameProblem(origin) !== undefined) return err(new CheckpointError("wrong_origin", `checkpoint: the expected origin "${origin}" is not a signed-note key name`));
  const body = await verifyNote(signed.note, origin, trusted.value.raw);
  if (!body.ok) return body;
  const fields = parseCheckpointBody(body.value);
  if (!fields.ok) return fields;
  if (fields.value.origin !== origin) return err(new CheckpointError("wrong_origin", `checkpoint: the body is for origin "${fields.value.origin}", expected "${origin}"`));
  const jws = await verifyCheckpointJws(signed.jws, trustedPublicJwk);
  if (!jws.ok) return jws;
  if (!sameBytes(utf8.encode(jws.value.body), utf8.encode(body.value))) {
    return err(new CheckpointError("body_mismatch", "checkpoint: the note and the JWS sign different bodies"));
  }
  return ok({ ...fields.value, body: body.value, iat: jws.value.iat });
}

// ── Keys ───────────────────────────────────────────────────────────────────────────────────

/** A fresh Ed25519 private JWK with kid = its RFC 7638 thumbprint (for CUSTOS_SIGNING_KEY). */
export async function generateSigningKey(): Promise<SigningJwk> {
  const pair = (await crypto.subtle.generateKey("Ed25519", true, ["sign", "verify"])) as CryptoKeyPair;
  const jwk = (await crypto.subtle.exportKey("jwk", pair.privateKey)) as JsonWebKey;
  if (typeof jwk.x !== "string" || typeof jwk.d !== "string") throw new Error("generateSigningKey: the runtime exported no Ed25519 x/d");
  const kid = await thumbprint(jwk.x);
  return { kty: "OKP", crv: "Ed25519", x: jwk.x, d: jwk.d, kid, alg: "Ed25519" };
}

/**
 * The signer from a private JWK (as CUSTOS_SIGNING_KEY holds it, parsed). Refuses anything but
 * an OKP/Ed25519 key with 32-byte `d` and `x` that form a pair. A `kid` in the JWK is ignored:
 * the key ID is always the thumbprint, which trust files pin.
 */
export async function importSigningKey(jwk: unknown): Promise<Result<SigningKey, CheckpointError>> {
  const bad = (why: string) => err(new CheckpointError("bad_key", `signing key: ${why}`));
  if (typeof jwk !== "object" || jwk === null || Array.isArray(jwk)) return bad("is not a JWK object");
  const { kty, crv, alg, d, x } = jwk as Record<string, unknown>;
  if (kty !== "OKP" || crv !== "Ed25519") return bad(`is kty ${String(kty)} crv ${String(crv)}; an Ed25519 key (kty OKP, crv Ed25519) is required`);
  if (alg !== undefined && alg !== "Ed25519" && alg !== "EdDSA") return bad(`has alg ${String(alg)}, not Ed25519`);
  if (typeof d !== "string") return bad("has no private part (d); this is a public key");
  const raw = b64urlBytes(x);
  if (raw === undefined || raw.length !== 32) return bad("x is not 32 bytes of base64url");
  const seed = b64urlBytes(d);
  if (seed === undefined || seed.length !== 32) return bad("d is not 32 bytes of base64url");
  let privateKey: CryptoKey;
  try {
    privateKey = await crypto.subtle.importKey("jwk", { kty: "OKP", crv: "Ed25519", x: x as string, d }, "Ed25519", false, ["sign"]);
  } catch (e) {
    return bad(`the runtime refused it (${e instanceof Error ? e.message : String(e)}); are d and x a pair?`);
  }
  // Node checks the pair on import, workerd does not (miniflare 4.20260426 accepts a foreign
  // x), so check by signing: a mismatched key would sign checkpoints no trust file verifies.
  const probe = utf8.encode("custos signing key check\n");
  if (!(await ed25519Verify(raw, new Uint8Array(await crypto.subtle.sign("Ed25519", privateKey, probe)), probe))) return bad("d and x are not a key pair");
  const kid = await thumbprint(x as string);
  return ok({ privateKey, publicJwk: { kty: "OKP", crv: "Ed25519", x: x as string, kid }, publicKey32: raw, kid });
}

/** The public key a verifier trusts: OKP/Ed25519 with a 32-byte x and no private part. */
async function trustedKey(jwk: unknown): Promise<Result<{ raw: Uint8Array; kid: string; key: CryptoKey }, CheckpointError>> {
  const bad = (why: string) => err(new CheckpointError("bad_key", `trusted key: ${why}`));
  if (typeof jwk !== "object" || jwk === null || Array.isArray(jwk)) return bad("is not a JWK object");
  const { kty, crv, x, d } = jwk as Record<string, unknown>;
  if (kty !== "OKP" || crv !== "Ed25519") return bad(`is kty ${String(kty)} crv ${String(crv)}, not an Ed25519 key`);
  if (d !== undefined) return bad("holds a private part (d); trust a public JWK only");
  const raw = b64urlBytes(x);
  if (raw === undefined || raw.length !== 32) return bad("x is not 32 bytes of base64url");
  const key = await crypto.subtle.importKey("raw", new Uint8Array(raw), "Ed25519", false, ["verify"]);
  return ok({ raw, kid: await thumbprint(x as string), key });
}

const thumbprint = (x: string): Promise<string> => calculateJwkThumbprint({ kty: "OKP", crv: "Ed25519", x } satisfies JWK, "sha256");

// ── Export manifest (R11) ──────────────────────────────────────────────────────────────────

/** JWS (typ audit-bundle+jws) whose payload is the canonical JSON of {files, created}: the manifest.json bytes. */
export async function signManifest(files: readonly ManifestFile[], privateKey: CryptoKey, kid: string, now: number): Promise<string> {
  const why = filesProblem(files);
  if (why !== undefined) throw new RangeError(`signManifest: ${why}`);
  const manifest: Manifest = { files: files.map(({ path, sha256, bytes }) => ({ path, sha256, bytes })), created: rfc3339Millis(now) };
  return new CompactSign(canonicalize(manifest)).setProtectedHeader({ alg: "Ed25519", kid, typ: MANIFEST_JWS_TYPE }).sign(privateKey);
}

export async function verifyManifest(jws: string, publicJwk: unknown): Promise<Result<Manifest, CheckpointError>> {
  const verified = await verifyJws(jws, publicJwk, MANIFEST_JWS_TYPE);
  if (!verified.ok) return verified;
  const bad = (why: string) => err(new CheckpointError("malformed_manifest", `manifest: ${why}`));
  const text = decodeUtf8(verified.value.payload);
  let value: unknown;
  try {
    value = text === undefined ? undefined : JSON.parse(text);
  } catch {
    return bad("the payload is not JSON");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return bad("the payload is not a JSON object");
  const { files, created, ...extra } = value as Record<string, unknown>;
  if (Object.keys(extra).length > 0 || typeof created !== "string" || !Array.isArray(files)) return bad("the payload is not {files, created}");
  const shaped = files.every((f: unknown) => typeof f === "object" && f !== null && Object.keys(f).sort().join() === "bytes,path,sha256");
  const why = shaped ? filesProblem(files as ManifestFile[]) : "a file entry is not {path, sha256, bytes}";
  if (why !== undefined) return bad(why);
  if (!sameBytes(canonicalize(value), verified.value.payload)) return bad("the payload is not in canonical JSON form");
  return ok({ files: files as ManifestFile[], created });
}

function filesProblem(files: readonly ManifestFile[]): string | undefined {
  const paths = new Set<string>();
  for (const [i, f] of files.entries()) {
    const segments = typeof f.path === "string" ? f.path.split("/") : [];
    if (segments.length === 0 || segments.some((s) => s === "" || s === "." || s === "..") || /\\/.test(f.path) || CONTROL_OR_LONE_SURROGATE.test(f.path)) return `files[${i}].path is not a relative path inside the bundle`;
    if (paths.has(f.path)) return `files[${i}].path repeats ${f.path}`;
    paths.add(f.path);
    if (typeof f.sha256 !== "string" || !/^[0-9a-f]{64}$/.test(f.sha256)) return `files[${i}].sha256 is not 64 lower-case hex digits`;
    if (!Number.isSafeInteger(f.bytes) || f.bytes < 0) return `files[${i}].bytes is not a byte length`;
  }
  return undefined;
}

// ── Shared helpers ─────────────────────────────────────────────────────────────────────────

async function verifyJws(jws: string, publicJwk: unknown, typ: string): Promise<Result<{ header: ProtectedHeaderParameters; payload: Uint8Array }, CheckpointError>> {
  const what = typ === CHECKPOINT_JWS_TYPE ? "checkpoint JWS" : "manifest JWS";
  const trusted = await trustedKey(publicJwk);
  if (!trusted.ok) return trusted;
  let header: ProtectedHeaderParameters;
  try {
    header = decodeProtectedHeader(jws) as ProtectedHeaderParameters;
  } catch {
    return err(new CheckpointError("malformed_jws", `${what}: not a JWS compact serialisation`));
  }
  if (header.alg !== "Ed25519") return err(new CheckpointError("wrong_alg", `${what}: alg is ${String(header.alg)}, expected Ed25519`));
  if (header.kid !== trusted.value.kid) return err(new CheckpointError("wrong_kid", `${what}: kid ${String(header.kid)} is not the trusted key's thumbprint ${trusted.value.kid}`));
  let payload: Uint8Array;
  try {
    payload = (await compactVerify(jws, trusted.value.key, { algorithms: ["Ed25519"] })).payload;
  } catch (e) {
    if (e instanceof errors.JWSSignatureVerificationFailed) return err(new CheckpointError("bad_signature", `${what}: the signature does not verify; the header or payload was altered`));
    return err(new CheckpointError("malformed_jws", `${what}: ${e instanceof Error ? e.message : String(e)}`));
  }
  if (header.typ !== typ) return err(new CheckpointError("wrong_typ", `${what}: typ is ${String(header.typ)}, expected ${typ}`));
  return ok({ header, payload });
}

const EM_DASH = "\u2014";
const utf8 = new TextEncoder();
// Under /u a valid surrogate pair is one code point outside Cs, so this matches lone ones only.
// Control characters are what signed-note forbids, so these patterns name them on purpose.
// eslint-disable-next-line no-control-regex
const CONTROL_OR_LONE_SURROGATE = /[\u0000-\u001f\p{Cs}]/u;
// eslint-disable-next-line no-control-regex
const NOTE_FORBIDDEN = /[\u0000-\u0009\u000b-\u001f\p{Cs}]/u;

function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

function toBase64(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

/** Standard base64 with padding, canonical (re-encodes to the same text), else undefined. */
function fromBase64(text: string): Uint8Array | undefined {
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text)) return undefined;
  const bin = atob(text);
  const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
  return toBase64(bytes) === text ? bytes : undefined;
}

function b64urlBytes(text: unknown): Uint8Array | undefined {
  if (typeof text !== "string" || !/^[A-Za-z0-9_-]*$/.test(text)) return undefined;
  try {
    const bytes = base64url.decode(text);
    return base64url.encode(bytes) === text ? bytes : undefined;
  } catch {
    return undefined;
  }
}

const toHex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
