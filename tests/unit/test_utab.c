// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_utab.c - how the utab pruning reads a line (utab_scan_line) and
 * compares paths (utab_normalize): as libmount 2.38 does, so that a record
 * it would find by target is the record the pruning means, and anything
 * odd counts as another tool's record (user = false), never removed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "utab.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

struct row {
	const char *line;
	int rc;			/* 1: a record, 0: none */
	const char *target, *source, *root;
	bool user;
};

static void check_row(const struct row *w)
{
	struct utab_rec r;
	int rc = utab_scan_line(w->line, &r);

	print_message("line: %s\n", w->line);
	assert_int_equal(rc, w->rc);
	if (rc != 1)
		return;
	assert_string_equal(r.target, w->target);
	if (w->source)
		assert_string_equal(r.source, w->source);
	else
		assert_null(r.source);
	if (w->root)
		assert_string_equal(r.root, w->root);
	else
		assert_null(r.root);
	assert_int_equal(r.user, w->user);
	utab_rec_free(&r);
}

/* Records as libmount 2.38 writes them, and with ID= as later ones do. */
static void test_scan_plain(void **state)
{
	static const struct row rows[] = {
		{ "SRC=/dev/fuse TARGET=/home/u/mnt ROOT=/ OPTS=user=u", 1,
		  "/home/u/mnt", "/dev/fuse", "/", true },
		{ "SRC=a TARGET=/x\\040y ROOT=/ OPTS=user=bob,x-a", 1,
		  "/x y", "a", "/", true },
		{ "SRC=sshfs#h:/d TARGET=/m ROOT=/ OPTS=x-gvfs-hide,user=al", 1,
		  "/m", "sshfs#h:/d", "/", true },
		{ "ID=57 SRC=e TARGET=/s ROOT=/ OPTS=user=al", 1, "/s", "e", "/", true },
		{ "SRC=b TARGET=/z ROOT=/ OPTS=x-foo", 1, "/z", "b", "/", false },
		{ "SRC=c TARGET=/q ROOT=/", 1, "/q", "c", "/", false },
		{ "SRC=c TARGET=/q ROOT=/ BINDSRC=/b ATTRS=a OPTS=user=u", 1,
		  "/q", "c", "/", true },
		{ "  SRC=d   TARGET=/r  ROOT=/  OPTS=user=u", 1, "/r", "d", "/", true },
		{ "SRC=x ROOT=/ OPTS=user=u", 0, NULL, NULL, NULL, false },
		{ "", 0, NULL, NULL, NULL, false },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(rows); i++)
		check_row(&rows[i]);
}

/* \ooo as libmount's unmangle: three octal digits, inside the value. */
static void test_scan_escapes(void **state)
{
	static const struct row rows[] = {
		{ "SRC=a TARGET=/a\\011b\\012c\\134d ROOT=/ OPTS=user=u", 1,
		  "/a\tb\nc\\d", "a", "/", true },
		{ "SRC=a TARGET=/a\\04 ROOT=/ OPTS=user=u", 1, "/a\\04", "a", "/", true },
		{ "SRC=a TARGET=/a\\048 ROOT=/ OPTS=user=u", 1, "/a\\048", "a", "/", true },
		{ "SRC=a TARGET=/\\101\\102 ROOT=/ OPTS=user=u", 1, "/AB", "a", "/", true },
		{ "SRC=a\\040b TARGET=/t ROOT=/ OPTS=user=u", 1, "/t", "a b", "/", true },
		{ "SRC=a TARGET=/t ROOT=/ OPTS=user\\075u", 1, "/t", "a", "/", true },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(rows); i++)
		check_row(&rows[i]);
}

/* Anything libmount's parser would read differently, or not at all:
 * the record never counts as a user's. */
static void test_scan_odd_lines(void **state)
{
	static const struct row rows[] = {
		/* repeated key: libmount keeps the first, skips the second */
		{ "SRC=a TARGET=/one ROOT=/ TARGET=/two OPTS=user=u", 1,
		  "/one", "a", "/", false },
		{ "SRC=a TARGET=/t ROOT=/ OPTS=user=u OPTS=user=v", 1, "/t", "a", "/", false },
		/* unknown key */
		{ "SRC=a TARGET=/t ROOT=/ FOO=1 OPTS=user=u", 1, "/t", "a", "/", false },
		/* an ID= that is no number makes libmount drop the line */
		{ "ID=x SRC=a TARGET=/t ROOT=/ OPTS=user=u", 1, "/t", "a", "/", false },
		{ "ID= SRC=a TARGET=/t ROOT=/ OPTS=user=u", 1, "/t", "a", "/", false },
		/* a tab ends a value but is no separator */
		{ "SRC=a TARGET=/t\tx ROOT=/ OPTS=user=u", 1, "/t", "a", "/", false },
		/* user without a name, or only a prefix of it */
		{ "SRC=a TARGET=/t ROOT=/ OPTS=user", 1, "/t", "a", "/", false },
		{ "SRC=a TARGET=/t ROOT=/ OPTS=user=", 1, "/t", "a", "/", false },
		{ "SRC=a TARGET=/t ROOT=/ OPTS=users=u,x-user=u", 1, "/t", "a", "/", false },
		/* lower-case keys are not keys */
		{ "src=a target=/t root=/ opts=user=u", 0, NULL, NULL, NULL, false },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(rows); i++)
		check_row(&rows[i]);
}

/* Targets are kept as libmount compares them (streq_paths). */
static void test_scan_slashes(void **state)
{
	static const struct row rows[] = {
		{ "SRC=a TARGET=/q//r/ ROOT=/ OPTS=user=u", 1, "/q/r", "a", "/", true },
		{ "SRC=a TARGET=// ROOT=/ OPTS=user=u", 1, "/", "a", "/", true },
		{ "SRC=a TARGET=rel/ ROOT=/ OPTS=user=u", 1, "rel", "a", "/", true },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(rows); i++)
		check_row(&rows[i]);
}

static void test_normalize(void **state)
{
	static const char *const pairs[][2] = {
		{ "/", "/" }, { "//", "/" }, { "///", "/" }, { "/a", "/a" },
		{ "/a/", "/a" }, { "/a//", "/a" }, { "//a//b//", "/a/b" },
		{ "a/b/", "a/b" }, { "", "" },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(pairs); i++) {
		char buf[32];

		strcpy(buf, pairs[i][0]);
		utab_normalize(buf);
		assert_string_equal(buf, pairs[i][1]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scan_plain),
		cmocka_unit_test(test_scan_escapes),
		cmocka_unit_test(test_scan_odd_lines),
		cmocka_unit_test(test_scan_slashes),
		cmocka_unit_test(test_normalize),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
