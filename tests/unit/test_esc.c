// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_esc.c - esc.c: what --list and the log make of untrusted bytes.
 * Tables of input -> output for the three modes, and the cut at a
 * buffer's end (whole escapes only).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "esc.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

struct esc_case {
	const char *in;
	const char *field, *text, *json;
};

static const struct esc_case cases[] = {
	{ "", "", "", "" },
	{ "/home/u/mnt", "/home/u/mnt", "/home/u/mnt", "/home/u/mnt" },
	{ "a b", "a\\040b", "a b", "a b" },
	{ "tab\there", "tab\\011here", "tab\\011here", "tab\\there" },
	{ "new\nline", "new\\012line", "new\\012line", "new\\nline" },
	{ "cr\rx", "cr\\015x", "cr\\015x", "cr\\rx" },
	{ "back\\slash", "back\\134slash", "back\\134slash", "back\\\\slash" },
	{ "quote\"", "quote\"", "quote\"", "quote\\\"" },
	{ "\x01\x1b[31m", "\\001\\033[31m", "\\001\\033[31m", "\\u0001\\u001b[31m" },
	{ "\b\f", "\\010\\014", "\\010\\014", "\\b\\f" },
	{ "del\x7f", "del\\177", "del\\177", "del\\u007f" },
	/* valid UTF-8 stays as it is */
	{ "M\xc3\xbcller", "M\xc3\xbcller", "M\xc3\xbcller", "M\xc3\xbcller" },
	{ "\xe2\x82\xac", "\xe2\x82\xac", "\xe2\x82\xac", "\xe2\x82\xac" },
	{ "\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80",
	  "\xf0\x9f\x98\x80" },
	{ "\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf",
	  "\xf4\x8f\xbf\xbf" },
	/* not UTF-8: byte by byte */
	{ "\xff", "\\377", "\\377", "\\udcff" },
	{ "a\x80z", "a\\200z", "a\\200z", "a\\udc80z" },
	{ "\xc0\xaf", "\\300\\257", "\\300\\257", "\\udcc0\\udcaf" },	/* overlong '/' */
	{ "\xe0\x80\xaf", "\\340\\200\\257", "\\340\\200\\257",
	  "\\udce0\\udc80\\udcaf" },
	{ "\xed\xa0\x80", "\\355\\240\\200", "\\355\\240\\200",
	  "\\udced\\udca0\\udc80" },					/* surrogate */
	{ "\xf4\x90\x80\x80", "\\364\\220\\200\\200", "\\364\\220\\200\\200",
	  "\\udcf4\\udc90\\udc80\\udc80" },				/* > U+10FFFF */
	{ "\xe2\x82", "\\342\\202", "\\342\\202", "\\udce2\\udc82" },	/* cut short */
	{ "\xc3 ", "\\303\\040", "\\303 ", "\\udcc3 " },
	/* valid, but they break or disguise a line */
	{ "\xc2\x85", "\\302\\205", "\\302\\205", "\\u0085" },		/* NEL */
	{ "\xc2\x9b", "\\302\\233", "\\302\\233", "\\u009b" },		/* CSI */
	{ "\xe2\x80\xa8", "\\342\\200\\250", "\\342\\200\\250", "\\u2028" },
	{ "\xe2\x80\xa9", "\\342\\200\\251", "\\342\\200\\251", "\\u2029" },
	{ "\xe2\x80\xae", "\\342\\200\\256", "\\342\\200\\256", "\\u202e" },
	{ "\xe2\x81\xa6", "\\342\\201\\246", "\\342\\201\\246", "\\u2066" },
	{ "\xe2\x80\x8b", "\\342\\200\\213", "\\342\\200\\213", "\\u200b" },
	{ "\xef\xbb\xbf", "\\357\\273\\277", "\\357\\273\\277", "\\ufeff" },
	{ "\xc2\xa0", "\xc2\xa0", "\xc2\xa0", "\xc2\xa0" },		/* NBSP: kept */
};

static void check(const char *in, enum esc_mode m, const char *want,
		  const char *what)
{
	char out[256];
	size_t n = esc_str(out, sizeof(out), in, m);
	char *dup = esc_dup(in, m);

	assert_non_null(dup);
	if (strcmp(out, want) != 0 || n != strlen(want) || strcmp(dup, want) != 0)
		fail_msg("%s of \"%s\": got \"%s\" (%zu), want \"%s\"", what, in,
			 out, n, want);
	free(dup);
}

static void test_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		check(cases[i].in, ESC_FIELD, cases[i].field, "field");
		check(cases[i].in, ESC_TEXT, cases[i].text, "text");
		check(cases[i].in, ESC_JSON, cases[i].json, "json");
	}
}

/* Nothing the escapes produce can end a line or a field. */
static void test_every_byte(void **state)
{
	char in[3] = "", out[64];

	(void)state;
	for (int b = 1; b < 256; b++) {
		in[0] = (char)b;
		esc_str(out, sizeof(out), in, ESC_FIELD);
		for (const char *p = out; *p; p++)
			if ((unsigned char)*p < 0x21 || *p == 0x7f)
				fail_msg("byte %#x gave a blank or control", b);
		if (b >= 0x80) {	/* alone, never valid UTF-8 */
			char want[8];

			snprintf(want, sizeof(want), "\\%03o", b);
			assert_string_equal(out, want);
		}
		esc_str(out, sizeof(out), in, ESC_JSON);
		for (const char *p = out; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				fail_msg("byte %#x gave a control in JSON", b);
	}
}

/* The cut: whole escapes only, always terminated, full length returned. */
static void test_cut(void **state)
{
	char out[8];

	(void)state;
	memset(out, 'x', sizeof(out));
	assert_int_equal(esc_str(out, 4, "a b", ESC_FIELD), 6);
	assert_string_equal(out, "a");		/* \040 needs 4 more */
	assert_int_equal(esc_str(out, 6, "a b", ESC_FIELD), 6);
	assert_string_equal(out, "a\\040");
	assert_int_equal(esc_str(out, 7, "a b", ESC_FIELD), 6);
	assert_string_equal(out, "a\\040b");
	assert_int_equal(esc_str(out, 1, "abc", ESC_TEXT), 3);
	assert_string_equal(out, "");
	/* a multibyte character is not split */
	assert_int_equal(esc_str(out, 3, "a\xc3\xbc", ESC_TEXT), 3);
	assert_string_equal(out, "a");
	/* nothing after the first unit that did not fit */
	assert_int_equal(esc_str(out, 5, "\nab", ESC_TEXT), 6);
	assert_string_equal(out, "\\012");
	assert_int_equal(esc_str(out, 4, "\nab", ESC_TEXT), 6);
	assert_string_equal(out, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_every_byte),
		cmocka_unit_test(test_cut),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
