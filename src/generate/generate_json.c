/* generate_json — the pure parts of generation (include/simsa/generate.h):
 * request bodies and replies (jansson), Retry-After, backoff, API key
 * checks and the scrubbing of server messages. */
#include "simsa/generate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <jansson.h>
#include <sodium.h>

#include "simsa/jsonl.h"
#include "simsa/util.h"

/* Compact text with sorted keys, numbers as imported params are (see
 * src/input/import.c): 15 significant digits keep 0.7 as "0.7"; 17 when 15 would
 * change a number. */
static char *dump(const json_t *v)
{
	size_t flags = JSON_COMPACT | JSON_SORT_KEYS;
	char *text = json_dumps(v, flags | JSON_REAL_PRECISION(15));
	json_t *back = text ? json_loads(text, 0, NULL) : NULL;
	bool same = back && json_equal(back, v);

	json_decref(back);
	if (text && !same) {
		free(text);
		text = json_dumps(v, flags | JSON_REAL_PRECISION(17));
	}
	return text;
}

static int add_message(json_t *msgs, const char *role, const char *text, size_t len)
{
	json_t *m = json_object();

	if (!m || json_object_set_new(m, "role", json_string(role)) < 0 ||
	    json_object_set_new(m, "content", json_stringn(text, len)) < 0 ||
	    json_array_append_new(msgs, m) < 0)
		return -1;
	return 0;
}

int gen_build_request(const char *model, const char *params_json, const char *entrant_system,
		      const char *prompt, size_t prompt_len, const char *prompt_system, char **body,
		      size_t *body_len, char **params_out, struct simsa_err *err)
{
	json_t *req = NULL, *msgs = NULL;
	const char *system = prompt_system ? prompt_system : entrant_system;
	int rc = -1;

	*body = *params_out = NULL;
	req = params_json ? json_loads(params_json, 0, NULL) : json_object();
	if (!json_is_object(req)) {
		err_set(err, "params: expected a JSON object");
		goto out;
	}
	if (json_object_get(req, "messages") || json_object_get(req, "stream")) {
		err_set(err, "params: '%s' is set by simsa and may not be given",
			json_object_get(req, "messages") ? "messages" : "stream");
		goto out;
	}
	if (!json_object_get(req, "model")) {
		if (!model || !*model) {
			err_set(err, "no model: give the entrant a \"model\" (or params.model)");
			goto out;
		}
		if (json_object_set_new(req, "model", json_string(model)) < 0)
			goto oom;
	}
	if (!json_is_string(json_object_get(req, "model"))) {
		err_set(err, "params: 'model' must be a string");
		goto out;
	}
	*params_out = dump(req);
	msgs = json_array();
	if (!*params_out || !msgs ||
	    (system && add_message(msgs, "system", system, strlen(system)) < 0) ||
	    add_message(msgs, "user", prompt, prompt_len) < 0 ||
	    json_object_set(req, "messages", msgs) < 0)
		goto oom;
	*body = dump(req);
	if (!*body)
		goto oom;
	*body_len = strlen(*body);
	rc = 0;
	goto out;
oom:
	err_set(err, "out of memory");
out:
	if (rc < 0) {
		free(*params_out);
		*params_out = NULL;
	}
	json_decref(msgs);
	json_decref(req);
	return rc;
}

void gen_reply_release(struct gen_reply *r)
{
	free(r->text);
	free(r->finish_reason);
	free(r->usage_json);
	memset(r, 0, sizeof *r);
}

static bool blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			return false;
	return true;
}

const char *gen_parse_reply(const char *body, size_t len, struct gen_reply *r, char *detail,
			    size_t cap)
{
	json_error_t jerr;
	json_t *doc, *choice, *content, *finish, *usage;
	const char *why = NULL;

	memset(r, 0, sizeof *r);
	detail[0] = '\0';
	/* a message may hold "\u0000": kept as output text, with its length */
	doc = json_loadb(body, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
	if (!json_is_object(doc)) {
		if (doc)
			snprintf(detail, cap, "the body is JSON but not an object");
		else
			snprintf(detail, cap, "byte %d: %s", jerr.position, jerr.text);
		why = "not JSON";
		goto out;
	}
	choice = json_array_get(json_object_get(doc, "choices"), 0);
	if (!json_is_object(choice)) {
		why = "no choices";
		goto out;
	}
	content = json_object_get(json_object_get(choice, "message"), "content");
	if (!json_is_string(content) ||
	    blank(json_string_value(content), json_string_length(content))) {
		snprintf(detail, cap, "choices[0].message.content is %s",
			 json_is_string(content) ? "blank"
			 : content               ? jsonl_type_name(content)
						 : "missing");
		why = "empty message";
		goto out;
	}
	if (json_string_length(content) > JSONL_MAX_TEXT) {
		snprintf(detail, cap, "%zu bytes, more than the %u allowed",
			 json_string_length(content), JSONL_MAX_TEXT);
		why = "output over 1 MiB";
		goto out;
	}
	r->len = json_string_length(content);
	r->text = malloc(r->len + 1);
	finish = json_object_get(choice, "finish_reason");
	if (json_is_string(finish))
		r->finish_reason = strdup(json_string_value(finish));
	usage = json_object_get(doc, "usage");
	if (json_is_object(usage))
		r->usage_json = dump(usage);
	if (!r->text || (json_is_string(finish) && !r->finish_reason) ||
	    (json_is_object(usage) && !r->usage_json)) {
		why = "out of memory";
		goto out;
	}
	memcpy(r->text, json_string_value(content), r->len);
	r->text[r->len] = '\0';
out:
	if (why)
		gen_reply_release(r);
	json_decref(doc);
	return why;
}

void gen_error_message(const char *body, size_t len, const char *secret, char *out, size_t cap)
{
	json_t *doc = json_loadb(body, len, 0, NULL);
	json_t *e = json_object_get(doc, "error");
	json_t *m = json_is_object(e) ? json_object_get(e, "message") : e;

	if (!json_is_string(m))
		m = json_object_get(doc, "message");
	if (!json_is_string(m))
		m = json_object_get(doc, "detail");
	out[0] = '\0';
	if (json_is_string(m))
		gen_clean_text(json_string_value(m), json_string_length(m), secret, out, cap);
	json_decref(doc);
}

long gen_retry_after(const char *value, time_t now, long max_s)
{
	const char *p = value;
	long secs = -1;

	if (!value)
		return -1;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p >= '0' && *p <= '9') {
		char digits[24];
		size_t n = strspn(p, "0123456789");
		const char *rest = p + n;

		while (*rest == ' ' || *rest == '\t' || *rest == '\r' || *rest == '\n')
			rest++;
		if (*rest)
			return -1;
		if (n >= sizeof digits)
			return max_s; /* an absurd number of seconds: clamp */
		memcpy(digits, p, n);
		digits[n] = '\0';
		if (!parse_long(digits, 0, 1L << 40, &secs))
			return -1;
	} else if (*p) {
		time_t t = curl_getdate(p, NULL);

		if (t == (time_t)-1)
			return -1;
		secs = t > now ? (long)(t - now) : 0;
	}
	if (secs < 0)
		return -1;
	return secs > max_s ? max_s : secs;
}

long gen_backoff_ms(int retry, long base_ms, long max_ms)
{
	long d = base_ms > 0 ? base_ms : 1;

	for (int i = 1; i < retry && d < max_ms; i++)
		d *= 2;
	if (d > max_ms)
		d = max_ms;
	/* "equal jitter": half fixed, half random, so clients that failed
	 * together do not come back together */
	return d - d / 2 + (long)randombytes_uniform((uint32_t)(d / 2 + 1));
}

int gen_check_key(const char *env_name, const char *key, struct simsa_err *err)
{
	if (!key)
		return err_set(err,
			       "the environment variable %s is not set (it should hold "
			       "the API key)",
			       env_name);
	if (!*key)
		return err_set(err,
			       "the environment variable %s is empty (it should hold "
			       "the API key)",
			       env_name);
	/* a header value: printable ASCII only, so a key is sent as it is and
	 * can be recognised wherever a server quotes it back */
	for (const unsigned char *p = (const unsigned char *)key; *p; p++)
		if (*p < 0x20 || *p >= 0x7f)
			return err_set(err, "the API key in %s contains %s; refused", env_name,
				       *p == '\r' || *p == '\n' ? "a line break (CR or LF)"
				       : *p < 0x20 || *p == 0x7f
					       ? "a control character"
					       : "a byte that is not printable ASCII");
	return 0;
}

/* The length of the longest piece of secret that text (n bytes) starts with. */
static size_t secret_run(const char *text, size_t n, const char *secret, size_t slen)
{
	size_t best = 0;

	for (size_t k = 0; k < slen; k++) {
		size_t l = 0;

		while (l < n && k + l < slen && text[l] == secret[k + l])
			l++;
		if (l > best)
			best = l;
	}
	return best;
}

/* n, less a UTF-8 sequence that s (n bytes, cut short) ends inside. */
static size_t utf8_whole(const char *s, size_t n)
{
	size_t k = n, need;
	unsigned char lead;

	while (k > 0 && n - k < 4 && ((unsigned char)s[k - 1] & 0xc0) == 0x80)
		k--;
	if (k == 0 || !((unsigned char)s[k - 1] & 0x80))
		return n;
	lead = (unsigned char)s[k - 1];
	need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
	return n - (k - 1) < need ? k - 1 : n;
}

void gen_clean_text(const char *in, size_t len, const char *secret, char *out, size_t cap)
{
	size_t slen = secret ? strlen(secret) : 0, o = 0, n, room;
	/* any 8 bytes of the key in a row count as the key (servers quote
	 * keys in part: "sk-abc12****cdef"); all of it when shorter */
	size_t least = slen < 8 ? slen : 8;
	char *tmp;

	if (cap == 0)
		return;
	out[0] = '\0';
	/* enough input to fill out even where "[key]" replaces 8 bytes, so
	 * the cut below never falls inside a piece of the key */
	n = len < 2 * cap + 2 * slen + 16 ? len : 2 * cap + 2 * slen + 16;
	room = 5 * n + 1;
	tmp = malloc(room);
	if (!tmp)
		return;
	for (size_t i = 0; i < n;) {
		size_t run = slen ? secret_run(in + i, n - i, secret, slen) : 0;

		if (slen && run >= least) {
			memcpy(tmp + o, "[key]", 5);
			o += 5;
			i += run;
			continue;
		}
		unsigned char c = (unsigned char)in[i++];

		tmp[o++] = (c < 0x20 || c == 0x7f) ? ' ' : (char)c;
	}
	if (o >= cap || n < len)
		o = utf8_whole(tmp, o < cap ? o : cap - 1);
	memcpy(out, tmp, o);
	out[o] = '\0';
	free(tmp);
}
