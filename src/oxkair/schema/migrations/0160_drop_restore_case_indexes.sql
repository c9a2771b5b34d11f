-- Since 0150 `migrate run` builds the suspended indexes one by one, side by side
-- (migration.restore_case_index); 0140's restore_case_indexes(), which built them all in one
-- call, is called by nothing. An owner function nobody calls is privilege nobody needs: dropped.
DROP FUNCTION migration.restore_case_indexes();
