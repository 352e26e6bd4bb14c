/* Tests for checkpoints as signed notes (include/simsa/note.h,
 * docs/checkpoint.md): the key ID against the reference implementation's
 * own example (golang.org/x/mod/sumdb/note), a signed checkpoint parsed
 * back to the same fields and verified, edits refused or failing, and
 * malformed files refused naming the line and field. */
#include "testutil.h"

#include <sodium.h>

#include "simsa/enc.h"
#include "simsa/keyfile.h"
#include "simsa/note.h"

static char dir[] = "/tmp/simsa-note-XXXXXX";

/* The example of Go's sumdb/note: key name PeterNeumann, its key ID
 * c74f20a3, and its signature over a two-line text. */
static void test_reference_key_id(void **state)
{
	static const char vkey_b64[] = "ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
	static const char sig_b64[] = "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZ"
				      "SNXgKvqfqdngotpRZb6KE6RyyBwJnAM=";
	static const char text[] = "If you think cryptography is the answer to your problem,\n"
				   "then you don't know what your problem is.\n";
	unsigned char vkey[33], sig[68], id[4], want[4] = { 0xc7, 0x4f, 0x20, 0xa3 };
	size_t n = 0;

	(void)state;
	assert_int_equal(sodium_base642bin(vkey, sizeof vkey, vkey_b64, strlen(vkey_b64), NULL, &n,
					   NULL, sodium_base64_VARIANT_ORIGINAL),
			 0);
	assert_int_equal(n, 33);
	assert_int_equal(vkey[0], 0x01); /* the signature type: Ed25519 */
	note_key_id("PeterNeumann", vkey + 1, id);
	assert_memory_equal(id, want, 4);
	assert_int_equal(sodium_base642bin(sig, sizeof sig, sig_b64, strlen(sig_b64), NULL, &n,
					   NULL, sodium_base64_VARIANT_ORIGINAL),
			 0);
	assert_int_equal(n, 68);
	assert_memory_equal(sig, want, 4);
	assert_int_equal(crypto_sign_verify_detached(sig + 4, (const unsigned char *)text,
						     strlen(text), vkey + 1),
			 0);
}

static struct secret_key *new_key(const char *name)
{
	static const struct keyfile_kdf fast = { KEYFILE_OPSLIMIT_MIN, KEYFILE_MEMLIMIT_MIN };
	char path[256];
	unsigned char pk[32];
	struct secret_key *sk = NULL;
	struct simsa_err err;

	snprintf(path, sizeof path, "%s/%s.key", dir, name);
	assert_int_equal(keyfile_create(path, "pass", 4, &fast, pk, &err), 0);
	assert_int_equal(keyfile_unlock(path, "pass", 4, &sk, &err), 0);
	return sk;
}

static void sample(struct checkpoint *cp, struct checkpoint_head heads[2])
{
	memset(cp, 0, sizeof *cp);
	strcpy(cp->round_id, "0123456789abcdef0123456789abcdef");
	cp->size = 7;
	memset(cp->root, 0xab, 32);
	strcpy(cp->time, "2026-12-07T19:30:00Z");
	memset(heads, 0, 2 * sizeof *heads);
	memset(heads[0].public_key, 1, 32);
	heads[0].count = 3;
	memset(heads[0].head, 2, 32);
	memset(heads[1].public_key, 3, 32);
	heads[1].count = 4;
	memset(heads[1].head, 4, 32);
	cp->heads = heads;
	cp->n_heads = 2;
}

static void test_sign_parse_verify(void **state)
{
	struct secret_key *org = new_key("org"), *other = new_key("other");
	struct checkpoint_head heads[2];
	struct checkpoint cp, back;
	struct simsa_err err;
	struct buf b = { 0 };
	char *note = NULL;
	size_t len = 0;

	(void)state;
	sample(&cp, heads);
	assert_int_equal(checkpoint_sign(&cp, org, &note, &len, &err), 0);
	assert_non_null(strstr(note, "simsa/0123456789abcdef0123456789abcdef\n7\n"));
	assert_non_null(strstr(note, "\ntime 2026-12-07T19:30:00Z\nhead "));
	assert_non_null(strstr(note, "\n\n\xe2\x80\x94 simsa/0123456789abcdef0123456789abcdef "));
	assert_int_equal(checkpoint_parse("cp.txt", note, len, &back, &err), 0);
	assert_string_equal(back.round_id, cp.round_id);
	assert_int_equal(back.size, 7);
	assert_memory_equal(back.root, cp.root, 32);
	assert_string_equal(back.time, cp.time);
	assert_int_equal(back.n_heads, 2);
	assert_memory_equal(back.heads, heads, sizeof heads);
	checkpoint_body(&back, &b);
	assert_int_equal(b.n, back.text_len);
	assert_memory_equal(b.p, back.text, b.n);
	assert_int_equal(checkpoint_verify(&back, secret_key_public(org)), 1);
	assert_int_equal(checkpoint_verify(&back, secret_key_public(other)), 0);
	/* the text edited: the organizer's signature fails */
	back.text[back.text_len - 2] ^= 1;
	assert_int_equal(checkpoint_verify(&back, secret_key_public(org)), -1);
	buf_release(&b);
	checkpoint_release(&back);
	free(note);
	secret_key_free(&org);
	secret_key_free(&other);
}

/* parse(text) is refused with a message holding frag */
static void refused(const char *text, const char *frag)
{
	struct checkpoint cp;
	struct simsa_err err;

	if (checkpoint_parse("cp.txt", text, strlen(text), &cp, &err) == 0)
		fail_msg("accepted: %s", text);
	checkpoint_release(&cp);
	if (!strstr(err.msg, frag))
		fail_msg("message '%s' lacks '%s'", err.msg, frag);
}

#define ORIGIN "simsa/0123456789abcdef0123456789abcdef\n"
#define ROOT "q6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s=\n"
#define KEY "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE="
#define SIG "\n\xe2\x80\x94 simsa/0123456789abcdef0123456789abcdef AAAAAAAA\n"

static void test_refusals(void **state)
{
	(void)state;
	refused("", "cp.txt: empty");
	refused(ORIGIN "1\n" ROOT "time 2026-12-07T19:30:00Z\nhead " KEY " 1 " KEY "\n",
		"no blank line");
	refused(ORIGIN "01\n" ROOT "time 2026-12-07T19:30:00Z\n" SIG, "cp.txt:2: tree size: '01'");
	refused(ORIGIN "4294967296\n" ROOT "time 2026-12-07T19:30:00Z\n" SIG,
		"cp.txt:2: tree size");
	refused(ORIGIN "0\nq6ur\n"
		       "time 2026-12-07T19:30:00Z\n" SIG,
		"cp.txt:3: root hash: 'q6ur'");
	refused(ORIGIN "0\n" ROOT "time 2026-12-07 19:30\n" SIG, "cp.txt:4: time:");
	refused(ORIGIN "0\n" ROOT SIG, "ends after 3 lines");
	refused(ORIGIN "0\n" ROOT "time 2026-12-07T19:30:00Z\nextra\n" SIG,
		"cp.txt:5: extension line: 'extra'");
	refused(ORIGIN "2\n" ROOT "time 2026-12-07T19:30:00Z\nhead " KEY " 1 " KEY "\n" SIG,
		"tree size: 2 ballots, but the chain heads count 1");
	refused(ORIGIN "2\n" ROOT "time 2026-12-07T19:30:00Z\nhead " KEY " 1 " KEY "\nhead " KEY
		       " 1 " KEY "\n" SIG,
		"cp.txt:6: chain head: a second head");
	refused(ORIGIN "0\n" ROOT "time 2026-12-07T19:30:00Z\nhead " KEY " 0 " KEY "\n" SIG,
		"cp.txt:5: chain head count: '0'");
	refused(ORIGIN "0\n" ROOT "time 2026-12-07T19:30:00Z\n\n\n" SIG,
		"cp.txt:5: checkpoint text: an empty line");
	refused(ORIGIN "0\n" ROOT "time 2026-12-07T19:30:00Z\n\n- simsa/x AAAAAAAA\n",
		"cp.txt:6: signature line");
	refused(ORIGIN "0\n" ROOT "time 2026-12-07T19:30:00Z\n\n\xe2\x80\x94 a+b AAAAAAAA\n",
		"cp.txt:6: key name");
	refused(ORIGIN "0\n" ROOT "time 2026-12-07T19:30:00Z\n\n\xe2\x80\x94 name AAAA\n",
		"cp.txt:6: signature:");
	refused(ORIGIN "0\n" ROOT "time 2026-12-07T19:30:00Z\n" SIG
		       "\xe2\x80\x94 simsa/0123456789abcdef0123456789abcdef AAAAAAAB\n",
		"cp.txt:7: signature line: a second signature");
	refused("simsa/0123\x1b[2J\n", "cp.txt:1: a control character (0x1B)");
	refused("simsa/\xff\n", "cp.txt:1: not valid UTF-8");
	refused(ORIGIN "0\n" ROOT "time 2026-12-07T19:30:00Z\n" SIG "x",
		"does not end with a newline");
	refused("simsa/\xe2\x80\xae"
		"0123456789abcdef0123456789abcde\n0\n" ROOT "time 2026-12-07T19:30:00Z\n" SIG,
		"cp.txt:1: origin: 'simsa/⟨RLO⟩");
}

static void test_other_keys_ignored(void **state)
{
	struct secret_key *org = new_key("org2");
	struct checkpoint_head heads[2];
	struct checkpoint cp, back;
	struct simsa_err err;
	char *note = NULL, *more;
	size_t len = 0;

	(void)state;
	sample(&cp, heads);
	assert_int_equal(checkpoint_sign(&cp, org, &note, &len, &err), 0);
	/* a witness's cosignature under another name is ignored */
	more = malloc(len + 100);
	assert_non_null(more);
	snprintf(more, len + 100, "%s\xe2\x80\x94 witness.example AAAAAAAA\n", note);
	assert_int_equal(checkpoint_parse("cp.txt", more, strlen(more), &back, &err), 0);
	assert_int_equal(back.n_sigs, 1);
	assert_int_equal(checkpoint_verify(&back, secret_key_public(org)), 1);
	checkpoint_release(&back);
	free(more);
	free(note);
	secret_key_free(&org);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reference_key_id),
		cmocka_unit_test(test_sign_parse_verify),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_other_keys_ignored),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, setup, teardown);
}
