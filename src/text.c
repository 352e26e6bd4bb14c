/* text — decoding, sanitizing, grapheme clusters and their widths (see
 * include/simsa/text.h and docs/text.md). Wrapping and rendering lines are in
 * text_wrap.c. Unicode data comes from utf8proc; the only lists here are the
 * names of the dangerous code points a reader is shown. */
#include "simsa/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "simsa/util.h"

#define DOTTED_CIRCLE 0x25CC
#define ZWJ 0x200D
#define VS16 0xFE0F
#define CLUSTER_BYTES (4 * TEXT_GRAPHEME_MAX + 4)

/* What one code point is to the display. */
enum kind {
	K_TEXT,  /* drawn as is, joins a grapheme by Unicode's rules */
	K_LF,    /* LF */
	K_CR,    /* CR: a line break before LF, a placeholder alone */
	K_BREAK, /* U+2028, U+2029 */
	K_TAB,
	K_HIDE, /* replaced by a visible placeholder */
};

/* One grapheme as scanned from the input. */
struct cluster {
	size_t used; /* input bytes it took */
	unsigned flags;
	int width, cols;
	size_t len;
	char out[CLUSTER_BYTES];
};

/* ECMA-48 names of U+0080..U+009F. */
/* clang-format off */
static const char c1_names[32][4] = {
	"PAD", "HOP", "BPH", "NBH", "IND", "NEL", "SSA", "ESA",
	"HTS", "HTJ", "VTS", "PLD", "PLU", "RI", "SS2", "SS3",
	"DCS", "PU1", "PU2", "STS", "CCH", "MW", "SPA", "EPA",
	"SOS", "SGC", "SCI", "CSI", "ST", "OSC", "PM", "APC",
};
/* clang-format on */

/* Invisible characters a reader may know by name; other hidden ones show
 * their code point. */
/* clang-format off */
static const struct {
	int32_t cp;
	char name[5];
} format_names[] = {
	{ 0x00AD, "SHY" }, { 0x061C, "ALM" }, { 0x180E, "MVS" },
	{ 0x200B, "ZWSP" }, { 0x200C, "ZWNJ" }, { 0x200D, "ZWJ" },
	{ 0x200E, "LRM" }, { 0x200F, "RLM" }, { 0x202A, "LRE" },
	{ 0x202B, "RLE" }, { 0x202C, "PDF" }, { 0x202D, "LRO" },
	{ 0x202E, "RLO" }, { 0x2060, "WJ" }, { 0x2066, "LRI" },
	{ 0x2067, "RLI" }, { 0x2068, "FSI" }, { 0x2069, "PDI" },
	{ 0xFEFF, "BOM" },
};
/* clang-format on */

/* Length of the maximal invalid subpart at s: the longest prefix of a
 * well-formed sequence, or 1 (Unicode 15, §3.9, "U+FFFD substitution of
 * maximal subparts"), so "\xE2\x82A" is one U+FFFD and an "A". */
static size_t invalid_len(const uint8_t *s, size_t n)
{
	uint8_t b = s[0], lo = 0x80, hi = 0xBF;
	size_t need, i;

	if (b >= 0xC2 && b <= 0xDF) {
		need = 1;
	} else if (b >= 0xE0 && b <= 0xEF) {
		need = 2;
		lo = b == 0xE0 ? 0xA0 : 0x80; /* no overlongs */
		hi = b == 0xED ? 0x9F : 0xBF; /* no surrogates */
	} else if (b >= 0xF0 && b <= 0xF4) {
		need = 3;
		lo = b == 0xF0 ? 0x90 : 0x80;
		hi = b == 0xF4 ? 0x8F : 0xBF; /* nothing past U+10FFFF */
	} else {
		return 1;
	}
	for (i = 1; i <= need && i < n && s[i] >= lo && s[i] <= hi; i++) {
		lo = 0x80;
		hi = 0xBF;
	}
	return i;
}

/* One code point at s (n > 0): its byte length; or *cp = -1 and the length
 * of the invalid subpart. */
static size_t decode(const uint8_t *s, size_t n, int32_t *cp)
{
	utf8proc_ssize_t r = utf8proc_iterate(s, n < 4 ? (utf8proc_ssize_t)n : 4, cp);

	if (r > 0)
		return (size_t)r;
	*cp = -1;
	return invalid_len(s, n);
}

/* p: cp's utf8proc properties (looked up once per code point: it is most
 * of the cost of loading a text). */
static enum kind classify(int32_t cp, const utf8proc_property_t *p)
{
	if (cp < 0x20)
		return cp == '\n' ? K_LF : cp == '\r' ? K_CR : cp == '\t' ? K_TAB : K_HIDE;
	if (cp < 0x7F)
		return K_TEXT;
	if (cp < 0xA0)
		return K_HIDE; /* DEL and C1 */
	switch (p->category) {
	case UTF8PROC_CATEGORY_ZL:
	case UTF8PROC_CATEGORY_ZP: return K_BREAK;
	case UTF8PROC_CATEGORY_CC:
	case UTF8PROC_CATEGORY_CF: /* bidi, zero-width, tags, ... */
	case UTF8PROC_CATEGORY_CN: /* unassigned, noncharacters: width unknown */
	case UTF8PROC_CATEGORY_CO: /* private use: width unknown */
	case UTF8PROC_CATEGORY_CS: return K_HIDE;
	case UTF8PROC_CATEGORY_MN:
	case UTF8PROC_CATEGORY_MC:
	case UTF8PROC_CATEGORY_ME: return K_TEXT; /* variation selectors stay on their base */
	default:
		/* Default_Ignorable letters draw as nothing: the Hangul fillers
		 * U+115F, U+1160, U+3164, U+FFA0 (used to hide names) */
		return p->ignorable ? K_HIDE : K_TEXT;
	}
}

static bool is_pict(int32_t cp)
{
	const utf8proc_property_t *p = utf8proc_get_property(cp);

	return p->boundclass == UTF8PROC_BOUNDCLASS_EXTENDED_PICTOGRAPHIC &&
	       classify(cp, p) == K_TEXT;
}

/* Columns a code point adds to its grapheme, as a terminal that draws code
 * point by code point counts them: marks 0, and (as in wcwidth) Hangul
 * medial vowels and final consonants 0, since they join the initial. */
static int join_width(const utf8proc_property_t *p)
{
	if (p->boundclass == UTF8PROC_BOUNDCLASS_V || p->boundclass == UTF8PROC_BOUNDCLASS_T)
		return 0;
	return p->charwidth; /* what utf8proc_charwidth() returns */
}

static void put_cp(struct cluster *c, int32_t cp)
{
	c->len += (size_t)utf8proc_encode_char(cp, (utf8proc_uint8_t *)c->out + c->len);
}

static void put_str(struct cluster *c, const char *s)
{
	size_t n = strlen(s);

	memcpy(c->out + c->len, s, n);
	c->len += n;
}

/* Fills c with the visible stand-in for a hidden code point. Every one is
 * made of 1-column characters: Control Pictures, ⟨ ⟩ and ASCII. */
static void placeholder(struct cluster *c, int32_t cp)
{
	char name[16] = "";

	c->flags |= TEXT_G_PLACEHOLDER;
	if (cp < 0x20) {
		put_cp(c, 0x2400 + cp); /* ␀ .. ␟, ␛ for ESC */
		c->width = c->cols = 1;
		return;
	}
	if (cp == 0x7F) {
		put_cp(c, 0x2421); /* ␡ */
		c->width = c->cols = 1;
		return;
	}
	if (cp < 0xA0)
		snprintf(name, sizeof name, "%s", c1_names[cp - 0x80]);
	for (size_t i = 0; !name[0] && i < sizeof format_names / sizeof format_names[0]; i++)
		if (format_names[i].cp == cp)
			snprintf(name, sizeof name, "%s", format_names[i].name);
	if (!name[0] && cp > 0xE0020 && cp < 0xE007F)
		snprintf(name, sizeof name, "tag:%c", (char)(cp - 0xE0000));
	if (!name[0])
		snprintf(name, sizeof name, "U+%04X", (unsigned)cp);
	put_str(c, "\u27E8");
	put_str(c, name);
	put_str(c, "\u27E9");
	c->width = c->cols = (int)strlen(name) + 2;
}

/* Grows c, which holds the text code point cp (properties p) taken from the
 * input, by the code points that join it. */
static void join(const uint8_t *s, size_t n, struct cluster *c, int32_t cp,
		 const utf8proc_property_t *p, int ncp)
{
	const utf8proc_property_t *np;
	int32_t next, after, prev = cp, state = 0;
	int prev_bc = p->boundclass;
	bool pict_run = prev_bc == UTF8PROC_BOUNDCLASS_EXTENDED_PICTOGRAPHIC;
	bool emoji_base = pict_run || cp == '#' || cp == '*' || (cp >= '0' && cp <= '9');
	bool wide = false;

	/* Primes the state with cp's class, the same in every utf8proc version:
	 * after LF there is always a break, and the state becomes cp's class. */
	utf8proc_grapheme_break_stateful('\n', cp, &state);
	while (c->used < n && ncp < TEXT_GRAPHEME_MAX) {
		/* ASCII joins nothing before it but a Prepend character: the
		 * short cut that makes code and spaces cheap */
		if (s[c->used] < 0x80 && prev_bc != UTF8PROC_BOUNDCLASS_PREPEND)
			break;

		size_t m = decode(s + c->used, n - c->used, &next);

		if (next < 0)
			break;
		np = utf8proc_get_property(next);
		if (next == ZWJ) {
			if (!pict_run || ncp + 2 > TEXT_GRAPHEME_MAX || c->used + m >= n)
				break;
			decode(s + c->used + m, n - c->used - m, &after);
			if (after < 0 || !is_pict(after))
				break;
		} else if (classify(next, np) != K_TEXT) {
			break;
		}
		if (ncp == 1 && cp == DOTTED_CIRCLE && join_width(np) == 0) {
			/* what we drew for an orphan reads back the same */
			state = 0;
			utf8proc_grapheme_break_stateful('\n', next, &state);
		} else if (utf8proc_grapheme_break_stateful(prev, next, &state)) {
			break;
		}

		int bc = np->boundclass;

		if (bc == UTF8PROC_BOUNDCLASS_EXTENDED_PICTOGRAPHIC)
			pict_run = true;
		else if (bc != UTF8PROC_BOUNDCLASS_EXTEND && next != ZWJ)
			pict_run = false;
		/* emoji sequences draw as one 2-column glyph */
		if (next == ZWJ || (next == VS16 && emoji_base) ||
		    (bc == UTF8PROC_BOUNDCLASS_REGIONAL_INDICATOR &&
		     p->boundclass == UTF8PROC_BOUNDCLASS_REGIONAL_INDICATOR))
			wide = true;
		put_cp(c, next);
		c->cols += join_width(np);
		c->used += m;
		ncp++;
		prev = next;
		prev_bc = bc;
	}
	if (wide)
		c->width = 2;
	if (c->cols < c->width)
		c->cols = c->width;
	if (ncp == 1 && !(c->flags & TEXT_G_ORPHAN) && p->category == UTF8PROC_CATEGORY_ZS &&
	    cp != 0xA0 && cp != 0x2007 && cp != 0x202F) /* no-break spaces */
		c->flags |= TEXT_G_SPACE;
}

/* Reads one grapheme at s (n > 0) into c. Graphemes follow Unicode's rules
 * (utf8proc), except that anything hidden stands alone as its placeholder,
 * a ZWJ joins only between pictographs, and TEXT_GRAPHEME_MAX cuts. */
static void scan(const uint8_t *s, size_t n, struct cluster *c)
{
	const utf8proc_property_t *p;
	int32_t cp;

	c->used = decode(s, n, &cp);
	c->flags = 0;
	c->width = c->cols = 0;
	c->len = 0;
	if (cp < 0) {
		put_cp(c, 0xFFFD);
		c->flags = TEXT_G_PLACEHOLDER | TEXT_G_INVALID;
		c->width = c->cols = 1;
		return;
	}
	p = utf8proc_get_property(cp);
	switch (classify(cp, p)) {
	case K_CR:
		if (c->used < n && s[c->used] == '\n') {
			c->used++;
			c->flags = TEXT_G_NEWLINE;
			return;
		}
		placeholder(c, cp);
		return;
	case K_LF:
	case K_BREAK: c->flags = TEXT_G_NEWLINE; return;
	case K_TAB: c->flags = TEXT_G_TAB; return;
	case K_HIDE: placeholder(c, cp); return;
	case K_TEXT: break;
	}
	if (join_width(p) == 0) {
		/* a mark with nothing to sit on; the circle counts towards
		 * TEXT_GRAPHEME_MAX, so the drawn text reads back the same */
		put_cp(c, DOTTED_CIRCLE);
		put_cp(c, cp);
		c->flags = TEXT_G_ORPHAN;
		c->width = c->cols = 1;
		join(s, n, c, cp, p, 2);
	} else {
		put_cp(c, cp);
		c->width = c->cols = p->charwidth;
		join(s, n, c, cp, p, 1);
	}
}

/* ---- documents ---------------------------------------------------------- */

struct text_doc *text_doc_new(const char *src, size_t len, struct simsa_err *err)
{
	const uint8_t *s = (const uint8_t *)src;
	struct text_doc *d;
	size_t gcap = len / 2 + 16, bcap = len + len / 4 + 64, pos = 0;
	struct cluster c;

	if (len > TEXT_MAX_INPUT) {
		err_set(err, "text of %zu bytes is longer than the %u allowed", len,
			TEXT_MAX_INPUT);
		return NULL;
	}
	d = calloc(1, sizeof *d);
	if (!d)
		goto oom;
	d->g = malloc(gcap * sizeof *d->g);
	d->bytes = malloc(bcap);
	if (!d->g || !d->bytes)
		goto oom;
	while (pos < len) {
		scan(s + pos, len - pos, &c);
		pos += c.used;
		if (grow_array((void **)&d->g, &gcap, d->ng + 1, sizeof *d->g) < 0 ||
		    grow_array((void **)&d->bytes, &bcap, d->nbytes + c.len + 1, 1) < 0)
			goto oom;
		d->g[d->ng++] = (struct text_grapheme){
			.off = (uint32_t)d->nbytes,
			.len = (uint8_t)c.len,
			.width = (uint8_t)c.width,
			.cols = (uint8_t)c.cols,
			.flags = (uint8_t)c.flags,
		};
		memcpy(d->bytes + d->nbytes, c.out, c.len);
		d->nbytes += c.len;
	}
	d->bytes[d->nbytes] = '\0';
	return d;
oom:
	text_doc_free(&d);
	err_set(err, "out of memory for a text of %zu bytes", len);
	return NULL;
}

void text_doc_tidy(struct text_doc *d)
{
	struct text_grapheme nl[2];
	size_t out = 0, i = 0, pending = 0;
	bool any = false;

	/* out never passes the line being read: only graphemes are dropped,
	 * and each newline written was read before it */
	while (i < d->ng) {
		size_t s = i, e;
		bool blank = true;

		while (i < d->ng && !(d->g[i].flags & TEXT_G_NEWLINE))
			i++;
		e = i;
		for (size_t k = s; k < e && blank; k++)
			blank = (d->g[k].flags & (TEXT_G_SPACE | TEXT_G_TAB)) != 0;
		if (!blank) {
			for (size_t k = 0; any && k < (pending < 2 ? pending : 2); k++)
				d->g[out++] = nl[k];
			memmove(&d->g[out], &d->g[s], (e - s) * sizeof *d->g);
			out += e - s;
			any = true;
			pending = 0;
		}
		if (i < d->ng) { /* the newline that ends the line */
			if (any && pending < 2)
				nl[pending] = d->g[i];
			if (any)
				pending++;
			i++;
		}
	}
	d->ng = out;
}

void text_doc_free(struct text_doc **d)
{
	if (!*d)
		return;
	free((*d)->bytes);
	free((*d)->g);
	free(*d);
	*d = NULL;
}

/* ---- one-line strings --------------------------------------------------- */

/* A grapheme as a one-line string shows it: line breaks as ↵, tabs as one
 * space. */
static void scan_line(const uint8_t *s, size_t n, struct cluster *c)
{
	scan(s, n, c);
	if (c->flags & TEXT_G_NEWLINE) {
		c->len = 0;
		put_cp(c, 0x21B5);
		c->flags = TEXT_G_PLACEHOLDER;
		c->width = c->cols = 1;
	} else if (c->flags & TEXT_G_TAB) {
		c->len = 0;
		put_str(c, " ");
		c->flags = TEXT_G_SPACE;
		c->width = c->cols = 1;
	}
}

size_t text_sanitize_line(const char *src, size_t len, char *buf, size_t cap)
{
	const uint8_t *s = (const uint8_t *)src;
	size_t pos = 0, need = 0, wrote = 0;
	bool full = cap == 0;
	struct cluster c;

	while (pos < len) {
		scan_line(s + pos, len - pos, &c);
		pos += c.used;
		if (!full && wrote + c.len < cap) {
			memcpy(buf + wrote, c.out, c.len);
			wrote += c.len;
		} else {
			full = true; /* never a later, shorter grapheme after a gap */
		}
		need += c.len;
	}
	if (cap)
		buf[wrote] = '\0';
	return need;
}

char *text_sanitize_alloc(const char *src, size_t len)
{
	size_t need = text_sanitize_line(src, len, NULL, 0);
	char *out = malloc(need + 1);

	if (out)
		text_sanitize_line(src, len, out, need + 1);
	return out;
}

bool text_is_plain(const char *src, size_t len)
{
	const uint8_t *s = (const uint8_t *)src;
	size_t pos = 0;
	struct cluster c;

	while (pos < len) {
		scan(s + pos, len - pos, &c);
		if (c.flags & (TEXT_G_PLACEHOLDER | TEXT_G_ORPHAN))
			return false;
		/* U+2028 and U+2029 are line breaks to the console, not to a
		 * terminal */
		if ((c.flags & TEXT_G_NEWLINE) && s[pos] != '\n' && s[pos] != '\r')
			return false;
		pos += c.used;
	}
	return true;
}

static size_t put_u_escape(char *out, unsigned v)
{
	return (size_t)sprintf(out, "\\u%04x", v);
}

char *text_json_escape(const char *json, size_t len)
{
	const uint8_t *s = (const uint8_t *)json;
	/* an escape is at most 12 bytes (a surrogate pair) for one byte or more */
	char *out = len < SIZE_MAX / 13 ? malloc(len * 12 + 1) : NULL;
	size_t pos = 0, n = 0;

	if (!out)
		return NULL;
	while (pos < len) {
		int32_t cp;
		size_t m = decode(s + pos, len - pos, &cp);
		enum kind k = cp < 0 ? K_HIDE : classify(cp, utf8proc_get_property(cp));

		if (cp == '\n' || cp == '\t' || k == K_TEXT) {
			memcpy(out + n, s + pos, m);
			n += m;
		} else if (cp < 0) {
			n += put_u_escape(out + n, 0xFFFD); /* jansson writes none */
		} else if (cp > 0xFFFF) {
			n += put_u_escape(out + n, 0xD800 + ((unsigned)(cp - 0x10000) >> 10));
			n += put_u_escape(out + n, 0xDC00 + ((unsigned)(cp - 0x10000) & 0x3FF));
		} else {
			n += put_u_escape(out + n, (unsigned)cp);
		}
		pos += m;
	}
	out[n] = '\0';
	return out;
}

int text_width(const char *src, size_t len)
{
	const uint8_t *s = (const uint8_t *)src;
	size_t pos = 0;
	long cols = 0;
	struct cluster c;

	while (pos < len && cols < 0x7FFFFFFF - 64) {
		scan_line(s + pos, len - pos, &c);
		pos += c.used;
		cols += c.cols;
	}
	return (int)cols;
}

size_t text_fit(const char *src, size_t len, int cols)
{
	const uint8_t *s = (const uint8_t *)src;
	size_t pos = 0;
	int used = 0;
	struct cluster c;

	while (pos < len) {
		scan_line(s + pos, len - pos, &c);
		if (used + c.cols > cols)
			break;
		used += c.cols;
		pos += c.used;
	}
	return pos;
}

/* ---- grapheme stepping -------------------------------------------------- */

size_t text_next_grapheme(const char *s, size_t len, size_t pos)
{
	struct cluster c;

	if (pos >= len)
		return len;
	scan((const uint8_t *)s + pos, len - pos, &c);
	return pos + c.used;
}

/* True if a grapheme surely starts at q (0 < q < len): the byte before is
 * ASCII (a whole code point, never joined to what follows) other than CR,
 * and what starts at q does not join what is before it. */
static bool sure_start(const uint8_t *s, size_t len, size_t q)
{
	const utf8proc_property_t *p;
	int32_t cp;
	int bc;

	if (s[q - 1] >= 0x80 || s[q - 1] == '\r')
		return false;
	decode(s + q, len - q, &cp);
	if (cp < 0)
		return true;
	p = utf8proc_get_property(cp);
	if (classify(cp, p) != K_TEXT)
		return true;
	bc = p->boundclass;
	return bc != UTF8PROC_BOUNDCLASS_EXTEND && bc != UTF8PROC_BOUNDCLASS_SPACINGMARK &&
	       bc != UTF8PROC_BOUNDCLASS_ZWJ;
}

size_t text_prev_grapheme(const char *s, size_t len, size_t pos)
{
	const uint8_t *u = (const uint8_t *)s;
	size_t q, last;
	struct cluster c;

	if (pos > len)
		pos = len;
	if (pos == 0)
		return 0;
	/* Graphemes can only be found going forward (emoji and flag pairs
	 * depend on what came before), so start from a sure boundary. */
	for (q = pos - 1; q > 0 && !sure_start(u, len, q); q--)
		;
	for (last = q; q < pos; q += c.used) {
		last = q;
		scan(u + q, len - q, &c);
	}
	return last;
}
