-- Case text and JSON are compressed with lz4 instead of pglz (PostgreSQL's default).
--
-- A case is ~6 KB of notes plus JSON: every write compresses each wide column and every read
-- decompresses it. lz4 does both several times faster than pglz for a similar ratio on clinical
-- text; measured while loading 100k cases (issue 4), pglz's attempts alone were ~40% of the
-- target's CPU time for a plain COPY. It applies to values written from now on; existing values
-- stay pglz until rewritten (both are read transparently). Needs a server built with lz4
-- (Debian's and Azure's PostgreSQL 14+ are).
ALTER TABLE public.medical_notes
  ALTER COLUMN operative_notes SET COMPRESSION lz4,
  ALTER COLUMN admission_notes SET COMPRESSION lz4,
  ALTER COLUMN discharge_notes SET COMPRESSION lz4,
  ALTER COLUMN pathology_notes SET COMPRESSION lz4,
  ALTER COLUMN progress_notes SET COMPRESSION lz4,
  ALTER COLUMN bedside_notes SET COMPRESSION lz4,
  ALTER COLUMN billable_notes SET COMPRESSION lz4,
  ALTER COLUMN ai_raw_output SET COMPRESSION lz4,
  ALTER COLUMN panel_data SET COMPRESSION lz4,
  ALTER COLUMN final_processed_data SET COMPRESSION lz4,
  ALTER COLUMN summary_data SET COMPRESSION lz4;
