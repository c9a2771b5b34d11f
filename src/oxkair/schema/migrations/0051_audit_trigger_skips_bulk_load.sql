-- The data migration's bulk load skips per-row audit entries (it records per-table totals); the
-- generated functions returned at once, but each row still queued an AFTER trigger event and ran
-- a plpgsql call: ~1.5 s of CPU per 100k notes (issue 4 benchmark). A WHEN clause, evaluated
-- before anything is queued, skips them. The function keeps its own test too.

-- The registry keeps each trigger's definition as generated: `oxkair check` fails a trigger that
-- differs (a WHEN clause edited to skip rows, events removed) as well as one missing a column.
ALTER TABLE audit.row_change_trigger ADD COLUMN trigger_def text;

-- (Re)generate one table's row-change trigger and register it. Run as the tables' owner.
CREATE OR REPLACE FUNCTION audit.install_row_change_trigger(p_table regclass, p_never_recorded text[] DEFAULT '{}')
  RETURNS void
  LANGUAGE plpgsql
  SET search_path = ''
AS $$
DECLARE
  v_schema name;
  v_rel name;
  v_function text;
BEGIN
  SELECT n.nspname, c.relname INTO v_schema, v_rel
    FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
   WHERE c.oid = p_table;
  v_function := format('tg_%s_%s__row_change', v_schema, v_rel);
  EXECUTE audit.row_change_function_source(p_table, v_function, p_never_recorded);
  EXECUTE format(
    'CREATE OR REPLACE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE ON %s FOR EACH ROW'
    ' WHEN (pg_catalog.current_setting(''oxkair.bulk_load'', true) IS DISTINCT FROM ''on'''
    '       OR NOT pg_catalog.pg_has_role(CURRENT_USER, ''oxkair_migrator'', ''MEMBER''))'
    ' EXECUTE FUNCTION audit.%I()', 'tg_' || v_rel || '__audit', p_table, v_function);
  INSERT INTO audit.row_change_trigger AS r (table_name, never_recorded, columns, function_name, trigger_def)
  SELECT p_table::text, p_never_recorded, array_agg(a.attname::text ORDER BY a.attnum), v_function,
         (SELECT pg_catalog.pg_get_triggerdef(t.oid) FROM pg_catalog.pg_trigger t
           WHERE t.tgrelid = p_table AND t.tgname = 'tg_' || v_rel || '__audit')
    FROM pg_catalog.pg_attribute a
   WHERE a.attrelid = p_table AND a.attnum > 0 AND NOT a.attisdropped AND a.attname <> ALL (p_never_recorded)
  ON CONFLICT (table_name) DO UPDATE
    SET never_recorded = excluded.never_recorded, columns = excluded.columns,
        function_name = excluded.function_name, trigger_def = excluded.trigger_def, generated_at = now();
END
$$;

DO $$ BEGIN PERFORM audit.refresh_row_change_triggers(); END $$;
