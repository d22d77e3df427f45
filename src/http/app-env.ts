// Hono's per-request variables for this app.
export interface AppEnv {
  Variables: { requestId: string };
}
