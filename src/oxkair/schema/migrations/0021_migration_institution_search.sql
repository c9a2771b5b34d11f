-- depends: 0043_institution_search_suffixes
-- The data migration loads institutions as oxkair_migrator: the statement triggers of 0042/0043
-- that keep the search vocabulary and name suffixes run as the inserting role, so the migrator
-- needs exactly what they do. Applied after 0043 (the `depends` line above orders it).

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ The helpers the triggers call                                            │
-- └──────────────────────────────────────────────────────────────────────────┘
GRANT EXECUTE ON FUNCTION app.search_words(text), app.search_phrase(text), app.name_suffixes(text)
  TO oxkair_migrator;

-- ┌──────────────────────────────────────────────────────────────────────────┐
-- │ What they write: new words and suffixes of the loaded names, nothing else│
-- └──────────────────────────────────────────────────────────────────────────┘
-- ON CONFLICT (…) DO NOTHING needs SELECT on the arbiter columns, and an INSERT that needs
-- SELECT must also pass the SELECT policies: both are opened to the migrator (names of
-- institutions only, no user data).
CREATE POLICY "The data migration adds the words of the institutions it loads" ON app.institution_words
  FOR INSERT TO oxkair_migrator WITH CHECK (true);
CREATE POLICY "The data migration sees the words it adds" ON app.institution_words
  FOR SELECT TO oxkair_migrator USING (true);
GRANT INSERT, SELECT (word) ON app.institution_words TO oxkair_migrator;

CREATE POLICY "The data migration adds the suffixes of the institutions it loads"
  ON app.institution_suffixes
  FOR INSERT TO oxkair_migrator WITH CHECK (true);
CREATE POLICY "The data migration sees the suffixes it adds" ON app.institution_suffixes
  FOR SELECT TO oxkair_migrator USING (true);
GRANT INSERT, SELECT (suffix, institution_id) ON app.institution_suffixes TO oxkair_migrator;
