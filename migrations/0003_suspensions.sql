-- The kill switch (custos suspend|resume): what is suspended now, one row per target.
-- Administered like API keys, by the runtime role (/api/admin/suspensions and the CLI
-- with DATABASE_URL). Resuming deletes the row; the audit log keeps the history
-- (routing.suspend / routing.resume), so no one ever needs to UPDATE a row.
CREATE TABLE "suspensions" (
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"reason" text,
	"suspended_by" text NOT NULL,
	"suspended_at" timestamp with time zone NOT NULL,
	CONSTRAINT "suspensions_kind_name_pk" PRIMARY KEY("kind","name"),
	CONSTRAINT "suspensions_kind_check" CHECK ("suspensions"."kind" in ('endpoint', 'model', 'team'))
);
--> statement-breakpoint
GRANT SELECT, INSERT, DELETE ON public.suspensions TO custos_runtime;
