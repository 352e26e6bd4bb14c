/* Unit tests: key files (src/keyfile.c) — round trip, refusals of wrong
 * passphrases, damaged, truncated and hostile files, and file creation. */
#include "testutil.h"

#include <dirent.h>
#include <inttypes.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "simsa/keyfile.h"

static char *dir;
static unsigned long long run_seed; /* of build_file's salts and nonces: test_seed() */
static const struct keyfile_kdf fast = { 1, 8192 };

static int setup(void **state)
{
	dir = tmpdir_make();
	unsetenv("SIMSA_KDF");
	return 0;
}

static int teardown(void **state)
{
	tmpdir_remove(&dir);
	unsetenv("SIMSA_KDF");
	return 0;
}

static char *path_in(const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);

	assert_non_null(p);
	snprintf(p, n, "%s/%s", dir, name);
	return p;
}

static void put_bytes(const char *path, const unsigned char *data, size_t n)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

static size_t get_bytes(const char *path, unsigned char *buf, size_t cap)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, cap, f);
	fclose(f);
	return n;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The message must contain want; shows it when not. */
static void assert_msg(const struct simsa_err *err, const char *want)
{
	if (!strstr(err->msg, want))
		fail_msg("message \"%s\" lacks \"%s\"", err->msg, want);
}

/* A fresh key file at dir/name under "correct horse", fast KDF. */
static char *make_key(const char *name, unsigned char pk[32])
{
	char *path = path_in(name);
	struct simsa_err err;

	if (keyfile_create(path, "correct horse", 13, &fast, pk, &err) < 0)
		fail_msg("%s", err.msg);
	return path;
}

static void test_round_trip_signs_under_the_stored_key(void **state)
{
	unsigned char pk[32], pk2[32], sig[64];
	const unsigned char msg[] = "ballot: A>B, prompt reason-001";
	struct secret_key *sk = NULL;
	struct simsa_err err;
	char *path = make_key("org.key", pk);

	assert_int_equal(keyfile_read_public(path, pk2, &err), 0);
	assert_memory_equal(pk, pk2, 32);
	assert_int_equal(keyfile_unlock(path, "correct horse", 13, &sk, &err), 0);
	assert_non_null(sk);
	assert_memory_equal(secret_key_public(sk), pk, 32);
	assert_int_equal(secret_key_sign(sk, msg, sizeof msg, sig), 0);
	assert_int_equal(crypto_sign_verify_detached(sig, msg, sizeof msg, pk), 0);
	sig[0] ^= 1;
	assert_int_not_equal(crypto_sign_verify_detached(sig, msg, sizeof msg, pk), 0);
	/* a second signature after the key went back to no-access memory */
	assert_int_equal(secret_key_sign(sk, msg, 5, sig), 0);
	assert_int_equal(crypto_sign_verify_detached(sig, msg, 5, pk), 0);
	secret_key_free(&sk);
	assert_null(sk);
	secret_key_free(&sk); /* harmless twice */
	secret_key_free(NULL);
	free(path);
}

static void test_two_keys_differ(void **state)
{
	unsigned char a[32], b[32], fa[KEYFILE_SIZE], fb[KEYFILE_SIZE];
	char *pa = make_key("a.key", a), *pb = make_key("b.key", b);

	assert_memory_not_equal(a, b, 32);
	assert_int_equal(get_bytes(pa, fa, sizeof fa), KEYFILE_SIZE);
	assert_int_equal(get_bytes(pb, fb, sizeof fb), KEYFILE_SIZE);
	assert_memory_not_equal(fa + 24, fb + 24, 16); /* salt */
	assert_memory_not_equal(fa + 40, fb + 40, 24); /* nonce */
	free(pa);
	free(pb);
}

static void test_wrong_or_empty_passphrase_refused(void **state)
{
	unsigned char pk[32];
	struct secret_key *sk = NULL;
	struct simsa_err err;
	char *path = make_key("k.key", pk);

	assert_int_equal(keyfile_unlock(path, "correct hors", 12, &sk, &err), -1);
	assert_null(sk);
	assert_msg(&err, path);
	assert_msg(&err, "wrong passphrase or damaged key file");
	assert_int_equal(keyfile_unlock(path, "correct horsE", 13, &sk, &err), -1);
	assert_msg(&err, "wrong passphrase");
	assert_int_equal(keyfile_unlock(path, "", 0, &sk, &err), -1);
	assert_msg(&err, "empty passphrase");
	assert_null(sk);
	free(path);

	path = path_in("empty.key");
	assert_int_equal(keyfile_create(path, "", 0, &fast, pk, &err), -1);
	assert_msg(&err, "empty passphrase");
	assert_int_equal(access(path, F_OK), -1);
	free(path);
}

static void test_every_truncation_refused(void **state)
{
	unsigned char pk[32], good[KEYFILE_SIZE];
	struct secret_key *sk = NULL;
	struct simsa_err err;
	char *path = make_key("k.key", pk), *cut = path_in("cut.key"), want[64];

	assert_int_equal(get_bytes(path, good, sizeof good), KEYFILE_SIZE);
	for (size_t n = 0; n < KEYFILE_SIZE; n++) {
		put_bytes(cut, good, n);
		snprintf(want, sizeof want, "truncated: %zu bytes, expected 176", n);
		assert_int_equal(keyfile_unlock(cut, "correct horse", 13, &sk, &err), -1);
		assert_null(sk);
		assert_msg(&err, cut);
		assert_msg(&err, want);
		assert_int_equal(keyfile_read_public(cut, pk, &err), -1);
		assert_msg(&err, want);
	}
	free(path);
	free(cut);
}

static void test_oversized_file_refused(void **state)
{
	unsigned char pk[32], big[10000] = { 0 };
	struct secret_key *sk = NULL;
	struct simsa_err err;
	char *path = make_key("k.key", pk);

	assert_int_equal(get_bytes(path, big, sizeof big), KEYFILE_SIZE);
	put_bytes(path, big, KEYFILE_SIZE + 1);
	assert_int_equal(keyfile_unlock(path, "correct horse", 13, &sk, &err), -1);
	assert_msg(&err, "177 bytes, expected 176");
	put_bytes(path, big, sizeof big);
	assert_int_equal(keyfile_unlock(path, "correct horse", 13, &sk, &err), -1);
	assert_msg(&err, "more than 512 bytes, expected 176");
	free(path);
}

/* What flipping one bit of the header must produce. */
static const char *expected_refusal(const unsigned char *f, size_t off)
{
	uint32_t ops = 0;
	uint64_t mem = 0;

	if (off < 8)
		return "not a simsa key file (bad magic)";
	if (off == 8)
		return "unknown format version";
	if (off == 9)
		return "unknown KDF algorithm";
	if (off == 10)
		return "unknown cipher algorithm";
	if (off == 11)
		return "reserved byte is";
	for (int i = 3; i >= 0; i--)
		ops = (ops << 8) | f[12 + i];
	for (int i = 7; i >= 0; i--)
		mem = (mem << 8) | f[16 + i];
	if (ops < 1 || ops > 16)
		return "out of range 1..16";
	if (mem < 8192 || mem > (1ull << 30))
		return "out of range 8192..1073741824";
	if (mem % 1024)
		return "is not a multiple of 1024";
	return "wrong passphrase or damaged key file";
}

static void test_every_bit_flip_refused(void **state)
{
	unsigned char pk[32], good[KEYFILE_SIZE], bad[KEYFILE_SIZE];
	struct secret_key *sk = NULL;
	struct simsa_err err;
	char *path = make_key("k.key", pk), *flip = path_in("flip.key");

	assert_int_equal(get_bytes(path, good, sizeof good), KEYFILE_SIZE);
	for (size_t off = 0; off < KEYFILE_SIZE; off++) {
		for (int bit = 0; bit < 8; bit++) {
			memcpy(bad, good, sizeof bad);
			bad[off] ^= (unsigned char)(1u << bit);
			put_bytes(flip, bad, sizeof bad);
			assert_int_equal(keyfile_unlock(flip, "correct horse", 13, &sk, &err), -1);
			assert_null(sk);
			if (!strstr(err.msg, expected_refusal(bad, off)))
				fail_msg("byte %zu bit %d: \"%s\", wanted \"%s\"", off, bit,
					 err.msg, expected_refusal(bad, off));
		}
	}
	/* the specific numbers are named */
	memcpy(bad, good, sizeof bad);
	bad[8] = 9;
	put_bytes(flip, bad, sizeof bad);
	assert_int_equal(keyfile_read_public(flip, pk, &err), -1);
	assert_msg(&err, "unknown format version 9");
	free(path);
	free(flip);
}

/* Writes good with opslimit/memlimit replaced; returns the unlock message. */
static void expect_kdf_refused(const unsigned char *good, const char *path, uint32_t ops,
			       uint64_t mem, const char *want)
{
	unsigned char bad[KEYFILE_SIZE];
	struct secret_key *sk = NULL;
	struct simsa_err err;
	double t0 = now();

	memcpy(bad, good, sizeof bad);
	for (int i = 0; i < 4; i++)
		bad[12 + i] = (unsigned char)(ops >> (8 * i));
	for (int i = 0; i < 8; i++)
		bad[16 + i] = (unsigned char)(mem >> (8 * i));
	put_bytes(path, bad, sizeof bad);
	assert_int_equal(keyfile_unlock(path, "correct horse", 13, &sk, &err), -1);
	assert_null(sk);
	assert_msg(&err, path);
	assert_msg(&err, want);
	/* refused from the header alone: no derivation was attempted */
	if (now() - t0 > 0.5)
		fail_msg("refusing ops %" PRIu32 " mem %" PRIu64 " took %.2f s", ops, mem,
			 now() - t0);
}

static void test_absurd_kdf_parameters_refused_before_deriving(void **state)
{
	unsigned char pk[32], good[KEYFILE_SIZE];
	struct simsa_err err;
	char *path = make_key("k.key", pk), *bad = path_in("bad.key");
	struct keyfile_kdf huge = { 1, 1ull << 40 }, slow = { 1000000, 8192 };

	assert_int_equal(get_bytes(path, good, sizeof good), KEYFILE_SIZE);
	expect_kdf_refused(good, bad, 1, 1ull << 40, "KDF memory limit 1099511627776 out of range");
	expect_kdf_refused(good, bad, 1, UINT64_MAX, "KDF memory limit 18446744073709551615 out");
	expect_kdf_refused(good, bad, 1, (1ull << 30) + 1024, "KDF memory limit 1073742848 out");
	expect_kdf_refused(good, bad, 1, 0, "KDF memory limit 0 out of range");
	expect_kdf_refused(good, bad, 1, 8191, "KDF memory limit 8191 out of range");
	expect_kdf_refused(good, bad, 1, 10000, "KDF memory limit 10000 is not a multiple of 1024");
	expect_kdf_refused(good, bad, 0, 8192, "KDF pass count 0 out of range 1..16");
	expect_kdf_refused(good, bad, 17, 8192, "KDF pass count 17 out of range");
	expect_kdf_refused(good, bad, UINT32_MAX, 1ull << 40, "KDF pass count 4294967295 out");
	assert_int_equal(keyfile_read_public(bad, pk, &err), -1);
	assert_msg(&err, "out of range");

	/* and keyfile_create never writes what keyfile_unlock would refuse */
	free(bad);
	bad = path_in("new.key");
	assert_int_equal(keyfile_create(bad, "pw", 2, &huge, pk, &err), -1);
	assert_msg(&err, "KDF memory limit 1099511627776 out of range");
	assert_int_equal(keyfile_create(bad, "pw", 2, &slow, pk, &err), -1);
	assert_msg(&err, "KDF pass count 1000000 out of range");
	assert_int_equal(access(bad, F_OK), -1);
	free(path);
	free(bad);
}

/* The names in the directory other than want; NULL when there are none. */
static char *stray_file(const char *want)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char *found = NULL;

	assert_non_null(d);
	for (e = readdir(d); e && !found; e = readdir(d))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && strcmp(e->d_name, want))
			found = strdup(e->d_name);
	closedir(d);
	return found;
}

static void test_never_overwrites(void **state)
{
	unsigned char pk[32], pk2[32], before[KEYFILE_SIZE], after[KEYFILE_SIZE];
	struct simsa_err err;
	char *path = make_key("org.key", pk), *other, *link_path;

	assert_int_equal(get_bytes(path, before, sizeof before), KEYFILE_SIZE);
	assert_int_equal(keyfile_create(path, "another", 7, &fast, pk2, &err), -1);
	assert_msg(&err, path);
	assert_msg(&err, "already exists; a key file is never overwritten");
	assert_int_equal(get_bytes(path, after, sizeof after), KEYFILE_SIZE);
	assert_memory_equal(before, after, KEYFILE_SIZE);
	char *stray = stray_file("org.key");
	if (stray)
		fail_msg("left behind: %s", stray);

	/* not some other file either, nor through a dangling symlink */
	other = write_file(dir, "round.db", "not a key");
	assert_int_equal(keyfile_create(other, "pw", 2, &fast, pk2, &err), -1);
	assert_msg(&err, "already exists");
	link_path = path_in("link.key");
	assert_int_equal(symlink("nowhere.key", link_path), 0);
	assert_int_equal(keyfile_create(link_path, "pw", 2, &fast, pk2, &err), -1);
	assert_msg(&err, "already exists");
	free(path);
	free(other);
	free(link_path);
	path = path_in("nowhere.key");
	assert_int_equal(access(path, F_OK), -1);
	free(path);
}

static void test_mode_0600_whatever_the_umask(void **state)
{
	mode_t old = umask(0);
	unsigned char pk[32];
	struct stat st;
	char *path = make_key("k.key", pk);

	umask(old);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(st.st_size, KEYFILE_SIZE);
	free(path);
}

static void test_create_and_open_errors_name_the_path(void **state)
{
	unsigned char pk[32];
	struct secret_key *sk = NULL;
	struct simsa_err err;
	char *path = path_in("no/such/dir/k.key"), *missing = path_in("missing.key");

	assert_int_equal(keyfile_create(path, "pw", 2, &fast, pk, &err), -1);
	assert_msg(&err, path);
	assert_msg(&err, "cannot create");
	assert_int_equal(keyfile_unlock(missing, "pw", 2, &sk, &err), -1);
	assert_msg(&err, missing);
	assert_msg(&err, "cannot open: No such file or directory");
	assert_int_equal(keyfile_unlock(dir, "pw", 2, &sk, &err), -1);
	assert_msg(&err, "not a regular file");
	free(path);
	free(missing);
	path = write_file(dir, "junk.key", "-----BEGIN OPENSSH PRIVATE KEY-----\n");
	assert_int_equal(keyfile_unlock(path, "pw", 2, &sk, &err), -1);
	assert_msg(&err, "not a simsa key file (bad magic)");
	free(path);
}

/* A FIFO (or any non-regular file) at the key's path is refused at once:
 * opening it must not wait for a writer. alarm() turns a hang into a
 * failure. */
static void test_fifo_refused_without_blocking(void **state)
{
	struct secret_key *sk = NULL;
	unsigned char pk[32];
	struct keyfile_kdf k;
	struct simsa_err err;
	char *fifo = path_in("fifo.key");

	assert_int_equal(mkfifo(fifo, 0600), 0);
	alarm(10);
	assert_int_equal(keyfile_unlock(fifo, "pw", 2, &sk, &err), -1);
	assert_msg(&err, fifo);
	assert_msg(&err, "not a regular file");
	assert_int_equal(keyfile_read_public(fifo, pk, &err), -1);
	assert_msg(&err, "not a regular file");
	assert_int_equal(keyfile_read_kdf(fifo, &k, &err), -1);
	assert_msg(&err, "not a regular file");
	alarm(0);
	assert_false(keyfile_mode_too_open(fifo, &err));
	free(fifo);
}

/* A key file readable or writable by group or others: the check says so
 * (the commands warn); the file still unlocks. */
static void test_mode_too_open(void **state)
{
	struct secret_key *sk = NULL;
	unsigned char pk[32];
	struct simsa_err err;
	char *path = path_in("k.key");

	assert_int_equal(keyfile_create(path, "pw", 2, &fast, pk, &err), 0);
	assert_false(keyfile_mode_too_open(path, &err));
	assert_int_equal(chmod(path, 0644), 0);
	assert_true(keyfile_mode_too_open(path, &err));
	assert_msg(&err, path);
	assert_msg(&err, "0644");
	assert_int_equal(chmod(path, 0620), 0);
	assert_true(keyfile_mode_too_open(path, &err));
	assert_int_equal(chmod(path, 0400), 0);
	assert_false(keyfile_mode_too_open(path, &err));
	assert_int_equal(chmod(path, 0604), 0);
	assert_true(keyfile_mode_too_open(path, &err));
	assert_int_equal(keyfile_unlock(path, "pw", 2, &sk, &err), 0);
	secret_key_free(&sk);
	free(path);
}

static void test_simsa_kdf_fast_is_recorded(void **state)
{
	unsigned char pk[32], raw[KEYFILE_SIZE];
	const unsigned char want[12] = { 1, 0, 0, 0, 0x00, 0x20, 0, 0, 0, 0, 0, 0 };
	struct secret_key *sk = NULL;
	struct keyfile_kdf kdf;
	struct simsa_err err;
	char *path = path_in("fast.key");

	setenv("SIMSA_KDF", "fast", 1);
	assert_int_equal(keyfile_create(path, "pw", 2, NULL, pk, &err), 0);
	assert_int_equal(keyfile_read_kdf(path, &kdf, &err), 0);
	assert_int_equal(kdf.opslimit, 1);
	assert_int_equal(kdf.memlimit, 8192);
	assert_int_equal(get_bytes(path, raw, sizeof raw), KEYFILE_SIZE);
	assert_memory_equal(raw + 12, want, 12);
	/* the file, not the environment, decides how to unlock */
	unsetenv("SIMSA_KDF");
	assert_int_equal(keyfile_unlock(path, "pw", 2, &sk, &err), 0);
	secret_key_free(&sk);

	setenv("SIMSA_KDF", "quick", 1);
	assert_int_equal(keyfile_kdf_choose(&kdf, &err), -1);
	assert_msg(&err, "SIMSA_KDF=quick: unknown value");
	free(path);
	path = path_in("quick.key");
	assert_int_equal(keyfile_create(path, "pw", 2, NULL, pk, &err), -1);
	assert_int_equal(access(path, F_OK), -1);
	free(path);
}

static void test_defaults_round_trip(void **state)
{
	unsigned char pk[32], sig[64];
	struct secret_key *sk = NULL;
	struct keyfile_kdf kdf;
	struct simsa_err err;
	char *path = path_in("default.key");

	assert_int_equal(keyfile_create(path, "기본 암호", strlen("기본 암호"), NULL, pk, &err), 0);
	assert_int_equal(keyfile_read_kdf(path, &kdf, &err), 0);
	assert_int_equal(kdf.opslimit, KEYFILE_OPSLIMIT_DEFAULT);
	assert_int_equal(kdf.memlimit, KEYFILE_MEMLIMIT_DEFAULT);
	assert_int_equal(keyfile_unlock(path, "기본 암호", strlen("기본 암호"), &sk, &err), 0);
	assert_int_equal(secret_key_sign(sk, (const unsigned char *)"x", 1, sig), 0);
	assert_int_equal(crypto_sign_verify_detached(sig, (const unsigned char *)"x", 1, pk), 0);
	secret_key_free(&sk);
	free(path);
}

/* Builds a key file from docs/key-files.md with libsodium directly, sealing
 * sealed_sk (64 bytes) and recording header_pk. Its salt and nonce are
 * random, drawn from the test's seed (a new stream for each file). */
static void build_file(const char *path, const char *pass, const unsigned char *sealed_sk,
		       const unsigned char *header_pk)
{
	static uint64_t files;
	unsigned char f[KEYFILE_SIZE], key[32], stream[randombytes_SEEDBYTES] = { 0 };

	memset(f, 0, sizeof f);
	memcpy(f, "SIMSAKEY", 8);
	f[8] = 1;         /* format version */
	f[9] = 1;         /* Argon2id v1.3 */
	f[10] = 1;        /* XChaCha20-Poly1305 */
	f[12] = 2;        /* opslimit 2, LE */
	f[16 + 1] = 0x40; /* memlimit 16384, LE */
	for (int i = 0; i < 8; i++) {
		stream[i] = (unsigned char)(run_seed >> (8 * i));
		stream[8 + i] = (unsigned char)(files >> (8 * i));
	}
	files++;
	randombytes_buf_deterministic(f + 24, 16 + 24, stream); /* salt, then nonce */
	memcpy(f + 64, header_pk, 32);
	assert_int_equal(crypto_pwhash(key, sizeof key, pass, strlen(pass), f + 24, 2, 16384,
				       crypto_pwhash_ALG_ARGON2ID13),
			 0);
	crypto_aead_xchacha20poly1305_ietf_encrypt(f + 96, NULL, sealed_sk, 64, f, 96, NULL, f + 40,
						   key);
	put_bytes(path, f, sizeof f);
}

static void test_documented_format_and_key_consistency(void **state)
{
	unsigned char seed[32], pk[32], sk[64], pk_b[32], sk_b[64], mixed[64], sig[64], want[64];
	struct secret_key *out = NULL;
	struct simsa_err err;
	char *path = path_in("doc.key");

	for (int i = 0; i < 32; i++)
		seed[i] = (unsigned char)i;
	crypto_sign_seed_keypair(pk, sk, seed);
	crypto_sign_keypair(pk_b, sk_b);

	/* an independently built file unlocks and signs as the seed's key */
	build_file(path, "pw", sk, pk);
	assert_int_equal(keyfile_unlock(path, "pw", 2, &out, &err), 0);
	assert_memory_equal(secret_key_public(out), pk, 32);
	assert_int_equal(secret_key_sign(out, (const unsigned char *)"m", 1, sig), 0);
	crypto_sign_detached(want, NULL, (const unsigned char *)"m", 1, sk);
	assert_memory_equal(sig, want, 64); /* Ed25519 is deterministic */
	secret_key_free(&out);

	/* sealed correctly but for another public key */
	unlink(path);
	build_file(path, "pw", sk, pk_b);
	assert_int_equal(keyfile_unlock(path, "pw", 2, &out, &err), -1);
	assert_msg(&err, "damaged: the secret key does not match the public key");
	assert_null(out);

	/* a secret key whose second half is not its seed's public key */
	memcpy(mixed, sk, 32);
	memcpy(mixed + 32, pk_b, 32);
	unlink(path);
	build_file(path, "pw", mixed, pk_b);
	assert_int_equal(keyfile_unlock(path, "pw", 2, &out, &err), -1);
	assert_msg(&err, "damaged");
	unlink(path);
	build_file(path, "pw", mixed, pk);
	assert_int_equal(keyfile_unlock(path, "pw", 2, &out, &err), -1);
	assert_msg(&err, "damaged");
	assert_null(out);
	free(path);
}

/* The worked example in docs/key-files.md: seed 00 01 .. 1f, passphrase
 * "correct horse battery staple", minimum KDF, salt "0123456789abcdef",
 * nonce 40 41 .. 57. */
static const char doc_example[] = "53494d53414b45590101010001000000"
				  "00200000000000003031323334353637"
				  "38396162636465664041424344454647"
				  "48494a4b4c4d4e4f5051525354555657"
				  "03a107bff3ce10be1d70dd18e74bc099"
				  "67e4d6309ba50d5f1ddc8664125531b8"
				  "c81fb16c991f8256a83a45b7d311acf6"
				  "a2a079fd48e2e8ce1af8268e81f866be"
				  "497546b6e4e472a33725c7b8e522cb52"
				  "486bf9c6221b852b04c737b1d68c6473"
				  "ca830b8f43a50cfe6a89781d87c4cdcf";
static const char doc_signature[] =
	"4b2c06d812e1410017c1034f414444f0b2fc30d3722eafd7c266fc2e56fb237b"
	"dfaa19f5aaa93564a4750148842ea97f541effba719d8b0b2a3626a6035ec703";

static void test_documented_example_unlocks(void **state)
{
	unsigned char f[KEYFILE_SIZE], want[64], sig[64];
	const char *pass = "correct horse battery staple";
	struct secret_key *sk = NULL;
	struct simsa_err err;
	size_t n;
	char *path = path_in("example.key");

	assert_int_equal(
		sodium_hex2bin(f, sizeof f, doc_example, strlen(doc_example), NULL, &n, NULL), 0);
	assert_int_equal(n, KEYFILE_SIZE);
	put_bytes(path, f, n);
	assert_int_equal(keyfile_unlock(path, pass, strlen(pass), &sk, &err), 0);
	assert_memory_equal(secret_key_public(sk), f + 64, 32);
	assert_int_equal(secret_key_sign(sk, (const unsigned char *)"simsa", 5, sig), 0);
	assert_int_equal(sodium_hex2bin(want, sizeof want, doc_signature, 128, NULL, &n, NULL), 0);
	assert_memory_equal(sig, want, 64);
	secret_key_free(&sk);
	free(path);
}

/* A new passphrase: the same key pair under a fresh seal; the old one
 * stops working; a wrong old passphrase or an empty new one changes
 * nothing, byte for byte. */
static void test_change_passphrase(void **state)
{
	unsigned char pk[32], pk2[32], before[KEYFILE_SIZE], after[KEYFILE_SIZE], sig[64];
	const unsigned char msg[] = "a ballot";
	struct secret_key *sk = NULL;
	struct simsa_err err;
	char *path = make_key("mine.key", pk);
	FILE *f;

	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fread(before, 1, sizeof before, f), sizeof before);
	fclose(f);
	assert_int_equal(keyfile_change_passphrase(path, "wrong", 5, "새 문구", 10, &fast, &err),
			 -1);
	assert_msg(&err, "wrong passphrase");
	assert_int_equal(keyfile_change_passphrase(path, "correct horse", 13, "", 0, &fast, &err),
			 -1);
	assert_msg(&err, "empty passphrase");
	f = fopen(path, "rb");
	assert_int_equal(fread(after, 1, sizeof after, f), sizeof after);
	fclose(f);
	assert_memory_equal(before, after, sizeof before);
	if (keyfile_change_passphrase(path, "correct horse", 13, "새 문구", 10, &fast, &err) < 0)
		fail_msg("%s", err.msg);
	f = fopen(path, "rb");
	assert_int_equal(fread(after, 1, sizeof after, f), sizeof after);
	fclose(f);
	assert_memory_not_equal(before + 24, after + 24, 16); /* a fresh salt */
	assert_int_equal(keyfile_read_public(path, pk2, &err), 0);
	assert_memory_equal(pk, pk2, 32);
	assert_int_equal(keyfile_unlock(path, "correct horse", 13, &sk, &err), -1);
	assert_int_equal(keyfile_unlock(path, "새 문구", 10, &sk, &err), 0);
	assert_memory_equal(secret_key_public(sk), pk, 32);
	assert_int_equal(secret_key_sign(sk, msg, sizeof msg, sig), 0);
	assert_int_equal(crypto_sign_verify_detached(sig, msg, sizeof msg, pk), 0);
	secret_key_free(&sk);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_round_trip_signs_under_the_stored_key, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_two_keys_differ, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_or_empty_passphrase_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_every_truncation_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_oversized_file_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_every_bit_flip_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_absurd_kdf_parameters_refused_before_deriving,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_never_overwrites, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mode_0600_whatever_the_umask, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create_and_open_errors_name_the_path, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_fifo_refused_without_blocking, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_mode_too_open, setup, teardown),
		cmocka_unit_test_setup_teardown(test_simsa_kdf_fast_is_recorded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_defaults_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_documented_format_and_key_consistency, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_documented_example_unlocks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_change_passphrase, setup, teardown),
	};

	if (sodium_init() < 0)
		return 1;
	run_seed = test_seed(test_seed_fresh());
	return cmocka_run_group_tests(tests, NULL, NULL);
}
