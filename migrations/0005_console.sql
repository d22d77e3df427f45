-- The compliance console's own state (src/console/). Kept by the runtime role; none of it
-- is evidence (the audit log records every sign-in, sign-out, search, view and export).
--
-- Sessions: the cookie holds a random token; only its SHA-256 is stored, so a copy of this
-- table cannot be replayed as cookies. Idle and absolute expiry are checked on every use;
-- sign-out deletes the row.
CREATE TABLE "console_sessions" (
	"id_hash" text PRIMARY KEY,
	"csrf" text NOT NULL,
	"issuer" text NOT NULL,
	"issuer_name" text NOT NULL,
	"subject" text NOT NULL,
	"email" text,
	"teams" text[] NOT NULL,
	"roles" text[] NOT NULL,
	"method" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "console_sessions_expires_idx" ON "console_sessions" ("expires_at");
--> statement-breakpoint
-- Sign-ins in flight (OIDC state, nonce and PKCE verifier) and one-time console links
-- (their jti): each row is consumed once, by a DELETE ... RETURNING, so a replayed
-- callback or link finds nothing.
CREATE TABLE "console_logins" (
	"key_hash" text PRIMARY KEY,
	"kind" text NOT NULL,
	"data" jsonb NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "console_logins_kind_check" CHECK ("kind" in ('oidc', 'link', 'link_used'))
);
--> statement-breakpoint
CREATE TABLE "console_saved_searches" (
	"id" text PRIMARY KEY,
	"owner" text NOT NULL,
	"name" text NOT NULL,
	"query" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "console_saved_searches_owner_name_idx" ON "console_saved_searches" ("owner", "name");
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON public.console_sessions TO custos_runtime;
--> statement-breakpoint
GRANT SELECT, INSERT, DELETE ON public.console_logins TO custos_runtime;
--> statement-breakpoint
GRANT SELECT, INSERT, DELETE ON public.console_saved_searches TO custos_runtime;
