/* store_schema — the round file's schema, as migrations (see store.h). */
#include "store_internal.h"

/* Migration i takes a file from user_version i to i + 1. Never edit one that
 * has shipped: add the next. */
const char *const store_migrations[] = {
	/* 0 -> 1: the round, its rubrics and inputs, frozen once open. */
	"CREATE TABLE round ("
	"  one INTEGER PRIMARY KEY CHECK (one = 1),"
	"  round_id TEXT NOT NULL,"
	"  title TEXT NOT NULL,"
	"  state TEXT NOT NULL DEFAULT 'draft' CHECK (state IN ('draft','open','closed')),"
	"  created_at TEXT NOT NULL);"
	"CREATE TABLE rubric ("
	"  component TEXT PRIMARY KEY CHECK (component IN ('expert','user')),"
	"  source TEXT NOT NULL,"
	"  text TEXT NOT NULL,"
	"  hash BLOB NOT NULL CHECK (length(hash) = 32));"
	"CREATE TABLE entrant ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  team TEXT, model TEXT, endpoint TEXT, api_key_env TEXT,"
	"  params TEXT, system TEXT, aliases TEXT);"
	"CREATE TABLE prompt ("
	"  id INTEGER PRIMARY KEY,"
	"  ext_id TEXT NOT NULL UNIQUE,"
	"  category TEXT NOT NULL,"
	"  prompt TEXT NOT NULL,"
	"  system TEXT, reference TEXT);"
	"CREATE TABLE output ("
	"  id INTEGER PRIMARY KEY,"
	"  prompt_id INTEGER NOT NULL REFERENCES prompt(id),"
	"  entrant_id INTEGER NOT NULL REFERENCES entrant(id),"
	"  text TEXT NOT NULL,"
	"  hash BLOB NOT NULL CHECK (length(hash) = 32),"
	"  origin TEXT NOT NULL CHECK (origin IN ('import','generate')),"
	"  created_at TEXT NOT NULL,"
	"  UNIQUE (prompt_id, entrant_id));"
	"CREATE INDEX output_entrant ON output(entrant_id);"
	"CREATE TABLE import_log ("
	"  id INTEGER PRIMARY KEY,"
	"  at TEXT NOT NULL, kind TEXT NOT NULL, path TEXT NOT NULL,"
	"  file_hash BLOB NOT NULL, records INTEGER NOT NULL);"
	/* The file itself refuses changes to the inputs once the round is open,
	 * whoever writes to it. */
	"CREATE TRIGGER freeze_rubric_i BEFORE INSERT ON rubric WHEN (SELECT state FROM round) <> 'draft'"
	"  BEGIN SELECT RAISE(ABORT, 'round is open: its inputs are frozen'); END;"
	"CREATE TRIGGER freeze_rubric_u BEFORE UPDATE ON rubric WHEN (SELECT state FROM round) <> 'draft'"
	"  BEGIN SELECT RAISE(ABORT, 'round is open: its inputs are frozen'); END;"
	"CREATE TRIGGER freeze_rubric_d BEFORE DELETE ON rubric WHEN (SELECT state FROM round) <> 'draft'"
	"  BEGIN SELECT RAISE(ABORT, 'round is open: its inputs are frozen'); END;"
	"CREATE TRIGGER freeze_entrant_i BEFORE INSERT ON entrant WHEN (SELECT state FROM round) <> 'draft'"
	"  BEGIN SELECT RAISE(ABORT, 'round is open: its inputs are frozen'); END;"
	"CREATE TRIGGER freeze_entrant_u BEFORE UPDATE ON entrant WHEN (SELECT state FROM round) <> 'draft'"
	"  BEGIN SELECT RAISE(ABORT, 'round is open: its inputs are frozen'); END;"
	"CREATE TRIGGER freeze_entrant_d BEFORE DELETE ON entrant WHEN (SELECT state FROM round) <> 'draft'"
	"  BEGIN SELECT RAISE(ABORT, 'round is open: its inputs are frozen'); END;"
	"CREATE TRIGGER freeze_prompt_i BEFORE INSERT ON prompt WHEN (SELECT state FROM round) <> 'draft'"
	"  BEGIN SELECT RAISE(ABORT, 'round is open: its inputs are frozen'); END;"
	"CREATE TRIGGER freeze_prompt_u BEFORE UPDATE ON prompt WHEN (SELECT state FROM round) <> 'draft'"
	"  BEGIN SELECT RAISE(ABORT, 'round is open: its inputs are frozen'); END;"
	"CREATE TRIGGER freeze_prompt_d BEFORE DELETE ON prompt WHEN (SELECT state FROM round) <> 'draft'"
	"  BEGIN SELECT RAISE(ABORT, 'round is open: its inputs are frozen'); END;"
	"CREATE TRIGGER freeze_output_i BEFORE INSERT ON output WHEN (SELECT state FROM round) <> 'draft'"
	"  BEGIN SELECT RAISE(ABORT, 'round is open: its inputs are frozen'); END;"
	"CREATE TRIGGER freeze_output_u BEFORE UPDATE ON output WHEN (SELECT state FROM round) <> 'draft'"
	"  BEGIN SELECT RAISE(ABORT, 'round is open: its inputs are frozen'); END;"
	"CREATE TRIGGER freeze_output_d BEFORE DELETE ON output WHEN (SELECT state FROM round) <> 'draft'"
	"  BEGIN SELECT RAISE(ABORT, 'round is open: its inputs are frozen'); END;"
	/* A round only moves forward: draft -> open -> closed. */
	"CREATE TRIGGER round_forward BEFORE UPDATE OF state ON round"
	"  WHEN NOT ((OLD.state = 'draft' AND NEW.state = 'open') OR"
	"            (OLD.state = 'open' AND NEW.state = 'closed') OR OLD.state = NEW.state)"
	"  BEGIN SELECT RAISE(ABORT, 'a round cannot go back to an earlier state'); END;"
	"CREATE TRIGGER round_keep BEFORE DELETE ON round"
	"  BEGIN SELECT RAISE(ABORT, 'the round record cannot be deleted'); END;",
};

const size_t store_n_migrations = sizeof store_migrations / sizeof store_migrations[0];

_Static_assert(sizeof store_migrations / sizeof store_migrations[0] == STORE_SCHEMA_VERSION,
	       "one migration per schema version");
