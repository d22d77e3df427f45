DROP TABLE "auth_failures" CASCADE;--> statement-breakpoint
DROP TABLE "request_log" CASCADE;--> statement-breakpoint
-- The audit log (reference/audit-and-compliance.md §2.5), hand-written: partitions,
-- triggers, grants and SECURITY DEFINER functions that drizzle-kit cannot express.
-- Runs as the owner role (CUSTOS_MIGRATE_URL). The server connects as a role that is a
-- member of custos_runtime: INSERT on the log tables, never UPDATE, DELETE or TRUNCATE.
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'custos_runtime') THEN
    CREATE ROLE custos_runtime NOLOGIN;
  END IF;
END $$;
--> statement-breakpoint
CREATE SCHEMA audit;
--> statement-breakpoint
CREATE SCHEMA keys;
--> statement-breakpoint
CREATE FUNCTION audit.forbid_mutation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit.%: % is not allowed on an append-only audit table', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END $$;
--> statement-breakpoint
-- One row per entry: the exact canonical bytes (R1), their leaf hash (R2), and projections
-- for search that the verifier checks against the entry.
CREATE TABLE audit.event (
  received_at timestamptz NOT NULL,
  event_id uuid NOT NULL,
  event_type text NOT NULL,
  writer_id text NOT NULL,
  writer_seq bigint NOT NULL,
  entry bytea NOT NULL CHECK (octet_length(entry) <= 65536),
  leaf_hash bytea NOT NULL CHECK (octet_length(leaf_hash) = 32),
  request_event_id uuid,
  team text,
  subject text,
  model text,
  provider text,
  region text,
  decision text,
  status integer,
  pii text[],
  PRIMARY KEY (received_at, event_id)
) PARTITION BY RANGE (received_at);
--> statement-breakpoint
CREATE INDEX event_id_idx ON audit.event (event_id);
--> statement-breakpoint
CREATE INDEX event_request_idx ON audit.event (request_event_id) WHERE request_event_id IS NOT NULL;
--> statement-breakpoint
CREATE INDEX event_team_idx ON audit.event (team, received_at);
--> statement-breakpoint
CREATE INDEX event_subject_idx ON audit.event (subject, received_at);
--> statement-breakpoint
CREATE TRIGGER no_update_delete BEFORE UPDATE OR DELETE ON audit.event FOR EACH ROW EXECUTE FUNCTION audit.forbid_mutation();
--> statement-breakpoint
CREATE TRIGGER no_truncate BEFORE TRUNCATE ON audit.event FOR EACH STATEMENT EXECUTE FUNCTION audit.forbid_mutation();
--> statement-breakpoint
-- The integrator's queue (Trillian's "Unsequenced"): filled by a trigger, so no event can
-- be written without being queued; rows are consumed as they are integrated.
CREATE TABLE audit.pending (
  event_id uuid PRIMARY KEY,
  received_at timestamptz NOT NULL,
  leaf_hash bytea NOT NULL,
  queued_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
--> statement-breakpoint
CREATE INDEX pending_queue_idx ON audit.pending (queued_at, event_id);
--> statement-breakpoint
CREATE FUNCTION audit.queue_event() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, audit AS $$
BEGIN
  INSERT INTO audit.pending (event_id, received_at, leaf_hash) VALUES (NEW.event_id, NEW.received_at, NEW.leaf_hash);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER queue_event AFTER INSERT ON audit.event FOR EACH ROW EXECUTE FUNCTION audit.queue_event();
--> statement-breakpoint
-- Sequenced leaves: log_index is assigned by the integrator, contiguous from 0.
CREATE TABLE audit.leaf (
  log_index bigint PRIMARY KEY CHECK (log_index >= 0),
  event_id uuid NOT NULL UNIQUE,
  received_at timestamptz NOT NULL,
  leaf_hash bytea NOT NULL CHECK (octet_length(leaf_hash) = 32),
  integrated_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
--> statement-breakpoint
-- Roots of the perfect subtrees above the leaves (level >= 1, covering leaves
-- [idx * 2^level, (idx + 1) * 2^level)): any proof needs O(log n) of them.
CREATE TABLE audit.node (
  level smallint NOT NULL CHECK (level BETWEEN 1 AND 63),
  idx bigint NOT NULL CHECK (idx >= 0),
  hash bytea NOT NULL CHECK (octet_length(hash) = 32),
  PRIMARY KEY (level, idx)
);
--> statement-breakpoint
-- The integrated tree: size, root and the compact range (right edge, 32-byte hashes
-- concatenated) to resume from.
CREATE TABLE audit.tree_state (
  id smallint PRIMARY KEY CHECK (id = 1),
  size bigint NOT NULL CHECK (size >= 0),
  root bytea NOT NULL,
  edge bytea NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
--> statement-breakpoint
INSERT INTO audit.tree_state (id, size, root, edge) VALUES (1, 0, sha256(''::bytea), ''::bytea);
--> statement-breakpoint
CREATE FUNCTION audit.tree_only_grows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'UPDATE' OR NEW.size < OLD.size THEN
    RAISE EXCEPTION 'audit.tree_state: the tree can only grow (% from % to %)', TG_OP, OLD.size, NEW.size USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER only_grows BEFORE UPDATE OR DELETE ON audit.tree_state FOR EACH ROW EXECUTE FUNCTION audit.tree_only_grows();
--> statement-breakpoint
CREATE TRIGGER no_truncate BEFORE TRUNCATE ON audit.tree_state FOR EACH STATEMENT EXECUTE FUNCTION audit.forbid_mutation();
--> statement-breakpoint
-- Signed checkpoints (R9) with the consistency proof from the previous one (hashes
-- concatenated).
CREATE TABLE audit.checkpoint (
  tree_size bigint PRIMARY KEY,
  root bytea NOT NULL,
  note text NOT NULL,
  jws text NOT NULL,
  prev_size bigint,
  consistency bytea NOT NULL DEFAULT ''::bytea,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
--> statement-breakpoint
-- Where each checkpoint was anchored outside the database.
CREATE TABLE audit.anchor (
  tree_size bigint NOT NULL,
  kind text NOT NULL,
  ref text NOT NULL,
  anchored_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (tree_size, kind)
);
--> statement-breakpoint
-- Encrypted content (R7): JWE under the subject's data key; the entry holds H(jwe).
CREATE TABLE audit.content (
  event_id uuid NOT NULL,
  part text NOT NULL,
  jwe text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (event_id, part)
);
--> statement-breakpoint
CREATE TRIGGER no_update_delete BEFORE UPDATE OR DELETE ON audit.leaf FOR EACH ROW EXECUTE FUNCTION audit.forbid_mutation();
--> statement-breakpoint
CREATE TRIGGER no_truncate BEFORE TRUNCATE ON audit.leaf FOR EACH STATEMENT EXECUTE FUNCTION audit.forbid_mutation();
--> statement-breakpoint
CREATE TRIGGER no_update_delete BEFORE UPDATE OR DELETE ON audit.node FOR EACH ROW EXECUTE FUNCTION audit.forbid_mutation();
--> statement-breakpoint
CREATE TRIGGER no_truncate BEFORE TRUNCATE ON audit.node FOR EACH STATEMENT EXECUTE FUNCTION audit.forbid_mutation();
--> statement-breakpoint
CREATE TRIGGER no_update_delete BEFORE UPDATE OR DELETE ON audit.checkpoint FOR EACH ROW EXECUTE FUNCTION audit.forbid_mutation();
--> statement-breakpoint
CREATE TRIGGER no_truncate BEFORE TRUNCATE ON audit.checkpoint FOR EACH STATEMENT EXECUTE FUNCTION audit.forbid_mutation();
--> statement-breakpoint
CREATE TRIGGER no_update_delete BEFORE UPDATE OR DELETE ON audit.anchor FOR EACH ROW EXECUTE FUNCTION audit.forbid_mutation();
--> statement-breakpoint
CREATE TRIGGER no_truncate BEFORE TRUNCATE ON audit.anchor FOR EACH STATEMENT EXECUTE FUNCTION audit.forbid_mutation();
--> statement-breakpoint
CREATE TRIGGER no_update_delete BEFORE UPDATE OR DELETE ON audit.content FOR EACH ROW EXECUTE FUNCTION audit.forbid_mutation();
--> statement-breakpoint
CREATE TRIGGER no_truncate BEFORE TRUNCATE ON audit.content FOR EACH STATEMENT EXECUTE FUNCTION audit.forbid_mutation();
--> statement-breakpoint
-- Subject pseudonyms: a random pseudonym per (issuer, subject), found by a keyed lookup
-- hash. Deleting the row (erasure) severs the link for good; the log keeps only pseudonyms.
CREATE TABLE keys.subject (
  lookup bytea PRIMARY KEY,
  pseudonym text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
--> statement-breakpoint
-- Other ways to find a pseudonym for a data-subject request (a person's email), by keyed
-- look-up hash; deleted with the mapping on erasure.
CREATE TABLE keys.alias (
  lookup bytea NOT NULL,
  pseudonym text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (lookup, pseudonym)
);
--> statement-breakpoint
CREATE INDEX alias_pseudonym_idx ON keys.alias (pseudonym);
--> statement-breakpoint
-- Content data keys per (subject, month), wrapped by CUSTOS_KEK; destroyed on erasure.
CREATE TABLE keys.dek (
  kid text PRIMARY KEY,
  pseudonym text NOT NULL,
  period text NOT NULL,
  wrapped bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  UNIQUE (pseudonym, period)
);
--> statement-breakpoint
-- Monthly partitions, created ahead of time. Owned by the owner role; the runtime role
-- may call it and nothing more. A TRUNCATE trigger is not inherited by partitions, so
-- each new partition gets its own. There is no default partition: an event for a month
-- without a partition is refused, never silently absorbed.
CREATE FUNCTION audit.ensure_partitions(from_ts timestamptz, months integer) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, audit AS $$
DECLARE
  m timestamptz;
  name text;
  created integer := 0;
BEGIN
  IF months < 1 OR months > 36 THEN
    RAISE EXCEPTION 'audit.ensure_partitions: months must be between 1 and 36, not %', months;
  END IF;
  FOR i IN 0 .. months - 1 LOOP
    m := date_trunc('month', from_ts AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' + make_interval(months => i);
    name := 'event_' || to_char(m AT TIME ZONE 'UTC', 'YYYY_MM');
    IF to_regclass('audit.' || name) IS NULL THEN
      EXECUTE format('CREATE TABLE audit.%I PARTITION OF audit.event FOR VALUES FROM (%L) TO (%L)', name, m, m + interval '1 month');
      EXECUTE format('CREATE TRIGGER no_truncate BEFORE TRUNCATE ON audit.%I FOR EACH STATEMENT EXECUTE FUNCTION audit.forbid_mutation()', name);
      created := created + 1;
    END IF;
  END LOOP;
  RETURN created;
END $$;
--> statement-breakpoint
SELECT audit.ensure_partitions(now() - interval '1 month', 4);
--> statement-breakpoint
-- Erasure: the subject's mapping and data keys are destroyed; the log is untouched and
-- still verifies. Returns how many keys were destroyed.
CREATE FUNCTION keys.erase_subject(p text) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, keys AS $$
DECLARE
  n integer;
BEGIN
  DELETE FROM keys.dek WHERE pseudonym = p;
  GET DIAGNOSTICS n = ROW_COUNT;
  DELETE FROM keys.subject WHERE pseudonym = p;
  DELETE FROM keys.alias WHERE pseudonym = p;
  RETURN n;
END $$;
--> statement-breakpoint
-- How each call ended, decoded from the entries (dashboards read this, never the raw bytes).
CREATE VIEW audit.calls AS
SELECT received_at AS time, event_type, coalesce(request_event_id, event_id) AS request_id, team, subject, model, provider, region, status,
       e.j #>> '{route,endpoint}' AS endpoint,
       e.j #>> '{error,code}' AS error_code,
       (e.j #>> '{time,duration_ms}')::integer AS duration_ms,
       (e.j #>> '{response,usage,input}')::bigint AS input_tokens,
       (e.j #>> '{response,usage,output}')::bigint AS output_tokens
FROM audit.event, LATERAL (SELECT convert_from(entry, 'UTF8')::jsonb AS j) e
WHERE event_type IN ('llm.response', 'llm.denied');
--> statement-breakpoint
REVOKE ALL ON ALL TABLES IN SCHEMA audit FROM PUBLIC;
--> statement-breakpoint
REVOKE ALL ON ALL TABLES IN SCHEMA keys FROM PUBLIC;
--> statement-breakpoint
REVOKE ALL ON FUNCTION audit.ensure_partitions(timestamptz, integer), keys.erase_subject(text), audit.queue_event() FROM PUBLIC;
--> statement-breakpoint
GRANT USAGE ON SCHEMA audit, keys TO custos_runtime;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION audit.ensure_partitions(timestamptz, integer), keys.erase_subject(text) TO custos_runtime;
--> statement-breakpoint
GRANT SELECT, INSERT ON audit.event, audit.leaf, audit.node, audit.checkpoint, audit.anchor, audit.content TO custos_runtime;
--> statement-breakpoint
GRANT SELECT, UPDATE, DELETE ON audit.pending TO custos_runtime;
--> statement-breakpoint
GRANT SELECT ON audit.calls TO custos_runtime;
--> statement-breakpoint
GRANT SELECT, UPDATE ON audit.tree_state TO custos_runtime;
--> statement-breakpoint
GRANT SELECT, INSERT ON keys.subject, keys.alias, keys.dek TO custos_runtime;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON public.api_keys TO custos_runtime;
--> statement-breakpoint
GRANT USAGE ON SCHEMA drizzle TO custos_runtime;
--> statement-breakpoint
GRANT SELECT ON drizzle.__drizzle_migrations TO custos_runtime;
