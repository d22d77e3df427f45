-- Compliance workflows on the audit log (reference/audit-and-compliance.md §1.7–1.9,
-- §4.4–4.6): retention dates, legal holds, incidents, content-key expiry, purge by
-- partition and erasure under holds. Hand-written, run by the owner role.
--
-- Every table here is insert-only for the runtime role: a hold is released by a release
-- row, an incident changes by action rows. The checks that guard destruction (purge,
-- content-key expiry, erasure) live in SECURITY DEFINER functions owned by the owner role,
-- so even a runtime role that skipped the application's checks cannot destroy what the
-- log's own records say must be kept.

-- Each entry's retention (entry.retention.until, RFC 3339 UTC): a search-only column the
-- verifier recomputes (src/audit/projection.ts). NULL (events written before this) never
-- expires: purge refuses partitions holding such events.
ALTER TABLE audit.event ADD COLUMN retain_until timestamptz;
--> statement-breakpoint
-- Content keys now belong to a retention class: expires_at is when that class's content
-- period ends for the key's month (keys of older rows have none and expire only by erasure).
ALTER TABLE keys.dek ADD COLUMN class text, ADD COLUMN month timestamptz, ADD COLUMN expires_at timestamptz,
  ADD CONSTRAINT dek_expiry_has_month CHECK (expires_at IS NULL OR month IS NOT NULL);
--> statement-breakpoint
CREATE INDEX dek_expires_idx ON keys.dek (expires_at) WHERE expires_at IS NOT NULL;
--> statement-breakpoint
-- Legal holds. A hold covers an event when it lists the event (event_ids, e.g. an
-- incident's evidence), or else when every scope it gives matches: team, subject
-- (pseudonym), received_at in [from_ts, to_ts).
CREATE TABLE audit.hold (
  id text PRIMARY KEY CHECK (id ~ '^hold_[A-Za-z0-9_-]{8,64}$'),
  incident_id text,
  team text,
  subject text,
  from_ts timestamptz,
  to_ts timestamptz,
  event_ids uuid[] NOT NULL DEFAULT '{}',
  reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
  placed_by text NOT NULL,
  placed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  CHECK (cardinality(event_ids) > 0 OR team IS NOT NULL OR subject IS NOT NULL OR from_ts IS NOT NULL OR to_ts IS NOT NULL),
  CHECK (from_ts IS NULL OR to_ts IS NULL OR from_ts < to_ts)
);
--> statement-breakpoint
CREATE TABLE audit.hold_release (
  hold_id text PRIMARY KEY REFERENCES audit.hold (id),
  reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
  released_by text NOT NULL,
  released_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
--> statement-breakpoint
CREATE VIEW audit.active_hold AS
SELECT h.* FROM audit.hold h WHERE NOT EXISTS (SELECT 1 FROM audit.hold_release r WHERE r.hold_id = h.id);
--> statement-breakpoint
-- Incidents: the opening (with its evidence freeze) and every later action, insert-only.
CREATE TABLE audit.incident (
  id text PRIMARY KEY CHECK (id ~ '^inc_[A-Za-z0-9_-]{8,64}$'),
  opened_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  opened_by text NOT NULL,
  opening jsonb NOT NULL,
  event_id uuid
);
--> statement-breakpoint
CREATE TABLE audit.incident_action (
  id text PRIMARY KEY,
  incident_id text NOT NULL REFERENCES audit.incident (id),
  at timestamptz NOT NULL DEFAULT clock_timestamp(),
  actor text NOT NULL,
  kind text NOT NULL CHECK (kind ~ '^[a-z_]{1,32}$'),
  detail jsonb NOT NULL DEFAULT '{}'::jsonb,
  event_id uuid
);
--> statement-breakpoint
CREATE INDEX incident_action_idx ON audit.incident_action (incident_id, at, id);
--> statement-breakpoint
-- Purged partitions: what was dropped, which log indices it held (their leaf hashes stay in
-- audit.leaf, so every other proof still verifies) and the retention.purge event announcing it.
CREATE TABLE audit.purged (
  month timestamptz NOT NULL,
  to_ts timestamptz NOT NULL,
  events bigint NOT NULL,
  first_index bigint,
  last_index bigint,
  purge_event uuid PRIMARY KEY,
  purged_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
--> statement-breakpoint
-- Two-person content reveal: a request with its justification, and another person's approval.
CREATE TABLE audit.reveal_request (
  id text PRIMARY KEY CHECK (id ~ '^rev_[A-Za-z0-9_-]{8,64}$'),
  event_id uuid NOT NULL,
  requested_by text NOT NULL,
  justification text NOT NULL CHECK (length(justification) BETWEEN 1 AND 1000),
  requested_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
--> statement-breakpoint
CREATE TABLE audit.reveal_approval (
  request_id text PRIMARY KEY REFERENCES audit.reveal_request (id),
  approved_by text NOT NULL,
  approved_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
--> statement-breakpoint
CREATE TRIGGER no_update_delete BEFORE UPDATE OR DELETE ON audit.reveal_request FOR EACH ROW EXECUTE FUNCTION audit.forbid_mutation();
--> statement-breakpoint
CREATE TRIGGER no_update_delete BEFORE UPDATE OR DELETE ON audit.reveal_approval FOR EACH ROW EXECUTE FUNCTION audit.forbid_mutation();
--> statement-breakpoint
CREATE TRIGGER no_truncate BEFORE TRUNCATE ON audit.reveal_request FOR EACH STATEMENT EXECUTE FUNCTION audit.forbid_mutation();
--> statement-breakpoint
CREATE TRIGGER no_truncate BEFORE TRUNCATE ON audit.reveal_approval FOR EACH STATEMENT EXECUTE FUNCTION audit.forbid_mutation();
--> statement-breakpoint
CREATE TRIGGER no_update_delete BEFORE UPDATE OR DELETE ON audit.hold FOR EACH ROW EXECUTE FUNCTION audit.forbid_mutation();
--> statement-breakpoint
CREATE TRIGGER no_truncate BEFORE TRUNCATE ON audit.hold FOR EACH STATEMENT EXECUTE FUNCTION audit.forbid_mutation();
--> statement-breakpoint
CREATE TRIGGER no_update_delete BEFORE UPDATE OR DELETE ON audit.hold_release FOR EACH ROW EXECUTE FUNCTION audit.forbid_mutation();
--> statement-breakpoint
CREATE TRIGGER no_truncate BEFORE TRUNCATE ON audit.hold_release FOR EACH STATEMENT EXECUTE FUNCTION audit.forbid_mutation();
--> statement-breakpoint
CREATE TRIGGER no_update_delete BEFORE UPDATE OR DELETE ON audit.incident FOR EACH ROW EXECUTE FUNCTION audit.forbid_mutation();
--> statement-breakpoint
CREATE TRIGGER no_truncate BEFORE TRUNCATE ON audit.incident FOR EACH STATEMENT EXECUTE FUNCTION audit.forbid_mutation();
--> statement-breakpoint
CREATE TRIGGER no_update_delete BEFORE UPDATE OR DELETE ON audit.incident_action FOR EACH ROW EXECUTE FUNCTION audit.forbid_mutation();
--> statement-breakpoint
CREATE TRIGGER no_truncate BEFORE TRUNCATE ON audit.incident_action FOR EACH STATEMENT EXECUTE FUNCTION audit.forbid_mutation();
--> statement-breakpoint
CREATE TRIGGER no_update_delete BEFORE UPDATE OR DELETE ON audit.purged FOR EACH ROW EXECUTE FUNCTION audit.forbid_mutation();
--> statement-breakpoint
CREATE TRIGGER no_truncate BEFORE TRUNCATE ON audit.purged FOR EACH STATEMENT EXECUTE FUNCTION audit.forbid_mutation();
--> statement-breakpoint
-- Active holds that cover any event of a subject (pseudonym): the reasons an erasure is refused.
CREATE FUNCTION audit.holds_on_subject(p text) RETURNS SETOF text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, audit AS $$
  SELECT h.id FROM audit.active_hold h
  WHERE h.subject = p
     OR (cardinality(h.event_ids) > 0 AND EXISTS (SELECT 1 FROM audit.event e WHERE e.event_id = ANY (h.event_ids) AND e.subject = p))
     OR (cardinality(h.event_ids) = 0 AND h.subject IS NULL AND EXISTS (
           SELECT 1 FROM audit.event e WHERE e.subject = p
             AND (h.team IS NULL OR e.team = h.team)
             AND (h.from_ts IS NULL OR e.received_at >= h.from_ts)
             AND (h.to_ts IS NULL OR e.received_at < h.to_ts)))
  ORDER BY h.id
$$;
--> statement-breakpoint
-- Active holds that cover any event received in [a, b): the reasons a purge is refused.
CREATE FUNCTION audit.holds_on_range(a timestamptz, b timestamptz) RETURNS SETOF text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, audit AS $$
  SELECT h.id FROM audit.active_hold h
  WHERE (cardinality(h.event_ids) > 0 AND EXISTS (SELECT 1 FROM audit.event e WHERE e.event_id = ANY (h.event_ids) AND e.received_at >= a AND e.received_at < b))
     OR (cardinality(h.event_ids) = 0
         AND (h.from_ts IS NULL OR h.from_ts < b) AND (h.to_ts IS NULL OR h.to_ts > a)
         AND (h.team IS NULL AND h.subject IS NULL OR EXISTS (
               SELECT 1 FROM audit.event e WHERE e.received_at >= greatest(a, coalesce(h.from_ts, a)) AND e.received_at < least(b, coalesce(h.to_ts, b))
                 AND (h.team IS NULL OR e.team = h.team) AND (h.subject IS NULL OR e.subject = h.subject))))
  ORDER BY h.id
$$;
--> statement-breakpoint
-- Whether an active hold covers the content under a data key: (pseudonym, month).
CREATE FUNCTION keys.key_is_held(p text, m timestamptz) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, audit, keys AS $$
  SELECT EXISTS (
    SELECT 1 FROM audit.active_hold h
    WHERE (cardinality(h.event_ids) > 0 AND EXISTS (SELECT 1 FROM audit.event e WHERE e.event_id = ANY (h.event_ids) AND e.subject = p AND e.received_at >= m AND e.received_at < m + interval '1 month'))
       OR (cardinality(h.event_ids) = 0
           AND (h.subject IS NULL OR h.subject = p)
           AND (h.from_ts IS NULL OR h.from_ts < m + interval '1 month') AND (h.to_ts IS NULL OR h.to_ts > m)
           AND (h.team IS NULL OR EXISTS (SELECT 1 FROM audit.event e WHERE e.subject = p AND e.team = h.team AND e.received_at >= m AND e.received_at < m + interval '1 month'))))
$$;
--> statement-breakpoint
-- Crypto-shredding at the end of each class's content period: destroys the expired data
-- keys no hold covers. Their ciphertexts stay (the entries commit to them) and can no
-- longer be read. Returns the destroyed keys per class.
CREATE FUNCTION keys.shred_expired() RETURNS TABLE (class text, destroyed bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, keys AS $$
BEGIN
  LOCK TABLE audit.hold, audit.hold_release IN SHARE MODE;
  RETURN QUERY
  WITH gone AS (
    DELETE FROM keys.dek d WHERE d.expires_at IS NOT NULL AND d.expires_at <= now() AND NOT keys.key_is_held(d.pseudonym, d.month)
    RETURNING d.class)
  SELECT gone.class, count(*) FROM gone GROUP BY gone.class ORDER BY gone.class;
END $$;
--> statement-breakpoint
-- Erasure now refuses while a hold covers any of the subject's events (GDPR 17(3)(e)).
CREATE OR REPLACE FUNCTION keys.erase_subject(p text) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, keys AS $$
DECLARE
  n integer;
  held text;
BEGIN
  LOCK TABLE audit.hold, audit.hold_release IN SHARE MODE;
  SELECT string_agg(id, ', ') INTO held FROM audit.holds_on_subject(p) AS id;
  IF held IS NOT NULL THEN
    RAISE EXCEPTION 'keys.erase_subject: legal hold % covers this subject', held USING ERRCODE = 'insufficient_privilege', HINT = held;
  END IF;
  DELETE FROM keys.dek WHERE pseudonym = p;
  GET DIAGNOSTICS n = ROW_COUNT;
  DELETE FROM keys.subject WHERE pseudonym = p;
  DELETE FROM keys.alias WHERE pseudonym = p;
  RETURN n;
END $$;
--> statement-breakpoint
-- Why the month starting at m cannot be purged now, or NULL when it can. Checked again by
-- audit.purge_month itself.
CREATE FUNCTION audit.purge_refusal(m timestamptz) RETURNS text
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, audit AS $$
DECLARE
  b timestamptz := m + interval '1 month';
  name text := 'event_' || to_char(m AT TIME ZONE 'UTC', 'YYYY_MM');
  n bigint;
  keep timestamptz;
  held text;
  last_index bigint;
  anchored bigint;
BEGIN
  IF m <> date_trunc('month', m AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' THEN
    RETURN 'not_a_month: ' || m::text || ' is not the start of a UTC month';
  END IF;
  IF to_regclass('audit.' || name) IS NULL THEN
    RETURN 'no_partition: there is no partition ' || name || CASE WHEN EXISTS (SELECT 1 FROM audit.purged WHERE month = m) THEN ' (it was purged)' ELSE '' END;
  END IF;
  IF b > now() THEN
    RETURN 'retention: the month has not ended';
  END IF;
  SELECT count(*), max(coalesce(retain_until, 'infinity'::timestamptz)) INTO n, keep FROM audit.event WHERE received_at >= m AND received_at < b;
  IF keep > now() THEN
    RETURN 'retention: events in it must be kept until ' || CASE WHEN keep = 'infinity' THEN 'further notice (events without a retention date)' ELSE to_char(keep AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') END;
  END IF;
  SELECT string_agg(id, ', ') INTO held FROM audit.holds_on_range(m, b) AS id;
  IF held IS NOT NULL THEN
    RETURN 'legal_hold: ' || held;
  END IF;
  IF EXISTS (SELECT 1 FROM audit.pending WHERE received_at >= m AND received_at < b) THEN
    RETURN 'not_anchored: events of the month are not integrated into the log yet';
  END IF;
  SELECT max(log_index) INTO last_index FROM audit.leaf WHERE received_at >= m AND received_at < b;
  SELECT max(c.tree_size) INTO anchored FROM audit.checkpoint c WHERE EXISTS (SELECT 1 FROM audit.anchor a WHERE a.tree_size = c.tree_size);
  IF last_index IS NOT NULL AND (anchored IS NULL OR anchored <= last_index) THEN
    RETURN 'not_anchored: no checkpoint anchored outside the database covers log index ' || last_index;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- What a purge of the month would remove: its integrated entries and their log indices.
CREATE FUNCTION audit.month_leaves(m timestamptz) RETURNS TABLE (events bigint, first_index bigint, last_index bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, audit AS $$
  SELECT count(*), min(log_index), max(log_index) FROM audit.leaf WHERE received_at >= m AND received_at < m + interval '1 month'
$$;
--> statement-breakpoint
-- Lets the purge delete the content of a dropped month, and nothing else: the runtime role
-- has no DELETE on audit.content, so only this owner's function can reach the exception.
CREATE OR REPLACE FUNCTION audit.forbid_mutation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND TG_TABLE_NAME = 'content' AND current_setting('custos.purging', true) = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'audit.%: % is not allowed on an append-only audit table', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END $$;
--> statement-breakpoint
-- Drops the month's partition (events and their content) when nothing forbids it and the
-- retention.purge event announcing it is in the log. Leaves, nodes and checkpoints stay.
CREATE FUNCTION audit.purge_month(m timestamptz, purge_event uuid) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, audit AS $$
DECLARE
  why text;
  name text := 'event_' || to_char(m AT TIME ZONE 'UTC', 'YYYY_MM');
  b timestamptz := m + interval '1 month';
  claim jsonb;
  n bigint;
  lo bigint;
  hi bigint;
BEGIN
  -- Nothing may join the month or place a hold between the checks and the drop: a late
  -- event (a spool replay) would be dropped unintegrated, a new hold ignored.
  IF to_regclass('audit.' || name) IS NOT NULL THEN
    EXECUTE format('LOCK TABLE audit.%I IN SHARE MODE', name);
  END IF;
  LOCK TABLE audit.hold, audit.hold_release IN SHARE MODE;
  why := audit.purge_refusal(m);
  IF why IS NOT NULL THEN
    RAISE EXCEPTION 'audit.purge_month: %', why USING ERRCODE = 'insufficient_privilege';
  END IF;
  -- The announcement must be in the log already and say exactly what goes: the month, how
  -- many entries and their log indices (the verifier accepts those leaves as purged only so).
  SELECT convert_from(entry, 'UTF8')::jsonb -> 'purge' INTO claim FROM audit.event
   WHERE event_id = purge_event AND event_type = 'retention.purge' AND received_at >= b;
  IF claim IS NULL THEN
    RAISE EXCEPTION 'audit.purge_month: the retention.purge event % must be written first', purge_event USING ERRCODE = 'insufficient_privilege';
  END IF;
  SELECT count(*), min(log_index), max(log_index) INTO n, lo, hi FROM audit.leaf WHERE received_at >= m AND received_at < b;
  IF claim ->> 'month' IS DISTINCT FROM to_char(m AT TIME ZONE 'UTC', 'YYYY-MM') OR (claim ->> 'events')::bigint IS DISTINCT FROM n
     OR (claim ->> 'first_index')::bigint IS DISTINCT FROM lo OR (claim ->> 'last_index')::bigint IS DISTINCT FROM hi THEN
    RAISE EXCEPTION 'audit.purge_month: the retention.purge event % does not describe this month (month %, % entries, log indices % to %)', purge_event, to_char(m AT TIME ZONE 'UTC', 'YYYY-MM'), n, lo, hi USING ERRCODE = 'insufficient_privilege';
  END IF;
  PERFORM set_config('custos.purging', 'on', true);
  DELETE FROM audit.content c USING audit.event e WHERE c.event_id = e.event_id AND e.received_at >= m AND e.received_at < b;
  PERFORM set_config('custos.purging', 'off', true);
  EXECUTE format('ALTER TABLE audit.event DETACH PARTITION audit.%I', name);
  EXECUTE format('DROP TABLE audit.%I', name);
  INSERT INTO audit.purged (month, to_ts, events, first_index, last_index, purge_event) VALUES (m, b, n, lo, hi, purge_event);
  RETURN n;
END $$;
--> statement-breakpoint
REVOKE ALL ON audit.hold, audit.hold_release, audit.active_hold, audit.incident, audit.incident_action, audit.purged, audit.reveal_request, audit.reveal_approval FROM PUBLIC;
--> statement-breakpoint
REVOKE ALL ON FUNCTION audit.holds_on_subject(text), audit.holds_on_range(timestamptz, timestamptz), keys.key_is_held(text, timestamptz), keys.shred_expired(), audit.purge_refusal(timestamptz), audit.purge_month(timestamptz, uuid), audit.month_leaves(timestamptz) FROM PUBLIC;
--> statement-breakpoint
GRANT SELECT, INSERT ON audit.hold, audit.hold_release, audit.incident, audit.incident_action, audit.reveal_request, audit.reveal_approval TO custos_runtime;
--> statement-breakpoint
GRANT SELECT ON audit.active_hold, audit.purged TO custos_runtime;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION audit.holds_on_subject(text), audit.holds_on_range(timestamptz, timestamptz), keys.shred_expired(), audit.purge_refusal(timestamptz), audit.purge_month(timestamptz, uuid), audit.month_leaves(timestamptz) TO custos_runtime;
