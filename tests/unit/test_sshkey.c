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

/* A 1024-bit RSA key as ssh-keygen writes it, and the same key with its
 * exponent written 00 01 00 01: sshd reads both as one key (it drops
 * leading zeros) and ssh-keygen -l gives both one fingerprint */
#define RSA_B64                                                                                   \
	"AAAAB3NzaC1yc2EAAAADAQABAAAAgQCnd3HZ10UdjbT4qjfpEZ3nlf5fsfrYaK1tpjY2bgpMYzpwqPTTynbvaPI" \
	"bIlv/FxrtLlS4Kn0o6Xm/tuIqbFBbFF5EatxNvBx1kRuUklD/7PKGyfYWKrLD+faLkrL9HIiFB0iFLev4p691O"  \
	"UuAqLQWChoYBhndWBSU7Gp+XOQXaQ=="
#define RSA_ALIAS                                                                                 \
	"AAAAB3NzaC1yc2EAAAAEAAEAAQAAAIEAp3dx2ddFHY20+Ko36RGd55X+X7H62GitbaY2Nm4KTGM6cKj008p272j" \
	"yGyJb/xca7S5UuCp9KOl5v7biKmxQWxReRGrcTbwcdZEblJJQ/+zyhsn2Fiqyw/n2i5Ky/RyIhQdIhS3r+Kev"   \
	"dTlLgKi0FgoaGAYZ3VgUlOxqflzkF2k="

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

/* One key, one line: a key written in another encoding sshd reads as the
 * same key (an RSA exponent with a leading zero, bytes after the key, an
 * EC point compressed) is refused, or rater add's check that a key is
 * not already another rater's (it compares the stored text) would let a
 * rater enrol another rater's public key so written, and sshd would log
 * that rater in as the first (authorized-keys prints in enrolment order). */
static void test_one_encoding_per_key(void **state)
{
	static const char *const aliases[] = {
		"ssh-rsa " RSA_ALIAS,
		/* RSA_B64 with a zero byte after the key */
		("ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQCnd3HZ10UdjbT4qjfpEZ3nlf5fsfrYaK1tpjY2bgpMYzp"
		 "wqPTTynbvaPIbIlv/FxrtLlS4Kn0o6Xm/tuIqbFBbFF5EatxNvBx1kRuUklD/7PKGyfYWKrLD+faLkrL9HIi"
		 "FB0iFLev4p691OUuAqLQWChoYBhndWBSU7Gp+XOQXaQA="),
		/* EC with a zero byte after the key */
		("ecdsa-sha2-nistp384 AAAAE2VjZHNhLXNoYTItbmlzdHAzODQAAAAIbmlzdHAzODQAAABhBLXIN47y3owy"
		 "pvLKaypQIvm0Qt/4WA8PywxihFn0Z0TAHhbbwsjnZ56OPVTkL0A/1HgnsdcoHkJzr5t3zHOkXXzJioACnAcK"
		 "ceJB8zk06xvXOcRrnn0qBKcBwDbt/dwd7QA="),
		/* EC's point compressed */
		("ecdsa-sha2-nistp384 AAAAE2VjZHNhLXNoYTItbmlzdHAzODQAAAAIbmlzdHAzODQAAAAxA7XIN47y3owy"
		 "pvLKaypQIvm0Qt/4WA8PywxihFn0Z0TAHhbbwsjnZ56OPVTkL0A/1A=="),
	};
	struct simsa_err err;
	char *key;

	(void)state;
	assert_int_equal(parse("ssh-rsa " RSA_B64 " me\n", &key, &err), 0);
	assert_string_equal(key, "ssh-rsa " RSA_B64);
	free(key);
	for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++) {
		key = NULL;
		if (parse(aliases[i], &key, &err) == 0)
			fail_msg("accepted %s", aliases[i]);
		assert_null(key);
		assert_non_null(strstr(err.msg, "field 'key': not a "));
		assert_non_null(strstr(err.msg, "public key as ssh-keygen writes it"));
	}
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
		cmocka_unit_test(test_one_encoding_per_key),
		cmocka_unit_test(test_fingerprint_as_ssh_keygen),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
