// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_opts.c - libFuzzer target for the -o option parser, opts_parse().
 *
 * Input: byte 0 chooses the caller (bit 0: root, bit 1: allow_other
 * permitted, bit 2: an "unsafe option" callback); the rest is the option
 * string (cut at the first NUL, as argv would).  Beyond memory errors
 * (ASan/UBSan), every accepted result is checked against the rules that
 * policy.c promises (see the list at its top); a broken rule aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

static int unsafe_calls;

static void on_unsafe(void *arg, const char *opt)
{
	(void)arg;
	CHECK(strcmp(opt, "suid") == 0 || strcmp(opt, "dev") == 0);
	unsafe_calls++;
}

/* the one call into policy.c: adapt here if its signature changes */
static int parse(const char *s, const struct opt_ctx *ctx,
		 struct mount_opts *o, struct opt_error *e)
{
	return opts_parse(s, ctx, o, e);
}

static int has_ctrl(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

static void check_name(const char *v, int is_type)
{
	size_t n;

	if (!v)
		return;
	n = strlen(v);
	CHECK(n > 0 && n <= FM_VALUE_MAX && !has_ctrl(v));
	if (is_type)
		CHECK(!strpbrk(v, " ,\\"));
}

static void check_number(const char *v)
{
	size_t n;

	if (!v)
		return;
	n = strlen(v);
	CHECK(n > 0 && n <= 10 && strspn(v, "0123456789") == n);
}

static void check_x(const char *x)
{
	const char *p = x;

	if (!x)
		return;
	CHECK(!has_ctrl(x));
	for (;;) {	/* every piece is an x- option */
		CHECK(strncmp(p, "x-", 2) == 0);
		p = strchr(p, ',');
		if (!p)
			break;
		p++;
	}
}

static void check_accepted(const char *s, const struct opt_ctx *ctx,
			   const struct mount_opts *o)
{
	CHECK(strlen(s) <= FM_OPTS_MAX);
	if (!ctx->root) {
		/* rule 3: nosuid,nodev stay; no blkdev; allow_other only if permitted */
		CHECK((o->flags & (MS_NOSUID | MS_NODEV)) == (MS_NOSUID | MS_NODEV));
		CHECK(!o->blkdev);
		CHECK(ctx->may_allow_other || !o->allow_other);
	}
	check_name(o->fsname, 0);
	check_name(o->subtype, 1);
	check_number(o->max_read);
	check_number(o->blksize);
	check_x(o->x_opts);
	/* rule 2: allow_other never comes out of a string that lacks it */
	if (o->allow_other)
		CHECK(strstr(s, "allow_other") || strstr(s, "allow_root"));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct opt_ctx ctx = { 0 };
	struct mount_opts o;
	struct opt_error e;
	char *s;
	int rc;

	if (size < 1)
		return 0;
	ctx.root = data[0] & 1;
	ctx.may_allow_other = (data[0] & 2) != 0;
	ctx.unsafe = (data[0] & 4) ? on_unsafe : NULL;
	s = malloc(size);
	if (!s)
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	unsafe_calls = 0;
	rc = parse(s, &ctx, &o, &e);
	if (rc == 0) {
		CHECK(e.status == OPT_OK);
		check_accepted(s, &ctx, &o);
	} else {
		size_t n = strlen(s);

		CHECK(rc < 0 && e.status != OPT_OK);
		/* the offending option points into the input */
		CHECK(!e.opt || (e.opt >= s && e.opt + e.len <= s + n));
		if (e.status == OPT_UNKNOWN && e.opt && e.len)
			CHECK(strncmp(e.opt, "x-", 2) != 0);
	}
	if (ctx.root || !ctx.unsafe)
		CHECK(unsafe_calls == 0);
	opts_free(&o);
	CHECK(!o.fsname && !o.subtype && !o.x_opts);
	free(s);
	return 0;
}
