// What a provider adapter needs and returns. The HTTP client is injected by the
// runtime (Node: undici; Workers: fetch), so adapters stay runtime-free.

/** Bytes backed by a plain ArrayBuffer (what Response, Blob and TextDecoder accept). */
export type Bytes = Uint8Array<ArrayBuffer>;

/** The API operations Custos proxies, by the route the caller used. */
export type Operation = "chat" | "responses" | "embeddings" | "messages";

export const OPERATION_ROUTES: Record<Operation, string> = {
  chat: "/v1/chat/completions",
  responses: "/v1/responses",
  embeddings: "/v1/embeddings",
  messages: "/v1/messages",
};

export interface UpstreamRequest {
  url: string;
  method: "GET" | "POST";
  headers: Record<string, string>;
  body?: Bytes;
  /** Aborted when the caller goes away or the server shuts down. */
  signal: AbortSignal;
  /** Time allowed until response headers arrive. */
  timeoutMs: number;
}

export interface UpstreamResponse {
  status: number;
  headers: Headers;
  /** The body as a stream (read once, either this or bytes()). */
  stream(): ReadableStream<Uint8Array>;
  bytes(): Promise<Bytes>;
  /** Drop the body without reading it (frees the connection). */
  discard(): void;
}

export interface UpstreamClient {
  send(req: UpstreamRequest): Promise<UpstreamResponse>;
  close?(): Promise<void>;
}

/** A failure below HTTP: the runtime's client classifies it, core maps it to a Custos error. */
export class UpstreamFailure extends Error {
  constructor(
    readonly kind: "timeout" | "unreachable" | "aborted" | "protocol",
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "UpstreamFailure";
  }
}

/** A body already in memory, as an UpstreamResponse (in-process providers, tests). */
export function memoryResponse(status: number, headers: HeadersInit, body: Bytes | ReadableStream<Uint8Array>): UpstreamResponse {
  return {
    status,
    headers: new Headers(headers),
    stream: () => (body instanceof Uint8Array ? new Blob([body]).stream() : body),
    bytes: async () => (body instanceof Uint8Array ? body : new Uint8Array(await new Response(body).arrayBuffer())),
    discard: () => {
      if (!(body instanceof Uint8Array)) void body.cancel().catch(() => {});
    },
  };
}
