/* generate_http — the libcurl side of generation: an entrant's URL and
 * headers, one attempt's transfer (bounded in time and size, TLS checked, no
 * redirects), and what its result means: stored, retried, or failed. */
#include "generate_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <sodium.h>

#define USER_AGENT "simsa/0.1 (outputs generate)"

static int check_url(const char *endpoint, struct simsa_err *err)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *user = NULL, *pass = NULL, *query = NULL, *frag = NULL;
	int rc = -1;

	if (!u)
		return err_set(err, "out of memory");
	if (curl_url_set(u, CURLUPART_URL, endpoint, 0) != CURLUE_OK) {
		err_set(err, "endpoint '%s' is not a URL", endpoint);
		goto out;
	}
	curl_url_get(u, CURLUPART_SCHEME, &scheme, 0);
	curl_url_get(u, CURLUPART_USER, &user, 0);
	curl_url_get(u, CURLUPART_PASSWORD, &pass, 0);
	curl_url_get(u, CURLUPART_QUERY, &query, 0);
	curl_url_get(u, CURLUPART_FRAGMENT, &frag, 0);
	if (!scheme || (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0))
		err_set(err, "endpoint: expected an http:// or https:// URL");
	else if (user || pass)
		err_set(err, "endpoint: a URL may not carry credentials; name the variable "
			     "holding the key with api_key_env");
	else if (query || frag)
		err_set(err, "endpoint: expected a base URL without '?' or '#'");
	else
		rc = 0;
out:
	curl_free(scheme);
	curl_free(user);
	curl_free(pass);
	curl_free(query);
	curl_free(frag);
	curl_url_cleanup(u);
	return rc;
}

static int add_header(struct curl_slist **list, const char *h)
{
	struct curl_slist *l = curl_slist_append(*list, h);

	if (!l)
		return -1;
	*list = l;
	return 0;
}

static int auth_header(struct gen_ent *e, const char *key, struct simsa_err *err)
{
	static const char prefix[] = "Authorization: Bearer ";
	size_t n = sizeof prefix + strlen(key);
	char *h = malloc(n);
	int rc;

	if (!h)
		return err_set(err, "out of memory");
	snprintf(h, n, "%s%s", prefix, key);
	rc = add_header(&e->headers, h);
	sodium_memzero(h, n);
	free(h);
	return rc < 0 ? err_set(err, "out of memory") : 0;
}

int gen_ent_setup(struct gen_ent *e, const struct gen_entrant_rec *rec, struct simsa_err *err)
{
	char *body = NULL, *params = NULL;
	size_t blen, n;
	const char *key = NULL;

	memset(e, 0, sizeof *e);
	e->rec = rec;
	if (check_url(rec->endpoint, err) < 0 ||
	    gen_build_request(rec->model, rec->params_json, rec->system, "x", 1, NULL, &body, &blen,
			      &params, err) < 0)
		goto fail;
	free(body);
	free(params);
	if (rec->api_key_env) {
		key = getenv(rec->api_key_env);
		if (gen_check_key(rec->api_key_env, key, err) < 0)
			goto fail;
	}
	n = strlen(rec->endpoint);
	while (n > 0 && rec->endpoint[n - 1] == '/')
		n--;
	e->url = malloc(n + sizeof "/chat/completions");
	if (!e->url)
		goto oom;
	memcpy(e->url, rec->endpoint, n);
	memcpy(e->url + n, "/chat/completions", sizeof "/chat/completions");
	if (add_header(&e->headers, "Content-Type: application/json") < 0 ||
	    add_header(&e->headers, "Accept: application/json") < 0 ||
	    add_header(&e->headers, "Expect:") < 0)
		goto oom;
	if (key) {
		if (auth_header(e, key, err) < 0)
			goto fail;
		e->key = key;
	}
	return 0;
oom:
	err_set(err, "out of memory");
fail:
	gen_ent_release(e);
	return err_prefix(err, "entrant '%s'", rec->name);
}

void gen_ent_release(struct gen_ent *e)
{
	for (struct curl_slist *l = e->headers; l; l = l->next)
		sodium_memzero(l->data, strlen(l->data));
	curl_slist_free_all(e->headers);
	e->headers = NULL;
	free(e->url);
	e->url = NULL;
	e->key = NULL;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *ctx)
{
	struct gen_job *j = ctx;
	size_t n = size * nmemb;

	if (n > j->resp_max - j->resp_len) {
		j->too_big = true;
		return 0; /* aborts the transfer */
	}
	if (j->resp_len + n + 1 > j->resp_cap) {
		size_t cap = j->resp_cap ? j->resp_cap : 16384;
		char *grown;

		while (cap < j->resp_len + n + 1)
			cap *= 2;
		if (cap > j->resp_max + 1)
			cap = j->resp_max + 1;
		grown = realloc(j->resp, cap);
		if (!grown)
			return 0;
		j->resp = grown;
		j->resp_cap = cap;
	}
	memcpy(j->resp + j->resp_len, data, n);
	j->resp_len += n;
	j->resp[j->resp_len] = '\0';
	return n;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *ctx)
{
	struct gen_job *j = ctx;
	size_t n = size * nmemb, k;
	static const char name[] = "Retry-After:";

	if (n >= 5 && memcmp(data, "HTTP/", 5) == 0)
		j->retry_after[0] = '\0'; /* a new response */
	if (n > sizeof name - 1 && strncasecmp(data, name, sizeof name - 1) == 0) {
		data += sizeof name - 1;
		n -= sizeof name - 1;
		while (n > 0 && (*data == ' ' || *data == '\t')) {
			data++;
			n--;
		}
		while (n > 0 && (data[n - 1] == '\r' || data[n - 1] == '\n' || data[n - 1] == ' '))
			n--;
		k = n < sizeof j->retry_after - 1 ? n : sizeof j->retry_after - 1;
		memcpy(j->retry_after, data, k);
		j->retry_after[k] = '\0';
		if (k < n)
			j->retry_after[0] = 'x'; /* too long to be sane: garbage */
	}
	return size * nmemb;
}

#define SET(opt, val) (curl_easy_setopt(j->easy, opt, val) != CURLE_OK)

int gen_http_start(CURLM *multi, struct gen_job *j, const struct gen_options *o,
		   struct simsa_err *err)
{
	j->attempts++;
	j->resp_len = 0;
	j->too_big = false;
	j->retry_after[0] = '\0';
	j->errbuf[0] = '\0';
	j->resp_max = o->max_response;
	j->easy = curl_easy_init();
	if (!j->easy)
		return err_set(err, "cannot start a transfer (out of memory)");
	if (SET(CURLOPT_URL, j->ent->url) || SET(CURLOPT_PROTOCOLS_STR, "http,https") ||
	    SET(CURLOPT_FOLLOWLOCATION, 0L) || SET(CURLOPT_NOSIGNAL, 1L) ||
	    SET(CURLOPT_POSTFIELDS, j->body) ||
	    SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)j->body_len) ||
	    SET(CURLOPT_HTTPHEADER, j->ent->headers) || SET(CURLOPT_USERAGENT, USER_AGENT) ||
	    SET(CURLOPT_WRITEFUNCTION, on_body) || SET(CURLOPT_WRITEDATA, j) ||
	    SET(CURLOPT_HEADERFUNCTION, on_header) || SET(CURLOPT_HEADERDATA, j) ||
	    SET(CURLOPT_ERRORBUFFER, j->errbuf) || SET(CURLOPT_PRIVATE, j) ||
	    SET(CURLOPT_CONNECTTIMEOUT, o->connect_timeout_s) ||
	    SET(CURLOPT_TIMEOUT, o->timeout_s) ||
	    SET(CURLOPT_LOW_SPEED_LIMIT, o->low_speed_bytes) ||
	    SET(CURLOPT_LOW_SPEED_TIME, o->low_speed_time_s) ||
	    SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)o->max_response) ||
	    SET(CURLOPT_TCP_KEEPALIVE, 1L) || SET(CURLOPT_TCP_KEEPIDLE, 30L) ||
	    SET(CURLOPT_TCP_KEEPINTVL, 15L) || SET(CURLOPT_SSL_VERIFYPEER, 1L) ||
	    SET(CURLOPT_SSL_VERIFYHOST, 2L) || (o->cacert && SET(CURLOPT_CAINFO, o->cacert))) {
		gen_http_stop(multi, j);
		return err_set(
			err, "cannot set up a transfer: this libcurl lacks an option simsa needs");
	}
	if (curl_multi_add_handle(multi, j->easy) != CURLM_OK) {
		gen_http_stop(multi, j);
		return err_set(err, "cannot start a transfer");
	}
	j->state = JOB_RUNNING;
	return 0;
}

void gen_http_stop(CURLM *multi, struct gen_job *j)
{
	if (!j->easy)
		return;
	curl_multi_remove_handle(multi, j->easy);
	curl_easy_cleanup(j->easy);
	j->easy = NULL;
}

void gen_job_clear(CURLM *multi, struct gen_job *j)
{
	gen_http_stop(multi, j);
	free(j->prompt_id);
	free(j->body);
	free(j->params_json);
	free(j->resp);
	memset(j, 0, sizeof *j);
}

static void fail(struct gen_outcome *out, bool retry, const char *reason)
{
	out->ok = false;
	out->retry = retry;
	snprintf(out->reason, sizeof out->reason, "%s", reason);
}

static void transport_outcome(struct gen_job *j, CURLcode res, const struct gen_options *o,
			      struct gen_outcome *out)
{
	const char *msg = j->errbuf[0] ? j->errbuf : curl_easy_strerror(res);

	gen_clean_text(msg, strlen(msg), j->ent->key, out->detail, sizeof out->detail);
	switch (res) {
	case CURLE_WRITE_ERROR:
	case CURLE_FILESIZE_EXCEEDED:
		if (j->too_big || res == CURLE_FILESIZE_EXCEEDED) {
			snprintf(out->detail, sizeof out->detail,
				 "the response passed the limit of "
				 "%zu bytes; transfer aborted",
				 o->max_response);
			fail(out, false, "response too large");
		} else {
			fail(out, false, "out of memory");
		}
		break;
	case CURLE_OPERATION_TIMEDOUT: fail(out, true, "timeout"); break;
	case CURLE_COULDNT_RESOLVE_HOST: fail(out, true, "cannot resolve host"); break;
	case CURLE_COULDNT_CONNECT: fail(out, true, "cannot connect"); break;
	case CURLE_GOT_NOTHING:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_PARTIAL_FILE: fail(out, true, "connection dropped"); break;
	case CURLE_SSL_CONNECT_ERROR:
		/* a handshake cut off by a loaded server or a dropped link is worth
		 * another try; a certificate that does not verify (below) is not */
		fail(out, true, "TLS handshake");
		break;
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM: fail(out, false, "TLS"); break;
	default: fail(out, false, curl_easy_strerror(res)); break;
	}
}

void gen_http_outcome(struct gen_job *j, CURLcode res, const struct gen_options *o,
		      struct gen_outcome *out)
{
	curl_off_t usec = 0;
	long code = 0;
	const char *why;

	memset(out, 0, sizeof *out);
	out->retry_after_s = -1;
	curl_easy_getinfo(j->easy, CURLINFO_TOTAL_TIME_T, &usec);
	curl_easy_getinfo(j->easy, CURLINFO_RESPONSE_CODE, &code);
	out->latency_ms = (long)(usec / 1000);
	out->http_status = code;
	if (res != CURLE_OK) {
		transport_outcome(j, res, o, out);
		return;
	}
	if (code < 200 || code > 299) {
		char reason[64];

		snprintf(reason, sizeof reason, "HTTP %ld", code);
		fail(out, code == 408 || code == 429 || code >= 500, reason);
		if (code >= 300 && code < 400)
			snprintf(out->detail, sizeof out->detail, "redirects are not followed");
		else
			gen_error_message(j->resp ? j->resp : "", j->resp_len, j->ent->key,
					  out->detail, sizeof out->detail);
		if (out->retry)
			out->retry_after_s =
				gen_retry_after(j->retry_after[0] ? j->retry_after : NULL,
						time(NULL), o->retry_after_max_s);
		return;
	}
	why = gen_parse_reply(j->resp ? j->resp : "", j->resp_len, &out->reply, out->detail,
			      sizeof out->detail);
	if (why) {
		char raw[sizeof out->detail];

		/* a parser's message may quote the body, which may quote the key */
		memcpy(raw, out->detail, sizeof raw);
		gen_clean_text(raw, strlen(raw), j->ent->key, out->detail, sizeof out->detail);
		fail(out, false, why);
		return;
	}
	out->ok = true;
}
