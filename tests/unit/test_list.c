// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_list.c - list.c's output: the text columns and the JSON document
 * for entries built here (the kernel side is tested in t_operator.sh).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "list.h"

#define NOBODY_UID 4242	/* no passwd entry: the number is printed */

static struct list_entry entry(uint64_t id, const char *target, const char *type,
			       const char *source, enum list_state st)
{
	struct list_entry e = {
		.ref = { id, true }, .target = strdup(target), .type = strdup(type),
		.source = strdup(source), .has_uid = true, .uid = NOBODY_UID,
		.has_gid = true, .gid = NOBODY_UID, .state = st,
	};

	assert_true(e.target && e.type && e.source);
	return e;
}

/* A list owned as list_collect() would make it (list_free() frees it). */
static struct list heap_list(const struct list_entry *v, size_t n)
{
	struct list l = { malloc(n * sizeof(*v) + 1), n };

	assert_non_null(l.v);
	memcpy(l.v, v, n * sizeof(*v));
	return l;
}

static char *print(const struct list *l, bool json)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);

	assert_non_null(f);
	assert_int_equal(list_print(f, l, json), 0);
	fclose(f);
	return buf;
}

static void test_text(void **state)
{
	struct list_entry v[] = {
		entry(2147484210, "/home/u/remote", "fuse.sshfs", "host:/srv", LS_HUNG),
		entry(7, "/home/u/a b\nc\\d", "fuse", "", LS_ALIVE),
		entry(8, "/m/\xff\xe2\x80\xae", "fuseblk.x y", "s\tt", LS_DEAD),
		entry(9, "/n", "fuse", "src", LS_UNKNOWN),
	};
	struct list l;
	char *out;

	(void)state;
	v[3].has_uid = false;
	l = heap_list(v, 4);
	out = print(&l, false);
	assert_string_equal(out,
		"/home/u/remote fuse.sshfs host:/srv 2147484210 4242 not answering\n"
		"/home/u/a\\040b\\012c\\134d fuse none 7 4242 alive\n"
		"/m/\\377\\342\\200\\256 fuseblk.x\\040y s\\011t 8 4242 dead\n"
		"/n fuse src 9 - unknown\n");
	free(out);
	list_free(&l);
}

static void test_json(void **state)
{
	struct list_entry v[] = {
		entry(7, "/home/u/a \"b\"\n\xff", "fuse.x", "", LS_HUNG),
		entry(8, "/n", "fuse", "s\\", LS_ALIVE),
	};
	struct list l;
	char *out;

	(void)state;
	v[1].has_uid = false;
	l = heap_list(v, 2);
	out = print(&l, true);
	assert_string_equal(out,
		"{\"mounts\": [\n"
		"{\"mountpoint\": \"/home/u/a \\\"b\\\"\\n\\udcff\", \"type\": \"fuse.x\", "
		"\"source\": \"\", \"id\": 7, \"uid\": 4242, \"owner\": null, "
		"\"state\": \"not answering\"},\n"
		"{\"mountpoint\": \"/n\", \"type\": \"fuse\", \"source\": \"s\\\\\", "
		"\"id\": 8, \"uid\": null, \"owner\": null, \"state\": \"alive\"}\n"
		"]}\n");
	free(out);
	list_free(&l);
	out = print(&l, true);
	assert_string_equal(out, "{\"mounts\": [\n]}\n");
	free(out);
	out = print(&l, false);
	assert_string_equal(out, "");
	free(out);
}

/* A full disk, a closed pipe: the write error is reported. */
static void test_write_error(void **state)
{
	struct list_entry v[] = { entry(1, "/m", "fuse", "s", LS_ALIVE) };
	struct list l = heap_list(v, 1);
	FILE *f = fopen("/dev/full", "w");

	(void)state;
	assert_non_null(f);
	assert_true(list_print(f, &l, false) < 0);
	fclose(f);
	list_free(&l);
}

static void test_state_names(void **state)
{
	(void)state;
	assert_string_equal(list_state_name(LS_ALIVE), "alive");
	assert_string_equal(list_state_name(LS_DEAD), "dead");
	assert_string_equal(list_state_name(LS_HUNG), "not answering");
	assert_string_equal(list_state_name(LS_WAITING), "waiting for server");
	assert_string_equal(list_state_name(LS_UNKNOWN), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_write_error),
		cmocka_unit_test(test_state_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
