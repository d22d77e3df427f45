// PII actions end to end through the official SDKs, with the shipped detector: prompts are
// redacted or pseudonymised before they leave (the fake provider sees only placeholders),
// pseudonyms come back in answers (JSON and streamed), blocked types refuse the prompt or
// stop the answer with an error both SDKs raise, and the audit record counts types, never values.
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeProvider, type FakeProvider } from "../helpers/fake-provider.ts";
import { eventually, openPolicies, startCustos, testProviders, type TestCustos } from "../helpers/custos.ts";

let fake: FakeProvider;
let custos: TestCustos;

const team = (name: string, pii: string) => `team: ${name}\ndescription: PII test team ${name}.\nrules:\n  - id: ${name}.pii\n    description: PII handling under test.\n    pii: ${pii}\n`;

beforeAll(async () => {
  fake = await startFakeProvider();
  custos = await startCustos({
    providers: testProviders(fake.url),
    policies: {
      ...openPolicies(["demo"]),
      "teams/pseudo.yaml": team("pseudo", "{ prompt: { EMAIL: pseudonymize, PHONE: pseudonymize } }"),
      "teams/redactor.yaml": team("redactor", "{ prompt: { EMAIL: redact, IBAN: redact }, answer: { EMAIL: redact } }"),
      "teams/blocker.yaml": team("blocker", "{ prompt: { IBAN: block }, answer: { CREDIT_CARD: block } }"),
    },
  });
});

afterAll(async () => {
  await custos?.close();
  await fake?.close();
});

const openai = async (t: string) => new OpenAI({ apiKey: await custos.token("alice", [t]), baseURL: `${custos.url}/v1`, maxRetries: 0 });
const anthropic = async (t: string) => new Anthropic({ apiKey: await custos.token("alice", [t]), baseURL: custos.url, maxRetries: 0 });
const ECHO = "fake-model+echo";
const CLAUDE_ECHO = "claude-test+echo";
const PROMPT = "Please write to anna.kowalska@example.org and call +44 20 7946 0958 about IBAN DE89 3704 0044 0532 0130 00 today.";
const upstreamText = () => JSON.stringify(JSON.parse(fake.requests.at(-1)!.body));

async function entries(requestId: string): Promise<Record<string, unknown>[]> {
  const auditor = await custos.token("olivia", ["demo"], { roles: ["auditor"] });
  const got = await eventually(async () => {
    const r = await fetch(`${custos.url}/api/audit/requests/${requestId}`, { headers: { authorization: `Bearer ${auditor}` } });
    const body = r.status === 200 ? ((await r.json()) as { events: { entry: Record<string, unknown> }[] }) : undefined;
    return body && body.events.length >= 1 ? body.events.map((e) => e.entry) : undefined;
  });
  if (!got) throw new Error("no audit events");
  return got;
}

describe("pseudonymisation: placeholders go out, values come back", () => {
  it("OpenAI JSON: the provider sees <EMAIL_1> and <PHONE_1>; the app sees the values", async () => {
    const { data, response } = await (await openai("pseudo")).chat.completions.create({ model: ECHO, messages: [{ role: "user", content: PROMPT }] }).withResponse();
    const sent = upstreamText();
    expect(sent).toContain("<EMAIL_1>");
    expect(sent).toContain("<PHONE_1>");
    expect(sent).not.toContain("anna.kowalska");
    expect(sent).not.toContain("7946");
    expect(data.choices[0]!.message.content).toContain("anna.kowalska@example.org");
    expect(data.choices[0]!.message.content).toContain("+44 20 7946 0958");
    const [request] = await entries(response.headers.get("x-request-id")!);
    expect(request).toMatchObject({ policy: { pii: { counts: { EMAIL: 1, PHONE: 1 } } } });
    expect(JSON.stringify(request)).not.toContain("kowalska");
  });

  it("the same value is the same placeholder across messages", async () => {
    await (await openai("pseudo")).chat.completions.create({
      model: ECHO,
      messages: [
        { role: "user", content: "From a@x.org" },
        { role: "assistant", content: "Noted b@y.org" },
        { role: "user", content: "Again a@x.org and b@y.org" },
      ],
    });
    const msgs = (JSON.parse(fake.requests.at(-1)!.body) as { messages: { content: string }[] }).messages.map((m) => m.content);
    expect(msgs).toEqual(["From <EMAIL_1>", "Noted <EMAIL_2>", "Again <EMAIL_1> and <EMAIL_2>"]);
  });

  it("OpenAI streaming: the values come back in the deltas", async () => {
    const stream = await (await openai("pseudo")).chat.completions.create({ model: ECHO, stream: true, messages: [{ role: "user", content: PROMPT }] });
    let text = "";
    for await (const c of stream) text += c.choices[0]?.delta?.content ?? "";
    expect(text).toContain("anna.kowalska@example.org");
    expect(text).not.toContain("<EMAIL_1>");
  });
});

describe("redaction", () => {
  it("Anthropic JSON and streaming: the provider and the app see [EMAIL] and [IBAN]", async () => {
    const client = await anthropic("redactor");
    const msg = await client.messages.create({ model: CLAUDE_ECHO, max_tokens: 200, messages: [{ role: "user", content: PROMPT }] });
    expect(upstreamText()).toContain("[EMAIL]");
    expect(upstreamText()).toContain("[IBAN]");
    expect(upstreamText()).not.toContain("DE89");
    expect((msg.content[0] as { text: string }).text).toContain("[EMAIL]");
    const stream = client.messages.stream({ model: CLAUDE_ECHO, max_tokens: 200, messages: [{ role: "user", content: PROMPT }] });
    const final = await stream.finalText();
    expect(final).toContain("[IBAN]");
    expect(final).not.toContain("DE89");
  });

  it("Responses API input is redacted too", async () => {
    await (await openai("redactor")).responses.create({ model: ECHO, input: [{ role: "user", content: [{ type: "input_text", text: PROMPT }] }] });
    expect(upstreamText()).toContain("[EMAIL]");
    expect(upstreamText()).not.toContain("kowalska");
  });
});

describe("block", () => {
  it("a prompt with a blocked type: 403 pii_blocked naming the type, never the value; nothing forwarded; recorded", async () => {
    const before = fake.requests.length;
    const err = await (await openai("blocker")).chat.completions.create({ model: ECHO, messages: [{ role: "user", content: PROMPT }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.PermissionDeniedError);
    const e = err as InstanceType<typeof OpenAI.PermissionDeniedError>;
    expect(e.headers.get("x-custos-error-code")).toBe("pii_blocked");
    expect(e.message).toContain("IBAN");
    expect(e.message).not.toContain("DE89");
    expect(fake.requests.length).toBe(before);
    const [denied] = await entries(e.headers.get("x-request-id")!);
    expect(denied).toMatchObject({ type: "llm.denied", error: { code: "pii_blocked" }, policy: { pii: { blocked: ["IBAN"] } } });
  });

  const CARD = "My card is 4111 1111 1111 1111, please check it.";

  it("a JSON answer with a blocked type becomes a 403 pii_blocked the SDK raises", async () => {
    const err = await (await openai("blocker")).chat.completions.create({ model: ECHO, messages: [{ role: "user", content: CARD }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect((err as Error).message).not.toContain("4111");
    expect((err as InstanceType<typeof OpenAI.APIError>).headers?.get("x-custos-error-code")).toBe("pii_blocked");
  });

  it("a streamed answer stops at the blocked entity with an in-stream error both SDKs raise; nothing of it is emitted", async () => {
    const stream = await (await openai("blocker")).chat.completions.create({ model: ECHO, stream: true, messages: [{ role: "user", content: CARD }] });
    let text = "";
    let id: string | undefined;
    const raised = await (async () => {
      for await (const c of stream) {
        id ??= c.id;
        text += c.choices[0]?.delta?.content ?? "";
      }
    })().catch((e: unknown) => e);
    expect(raised).toBeInstanceOf(OpenAI.APIError);
    expect(text).toBe("My card is ");

    const a = (await anthropic("blocker")).messages.stream({ model: CLAUDE_ECHO, max_tokens: 100, messages: [{ role: "user", content: CARD }] });
    let atext = "";
    a.on("text", (t) => (atext += t));
    await expect(a.finalMessage()).rejects.toThrow(/personal data/);
    expect(atext).not.toContain("4111");
  });
});
