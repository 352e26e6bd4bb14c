/* generate_internal — what the files of src/generate/ share:
 * entrants with their request settings, jobs (one pair being asked), and the
 * libcurl side of a job. Nothing outside them includes this. */
#ifndef SIMSA_GENERATE_INTERNAL_H
#define SIMSA_GENERATE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <curl/curl.h>

#include "simsa/generate.h"

#define GEN_BATCH 32 /* pending prompts read from the round at a time */

struct gen_ent {
	const struct gen_entrant_rec *rec;
	char *url;                  /* {endpoint}/chat/completions */
	struct curl_slist *headers; /* wiped when freed: may hold the key */
	const char *key;            /* the environment's, for scrubbing; or NULL */
	int64_t queue[GEN_BATCH];   /* next prompt rows to ask */
	size_t qpos, qlen;
	int64_t last_prompt; /* keyset position in the round */
	bool exhausted;
	int outstanding; /* jobs holding one of its slots */
	struct gen_entrant_progress *prog;
};

enum gen_job_state { JOB_IDLE = 0, JOB_RUNNING, JOB_WAITING };

struct gen_job {
	enum gen_job_state state;
	struct gen_ent *ent;
	int64_t prompt_row;
	char *prompt_id;
	char *body;
	size_t body_len;
	char *params_json;
	int attempts;
	double due; /* JOB_WAITING: when to try again */
	CURL *easy;
	char *resp;
	size_t resp_len, resp_cap, resp_max;
	bool too_big;
	char retry_after[64];
	char errbuf[CURL_ERROR_SIZE];
};

/* What one attempt came to. */
struct gen_outcome {
	bool ok, retry;
	char reason[64];
	char detail[256];
	long http_status;
	long latency_ms;
	long retry_after_s;     /* -1: none or garbage */
	struct gen_reply reply; /* when ok */
};

/* Checks an entrant's endpoint, key and request settings and prepares its
 * URL and headers. Messages name the entrant. */
int gen_ent_setup(struct gen_ent *e, const struct gen_entrant_rec *rec, struct simsa_err *err)
	__attribute__((warn_unused_result));
void gen_ent_release(struct gen_ent *e);

/* Starts the job's next attempt on multi. */
int gen_http_start(CURLM *multi, struct gen_job *j, const struct gen_options *o,
		   struct simsa_err *err) __attribute__((warn_unused_result));
/* Classifies a finished attempt (res from CURLMSG_DONE). */
void gen_http_outcome(struct gen_job *j, CURLcode res, const struct gen_options *o,
		      struct gen_outcome *out);
/* Removes the job's transfer from multi, if any. */
void gen_http_stop(CURLM *multi, struct gen_job *j);
/* Frees everything the job holds and makes it idle. */
void gen_job_clear(CURLM *multi, struct gen_job *j);

#endif
