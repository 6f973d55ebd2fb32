// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_conf.c - libFuzzer target for the fuse.conf parser, conf_parse().
 *
 * Input: the file's bytes (NULs included), read through a memory stream.
 * Beyond memory errors (ASan/UBSan): every diagnostic has a line number
 * within the file and a readable text; the result never holds a
 * mount_max below -1; user_allow_other is only ever set by a file that
 * says so; the policy keys stay within their limits, and a malformed one
 * is remembered with its line and reason.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

struct seen {
	int lines;		/* newlines in the input, + 1 */
	int diags;
};

static void on_diag(void *arg, enum conf_diag d, int line, const char *text)
{
	struct seen *s = arg;

	CHECK(d == CONF_LINE_TOO_LONG || d == CONF_NO_FINAL_NEWLINE ||
	      d == CONF_BAD_MOUNT_MAX || d == CONF_UNKNOWN_KEY ||
	      d == CONF_BAD_NEW_KEY);
	if (d == CONF_BAD_NEW_KEY)
		CHECK(text != NULL);
	CHECK(line >= 1 && line <= s->lines);
	if (text)
		CHECK(strlen(text) < FM_CONF_LINE_MAX);
	s->diags++;
}

/* the one call into policy.c: adapt here if its signature changes */
static int parse(FILE *f, struct fuse_conf *c, struct seen *s)
{
	return conf_parse(f, c, on_diag, s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct seen s = { 1, 0 };
	struct fuse_conf c;
	char *copy;
	FILE *f;

	if (size == 0)
		return 0;
	copy = malloc(size);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	for (size_t i = 0; i < size; i++)
		s.lines += copy[i] == '\n';
	f = fmemopen(copy, size, "r");
	if (!f) {
		free(copy);
		return 0;
	}
	conf_defaults(&c);
	CHECK(parse(f, &c, &s) == 0);	/* a memory stream never fails */
	fclose(f);
	CHECK(c.mount_max >= -1);
	CHECK(c.user_mount_max >= -1);
	CHECK(c.reattach_grace_max >= -1 &&
	      c.reattach_grace_max <= FM_REATTACH_GRACE_MAX);
	if (c.reattach_grace_max >= 0)
		CHECK(memmem(data, size, "reattach_grace_max", 18) != NULL);
	CHECK(c.log >= CONF_LOG_ALL && c.log <= CONF_LOG_OFF);
	CHECK(!c.log_line || (c.new_key_line && c.new_key_line <= c.log_line &&
			      c.log_line <= s.lines));
	if (c.log != CONF_LOG_ALL)
		CHECK(memmem(data, size, "log", 3) != NULL);
	CHECK(c.n_mount_dir <= FM_CONF_LIST_MAX && c.n_group <= FM_CONF_LIST_MAX &&
	      c.n_extra_fs <= FM_CONF_LIST_MAX);
	CHECK(c.bad_line >= 0 && c.bad_line <= s.lines);
	CHECK(!c.bad_line || (c.bad_why && c.new_key_line &&
			      c.new_key_line <= c.bad_line));
	for (size_t i = 0; i < c.n_extra_fs; i++)
		CHECK(c.extra_fs[i] != 0);
	if (c.user_allow_other)
		CHECK(memmem(data, size, "user_allow_other", 16) != NULL);
	if (c.mount_max != FM_MOUNT_MAX_DEFAULT)
		CHECK(memmem(data, size, "mount_max", 9) != NULL);
	free(copy);
	return 0;
}
