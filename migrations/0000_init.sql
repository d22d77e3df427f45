CREATE TABLE "request_log" (
	"id" text PRIMARY KEY NOT NULL,
	"time" timestamp with time zone NOT NULL,
	"route" text NOT NULL,
	"team" text,
	"principal" text,
	"model" text,
	"status" integer NOT NULL,
	"error_code" text,
	"latency_ms" real NOT NULL,
	"upstream" text,
	"region" text
);
--> statement-breakpoint
CREATE INDEX "request_log_time_idx" ON "request_log" USING btree ("time");