/* generate — asking each entrant's OpenAI-compatible endpoint for the
 * outputs a draft round still lacks (`simsa outputs generate`), and freezing
 * what comes back. Details: docs/generate.md.
 *
 * One thread drives every transfer through libcurl's multi interface, with
 * a limit overall and one per entrant. Each (prompt, entrant) pair without an
 * output gets one POST {endpoint}/chat/completions; the pairs are read from
 * the round a few at a time, so memory does not grow with their number.
 * Every answer is stored as it arrives, in its own transaction, through the
 * same path as an import (store_add_output, origin "generate"), so an
 * interrupted run loses nothing it received and a rerun asks only for what
 * is still missing. Failed requests are logged in the round; they are asked
 * again only with retry_failed.
 *
 * API keys are read from the environment variable each entrant names, sent
 * only in the Authorization header, and never written anywhere: not in the
 * round, nor in messages (server messages are scrubbed of them).
 *
 * The helpers after gen_run are pure and exist for it and its tests. */
#ifndef SIMSA_GENERATE_H
#define SIMSA_GENERATE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "simsa/err.h"
#include "simsa/store.h"

#define GEN_MAX_GROUPS 32  /* distinct failure reasons kept in a summary */
#define GEN_MAX_EXAMPLES 5 /* "entrant/prompt" examples kept per reason */

struct gen_progress;

struct gen_options {
	const char *entrant; /* only this entrant; NULL: all with an endpoint */
	int concurrency;     /* transfers at once, overall */
	int per_entrant;     /* requests outstanding per entrant; 0: min(concurrency, 8) */
	int max_attempts;    /* per pair and run, retries included */
	bool retry_failed;   /* ask again for pairs whose last request failed */
	long connect_timeout_s;
	long timeout_s;        /* whole transfer */
	long low_speed_bytes;  /* abort below this many bytes/s ... */
	long low_speed_time_s; /* ... sustained for this long */
	size_t max_response;   /* bytes of response body; more aborts the transfer */
	long backoff_ms;       /* first retry delay; doubles, with jitter */
	long backoff_max_ms;
	long retry_after_max_s; /* a server's Retry-After is clamped to this */
	const char *cacert;     /* extra CA certificates (PEM file), or NULL */
	/* Called about every progress_ms while running, and once at the end. */
	void (*progress)(void *ctx, const struct gen_progress *p);
	void *ctx;
	long progress_ms;
	volatile sig_atomic_t *stop; /* when non-zero: stop at once (Ctrl-C) */
};

/* The defaults: concurrency 16, 4 attempts, connect 10 s, transfer 600 s,
 * below 1 byte/s for 300 s, 8 MiB, backoff 500 ms to 30 s, Retry-After
 * clamped to 120 s, progress every 200 ms. */
void gen_options_default(struct gen_options *o);

struct gen_entrant_progress {
	const char *name;
	bool has_endpoint;
	long total; /* pairs to ask this run */
	long done, failed, truncated, inflight;
	long skipped_failed; /* failed before; not asked (no retry_failed) */
	long missing;        /* entrants without endpoint: outputs lacking */
};

struct gen_progress {
	long total, done, failed, truncated, inflight, waiting;
	long requests; /* HTTP requests sent, retries included */
	double elapsed_s;
	const struct gen_entrant_progress *entrants;
	size_t n_entrants;
};

/* Failures of one reason ("HTTP 500", "timeout", ...), or the outputs
 * stored although they stopped for length. */
struct gen_group {
	char reason[64];
	char detail[256]; /* the first one's details, scrubbed */
	long count;
	size_t n_examples;
	char examples[GEN_MAX_EXAMPLES][272]; /* "entrant / prompt-id" */
};

struct gen_summary {
	struct gen_progress totals;
	long skipped_failed; /* sum over entrants */
	long raced;          /* got an output from elsewhere meanwhile */
	bool interrupted;
	struct gen_group groups[GEN_MAX_GROUPS];
	size_t n_groups;
	long ungrouped; /* failures beyond GEN_MAX_GROUPS reasons */
	struct gen_group truncated;
	struct gen_entrant_progress *entrants; /* malloc'd; names owned too */
	size_t n_entrants;
};

/* Runs a generation. Returns 0 when it ran (read the summary: some pairs
 * may have failed, or it may have been interrupted), -1 when it could not
 * start or the round could not be written (err says why; the summary still
 * counts what was stored). Release the summary in both cases. */
int gen_run(struct store *st, const struct gen_options *o, struct gen_summary *s,
	    struct simsa_err *err) __attribute__((warn_unused_result));
void gen_summary_release(struct gen_summary *s);

/* ---- pure helpers ---- */

/* The request body for one prompt: {"model", "messages": [system?, user],
 * ...the entrant's params}; the system text is the prompt's, else the
 * entrant's. *params_json is the body without its messages (what is stored
 * with the output). Both malloc'd. params may name "model" (overriding the
 * entrant's) but not "messages" or "stream". */
int gen_build_request(const char *model, const char *params_json, const char *entrant_system,
		      const char *prompt, size_t prompt_len, const char *prompt_system, char **body,
		      size_t *body_len, char **params_json_out, struct simsa_err *err)
	__attribute__((warn_unused_result));

struct gen_reply {
	char *text; /* choices[0].message.content, malloc'd */
	size_t len;
	char *finish_reason; /* or NULL */
	char *usage_json;    /* compact, or NULL */
};

/* Parses a chat completion. Returns NULL and fills r (release with
 * gen_reply_release), or the reason it is refused ("not JSON", "no
 * choices", "empty message", "output over 1 MiB") with details in detail. */
const char *gen_parse_reply(const char *body, size_t len, struct gen_reply *r, char *detail,
			    size_t cap);
void gen_reply_release(struct gen_reply *r);

/* The message of an error response ({"error": {"message"}} or
 * {"message"} or {"detail"}), cleaned by gen_clean_text; "" if none. */
void gen_error_message(const char *body, size_t len, const char *secret, char *out, size_t cap);

/* A Retry-After value (delay seconds, or an HTTP date measured from now),
 * clamped to [0, max_s]; -1 when it is neither. */
long gen_retry_after(const char *value, time_t now, long max_s);

/* The delay before retry number `retry` (1 = first retry): base doubled
 * each time up to max, then a random value in its upper half. */
long gen_backoff_ms(int retry, long base_ms, long max_ms);

/* Refuses an API key that is empty or holds CR, LF or another control
 * character; the message names the variable, never the key. */
int gen_check_key(const char *env_name, const char *key, struct simsa_err *err);

/* Copies in (len bytes) to out: control characters become spaces, every
 * occurrence of secret (when not NULL or empty) becomes "[key]", and the
 * result is cut to fit cap on a UTF-8 boundary. */
void gen_clean_text(const char *in, size_t len, const char *secret, char *out, size_t cap);

#endif
