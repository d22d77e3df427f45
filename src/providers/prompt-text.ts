// Reads the text of a request the way each API carries it (strings or typed parts).
import type { Operation } from "./types.ts";

type Json = Record<string, unknown>;

export function partsText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((p: unknown) => {
      if (typeof p === "string") return p;
      const part = p as Json;
      return typeof part.text === "string" ? part.text : "";
    })
    .join("");
}

function lastUser(items: unknown): unknown {
  if (!Array.isArray(items)) return undefined;
  for (let i = items.length - 1; i >= 0; i--) {
    const m = items[i] as Json | undefined;
    if (m && typeof m === "object" && m.role === "user") return m.content;
  }
  return undefined;
}

/** The text of the caller's last user turn (what an echo answers with). */
export function lastUserText(operation: Operation, body: Json): string {
  switch (operation) {
    case "chat":
    case "messages":
      return partsText(lastUser(body.messages));
    case "responses":
      return typeof body.input === "string" ? body.input : partsText(lastUser(body.input));
    case "embeddings":
      return embeddingInputs(body).join("\n");
  }
}

/** Embedding inputs as strings (token arrays are rendered as their numbers). */
export function embeddingInputs(body: Json): string[] {
  const input = body.input;
  if (typeof input === "string") return [input];
  if (!Array.isArray(input)) return [];
  if (input.every((x) => typeof x === "number")) return [input.join(" ")];
  return input.map((x) => (typeof x === "string" ? x : Array.isArray(x) ? x.join(" ") : ""));
}

/** All the prompt text a request carries (system, instructions, every turn): what input limits count. */
export function promptText(operation: Operation, body: Json): string {
  if (operation === "embeddings") return embeddingInputs(body).join("\n");
  const out: string[] = [];
  if (typeof body.system === "string" || Array.isArray(body.system)) out.push(partsText(body.system));
  if (typeof body.instructions === "string") out.push(body.instructions);
  const turns = operation === "responses" ? body.input : body.messages;
  if (typeof turns === "string") out.push(turns);
  else if (Array.isArray(turns)) for (const m of turns) if (m && typeof m === "object") out.push(partsText((m as Json).content));
  return out.join("\n");
}
