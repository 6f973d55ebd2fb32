// SPDX-License-Identifier: GPL-2.0-or-later
/* esc.c - see include/esc.h. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "esc.h"

/* Length (1-4) of the valid UTF-8 sequence at s, its code point in *cp;
 * 0 if s does not start one (overlong forms and surrogates included). */
static size_t utf8_seq(const unsigned char *s, uint32_t *cp)
{
	unsigned char c = s[0];
	size_t n;
	uint32_t v, lo = 0x80, hi = 0xbf;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2, v = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3, v = c & 0x0f;
		lo = c == 0xe0 ? 0xa0 : 0x80;	/* no overlong form */
		hi = c == 0xed ? 0x9f : 0xbf;	/* no surrogate */
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4, v = c & 0x07;
		lo = c == 0xf0 ? 0x90 : 0x80;
		hi = c == 0xf4 ? 0x8f : 0xbf;	/* at most U+10FFFF */
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if (s[i] < (i == 1 ? lo : 0x80) || s[i] > (i == 1 ? hi : 0xbf))
			return 0;
		v = (v << 6) | (s[i] & 0x3f);
	}
	*cp = v;
	return n;
}

/* Characters that may not appear as they are, though valid. */
static bool hidden(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x061c ||
	       (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff;
}

struct out {
	char *p;
	size_t cap;
	size_t len;		/* the full length, even past cap */
	size_t kept;		/* what was written: whole units only */
};

/* Appends one unit (an escape or a character) only if it fits whole;
 * after the first unit that does not, nothing more is written. */
static void put(struct out *o, const char *s, size_t n)
{
	if (o->kept == o->len && o->len + n < o->cap) {
		memcpy(o->p + o->len, s, n);
		o->kept += n;
	}
	o->len += n;
}

static void put_octal(struct out *o, const unsigned char *s, size_t n)
{
	char b[5];

	for (size_t i = 0; i < n; i++) {
		snprintf(b, sizeof(b), "\\%03o", s[i]);
		put(o, b, 4);
	}
}

static void put_json_cp(struct out *o, uint32_t cp)
{
	static const char short_esc[] = "b\bt\tn\nf\fr\r";
	char b[8];

	for (const char *e = short_esc; *e; e += 2)
		if ((uint32_t)(unsigned char)e[1] == cp) {
			b[0] = '\\', b[1] = e[0];
			put(o, b, 2);
			return;
		}
	snprintf(b, sizeof(b), "\\u%04x", (unsigned int)cp);
	put(o, b, 6);
}

/* One character or byte of the input; returns how many bytes it took. */
static size_t one(struct out *o, const unsigned char *s, enum esc_mode m)
{
	uint32_t cp;
	size_t n = utf8_seq(s, &cp);
	char b[8];

	if (n == 0) {		/* not UTF-8: this one byte */
		if (m != ESC_JSON)
			put_octal(o, s, 1);
		else {
			snprintf(b, sizeof(b), "\\udc%02x", s[0]);
			put(o, b, 6);
		}
		return 1;
	}
	if (m == ESC_JSON) {
		if (cp == '"' || cp == '\\') {
			b[0] = '\\', b[1] = (char)cp;
			put(o, b, 2);
		} else if (hidden(cp)) {
			put_json_cp(o, cp);
		} else {
			put(o, (const char *)s, n);
		}
		return n;
	}
	if (hidden(cp) || cp == '\\' || (cp == ' ' && m == ESC_FIELD))
		put_octal(o, s, n);
	else
		put(o, (const char *)s, n);
	return n;
}

size_t esc_str(char *out, size_t cap, const char *s, enum esc_mode m)
{
	struct out o = { out, cap, 0, 0 };
	const unsigned char *p = (const unsigned char *)s;

	while (*p)
		p += one(&o, p, m);
	out[o.kept] = '\0';
	return o.len;
}

char *esc_dup(const char *s, enum esc_mode m)
{
	char probe;
	size_t n = esc_str(&probe, 1, s, m);
	char *out = malloc(n + 1);

	if (out)
		esc_str(out, n + 1, s, m);
	return out;
}
