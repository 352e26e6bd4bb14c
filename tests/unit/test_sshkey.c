/* Unit tests: a station's SSH public key line (src/sshkey.c,
 * include/simsa/sshkey.h): what is accepted and kept, what is refused and
 * how the message names line and field, and fingerprints as ssh-keygen
 * prints them. (tests/cli/station_keys.sh reads key files.) */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#include "simsa/sshkey.h"

#define ED_B64 "AAAAC3NzaC1lZDI1NTE5AAAAIO2T4yyAnfHZtTBmXWaLVF99/0J1CJVPnQw/UhdU/hzz"
#define ED "ssh-ed25519 " ED_B64
#define EC                                                                                     \
	"ecdsa-sha2-nistp384 AAAAE2VjZHNhLXNoYTItbmlzdHAzODQAAAAIbmlzdHAzODQAAABhBLXIN47y3owy" \
	"pvLKaypQIvm0Qt/4WA8PywxihFn0Z0TAHhbbwsjnZ56OPVTkL0A/1HgnsdcoHkJzr5t3zHOkXXzJioACnAcK" \
	"ceJB8zk06xvXOcRrnn0qBKcBwDbt/dwd7Q=="

static int parse(const char *text, char **key, struct simsa_err *err)
{
	return sshkey_parse("k.pub", text, strlen(text), key, err);
}

/* The key is kept as TYPE BASE64; the comment, a final newline or CRLF
 * and spaces between fields are not part of it. */
static void test_accepts_and_keeps_type_and_key(void **state)
{
	static const char *const good[] = {
		ED,
		ED "\n",
		ED " me@host\n",
		ED " me@host\r\n",
		"ssh-ed25519   " ED_B64,
		ED " 김 평가자 노트북\n",
		ED "\n\n",
	};
	struct simsa_err err;
	char *key;

	(void)state;
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		assert_int_equal(parse(good[i], &key, &err), 0);
		assert_string_equal(key, ED);
		free(key);
	}
	assert_int_equal(parse(EC " x\n", &key, &err), 0);
	assert_string_equal(key, EC);
	free(key);
}

/* Each refusal names the file, the line and the field at fault. */
static void test_refuses_naming_line_and_field(void **state)
{
	static const struct {
		const char *text, *msg;
	} bad[] = {
		{ "", "k.pub:1: empty" },
		{ "\n", "k.pub:1: empty" },
		{ ED "\n" ED "\n", "k.pub:2: a public key file holds one key on one line" },
		{ "restrict " ED, "k.pub:1: field 'type': the line starts with options" },
		{ "command=\"id\" " ED, "k.pub:1: field 'type': the line starts with options" },
		{ "from=\"10.0.0.1\" " ED, "k.pub:1: field 'type': the line starts with options" },
		{ "ssh-ed25519\t" ED_B64, "k.pub:1: field 'type': a control character (byte 0x09" },
		{ ED " me\033[2J", "k.pub:1: field 'comment': a control character (byte 0x1b" },
		{ "ssh-ed25519 AAAA\177", "k.pub:1: field 'key': a control character (byte 0x7f" },
		{ ED "\r", "k.pub:1: field 'key': a control character (byte 0x0d" },
		{ "ssh-dss AAAA", "k.pub:1: field 'type': unknown key type 'ssh-dss'" },
		{ "ssh-ed25519", "k.pub:1: field 'key': missing" },
		{ "ssh-ed25519 AAAA=AAA", "k.pub:1: field 'key': not base64" },
		/* libsodium 1.0.18 decodes this (fuzz_sshkey found it) */
		{ "ecdsa-sha2-nistp384 AAAAE2VjZHNhLXNoYTItbmlzdHAzODQAAAAIbmlzdHAItbm\342zdHAzODQAAAAI"
		  "bmlzdHAaypQItbmlzdHAzODQAAAAIbmlzdHAzODQAAABhBLXIN47y3owypvLKaypQIvm0Qt/4WA8Pywxi"
		  "hFn0Z0TAHhbbwsjnZ56OPVTkL0A/1BwDbt/dwd7Q== x",
		  "k.pub:1: field 'key': not base64" },
		{ "ssh-rsa " ED_B64, "k.pub:1: field 'key': not a ssh-rsa public key" },
		{ "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGl0ZQ==",
		  "k.pub:1: field 'key': not a whole Ed25519 public key" },
		{ ED " \xff", "k.pub:1: field 'comment': not valid UTF-8" },
		{ "-----BEGIN OPENSSH PRIVATE KEY-----\n", "k.pub:1: a private key" },
	};
	struct simsa_err err;
	char *key;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		key = (char *)"unset";
		assert_int_equal(parse(bad[i].text, &key, &err), -1);
		assert_null(key);
		if (strstr(err.msg, bad[i].msg) != err.msg)
			fail_msg("case %zu: '%s' does not begin '%s'", i, err.msg, bad[i].msg);
	}
}

/* ssh-keygen -lf of the same keys. */
static void test_fingerprint_as_ssh_keygen(void **state)
{
	char fp[SSHKEY_FP_LEN];

	(void)state;
	sshkey_fingerprint(ED, fp);
	assert_string_equal(fp, "SHA256:q+mAOoUy8PIZQtC+AaMgfEbJxbcU60QjmuYIDmIOxjI");
	sshkey_fingerprint(EC, fp);
	assert_string_equal(fp, "SHA256:E+Vz0yAMNgzTHBudrCYvoFFLmHoT+bSVvUvxW/8OZ6M");
	sshkey_fingerprint("no key", fp);
	assert_string_equal(fp, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accepts_and_keeps_type_and_key),
		cmocka_unit_test(test_refuses_naming_line_and_field),
		cmocka_unit_test(test_fingerprint_as_ssh_keygen),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
