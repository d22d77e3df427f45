// Who may call (policies/identity.yaml). The walking skeleton knows one issuer: the
// local development issuer behind `custos token`; the identity issue adds SSO issuers.
import { z } from "zod";

export const DEV_ISSUER = "urn:custos:dev-issuer";
export const DEV_AUDIENCE = "custos";

export const IdentityFileSchema = z
  .object({
    development_issuer: z
      .object({
        /** Trust tokens minted by `custos token`; honoured only on loopback unless CUSTOS_DEV_ISSUER=1. */
        trusted: z.boolean().default(false),
        clock_skew_seconds: z.number().int().min(0).max(600).default(60),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type IdentityFile = z.output<typeof IdentityFileSchema>;
