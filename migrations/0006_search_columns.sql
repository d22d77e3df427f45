-- Audit search (the compliance console): search-only columns and the indexes behind every
-- filter of /api/audit/events. Hand-written, run by the owner role (CUSTOS_MIGRATE_URL).
--
-- The new columns are derived from the entry exactly as src/audit/projection.ts
-- searchProjectionOf does (the writer fills them for new events). They are NOT export-bundle
-- columns: the bundle layout is fixed by the audit spec (§2.9, entries.csv's header), so
-- database-mode `custos audit verify` recomputes them from the entry bytes and reports an
-- edited one (src/audit/verify-search.ts).
ALTER TABLE audit.event
  ADD COLUMN endpoint text,
  ADD COLUMN jurisdiction text,
  ADD COLUMN policy_version text,
  ADD COLUMN rule_ids text[];
--> statement-breakpoint
-- The backfill's helpers (dropped below). An entry that is not UTF-8 JSON (only an altered
-- one) projects to nothing, as the verifier would find it altered anyway.
CREATE FUNCTION audit.m0006_entry(entry bytea) RETURNS jsonb LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  RETURN convert_from(entry, 'UTF8')::jsonb;
EXCEPTION WHEN others THEN
  RETURN NULL;
END $$;
--> statement-breakpoint
-- A JSON string's text; NULL for anything else (projection.ts's str()).
CREATE FUNCTION audit.m0006_str(v jsonb) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN jsonb_typeof(v) = 'string' THEN v #>> '{}' END
$$;
--> statement-breakpoint
CREATE FUNCTION audit.m0006_elements(v jsonb) RETURNS SETOF jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT jsonb_array_elements(CASE WHEN jsonb_typeof(v) = 'array' THEN v ELSE '[]'::jsonb END)
$$;
--> statement-breakpoint
-- policy.rules[], policy.denied_by, policy.shadow[].rule, policy.clamp.rule, route.risk[].rule:
-- the string ones, distinct, in code-point order; NULL when there are none.
CREATE FUNCTION audit.m0006_rule_ids(j jsonb) RETURNS text[] LANGUAGE sql IMMUTABLE AS $$
  SELECT array_agg(r ORDER BY r) FROM (
    SELECT DISTINCT r COLLATE "C" AS r FROM (
      SELECT audit.m0006_str(x) AS r FROM audit.m0006_elements(j #> '{policy,rules}') x
      UNION ALL SELECT audit.m0006_str(j #> '{policy,denied_by}')
      UNION ALL SELECT audit.m0006_str(x -> 'rule') FROM audit.m0006_elements(j #> '{policy,shadow}') x
      UNION ALL SELECT audit.m0006_str(j #> '{policy,clamp,rule}')
      UNION ALL SELECT audit.m0006_str(x -> 'rule') FROM audit.m0006_elements(j #> '{route,risk}') x
    ) t WHERE r IS NOT NULL
  ) u
$$;
--> statement-breakpoint
-- Existing rows get their columns now, so they are found and verify. The log is append-only:
-- no_update_delete refuses every UPDATE, so the owner switches it off for this one statement
-- and on again, inside this migration's transaction (no other session can write meanwhile,
-- ALTER TABLE holds the table's lock until commit; a failure rolls both back). The UPDATE
-- only fills the four new, empty columns from each row's own entry: the entry, its leaf hash
-- and every other column stay as they are (a new row version, the same evidence).
ALTER TABLE audit.event DISABLE TRIGGER no_update_delete;
--> statement-breakpoint
UPDATE audit.event e
SET endpoint = p.endpoint, jurisdiction = p.jurisdiction, policy_version = p.policy_version, rule_ids = p.rule_ids
FROM (
  SELECT received_at, event_id,
         audit.m0006_str(j #> '{route,endpoint}') AS endpoint,
         audit.m0006_str(j #> '{route,jurisdiction}') AS jurisdiction,
         audit.m0006_str(j #> '{policy,version}') AS policy_version,
         audit.m0006_rule_ids(j) AS rule_ids
  FROM (SELECT received_at, event_id, audit.m0006_entry(entry) AS j FROM audit.event WHERE entry IS NOT NULL) s
) p
WHERE e.received_at = p.received_at AND e.event_id = p.event_id
  AND (p.endpoint IS NOT NULL OR p.jurisdiction IS NOT NULL OR p.policy_version IS NOT NULL OR p.rule_ids IS NOT NULL);
--> statement-breakpoint
ALTER TABLE audit.event ENABLE TRIGGER no_update_delete;
--> statement-breakpoint
DROP FUNCTION audit.m0006_rule_ids(jsonb);
--> statement-breakpoint
DROP FUNCTION audit.m0006_elements(jsonb);
--> statement-breakpoint
DROP FUNCTION audit.m0006_str(jsonb);
--> statement-breakpoint
DROP FUNCTION audit.m0006_entry(bytea);
--> statement-breakpoint
-- Every filter pages newest first, by (received_at, event_id) below a keyset: an index per
-- equality filter ending in (received_at, event_id) reads one page and stops, in each monthly
-- partition newest first, whether the value is common or rare. Partial (IS NOT NULL): events
-- without the field (writer, access and key events) cost those indexes nothing. The two
-- indexes of 0002 gain event_id, so ties within a millisecond need no sort either.
DROP INDEX audit.event_team_idx;
--> statement-breakpoint
DROP INDEX audit.event_subject_idx;
--> statement-breakpoint
CREATE INDEX event_team_idx ON audit.event (team, received_at, event_id) WHERE team IS NOT NULL;
--> statement-breakpoint
CREATE INDEX event_subject_idx ON audit.event (subject, received_at, event_id) WHERE subject IS NOT NULL;
--> statement-breakpoint
CREATE INDEX event_type_idx ON audit.event (event_type, received_at, event_id);
--> statement-breakpoint
CREATE INDEX event_model_idx ON audit.event (model, received_at, event_id) WHERE model IS NOT NULL;
--> statement-breakpoint
CREATE INDEX event_provider_idx ON audit.event (provider, received_at, event_id) WHERE provider IS NOT NULL;
--> statement-breakpoint
CREATE INDEX event_endpoint_idx ON audit.event (endpoint, received_at, event_id) WHERE endpoint IS NOT NULL;
--> statement-breakpoint
CREATE INDEX event_region_idx ON audit.event (region, received_at, event_id) WHERE region IS NOT NULL;
--> statement-breakpoint
CREATE INDEX event_jurisdiction_idx ON audit.event (jurisdiction, received_at, event_id) WHERE jurisdiction IS NOT NULL;
--> statement-breakpoint
CREATE INDEX event_decision_idx ON audit.event (decision, received_at, event_id) WHERE decision IS NOT NULL;
--> statement-breakpoint
CREATE INDEX event_status_idx ON audit.event (status, received_at, event_id) WHERE status IS NOT NULL;
--> statement-breakpoint
CREATE INDEX event_policy_version_idx ON audit.event (policy_version, received_at, event_id) WHERE policy_version IS NOT NULL;
--> statement-breakpoint
-- Arrays: GIN, searched with @> (a rare rule id or PII type: a bitmap of its few events; a
-- common one: the planner walks the primary key newest first and filters instead).
CREATE INDEX event_rule_ids_idx ON audit.event USING gin (rule_ids) WHERE rule_ids IS NOT NULL;
--> statement-breakpoint
CREATE INDEX event_pii_idx ON audit.event USING gin (pii) WHERE pii IS NOT NULL;
