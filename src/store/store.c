/* store — the round file (see include/simsa/store.h): connections, pragmas,
 * transactions with retry, creating, opening and migrating a round, who may
 * read one; the helpers every store_*.c file shares. The only SQL in simsa
 * lives in src/store/. */
#include "simsa/store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>

#include "simsa/util.h"
#include "store_internal.h"

#define APPLICATION_ID 0x53494d53 /* "SIMS" */
#define BUSY_TIMEOUT_MS 5000      /* per SQLite wait */
#define BEGIN_DEADLINE_S 120      /* total wait for the write lock */

int sq_db_err(struct store *st, struct simsa_err *err, const char *what)
{
	int code = sqlite3_extended_errcode(st->db) & 0xff;

	if (st->stopped && code == SQLITE_INTERRUPT)
		return err_set(err,
			       "%s: %s: stopped after %ld steps of the database engine: no query "
			       "simsa makes needs that many, so the file is not one simsa wrote",
			       st->path, what, st->max_steps);

	/* a full disk (or a file that may not grow) must read as what it is */
	if (code == SQLITE_FULL || code == SQLITE_IOERR)
		return err_set(err,
			       "%s: %s: %s (the disk is full or cannot be written: nothing of "
			       "this step was saved; make room and try again)",
			       st->path, what, sqlite3_errmsg(st->db));
	return err_set(err, "%s: %s: %s", st->path, what, sqlite3_errmsg(st->db));
}

/* SQLite's automatic checkpoint runs right after a commit, and its error
 * (a full disk, say) would come back from that COMMIT although the
 * transaction is durable in the WAL: the caller would report as lost a
 * ballot that was cast. This hook checkpoints at the same size (1000
 * pages) and keeps the checkpoint's failure to itself; the next commit
 * tries again, and the WAL holds everything meanwhile. */
static int wal_hook(void *arg, sqlite3 *db, const char *name, int pages)
{
	(void)arg;
	if (pages >= 1000)
		(void)sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	return SQLITE_OK;
}

int sq_exec(struct store *st, const char *sql, struct simsa_err *err)
{
	char *msg = NULL;

	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		err_set(err, "%s: %s", st->path, msg ? msg : sqlite3_errmsg(st->db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

int sq_prepare(struct store *st, const char *sql, sqlite3_stmt **stmt, struct simsa_err *err)
{
	if (sqlite3_prepare_v2(st->db, sql, -1, stmt, NULL) != SQLITE_OK)
		return sq_db_err(st, err, "prepare");
	return 0;
}

/* Runs a prepared statement that returns no rows, then finalizes it. */
int sq_step_done(struct store *st, sqlite3_stmt *stmt, const char *what, struct simsa_err *err)
{
	int rc = sqlite3_step(stmt);

	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return sq_db_err(st, err, what);
	return 0;
}

void sq_bind_opt(sqlite3_stmt *stmt, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(stmt, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(stmt, i);
}

long sq_pragma_int(struct store *st, const char *sql)
{
	sqlite3_stmt *stmt;
	long v = -1;

	if (sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(stmt) == SQLITE_ROW)
		v = (long)sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return v;
}

static int connect(const char *path, int flags, struct store **out, struct simsa_err *err)
{
	struct store *st = calloc(1, sizeof *st);

	if (!st)
		return err_set(err, "out of memory");
	st->path = strdup(path);
	if (!st->path) {
		free(st);
		return err_set(err, "out of memory");
	}
	if (sqlite3_open_v2(path, &st->db, flags, NULL) != SQLITE_OK) {
		err_set(err, "%s: cannot open: %s", path,
			st->db ? sqlite3_errmsg(st->db) : "out of memory");
		store_close(&st);
		return -1;
	}
	sqlite3_extended_result_codes(st->db, 1);
	sqlite3_busy_timeout(st->db, BUSY_TIMEOUT_MS);
	sqlite3_wal_hook(st->db, wal_hook, NULL);
	*out = st;
	return 0;
}

/* Settings for a file known to be ours. WAL is kept in the file; the others
 * hold per connection. */
static int configure(struct store *st, struct simsa_err *err)
{
	return sq_exec(st,
		       "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL; "
		       "PRAGMA journal_mode = WAL;",
		       err);
}

void store_close(struct store **stp)
{
	struct store *st = *stp;

	if (!st)
		return;
	if (st->in_tx)
		store_rollback(st);
	sqlite3_close_v2(st->db);
	free(st->path);
	free(st);
	*stp = NULL;
}

int store_begin(struct store *st, struct simsa_err *err)
{
	time_t start = time(NULL);

	/* The busy handler waits inside each attempt; SQLite can still report
	 * BUSY at once in some WAL situations, so keep trying until the
	 * deadline rather than pass "database is locked" to a person. */
	for (;;) {
		int rc = sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);

		if (rc == SQLITE_OK) {
			st->in_tx = true;
			return 0;
		}
		if ((rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED)
			return sq_db_err(st, err, "cannot start a transaction");
		if (time(NULL) - start > BEGIN_DEADLINE_S)
			return err_set(err,
				       "%s: another process has held the round "
				       "file for over %d seconds; try again",
				       st->path, BEGIN_DEADLINE_S);
		sqlite3_sleep(1 + (int)randombytes_uniform(20));
	}
}

/* SQLite's busy timeout sleeps longer and longer between tries (up to
 * 100 ms), so a process that has waited a while seldom looks, while one
 * that has just committed (a rater casting again) takes the lock back at
 * once: with 16 raters casting without a pause, a close waited seconds for
 * its turn while thousands of ballots went in. While it waits,
 * store_begin_eager looks again after a short random pause (0.1 to 1 ms)
 * instead; only the one process that waits so spends the CPU on it. After
 * BUSY_TIMEOUT_MS of one wait SQLite reports the lock busy, and
 * store_begin tries again until its deadline. */
static int eager_wait(void *arg, int tries)
{
	struct store *st = arg;
	double now = mono_seconds();
	struct timespec pause = { 0, 100000 + (long)randombytes_uniform(900000) };

	if (tries == 0)
		st->busy_since = now;
	if ((now - st->busy_since) * 1000 >= BUSY_TIMEOUT_MS)
		return 0;
	nanosleep(&pause, NULL);
	return 1;
}

int store_begin_eager(struct store *st, struct simsa_err *err)
{
	int rc;

	sqlite3_busy_handler(st->db, eager_wait, st);
	rc = store_begin(st, err);
	sqlite3_busy_timeout(st->db, BUSY_TIMEOUT_MS); /* for what follows */
	return rc;
}

int store_commit(struct store *st, struct simsa_err *err)
{
	int rc;

	/* With the write lock held (BEGIN IMMEDIATE) COMMIT can only be busy
	 * while readers block a checkpoint; the busy handler covers that. */
	rc = sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		sq_db_err(st, err, "cannot commit");
		store_rollback(st);
		return -1;
	}
	st->in_tx = false;
	return 0;
}

void store_rollback(struct store *st)
{
	if (!sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	st->in_tx = false;
}

int sq_read_version(struct store *st, long *v, struct simsa_err *err)
{
	sqlite3_stmt *stmt;
	int rc;

	if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &stmt, NULL) != SQLITE_OK)
		return sq_db_err(st, err, "cannot read schema version");
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*v = (long)sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW)
		return sq_db_err(st, err, "cannot read schema version");
	if (*v < 0)
		return err_set(err, "%s: schema version %ld is not one simsa knows", st->path, *v);
	return 0;
}

/* Brings the file up to STORE_SCHEMA_VERSION, one migration per
 * transaction, re-reading the version under the write lock so two
 * processes opening an old file at once migrate it once. */
static int migrate(struct store *st, struct simsa_err *err)
{
	for (;;) {
		long v;

		if (sq_read_version(st, &v, err) < 0)
			return -1;
		if (v > STORE_SCHEMA_VERSION)
			return err_set(err,
				       "%s: schema version %ld is newer than this "
				       "simsa understands (%d); upgrade simsa",
				       st->path, v, STORE_SCHEMA_VERSION);
		if (v == STORE_SCHEMA_VERSION)
			return 0;
		if (store_begin(st, err) < 0)
			return -1;
		if (sq_read_version(st, &v, err) < 0) {
			store_rollback(st);
			return -1;
		}
		if (v < STORE_SCHEMA_VERSION) {
			char set[64];

			snprintf(set, sizeof set, "PRAGMA user_version = %ld", v + 1);
			if (sq_exec(st, store_migrations[v], err) < 0 ||
			    sq_exec(st, set, err) < 0) {
				store_rollback(st);
				return err_prefix(err, "migration to schema %ld", v + 1);
			}
		}
		if (store_commit(st, err) < 0)
			return -1;
	}
}

int sq_migrate(struct store *st, struct simsa_err *err)
{
	return migrate(st, err);
}

int store_create(const char *path, const char *title, struct store **out, struct simsa_err *err)
{
	struct store *st = NULL;
	unsigned char rid[16];
	char rid_hex[33], now[32], sql[64];
	sqlite3_stmt *stmt;
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0)
		return err_set(err, "%s: cannot create: %s", path, strerror(errno));
	if (fchmod(fd, 0600) < 0) { /* whatever the umask */
		err_set(err, "%s: cannot set its mode: %s", path, strerror(errno));
		close(fd);
		goto fail_unlink;
	}
	close(fd);
	if (connect(path, SQLITE_OPEN_READWRITE, &st, err) < 0)
		goto fail_unlink;
	snprintf(sql, sizeof sql, "PRAGMA application_id = %d", APPLICATION_ID);
	if (sq_exec(st, sql, err) < 0 || configure(st, err) < 0 || migrate(st, err) < 0)
		goto fail;
	randombytes_buf(rid, sizeof rid);
	hex_encode(rid, sizeof rid, rid_hex);
	time_now_utc(now);
	if (store_begin(st, err) < 0)
		goto fail;
	if (sq_prepare(st,
		       "INSERT INTO round (one, round_id, title, created_at) "
		       "VALUES (1, ?, ?, ?)",
		       &stmt, err) < 0)
		goto fail;
	sqlite3_bind_text(stmt, 1, rid_hex, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 2, title, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 3, now, -1, SQLITE_TRANSIENT);
	if (sq_step_done(st, stmt, "cannot create the round", err) < 0 || store_commit(st, err) < 0)
		goto fail;
	*out = st;
	return 0;
fail:
	store_close(&st);
fail_unlink:
	unlink(path);
	return -1;
}

int store_open(const char *path, struct store **out, struct simsa_err *err)
{
	struct store *st = NULL;
	long app;

	if (access(path, F_OK) != 0)
		return err_set(err, "%s: no such round file", path);
	if (connect(path, SQLITE_OPEN_READWRITE, &st, err) < 0)
		return -1;
	app = sq_pragma_int(st, "PRAGMA application_id");
	if (app != APPLICATION_ID) {
		if (app < 0 && (sqlite3_errcode(st->db) & 0xff) != SQLITE_NOTADB)
			sq_db_err(st, err, "cannot read");
		else
			err_set(err, "%s: not a simsa round file", path);
		store_close(&st);
		return -1;
	}
	if (configure(st, err) < 0 || migrate(st, err) < 0) {
		store_close(&st);
		return -1;
	}
	sq_warn_exposure(st);
	*out = st;
	return 0;
}

static void (*exposure_warning)(const char *msg);

void store_set_exposure_warning(void (*fn)(const char *msg))
{
	exposure_warning = fn;
}

int store_exposure(const char *path, char *msg, size_t cap)
{
	struct stat sb;

	if (stat(path, &sb) < 0 || !S_ISREG(sb.st_mode) || !(sb.st_mode & 007))
		return 0;
	snprintf(msg, cap,
		 "%s: others can %s this round file (mode %04o); chmod 600 it, or 660 for "
		 "a group (simsa init --group)",
		 path, sb.st_mode & 002 ? "read or write" : "read", (unsigned)(sb.st_mode & 07777));
	return (int)(sb.st_mode & 07777);
}

void sq_warn_exposure(struct store *st)
{
	char msg[4200];

	if (!exposure_warning || !store_exposure(st->path, msg, sizeof msg))
		return;
	/* a closed round is public (its bundle is published): nothing to hide */
	if (sq_pragma_int(st, "SELECT state = 'closed' FROM round") == 1)
		return;
	exposure_warning(msg);
}

int sq_step_row(struct store *st, sqlite3_stmt *stmt, int64_t *row, struct simsa_err *err)
{
	int rc = sqlite3_step(stmt);

	if (rc == SQLITE_ROW && row)
		*row = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return sq_db_err(st, err, "lookup");
}

int sq_find_row(struct store *st, const char *sql, const char *key, int64_t *row,
		struct simsa_err *err)
{
	sqlite3_stmt *stmt;

	if (sq_prepare(st, sql, &stmt, err) < 0)
		return -1;
	sqlite3_bind_text(stmt, 1, key, -1, SQLITE_TRANSIENT);
	return sq_step_row(st, stmt, row, err);
}

char *sq_dup_col(sqlite3_stmt *stmt, int i, bool *oom)
{
	const unsigned char *s = sqlite3_column_text(stmt, i);
	size_t n = (size_t)sqlite3_column_bytes(stmt, i);
	char *copy;

	if (!s)
		return NULL;
	copy = malloc(n + 1);
	if (!copy) {
		*oom = true;
		return NULL;
	}
	memcpy(copy, s, n);
	copy[n] = '\0';
	return copy;
}
