/* store_readonly — opening a round file or a bundle for reading only
 * (store_open_read in include/simsa/store.h; docs/round-file.md,
 * "Reading"). Nothing here writes to the file or beside it. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "simsa/err.h"
#include "store_internal.h"

#define APPLICATION_ID 0x53494d53 /* "SIMS", as store.c */
#define BUSY_TIMEOUT_MS 5000
/* The most VM steps one statement may take: a few seconds of work, far
 * more than the readers' queries need. Only a hostile file should come near
 * it, and the schema check refuses those first; this is the backstop. */
#define MAX_STEPS 200000000L
#define PROGRESS_EVERY 10000 /* VM steps between two looks */

enum journal { JOURNAL_ROLLBACK = 1, JOURNAL_WAL = 2 };

/* The journal mode from the file's header, read before SQLite opens it:
 * bytes 18 and 19 (write and read version) are 1 for a rollback journal
 * and 2 for WAL. */
static int read_header(const char *path, int *mode, struct simsa_err *err)
{
	unsigned char h[100];
	struct stat sb;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0 && errno == ENOENT)
		return err_set(err, "%s: no such round file", path);
	if (fd < 0)
		return err_set(err, "%s: cannot open: %s", path, strerror(errno));
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return err_set(err, "%s: not a simsa round file (not a regular file)", path);
	}
	n = read(fd, h, sizeof h);
	close(fd);
	if (n != (ssize_t)sizeof h || memcmp(h, "SQLite format 3", 16) != 0)
		return err_set(err, "%s: not a simsa round file", path);
	if (h[18] != h[19] || (h[18] != JOURNAL_ROLLBACK && h[18] != JOURNAL_WAL))
		return err_set(err,
			       "%s: not a simsa round file (its header names journal format %u/%u, "
			       "neither a bundle's rollback journal nor a round's WAL)",
			       path, h[18], h[19]);
	*mode = h[18];
	return 0;
}

/* "file:PATH?query", every byte of PATH but letters, digits and /-._~
 * percent-encoded, so no ? or # in a name becomes a parameter. */
static char *file_uri(const char *path, const char *query)
{
	size_t n = strlen(path);
	char *u = malloc(16 + 3 * n + strlen(query)), *p = u;

	if (!u)
		return NULL;
	p += sprintf(p, "file:%s", path[0] == '/' ? "//" : "");
	for (const unsigned char *s = (const unsigned char *)path; *s; s++) {
		if (isalnum(*s) || strchr("/-._~", *s))
			*p++ = (char)*s;
		else
			p += sprintf(p, "%%%02X", *s);
	}
	strcpy(p, query);
	return u;
}

/* The step bound: SQLite calls progress() every st->every VM steps and
 * trace() when a statement starts; a statement that runs past
 * st->max_steps steps with none other starting meanwhile is stopped.
 * (SQLite's own per-statement step count is updated only when a step
 * returns, too late for a step that never does.) */
static int trace(unsigned type, void *arg, void *p, void *x)
{
	struct store *st = arg;

	(void)type;
	(void)p;
	(void)x;
	st->ticks = 0;
	return 0;
}

static int progress(void *arg)
{
	struct store *st = arg;

	if (++st->ticks * st->every > st->max_steps) {
		st->stopped = true;
		return 1;
	}
	return 0;
}

static void bound_steps(struct store *st)
{
	st->every = st->max_steps < PROGRESS_EVERY ? (int)st->max_steps : PROGRESS_EVERY;
	st->ticks = 0;
	sqlite3_progress_handler(st->db, st->every, progress, st);
	sqlite3_trace_v2(st->db, SQLITE_TRACE_STMT, trace, st);
}

/* What every reading connection runs with: defensive (no writable_schema,
 * no shadow-table writes), no trusted schema (no function with side effects
 * from the file's SQL), no views, and the step bound. */
static int harden(struct store *st, struct simsa_err *err)
{
	sqlite3_extended_result_codes(st->db, 1);
	sqlite3_busy_timeout(st->db, BUSY_TIMEOUT_MS);
	if (sqlite3_db_config(st->db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)0) != SQLITE_OK ||
	    sqlite3_db_config(st->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, (int *)0) != SQLITE_OK ||
	    sqlite3_db_config(st->db, SQLITE_DBCONFIG_ENABLE_VIEW, 0, (int *)0) != SQLITE_OK)
		return sq_db_err(st, err, "cannot configure the connection");
	bound_steps(st);
	return 0;
}

static int open_db(struct store *st, bool immutable, struct simsa_err *err)
{
	char *uri = file_uri(st->path, immutable ? "?mode=ro&immutable=1" : "?mode=ro");
	int rc;

	if (!uri)
		return err_set(err, "out of memory");
	rc = sqlite3_open_v2(uri, &st->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
	free(uri);
	if (rc != SQLITE_OK) {
		err_set(err, "%s: cannot open: %s", st->path,
			st->db ? sqlite3_errmsg(st->db) : "out of memory");
		sqlite3_close_v2(st->db);
		st->db = NULL;
		return -1;
	}
	return harden(st, err);
}

static bool beside(const char *path, const char *suffix)
{
	char p[4096];

	snprintf(p, sizeof p, "%s%s", path, suffix);
	return access(p, F_OK) == 0;
}

/* ---- the exact check of the schema objects ---- */

struct obj {
	char *type, *name, *tbl, *sql;
};

struct objs {
	struct obj *v;
	size_t n;
};

static void objs_free(struct objs *o)
{
	for (size_t i = 0; i < o->n; i++) {
		free(o->v[i].type);
		free(o->v[i].name);
		free(o->v[i].tbl);
		free(o->v[i].sql);
	}
	free(o->v);
	o->v = NULL;
	o->n = 0;
}

/* Every row of sqlite_schema (which a file cannot replace: it is the
 * table SQLite itself reads the schema from). An SQLite result code. */
static int load_objs(sqlite3 *db, struct objs *o)
{
	sqlite3_stmt *s;
	int rc = sqlite3_prepare_v2(db, "SELECT type, name, tbl_name, sql FROM sqlite_schema", -1,
				    &s, NULL);

	if (rc != SQLITE_OK)
		return rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct obj *v = realloc(o->v, (o->n + 1) * sizeof *v), *x;
		bool oom = false;

		if (!v) {
			rc = SQLITE_NOMEM;
			break;
		}
		o->v = v;
		x = &v[o->n++];
		x->type = sq_dup_col(s, 0, &oom);
		x->name = sq_dup_col(s, 1, &oom);
		x->tbl = sq_dup_col(s, 2, &oom);
		x->sql = sq_dup_col(s, 3, &oom);
		if (oom || !x->type || !x->name) {
			rc = oom ? SQLITE_NOMEM : SQLITE_CORRUPT;
			break;
		}
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* sqlite_schema as simsa's own migrations 1..version leave it. */
static int expected_objs(long version, struct objs *o, struct simsa_err *err)
{
	sqlite3 *m = NULL;
	int rc = sqlite3_open_v2(":memory:", &m, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);

	for (long i = 0; rc == SQLITE_OK && i < version; i++)
		rc = sqlite3_exec(m, store_migrations[i], NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = load_objs(m, o);
	if (rc != SQLITE_OK)
		err_set(err, "cannot build simsa's schema %ld: %s", version,
			m ? sqlite3_errmsg(m) : "out of memory");
	sqlite3_close(m);
	return rc == SQLITE_OK ? 0 : -1;
}

static bool same(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

static const struct obj *find(const struct objs *o, const struct obj *x)
{
	for (size_t i = 0; i < o->n; i++)
		if (strcmp(o->v[i].type, x->type) == 0 && strcmp(o->v[i].name, x->name) == 0)
			return &o->v[i];
	return NULL;
}

static int check_schema(struct store *st, long version, struct simsa_err *err)
{
	struct objs have = { 0 }, want = { 0 };
	int rc = load_objs(st->db, &have);

	if (rc != SQLITE_OK) {
		objs_free(&have);
		if (rc == SQLITE_NOMEM)
			return err_set(err, "out of memory");
		return sq_db_err(st, err, "cannot read the schema");
	}
	rc = expected_objs(version, &want, err);
	for (size_t i = 0; rc == 0 && i < have.n; i++) {
		const struct obj *h = &have.v[i], *w = find(&want, h);

		if (!w)
			rc = err_set(err, "%s: unexpected %s '%s' (not in simsa's schema %ld)",
				     st->path, h->type, h->name, version);
		else if (!same(h->tbl, w->tbl) || !same(h->sql, w->sql))
			rc = err_set(err, "%s: %s '%s' differs from simsa's schema %ld", st->path,
				     h->type, h->name, version);
	}
	for (size_t i = 0; rc == 0 && i < want.n; i++)
		if (!find(&have, &want.v[i]))
			rc = err_set(err, "%s: %s '%s' is missing (simsa's schema %ld has it)",
				     st->path, want.v[i].type, want.v[i].name, version);
	objs_free(&have);
	objs_free(&want);
	return rc;
}

/* Copies the checked file into memory and upgrades the copy; the
 * connection to the file is closed, the file never written. */
static int upgrade_in_memory(struct store *st, struct simsa_err *err)
{
	sqlite3 *file = st->db;
	sqlite3_backup *bk;
	int rc;

	st->db = NULL;
	if (sqlite3_open_v2(":memory:", &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
			    NULL) != SQLITE_OK) {
		sqlite3_close_v2(file);
		return err_set(err, "out of memory");
	}
	if (harden(st, err) < 0) {
		sqlite3_close_v2(file);
		return -1;
	}
	bk = sqlite3_backup_init(st->db, "main", file, "main");
	rc = bk ? sqlite3_backup_step(bk, -1) : SQLITE_ERROR;
	if (bk)
		sqlite3_backup_finish(bk);
	if (rc != SQLITE_DONE) {
		err_set(err, "%s: cannot copy the file into memory: %s", st->path,
			bk ? sqlite3_errstr(rc) : sqlite3_errmsg(st->db));
		sqlite3_close_v2(file);
		return -1;
	}
	sqlite3_close_v2(file);
	return sq_migrate(st, err);
}

int store_open_read(const char *path, struct store **out, struct simsa_err *err)
{
	struct store *st;
	int mode;
	long app, v = 0;
	const char *how;

	if (read_header(path, &mode, err) < 0)
		return -1;
	st = calloc(1, sizeof *st);
	if (!st || !(st->path = strdup(path))) {
		free(st);
		return err_set(err, "out of memory");
	}
	st->reader = true;
	st->max_steps = MAX_STEPS;
	how = mode == JOURNAL_ROLLBACK
		      ? "a bundle: immutable (no -wal, -shm or -journal read or made)"
		      : "a working round file with its WAL (read-only)";
	if (open_db(st, mode == JOURNAL_ROLLBACK, err) < 0)
		goto fail;
	app = sq_pragma_int(st, "PRAGMA application_id");
	if (app < 0 && mode == JOURNAL_WAL && !beside(path, "-wal") && !beside(path, "-shm")) {
		/* WAL needs a -shm it could not make: a read-only directory */
		sqlite3_close_v2(st->db);
		st->db = NULL;
		if (open_db(st, true, err) < 0)
			goto fail;
		how = "a working round file, immutable (its directory is read-only and no "
		      "-wal or -shm is beside it)";
		app = sq_pragma_int(st, "PRAGMA application_id");
	}
	if (app != APPLICATION_ID) {
		if (app < 0 && (sqlite3_errcode(st->db) & 0xff) != SQLITE_NOTADB)
			sq_db_err(st, err, "cannot read");
		else
			err_set(err, "%s: not a simsa round file", path);
		goto fail;
	}
	if (sq_read_version(st, &v, err) < 0) /* a negative one is refused there */
		goto fail;
	if (v > STORE_SCHEMA_VERSION) {
		err_set(err,
			"%s: schema version %ld is newer than this simsa understands (%d); "
			"upgrade simsa",
			path, v, STORE_SCHEMA_VERSION);
		goto fail;
	}
	st->file_version = (int)v;
	if (check_schema(st, v, err) < 0)
		goto fail;
	if (v < STORE_SCHEMA_VERSION) {
		if (upgrade_in_memory(st, err) < 0)
			goto fail;
		snprintf(st->read_as, sizeof st->read_as,
			 "%s; schema %ld upgraded in memory, the file left at %ld", how, v, v);
	} else {
		snprintf(st->read_as, sizeof st->read_as, "%s", how);
	}
	sq_warn_exposure(st);
	*out = st;
	return 0;
fail:
	store_close(&st);
	return -1;
}

const char *store_read_as(const struct store *st)
{
	return st->reader ? st->read_as : NULL;
}

void store_set_step_limit(struct store *st, long steps)
{
	st->max_steps = steps > 0 ? steps : 1;
	bound_steps(st);
}
