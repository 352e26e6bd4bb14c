/* leak_fold — the one rule by which identity screening sees through
 * disguises (see leak_internal.h and docs/opening.md, "Identity screening").
 *
 * In order:
 *  1. Invisible characters go: Unicode's default-ignorables (ZWSP, ZWNJ,
 *     ZWJ, WJ, BOM, soft hyphen, variation selectors, Hangul fillers ...).
 *     Tag characters (U+E0020..U+E007E, which draw as nothing but spell
 *     ASCII) leave their place too, and each run of them is read, as the
 *     ASCII it spells, after the visible text (a "\n" before each run), so a
 *     name hidden in tags is found and tags sprinkled inside a name do not
 *     hide it. Conjoining jamo are composed into Hangul syllables, a
 *     leading consonant after a syllable without a final taken as its final
 *     unless a vowel follows (typed jamo: ㄱㅏㅇㅗㄴ reads 가온).
 *  2. Each character is normalized (NFKD, so NFKC's compatibility mappings;
 *     combining marks dropped) and replaced by its UTS #39 confusable
 *     skeleton (ICU's spoof checker) and case-folded, again until nothing
 *     changes, so that "Dаsol" (Cyrillic а), "ＤＡＳＯＬ", "DasoI" (a capital
 *     I for the l) and "Dasol" read the same. Since case-folding cannot tell
 *     I from i and the skeleton reads I as l, i and l fold together. Hangul
 *     syllables stay as they are (their skeletons would be jamo).
 *  3. Spaces, punctuation and symbols between single letters go ("D a s o
 *     l", "D.a.s.o.l", "D-a-s-o-l" read "dasol"); every other run of them
 *     becomes one space.
 *
 * Folding a term and folding a text is the same function, character by
 * character, so a term found in a text is found in its folded form. */
#include "leak_internal.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uscript.h>
#include <unicode/uspoof.h>
#include <utf8proc.h>

#include "simsa/util.h"

#define CP_MAX 32       /* code points one character may fold to */
#define LEAK_MARK 0x10  /* a combining mark: belongs to the unit before */
#define TAG_RUN (-1)    /* in the tag stream: a new run of tag characters starts */
#define UNIT_OUT_MAX 64 /* bytes one folded character may take */

#define HANGUL_S 0xAC00 /* the first syllable; 11172 of them */
#define HANGUL_L 0x1100 /* leading consonants: 19 */
#define HANGUL_V 0x1161 /* vowels: 21 */
#define HANGUL_T 0x11A7 /* one before the trailing consonants: 27 */

/* ---- step 2: one character ---- */

/* NFKD of cp (with case folding if fold), combining marks dropped. */
static size_t decompose(int32_t cp, int32_t *dst, size_t cap, bool fold)
{
	utf8proc_int32_t tmp[CP_MAX];
	utf8proc_option_t opt = UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE | UTF8PROC_IGNORE;
	int boundclass = 0;
	utf8proc_ssize_t n;
	size_t k = 0;

	n = utf8proc_decompose_char(cp, tmp, CP_MAX, opt | (fold ? UTF8PROC_CASEFOLD : 0),
				    &boundclass);
	if (n < 0 || n > CP_MAX) { /* cannot happen for a valid code point */
		tmp[0] = cp;
		n = 1;
	}
	for (utf8proc_ssize_t i = 0; i < n && k < cap; i++) {
		utf8proc_category_t c = utf8proc_category(tmp[i]);

		if (c != UTF8PROC_CATEGORY_MN && c != UTF8PROC_CATEGORY_ME)
			dst[k++] = tmp[i];
	}
	return k;
}

/* The skeleton of n code points into dst (at most cap); -1 if ICU fails. */
static long skeleton(USpoofChecker *sc, const int32_t *cps, size_t n, int32_t *dst, size_t cap)
{
	char in[CP_MAX * 4 + 1], out[CP_MAX * 18 * 4 + 1]; /* 18: the longest mapping */
	size_t len = 0, k = 0;
	UErrorCode e = U_ZERO_ERROR;
	int32_t got;

	for (size_t i = 0; i < n; i++)
		len += (size_t)utf8proc_encode_char(cps[i], (utf8proc_uint8_t *)in + len);
	got = uspoof_getSkeletonUTF8(sc, 0, in, (int32_t)len, out, (int32_t)sizeof out, &e);
	if (U_FAILURE(e) || got < 0 || got > (int32_t)sizeof out)
		return -1;
	for (int32_t off = 0; off < got && k < cap;) {
		utf8proc_int32_t c;
		utf8proc_ssize_t step =
			utf8proc_iterate((const utf8proc_uint8_t *)out + off, got - off, &c);

		if (step <= 0)
			return -1;
		dst[k++] = c;
		off += (int32_t)step;
	}
	return (long)k;
}

static bool nospace_script(int32_t cp)
{
	UErrorCode e = U_ZERO_ERROR;

	switch (uscript_getScript(cp, &e)) {
	case USCRIPT_HANGUL:
	case USCRIPT_HAN:
	case USCRIPT_HIRAGANA:
	case USCRIPT_KATAKANA:
	case USCRIPT_BOPOMOFO:
	case USCRIPT_THAI:
	case USCRIPT_LAO:
	case USCRIPT_KHMER:
	case USCRIPT_MYANMAR:
	case USCRIPT_YI: return true;
	default: return false;
	}
}

/* The Latin letter a symbol or a small capital stands for, which neither
 * NFKC nor the confusable skeletons give (squared, negative circled and
 * negative squared capitals, parenthesized small letters, small capitals:
 * 🅳🅰🆂🅾🅻, ⒟⒜⒮⒪⒧, ᴅᴀsᴏʟ); 0 for any other character. */
static int32_t letterlike(int32_t cp)
{
	/* clang-format off */
	static const struct { int32_t cp; char c; } small[] = {
		{ 0x1D00, 'a' }, { 0x0299, 'b' }, { 0x1D04, 'c' }, { 0x1D05, 'd' }, { 0x1D07, 'e' },
		{ 0xA730, 'f' }, { 0x0262, 'g' }, { 0x029C, 'h' }, { 0x026A, 'i' }, { 0x1D0A, 'j' },
		{ 0x1D0B, 'k' }, { 0x029F, 'l' }, { 0x1D0D, 'm' }, { 0x0274, 'n' }, { 0x1D0F, 'o' },
		{ 0x1D18, 'p' }, { 0xA7AF, 'q' }, { 0x0280, 'r' }, { 0xA731, 's' }, { 0x1D1B, 't' },
		{ 0x1D1C, 'u' }, { 0x1D20, 'v' }, { 0x1D21, 'w' }, { 0x028F, 'y' }, { 0x1D22, 'z' },
	};
	/* clang-format on */

	if (cp >= 0x1F130 && cp <= 0x1F149) /* squared A..Z */
		return 'a' + (cp - 0x1F130);
	if (cp >= 0x1F150 && cp <= 0x1F169) /* negative circled A..Z */
		return 'a' + (cp - 0x1F150);
	if (cp >= 0x1F170 && cp <= 0x1F189) /* negative squared A..Z */
		return 'a' + (cp - 0x1F170);
	if (cp >= 0x249C && cp <= 0x24B5) /* parenthesized a..z */
		return 'a' + (cp - 0x249C);
	for (size_t i = 0; i < sizeof small / sizeof small[0]; i++)
		if (small[i].cp == cp)
			return small[i].c;
	return 0;
}

/* Folds one character (step 2) into out (UTF-8, *n bytes; 0: nothing left)
 * and says what it is (enum leak_class or LEAK_MARK). -1 if ICU fails. */
static int fold_char(USpoofChecker *sc, int32_t cp, char out[UNIT_OUT_MAX], size_t *n,
		     unsigned char *cls)
{
	int32_t a[CP_MAX], b[CP_MAX], c[CP_MAX], letter = letterlike(cp);
	size_t na, nc;
	utf8proc_category_t cat = utf8proc_category(cp);
	bool alnum = true;

	if (letter) /* folds as the letter itself */
		return fold_char(sc, letter, out, n, cls);
	na = decompose(cp, a, CP_MAX, false);

	for (int round = 0; round < 4 && na; round++) {
		long nb = skeleton(sc, a, na, b, CP_MAX);

		if (nb < 0)
			return -1;
		nc = 0;
		for (long i = 0; i < nb; i++)
			nc += decompose(b[i], c + nc, CP_MAX - nc, true);
		if (nc == na && memcmp(a, c, na * sizeof *a) == 0)
			break;
		memcpy(a, c, nc * sizeof *c);
		na = nc;
	}
	*n = 0;
	for (size_t i = 0; i < na && *n + 4 < UNIT_OUT_MAX; i++) {
		utf8proc_category_t k = utf8proc_category(a[i]);

		if (k ==
		    UTF8PROC_CATEGORY_ZS) /* U+FE74 is " " and a mark: only the mark was seen */
			continue;
		alnum = alnum && k >= UTF8PROC_CATEGORY_LU && k <= UTF8PROC_CATEGORY_NO;
		*n += (size_t)utf8proc_encode_char(a[i] == 'i' ? 'l' : a[i],
						   (utf8proc_uint8_t *)out + *n);
	}
	if (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO)
		*cls = nospace_script(cp) ? LEAK_NOSPACE : LEAK_WORD;
	else if (cat >= UTF8PROC_CATEGORY_MN && cat <= UTF8PROC_CATEGORY_ME)
		*cls = LEAK_MARK;
	else if (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO)
		*cls = LEAK_DIGIT;
	else /* a symbol that reads as a letter (| as l) counts as one */
		*cls = *n && alnum ? LEAK_WORD : LEAK_SEP;
	return 0;
}

/* The folds of ASCII, made once. */
static struct {
	char s[UNIT_OUT_MAX];
	unsigned char n, cls;
} ascii[128];
static bool ascii_ok;
static pthread_once_t ascii_once = PTHREAD_ONCE_INIT;

static void ascii_init(void)
{
	UErrorCode e = U_ZERO_ERROR;
	USpoofChecker *sc = uspoof_open(&e);

	if (U_FAILURE(e))
		return;
	for (int c = 0; c < 128; c++) {
		size_t n;

		if (fold_char(sc, c, ascii[c].s, &n, &ascii[c].cls) < 0) {
			uspoof_close(sc);
			return;
		}
		ascii[c].n = (unsigned char)n;
	}
	uspoof_close(sc);
	ascii_ok = true;
}

/* ---- step 3, as the folded characters come ---- */

struct folding {
	USpoofChecker *sc; /* opened when a character outside ASCII and Hangul comes */
	struct leak_folded *out;
	size_t cap_t, cap_u;
	bool sep; /* a run of separators is pending */
	size_t sep_src, sep_end;
	size_t token;       /* units since the last separator, break or start */
	bool before_single; /* the token before the pending run is one unit */
	long maybe;         /* the " " before a single unit: dropped if the unit
				* after that unit ends its token too, or -1 */
};

static int emit(struct folding *f, const char *s, size_t n, size_t src, size_t end,
		unsigned char cls)
{
	struct leak_folded *o = f->out;

	if (o->len + n >= UINT32_MAX ||
	    grow_array((void **)&o->text, &f->cap_t, o->len + n + 1, 1) < 0 ||
	    grow_array((void **)&o->u, &f->cap_u, o->n + 2, sizeof *o->u) < 0)
		return -1;
	o->u[o->n++] =
		(struct leak_unit){ (uint32_t)o->len, (uint32_t)src, (uint32_t)end, cls, false };
	memcpy(o->text + o->len, s, n);
	o->len += n;
	o->text[o->len] = '\0';
	return 0;
}

/* A token ends: if it is a single unit after a single unit, the separators
 * between them go (the " " before it is taken out). */
static void token_end(struct folding *f)
{
	struct leak_folded *o = f->out;
	size_t k = (size_t)f->maybe;

	if (f->maybe >= 0 && f->token == 1 && k + 2 == o->n) {
		size_t from = o->u[k + 1].out;

		memmove(o->text + from - 1, o->text + from, o->len - from + 1);
		o->u[k] = o->u[k + 1];
		o->u[k].out = (uint32_t)from - 1;
		o->u[k].gap = true;
		o->len--;
		o->n--;
	}
	f->maybe = -1;
}

static int flush_sep(struct folding *f)
{
	if (!f->sep)
		return 0;
	f->sep = false;
	return emit(f, " ", 1, f->sep_src, f->sep_end, LEAK_SEP);
}

/* Takes one folded character (enum leak_class or LEAK_MARK). */
static int add(struct folding *f, const char *s, size_t n, size_t src, size_t end,
	       unsigned char cls)
{
	struct leak_folded *o = f->out;

	switch (cls) {
	case LEAK_MARK: /* joins what is before it */
		if (f->sep) {
			f->sep_end = end;
		} else if (o->n && o->u[o->n - 1].cls != LEAK_BREAK) {
			if (o->len + n >= UINT32_MAX ||
			    grow_array((void **)&o->text, &f->cap_t, o->len + n + 1, 1) < 0)
				return -1;
			memcpy(o->text + o->len, s, n);
			o->len += n;
			o->text[o->len] = '\0';
			o->u[o->n - 1].src_end = (uint32_t)end;
		}
		return 0;
	case LEAK_SEP:
		if (!f->sep) {
			token_end(f);
			f->sep = true;
			f->sep_src = src;
			f->before_single = f->token == 1;
			f->token = 0;
		}
		f->sep_end = end;
		return 0;
	case LEAK_BREAK:
		token_end(f);
		f->token = 0;
		return flush_sep(f) < 0 ? -1 : emit(f, s, n, src, end, cls);
	default:
		if (f->sep) {
			if (flush_sep(f) < 0)
				return -1;
			f->maybe = f->before_single ? (long)o->n - 1 : -1;
		} else if (f->token) {
			f->maybe = -1; /* the token grows: its first unit was not single */
		}
		f->token++;
		return emit(f, s, n, src, end, cls);
	}
}

/* Folds one character (step 2) and takes it. */
static int take(struct folding *f, int32_t cp, size_t src, size_t end)
{
	char buf[UNIT_OUT_MAX];
	size_t n;
	unsigned char cls;
	UErrorCode e = U_ZERO_ERROR;

	if (cp < 128) {
		if (!ascii[cp].n && ascii[cp].cls != LEAK_SEP)
			return 0;
		return add(f, ascii[cp].s, ascii[cp].n, src, end, ascii[cp].cls);
	}
	if (cp >= HANGUL_S && cp < HANGUL_S + 11172) /* as it is */
		return add(f, buf, (size_t)utf8proc_encode_char(cp, (utf8proc_uint8_t *)buf), src,
			   end, LEAK_NOSPACE);
	if (!f->sc && !(f->sc = uspoof_open(&e), U_SUCCESS(e)))
		return -1;
	if (fold_char(f->sc, cp, buf, &n, &cls) < 0)
		return -1;
	/* a character that folds to nothing is dropped, but for separators and
	 * marks (a separator folds to " " anyway) */
	return n || cls == LEAK_SEP || cls == LEAK_MARK ? add(f, buf, n, src, end, cls) : 0;
}

/* ---- step 1 ---- */

/* A character held back: a jamo or syllable that may compose with the next.
 * lead: a leading consonant taken as the syllable's final (ㄱㅏㅇㅗㄴ is
 * 가온), given back when a vowel follows it (ㄱㅏㄴㅏ is 가나); lead_src
 * where it began, base_end where the syllable ended without it. */
struct held {
	int32_t cp;
	size_t src, end;
	bool on;
	int32_t lead;
	size_t lead_src, base_end;
};

/* The trailing consonant a leading one is written as (0: none; ㄸ ㅃ ㅉ
 * are never final). The compatibility jamo a reader types are leading
 * consonants once decomposed, but a name's syllables hold trailing ones. */
static int32_t lead_as_tail(int32_t lead)
{
	static const unsigned char t[19] = { 1,  2,  4,  7, 0,  8,  16, 17, 0, 19,
					     20, 21, 22, 0, 23, 24, 25, 26, 27 };

	return lead >= HANGUL_L && lead < HANGUL_L + 19 && t[lead - HANGUL_L]
		       ? HANGUL_T + t[lead - HANGUL_L]
		       : 0;
}

/* Composes held and cp (from src to end) into a syllable when they make
 * one. */
static bool compose(struct held *h, int32_t cp, size_t src, size_t end)
{
	bool open = h->on && h->cp >= HANGUL_S && h->cp < HANGUL_S + 11172 &&
		    (h->cp - HANGUL_S) % 28 == 0;
	int32_t tail = lead_as_tail(cp);

	if (!h->on)
		return false;
	if (h->cp >= HANGUL_L && h->cp < HANGUL_L + 19 && cp >= HANGUL_V && cp < HANGUL_V + 21) {
		h->cp = HANGUL_S + ((h->cp - HANGUL_L) * 21 + (cp - HANGUL_V)) * 28;
	} else if (open && cp > HANGUL_T && cp < HANGUL_T + 28) {
		h->cp += cp - HANGUL_T;
	} else if (open && tail) {
		h->lead = cp;
		h->lead_src = src;
		h->base_end = h->end;
		h->cp += tail - HANGUL_T;
	} else {
		return false;
	}
	h->end = end;
	return true;
}

struct tag {
	int32_t cp; /* the ASCII it spells, or TAG_RUN */
	size_t src, end;
};

int leak_fold(const char *text, size_t len, struct leak_folded *out)
{
	struct folding f = { .out = out, .maybe = -1 };
	struct held h = { 0 };
	struct tag *tags = NULL;
	size_t nt = 0, cap_tags = 0;
	bool in_tags = false;
	int rc = -1;

	memset(out, 0, sizeof *out);
	pthread_once(&ascii_once, ascii_init);
	if (!ascii_ok || len > LEAK_FOLD_MAX ||
	    grow_array((void **)&out->text, &f.cap_t, 1, 1) < 0 ||
	    grow_array((void **)&out->u, &f.cap_u, 1, sizeof *out->u) < 0)
		goto out;
	out->text[0] = '\0';
	for (size_t off = 0; off < len;) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t step = utf8proc_iterate((const utf8proc_uint8_t *)text + off,
							 (utf8proc_ssize_t)(len - off), &cp);
		size_t end;

		if (step <= 0) { /* invalid UTF-8: one byte reads as U+FFFD */
			cp = 0xFFFD;
			step = 1;
		}
		end = off + (size_t)step;
		if (cp >= 0xE0000 && cp <= 0xE007F) { /* a tag character: read apart */
			bool run = !in_tags, ascii_tag = cp >= 0xE0020 && cp <= 0xE007E;

			in_tags = true;
			if ((run || ascii_tag) &&
			    grow_array((void **)&tags, &cap_tags, nt + 2, sizeof *tags) < 0)
				goto out;
			if (run)
				tags[nt++] = (struct tag){ TAG_RUN, off, off };
			if (ascii_tag)
				tags[nt++] = (struct tag){ cp - 0xE0000, off, end };
		} else if (!utf8proc_get_property(cp)->ignorable) {
			in_tags = false;
			if (cp >= 0x3131 && cp <= 0x318E) { /* compatibility jamo: conjoining */
				int32_t d[CP_MAX];

				if (decompose(cp, d, CP_MAX, false) == 1)
					cp = d[0];
			}
			if (h.on && h.lead && cp >= HANGUL_V && cp < HANGUL_V + 21) {
				/* the consonant read as a final begins the next
				 * syllable: the syllable goes without it */
				struct held next = {
					.cp = h.lead, .src = h.lead_src, .end = h.end, .on = true
				};

				h.cp -= lead_as_tail(h.lead) - HANGUL_T;
				if (take(&f, h.cp, h.src, h.base_end) < 0)
					goto out;
				h = next;
			}
			if (!compose(&h, cp, off, end)) {
				if (h.on && take(&f, h.cp, h.src, h.end) < 0)
					goto out;
				h = (struct held){ .cp = cp, .src = off, .end = end, .on = true };
			}
		}
		off = end;
	}
	if (h.on && take(&f, h.cp, h.src, h.end) < 0)
		goto out;
	for (size_t i = 0; i < nt; i++)
		if ((tags[i].cp == TAG_RUN ? add(&f, "\n", 1, tags[i].src, tags[i].end, LEAK_BREAK)
					   : take(&f, tags[i].cp, tags[i].src, tags[i].end)) < 0)
			goto out;
	token_end(&f);
	if (flush_sep(&f) < 0)
		goto out;
	out->u[out->n] = (struct leak_unit){ (uint32_t)out->len, (uint32_t)len, (uint32_t)len,
					     LEAK_SEP, false };
	rc = 0;
out:
	if (f.sc)
		uspoof_close(f.sc);
	free(tags);
	return rc;
}

void leak_folded_release(struct leak_folded *f)
{
	free(f->text);
	free(f->u);
	memset(f, 0, sizeof *f);
}

long leak_unit_at(const struct leak_folded *f, size_t off)
{
	size_t lo = 0, hi = f->n + 1;

	while (lo < hi) { /* the first unit whose out >= off */
		size_t mid = lo + (hi - lo) / 2;

		if (f->u[mid].out < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo <= f->n && f->u[lo].out == off ? (long)lo : -1;
}
