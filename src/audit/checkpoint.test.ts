import { createHash } from "node:crypto";
import { CompactSign } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import {
  checkpointBody,
  generateSigningKey,
  importSigningKey,
  noteKeyId,
  parseCheckpointBody,
  signCheckpoint,
  signCheckpointJws,
  signManifest,
  signNote,
  verifyCheckpoint,
  verifyCheckpointJws,
  verifyManifest,
  verifyNote,
  type CheckpointError,
  type CheckpointProblem,
  type ManifestFile,
  type SigningKey,
} from "./checkpoint.ts";
import { leafHash, rootFromLeafHashes, type Sha256 } from "./merkle.ts";
import type { Result } from "../errors/result.ts";

const sha: Sha256 = (d) => new Uint8Array(createHash("sha256").update(d).digest());
const b64 = (b: Uint8Array): string => Buffer.from(b).toString("base64");
const fromB64 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, "base64"));
const b64url = (b: Uint8Array): string => Buffer.from(b).toString("base64url");
const ORIGIN = "audit.example.eu/acme/eu-central/2026";
const NOW = Date.parse("2026-11-29T10:15:30.123Z");
const ROOT = new Uint8Array(32).map((_, i) => i);

function problem<T>(r: Result<T, CheckpointError>): CheckpointProblem | "ok" {
  return r.ok ? "ok" : r.error.problem;
}
function expectProblem<T>(r: Result<T, CheckpointError>, p: CheckpointProblem, message?: RegExp): void {
  expect(problem(r), r.ok ? "verified" : r.error.message).toBe(p);
  if (message && !r.ok) expect(r.error.message).toMatch(message);
}
/** Go's sumdb note: verifier key material is base64(0x01 ‖ key). */
const goKey = (material: string): Uint8Array => fromB64(material).slice(1);

let key: SigningKey;
let other: SigningKey;
beforeAll(async () => {
  const a = await importSigningKey(await generateSigningKey());
  const b = await importSigningKey(await generateSigningKey());
  if (!a.ok || !b.ok) throw new Error("key setup failed");
  key = a.value;
  other = b.value;
});

describe("checkpoint body (C2SP tlog-checkpoint)", () => {
  it("is exactly the spec's example text", () => {
    const root = fromB64("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=");
    expect(checkpointBody("example.com/behind-the-sofa", 20852163, root)).toBe("example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n");
  });

  it("round-trips through the parser, including size 0 and 2^53−1", () => {
    for (const size of [0, 1, 20852163, Number.MAX_SAFE_INTEGER]) {
      const body = checkpointBody(ORIGIN, size, ROOT);
      const parsed = parseCheckpointBody(body);
      expect(parsed.ok && { ...parsed.value, root: b64(parsed.value.root) }).toEqual({ origin: ORIGIN, size, root: b64(ROOT) });
    }
    expect(checkpointBody(ORIGIN, Number.MAX_SAFE_INTEGER, ROOT).split("\n")[1]).toBe("9007199254740991");
  });

  it("refuses bad origins, sizes and roots", () => {
    for (const origin of ["", "a\nb", " lead", "trail ", "tab\tin", "nul\u0000", "lone\uD800"]) expect(() => checkpointBody(origin, 1, ROOT), JSON.stringify(origin)).toThrow(RangeError);
    for (const size of [-1, 1.5, 2 ** 53, Number.NaN, Infinity]) expect(() => checkpointBody(ORIGIN, size, ROOT), String(size)).toThrow(/size/);
    for (const n of [0, 31, 33]) expect(() => checkpointBody(ORIGIN, 1, new Uint8Array(n))).toThrow(/32/);
  });

  it("parses nothing but the exact three-line shape", () => {
    const r = b64(ROOT);
    const cases: [string, RegExp][] = [
      [`${ORIGIN}\n5\n${r}\nextension\n`, /extension lines/],
      [`${ORIGIN}\n5\n${r}\n\n`, /after the root/],
      [`${ORIGIN}\n5\n${r}`, /newline/],
      [`${ORIGIN}\n5\n`, /line/],
      [`${ORIGIN}\r\n5\r\n${r}\r\n`, /./],
      [`${ORIGIN}\n05\n${r}\n`, /leading zeros/],
      [`${ORIGIN}\n00\n${r}\n`, /leading zeros/],
      [`${ORIGIN}\n+5\n${r}\n`, /sign/],
      [`${ORIGIN}\n-5\n${r}\n`, /sign/],
      [`${ORIGIN}\n 5\n${r}\n`, /decimal/],
      [`${ORIGIN}\n5e0\n${r}\n`, /decimal/],
      [`${ORIGIN}\n0x5\n${r}\n`, /decimal/],
      [`${ORIGIN}\n\n${r}\n`, /decimal/],
      [`${ORIGIN}\n9007199254740992\n${r}\n`, /2\^53/],
      [`${ORIGIN}\n5\n${b64(new Uint8Array(31))}\n`, /31 bytes/],
      [`${ORIGIN}\n5\n${b64(new Uint8Array(33))}\n`, /33 bytes/],
      [`${ORIGIN}\n5\n${r.slice(0, -1)}\n`, /base64/], // padding dropped
      [`${ORIGIN}\n5\n${b64url(ROOT.map(() => 0xfb))}=\n`, /base64/], // URL alphabet
      [`${ORIGIN}\n5\n${r.slice(0, -2)}B=\n`, /base64/], // non-zero trailing bits
      [`${ORIGIN}\n5\n ${r}\n`, /base64/],
      [` ${ORIGIN}\n5\n${r}\n`, /white space/],
      [`\n5\n${r}\n`, /empty/],
    ];
    for (const [text, why] of cases) expectProblem(parseCheckpointBody(text), "malformed_body", why);
  });
});

describe("C2SP signed note, Ed25519", () => {
  it("key ID is SHA-256(name ‖ 0x0A ‖ 0x01 ‖ pubkey)[0:4], computed independently", async () => {
    const expected = createHash("sha256")
      .update(Buffer.concat([Buffer.from(ORIGIN, "utf8"), Buffer.from([0x0a, 0x01]), Buffer.from(key.publicKey32)]))
      .digest()
      .subarray(0, 4);
    expect(Buffer.from(await noteKeyId(ORIGIN, key.publicKey32)).toString("hex")).toBe(expected.toString("hex"));
    // golang.org/x/mod/sumdb/note's test key "PeterNeumann+c74f20a3+…"
    expect(Buffer.from(await noteKeyId("PeterNeumann", goKey(GO_VKEY))).toString("hex")).toBe("c74f20a3");
  });

  it("reproduces Go sumdb/note's signed example byte for byte and verifies it (Ed25519 is deterministic)", async () => {
    const imported = await importSigningKey({ kty: "OKP", crv: "Ed25519", d: b64url(goKey(GO_SKEY)), x: b64url(goKey(GO_VKEY)) });
    if (!imported.ok) throw imported.error;
    expect(await signNote(GO_TEXT, "PeterNeumann", imported.value.privateKey, goKey(GO_VKEY))).toBe(GO_NOTE);
    expect(await verifyNote(GO_NOTE, "PeterNeumann", goKey(GO_VKEY))).toEqual({ ok: true, value: GO_TEXT });
    expectProblem(await verifyNote(GO_NOTE.replace("cryptography", "cryptographY"), "PeterNeumann", goKey(GO_VKEY)), "bad_signature");
  });

  it("has the shape body, blank line, em dash line; round-trips", async () => {
    const body = checkpointBody(ORIGIN, 7, ROOT);
    const note = await signNote(body, ORIGIN, key.privateKey, key.publicKey32);
    expect(note.startsWith(`${body}\n\u2014 ${ORIGIN} `)).toBe(true);
    expect(note.endsWith("\n")).toBe(true);
    const blob = fromB64(note.slice(body.length + 1).split(" ")[2]!.trimEnd());
    expect(blob.length).toBe(4 + 64);
    expect(b64(blob.subarray(0, 4))).toBe(b64(await noteKeyId(ORIGIN, key.publicKey32)));
    expect(await verifyNote(note, ORIGIN, key.publicKey32)).toEqual({ ok: true, value: body });
  });

  it("rejects each tampering with a reason", async () => {
    const body = checkpointBody(ORIGIN, 7, ROOT);
    const note = await signNote(body, ORIGIN, key.privateKey, key.publicKey32);
    const sigLine = note.slice(body.length + 1);
    const blob = fromB64(sigLine.trimEnd().split(" ")[2]!);
    const line = (name: string, bytes: Uint8Array) => `\u2014 ${name} ${b64(bytes)}\n`;
    const flip = (i: number) => blob.map((b, j) => (j === i ? b ^ 1 : b));

    // A byte of the body (in the origin), the size, the root.
    expectProblem(await verifyNote(note.replace("audit.", "audiT."), ORIGIN, key.publicKey32), "bad_signature", /does not verify/);
    expectProblem(await verifyNote(note.replace("\n7\n", "\n8\n"), ORIGIN, key.publicKey32), "bad_signature");
    const otherRoot = checkpointBody(ORIGIN, 7, ROOT.map((b) => b ^ 0x80));
    expectProblem(await verifyNote(otherRoot + "\n" + sigLine, ORIGIN, key.publicKey32), "bad_signature");
    // The signature, the key ID, the name.
    expectProblem(await verifyNote(body + "\n" + line(ORIGIN, flip(40)), ORIGIN, key.publicKey32), "bad_signature");
    expectProblem(await verifyNote(body + "\n" + line(ORIGIN, flip(0)), ORIGIN, key.publicKey32), "unknown_key", /no signature by the trusted key/);
    expectProblem(await verifyNote(body + "\n" + line(`${ORIGIN}x`, blob), ORIGIN, key.publicKey32), "unknown_key");
    // The same body signed by another key (same name): its key ID is not ours.
    const byOther = await signNote(body, ORIGIN, other.privateKey, other.publicKey32);
    expectProblem(await verifyNote(byOther, ORIGIN, key.publicKey32), "unknown_key");
    // Another key's signature relabelled with our key ID: matched, so it must verify, and it does not.
    const otherBlob = fromB64(byOther.slice(body.length + 1).trimEnd().split(" ")[2]!);
    otherBlob.set(blob.subarray(0, 4));
    expectProblem(await verifyNote(body + "\n" + line(ORIGIN, otherBlob), ORIGIN, key.publicKey32), "bad_signature");
    // Verifying with the wrong name: the key ID formula covers the name.
    expectProblem(await verifyNote(note, "audit.example.eu/other", key.publicKey32), "unknown_key");
  });

  it("skips unknown signers but needs the trusted one; a bad known signature sinks the note", async () => {
    const body = checkpointBody(ORIGIN, 7, ROOT);
    const mine = (await signNote(body, ORIGIN, key.privateKey, key.publicKey32)).slice(body.length + 1);
    const witness = (await signNote(body, "witness.example/w1", other.privateKey, other.publicKey32)).slice(body.length + 1);
    const garbled = `\u2014 witness.example/w2 ${b64(new Uint8Array(68).fill(7))}\n`;
    for (const sigs of [mine + witness, witness + mine, garbled + mine + witness]) {
      expect(await verifyNote(`${body}\n${sigs}`, ORIGIN, key.publicKey32)).toEqual({ ok: true, value: body });
    }
    expectProblem(await verifyNote(`${body}\n${witness}`, ORIGIN, key.publicKey32), "unknown_key", /signed by witness\.example\/w1\+/);
    const blob = fromB64(mine.trimEnd().split(" ")[2]!);
    blob[30] = blob[30]! ^ 1;
    const broken = `\u2014 ${ORIGIN} ${b64(blob)}\n`;
    expectProblem(await verifyNote(`${body}\n${mine}${broken}`, ORIGIN, key.publicKey32), "bad_signature");
  });

  it("rejects malformed notes", async () => {
    const body = checkpointBody(ORIGIN, 7, ROOT);
    const note = await signNote(body, ORIGIN, key.privateKey, key.publicKey32);
    const sigLine = note.slice(body.length + 1);
    const cases: [string, RegExp][] = [
      [body, /blank line|signature lines/],
      [note.slice(0, -1), /newline/],
      [body + "\n", /no signature lines/],
      [body + sigLine, /blank line|em dash/],
      [body + "\n" + sigLine.replace("\u2014", "-"), /em dash/],
      [body + "\n" + sigLine.replace("\u2014 ", "\u2014"), /em dash/],
      [body + "\n" + sigLine.replace(/ (\S+)\n$/, "\n"), /key name/],
      [body + "\n" + sigLine.replace(/=?\n$/, "\n"), /key name/],
      [body + "\n" + `\u2014 ${ORIGIN} AAAA\n`, /key name/],
      [body + "\n" + `\u2014 a+b ${b64(new Uint8Array(68))}\n`, /key name/],
      [body.replace("\n", "\t\n") + "\n" + sigLine, /control/],
      [body.replace("\n", "\r\n") + "\n" + sigLine, /control/],
      [body + "\n" + sigLine.repeat(101), /over the limit/],
    ];
    for (const [text, why] of cases) expectProblem(await verifyNote(text, ORIGIN, key.publicKey32), "malformed_note", why);
  });

  it("refuses to sign text a note cannot carry or under a name that is not a key name", async () => {
    await expect(signNote("no newline", ORIGIN, key.privateKey, key.publicKey32)).rejects.toThrow(RangeError);
    await expect(signNote("tab\there\n", ORIGIN, key.privateKey, key.publicKey32)).rejects.toThrow(RangeError);
    for (const name of ["", "has space", "a+b", "nbsp\u00a0x", "nel\u0085x"]) await expect(noteKeyId(name, key.publicKey32)).rejects.toThrow(/key name/);
    await expect(noteKeyId(ORIGIN, new Uint8Array(31))).rejects.toThrow(/32/);
  });
});

describe("JWS checkpoint", () => {
  it("jose 6.2.18 signs and verifies alg Ed25519 with the R9b header over the body bytes", async () => {
    const body = checkpointBody(ORIGIN, 3, ROOT);
    const jws = await signCheckpointJws(body, { privateKey: key.privateKey, kid: key.kid, iat: 1_800_000_000 });
    const header = JSON.parse(Buffer.from(jws.split(".")[0]!, "base64url").toString("utf8")) as unknown;
    expect(header).toEqual({ alg: "Ed25519", kid: key.kid, typ: "audit-checkpoint+jws", origin: ORIGIN, iat: 1_800_000_000 });
    expect(Buffer.from(jws.split(".")[1]!, "base64url").toString("utf8")).toBe(body);
    expect(await verifyCheckpointJws(jws, key.publicJwk)).toEqual({ ok: true, value: { body, origin: ORIGIN, iat: 1_800_000_000 } });
  });

  it("rejects tampered or mislabelled headers with the field named", async () => {
    const body = checkpointBody(ORIGIN, 3, ROOT);
    const good = { alg: "Ed25519", kid: key.kid, typ: "audit-checkpoint+jws", origin: ORIGIN, iat: 1_800_000_000 };
    const resign = (header: Record<string, unknown>, payload = body, pk = key.privateKey) =>
      new CompactSign(new TextEncoder().encode(payload)).setProtectedHeader(header as { alg: string }).sign(pk);
    const jws = await resign(good);
    const [, p, s] = jws.split(".");
    const swapHeader = (h: Record<string, unknown>) => `${b64url(Buffer.from(JSON.stringify(h)))}.${p}.${s}`;

    // Edited without re-signing: the signature catches it.
    expectProblem(await verifyCheckpointJws(swapHeader({ ...good, typ: "JWT" }), key.publicJwk), "bad_signature");
    expectProblem(await verifyCheckpointJws(swapHeader({ ...good, iat: 1 }), key.publicJwk), "bad_signature");
    expectProblem(await verifyCheckpointJws(swapHeader({ ...good, kid: other.kid }), key.publicJwk), "wrong_kid", /thumbprint/);
    expectProblem(await verifyCheckpointJws(`${jws.split(".")[0]}.${b64url(Buffer.from(checkpointBody(ORIGIN, 4, ROOT)))}.${s}`, key.publicJwk), "bad_signature");
    expectProblem(await verifyCheckpointJws(`${jws.split(".")[0]}.${p}.${s!.slice(0, 10)}${s![10] === "A" ? "B" : "A"}${s!.slice(11)}`, key.publicJwk), "bad_signature");
    // Validly signed by our key, but not a checkpoint as specified.
    expectProblem(await verifyCheckpointJws(await resign({ ...good, typ: "audit-bundle+jws" }), key.publicJwk), "wrong_typ", /audit-bundle\+jws/);
    expectProblem(await verifyCheckpointJws(await resign({ ...good, typ: undefined }), key.publicJwk), "wrong_typ");
    expectProblem(await verifyCheckpointJws(await resign({ ...good, origin: "audit.example.eu/other" }), key.publicJwk), "wrong_origin", /audit\.example\.eu\/other/);
    expectProblem(await verifyCheckpointJws(await resign({ ...good, origin: undefined }), key.publicJwk), "malformed_jws");
    expectProblem(await verifyCheckpointJws(await resign({ ...good, iat: "1800000000" }), key.publicJwk), "malformed_jws");
    expectProblem(await verifyCheckpointJws(await resign({ ...good, kid: "someone-else" }), key.publicJwk), "wrong_kid");
    expectProblem(await verifyCheckpointJws(await resign({ ...good, alg: "EdDSA" }), key.publicJwk), "wrong_alg", /EdDSA/);
    expectProblem(await verifyCheckpointJws(await resign(good, `${body}ext\n`), key.publicJwk), "malformed_body");
    // Another key claiming our kid.
    expectProblem(await verifyCheckpointJws(await resign(good, body, other.privateKey), key.publicJwk), "bad_signature");
    expectProblem(await verifyCheckpointJws("not.a-jws", key.publicJwk), "malformed_jws");
  });

  it("trusts only a public Ed25519 JWK", async () => {
    const jws = await signCheckpointJws(checkpointBody(ORIGIN, 3, ROOT), { privateKey: key.privateKey, kid: key.kid, iat: 1 });
    expectProblem(await verifyCheckpointJws(jws, { ...key.publicJwk, d: "x" }), "bad_key", /private part/);
    expectProblem(await verifyCheckpointJws(jws, { ...key.publicJwk, crv: "X25519" }), "bad_key");
    expectProblem(await verifyCheckpointJws(jws, { ...key.publicJwk, x: key.publicJwk.x.slice(1) }), "bad_key");
    expectProblem(await verifyCheckpointJws(jws, null), "bad_key");
  });
});

describe("signed checkpoint: note and JWS together", () => {
  const leaves = ["a", "b", "c", "d", "e"].map((s) => leafHash(sha, new TextEncoder().encode(s)));
  const root = rootFromLeafHashes(sha, leaves);

  it("signs a real Merkle root and verifies both signatures", async () => {
    const signed = await signCheckpoint({ origin: ORIGIN, size: leaves.length, root, privateKey: key.privateKey, publicJwk: key.publicJwk, now: NOW });
    expect(signed.body).toBe(`${ORIGIN}\n5\n${b64(root)}\n`);
    expect(signed.note.startsWith(signed.body + "\n")).toBe(true);
    const verified = await verifyCheckpoint(signed, JSON.parse(JSON.stringify(key.publicJwk)), ORIGIN);
    if (!verified.ok) throw verified.error;
    expect({ ...verified.value, root: b64(verified.value.root) }).toEqual({ origin: ORIGIN, size: 5, root: b64(root), body: signed.body, iat: Math.floor(NOW / 1000) });
  });

  it("rejects a pair whose halves sign different bodies, the wrong key, the wrong origin", async () => {
    const args = { origin: ORIGIN, root, privateKey: key.privateKey, publicJwk: key.publicJwk, now: NOW };
    const five = await signCheckpoint({ ...args, size: 5 });
    const four = await signCheckpoint({ ...args, size: 4 });
    expectProblem(await verifyCheckpoint({ note: five.note, jws: four.jws }, key.publicJwk, ORIGIN), "body_mismatch");
    expectProblem(await verifyCheckpoint({ note: five.note.replace("\n5\n", "\n6\n"), jws: five.jws }, key.publicJwk, ORIGIN), "bad_signature");
    expectProblem(await verifyCheckpoint(five, other.publicJwk, ORIGIN), "unknown_key");
    const resigned = await signCheckpoint({ ...args, size: 5, privateKey: other.privateKey, publicJwk: other.publicJwk });
    expectProblem(await verifyCheckpoint(resigned, key.publicJwk, ORIGIN), "unknown_key");
    expectProblem(await verifyCheckpoint({ note: five.note, jws: resigned.jws }, key.publicJwk, ORIGIN), "wrong_kid");
    expectProblem(await verifyCheckpoint(five, key.publicJwk, "audit.example.eu/acme/us-east/2026"), "unknown_key");
    // A note whose key name is the expected origin but whose body names another log.
    const elsewhere = checkpointBody("audit.example.eu/other", 5, root);
    const note = await signNote(elsewhere, ORIGIN, key.privateKey, key.publicKey32);
    expectProblem(await verifyCheckpoint({ note, jws: five.jws }, key.publicJwk, ORIGIN), "wrong_origin");
  });

  it("refuses to sign with a private key that is not the published key's pair, or an origin that is no key name", async () => {
    await expect(signCheckpoint({ origin: ORIGIN, size: 5, root, privateKey: other.privateKey, publicJwk: key.publicJwk, now: NOW })).rejects.toThrow(/does not verify against the public key/);
    await expect(signCheckpoint({ origin: "acme log", size: 5, root, privateKey: key.privateKey, publicJwk: key.publicJwk, now: NOW })).rejects.toThrow(/key name/);
  });
});

describe("signing keys", () => {
  it("generates an Ed25519 private JWK whose kid is its RFC 7638 thumbprint", async () => {
    const jwk = await generateSigningKey();
    expect(Object.keys(jwk).sort()).toEqual(["alg", "crv", "d", "kid", "kty", "x"]);
    expect(jwk).toMatchObject({ kty: "OKP", crv: "Ed25519", alg: "Ed25519" });
    const members = `{"crv":"Ed25519","kty":"OKP","x":"${jwk.x}"}`;
    expect(jwk.kid).toBe(createHash("sha256").update(members).digest("base64url"));
    const imported = await importSigningKey(JSON.parse(JSON.stringify(jwk)));
    expect(imported.ok && imported.value.kid).toBe(jwk.kid);
    expect(imported.ok && imported.value.publicJwk).toEqual({ kty: "OKP", crv: "Ed25519", x: jwk.x, kid: jwk.kid });
    expect(imported.ok && imported.value.privateKey.extractable).toBe(false);
  });

  it("refuses anything but an Ed25519 private JWK whose halves match", async () => {
    const jwk = await generateSigningKey();
    const mismatched = { ...jwk, x: (await generateSigningKey()).x };
    const cases: [unknown, RegExp][] = [
      [null, /not a JWK/],
      ["{}", /not a JWK/],
      [{ kty: "EC", crv: "P-256", x: "a", y: "b", d: "c" }, /Ed25519/],
      [{ kty: "RSA", n: "a", e: "AQAB", d: "c" }, /Ed25519/],
      [{ ...jwk, crv: "X25519" }, /Ed25519/],
      [{ ...jwk, alg: "RS256" }, /alg/],
      [{ kty: "OKP", crv: "Ed25519", x: jwk.x }, /private part/],
      [{ ...jwk, d: jwk.d.slice(2) }, /d is not 32 bytes/],
      [{ ...jwk, d: `${jwk.d}=` }, /d is not 32 bytes/],
      [{ ...jwk, x: undefined }, /x is not 32 bytes/],
      [mismatched, /pair/],
    ];
    for (const [input, why] of cases) expectProblem(await importSigningKey(input), "bad_key", why);
    expect((await importSigningKey({ ...jwk, alg: "EdDSA", kid: "ignored" })).ok).toBe(true);
  });
});

describe("export manifest (R11)", () => {
  const files: ManifestFile[] = [
    { path: "entries.jsonl", sha256: "a".repeat(64), bytes: 1234 },
    { path: "checkpoints/5.note", sha256: "0123456789abcdef".repeat(4), bytes: 0 },
  ];

  it("signs canonical JSON of {files, created} as audit-bundle+jws and verifies", async () => {
    const jws = await signManifest(files, key.privateKey, key.kid, NOW);
    const [h, p] = jws.split(".");
    expect(JSON.parse(Buffer.from(h!, "base64url").toString("utf8"))).toEqual({ alg: "Ed25519", kid: key.kid, typ: "audit-bundle+jws" });
    expect(Buffer.from(p!, "base64url").toString("utf8")).toBe(
      `{"created":"2026-11-29T10:15:30.123Z","files":[{"bytes":1234,"path":"entries.jsonl","sha256":"${"a".repeat(64)}"},{"bytes":0,"path":"checkpoints/5.note","sha256":"${"0123456789abcdef".repeat(4)}"}]}`,
    );
    expect(await verifyManifest(jws, key.publicJwk)).toEqual({ ok: true, value: { files, created: "2026-11-29T10:15:30.123Z" } });
  });

  it("rejects tampering, another key, a checkpoint JWS, non-canonical payloads", async () => {
    const jws = await signManifest(files, key.privateKey, key.kid, NOW);
    const [h, p, s] = jws.split(".") as [string, string, string];
    const payload = Buffer.from(p, "base64url").toString("utf8");
    expectProblem(await verifyManifest(`${h}.${b64url(Buffer.from(payload.replace("1234", "1235")))}.${s}`, key.publicJwk), "bad_signature");
    expectProblem(await verifyManifest(jws, other.publicJwk), "wrong_kid");
    const checkpointJws = await signCheckpointJws(checkpointBody(ORIGIN, 3, ROOT), { privateKey: key.privateKey, kid: key.kid, iat: 1 });
    expectProblem(await verifyManifest(checkpointJws, key.publicJwk), "wrong_typ");
    expectProblem(await verifyCheckpointJws(jws, key.publicJwk), "wrong_typ");
    const sign = (text: string) => new CompactSign(new TextEncoder().encode(text)).setProtectedHeader({ alg: "Ed25519", kid: key.kid, typ: "audit-bundle+jws" }).sign(key.privateKey);
    expectProblem(await verifyManifest(await sign(payload.replace(",", ", ")), key.publicJwk), "malformed_manifest", /canonical/);
    expectProblem(await verifyManifest(await sign(payload.replace('"created"', '"extra":1,"created"')), key.publicJwk), "malformed_manifest");
    expectProblem(await verifyManifest(await sign(payload.replace('"bytes":0,', "")), key.publicJwk), "malformed_manifest");
    expectProblem(await verifyManifest(await sign(payload.replace("checkpoints/5.note", "../etc/passwd")), key.publicJwk), "malformed_manifest", /relative path/);
    expectProblem(await verifyManifest(await sign("[]"), key.publicJwk), "malformed_manifest");
    expectProblem(await verifyManifest(await sign("{"), key.publicJwk), "malformed_manifest");
  });

  it("refuses file lists a verifier could not check", async () => {
    const bad: ManifestFile[][] = [
      [{ path: "/abs", sha256: "a".repeat(64), bytes: 1 }],
      [{ path: "a/../b", sha256: "a".repeat(64), bytes: 1 }],
      [{ path: "a\\b", sha256: "a".repeat(64), bytes: 1 }],
      [{ path: "", sha256: "a".repeat(64), bytes: 1 }],
      [{ path: "a", sha256: "A".repeat(64), bytes: 1 }],
      [{ path: "a", sha256: "a".repeat(63), bytes: 1 }],
      [{ path: "a", sha256: "a".repeat(64), bytes: -1 }],
      [{ path: "a", sha256: "a".repeat(64), bytes: 1.5 }],
      [files[0]!, files[0]!],
    ];
    for (const list of bad) await expect(signManifest(list, key.privateKey, key.kid, NOW), JSON.stringify(list)).rejects.toThrow(RangeError);
  });
});

// golang.org/x/mod/sumdb/note (note.go example and note_test.go): the private key is
// "PRIVATE+KEY+PeterNeumann+c74f20a3+<GO_SKEY>", the verifier key "PeterNeumann+c74f20a3+<GO_VKEY>".
const GO_SKEY = "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
const GO_VKEY = "ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
const GO_TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const GO_NOTE = `${GO_TEXT}\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;
