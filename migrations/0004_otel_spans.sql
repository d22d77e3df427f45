-- Spans (OpenTelemetry), hand-written: a table modelled on the OpenTelemetry Collector's
-- ClickHouse exporter table (otel_traces), partitioned by day so retention is a partition
-- drop. Spans are operational data, not the audit record: the server may insert and read
-- them, and drops old days through the owner's function below.
CREATE TABLE otel_spans (
  "timestamp" timestamptz NOT NULL,
  trace_id text NOT NULL,
  span_id text NOT NULL,
  parent_span_id text,
  trace_state text,
  span_name text NOT NULL,
  span_kind text NOT NULL,
  service_name text NOT NULL,
  resource_attributes jsonb NOT NULL DEFAULT '{}',
  scope_name text,
  scope_version text,
  span_attributes jsonb NOT NULL DEFAULT '{}',
  duration_ns bigint NOT NULL,
  status_code text NOT NULL,
  status_message text,
  events jsonb NOT NULL DEFAULT '[]',
  links jsonb NOT NULL DEFAULT '[]'
) PARTITION BY RANGE ("timestamp");
--> statement-breakpoint
CREATE INDEX otel_spans_trace ON otel_spans (trace_id);
--> statement-breakpoint
CREATE INDEX otel_spans_time ON otel_spans ("timestamp");
--> statement-breakpoint
-- Day partitions from yesterday to `ahead_days` ahead, and days wholly older than
-- `retain_days` dropped. Returns the number of partitions dropped.
CREATE FUNCTION otel_spans_maintain(retain_days integer, ahead_days integer) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
  d date;
  name text;
  dropped integer := 0;
  part record;
BEGIN
  IF retain_days < 1 OR retain_days > 3650 OR ahead_days < 1 OR ahead_days > 31 THEN
    RAISE EXCEPTION 'otel_spans_maintain: retain_days 1..3650 and ahead_days 1..31, not % and %', retain_days, ahead_days;
  END IF;
  FOR i IN -1 .. ahead_days LOOP
    d := (now() AT TIME ZONE 'UTC')::date + i;
    name := 'otel_spans_' || to_char(d, 'YYYY_MM_DD');
    IF to_regclass('public.' || name) IS NULL THEN
      EXECUTE format('CREATE TABLE public.%I PARTITION OF public.otel_spans FOR VALUES FROM (%L) TO (%L)', name, d::timestamp AT TIME ZONE 'UTC', (d + 1)::timestamp AT TIME ZONE 'UTC');
    END IF;
  END LOOP;
  FOR part IN
    SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
    WHERE p.relname = 'otel_spans' AND c.relname ~ '^otel_spans_\d{4}_\d{2}_\d{2}$'
  LOOP
    IF to_date(substr(part.relname, 12), 'YYYY_MM_DD') < (now() AT TIME ZONE 'UTC')::date - retain_days THEN
      EXECUTE format('DROP TABLE public.%I', part.relname);
      dropped := dropped + 1;
    END IF;
  END LOOP;
  RETURN dropped;
END $$;
--> statement-breakpoint
SELECT otel_spans_maintain(30, 3);
--> statement-breakpoint
GRANT SELECT, INSERT ON otel_spans TO custos_runtime;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION otel_spans_maintain(integer, integer) TO custos_runtime;
