// Span attribute names in one place: the OpenTelemetry GenAI semantic conventions (v1.41
// names, ../shared/reference/audit-and-compliance.md §3) and Custos's own (custos.*).
// Prompt and answer text never become attributes.

export const GEN_AI = {
  operation: "gen_ai.operation.name",
  provider: "gen_ai.provider.name",
  requestModel: "gen_ai.request.model",
  responseModel: "gen_ai.response.model",
  responseId: "gen_ai.response.id",
  finishReasons: "gen_ai.response.finish_reasons",
  inputTokens: "gen_ai.usage.input_tokens",
  outputTokens: "gen_ai.usage.output_tokens",
  stream: "gen_ai.request.stream",
  maxTokens: "gen_ai.request.max_tokens",
  temperature: "gen_ai.request.temperature",
  topP: "gen_ai.request.top_p",
} as const;

export const SERVER = { address: "server.address", port: "server.port" } as const;
export const HTTP = { status: "http.response.status_code", route: "http.route", method: "http.request.method" } as const;
export const ERROR_TYPE = "error.type";

export const CUSTOS = {
  requestId: "custos.request_id",
  team: "custos.team",
  policyVersion: "custos.policy.version",
  decision: "custos.policy.decision",
  rules: "custos.policy.rules",
  deniedBy: "custos.policy.denied_by",
  endpoint: "custos.endpoint",
  region: "custos.region",
  jurisdiction: "custos.jurisdiction",
  attempt: "custos.attempt",
  attempts: "custos.attempts",
  /** custos.pii.prompt.EMAIL = 2: findings per type and side. */
  piiPrefix: "custos.pii",
  /** custos.stage.decide_ms = 0.05: each pipeline stage's duration. */
  stagePrefix: "custos.stage",
} as const;

/** gen_ai.operation.name per Custos operation. */
export const OPERATION_NAME = { chat: "chat", responses: "chat", messages: "chat", embeddings: "embeddings" } as const;

/** gen_ai.provider.name per endpoint kind (the convention's well-known values where one exists). */
export const PROVIDER_NAME: Record<string, string> = {
  openai: "openai",
  "azure-openai": "azure.ai.openai",
  anthropic: "anthropic",
  mistral: "mistral_ai",
  gemini: "gcp.gemini",
  "openai-compatible": "openai",
  echo: "custos.echo",
};
