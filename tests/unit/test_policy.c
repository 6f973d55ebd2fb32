// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_policy.c - policy.c (fuse.conf parser, -o option parser,
 * mountpoint rules, mount_max) and mounts_parse_user_id() from mounts.c.
 * Everything here is a pure function, so the tests are tables.
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "mounts.h"
#include "policy.h"

#ifndef MS_NOSYMFOLLOW
#define MS_NOSYMFOLLOW 256
#endif

#define NN (MS_NOSUID | MS_NODEV)	/* preset for everybody */
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ============================================================ fuse.conf */

struct diag {
	enum conf_diag d;
	int line;
	bool has_text;
	char text[300];
};

struct diags {
	int n;
	struct diag v[16];
};

static void collect_diag(void *arg, enum conf_diag d, int line,
			 const char *text)
{
	struct diags *ds = arg;
	struct diag *g;

	assert_true(ds->n < (int)ARRAY_LEN(ds->v));
	g = &ds->v[ds->n++];
	g->d = d;
	g->line = line;
	g->has_text = text != NULL;
	snprintf(g->text, sizeof(g->text), "%s", text ? text : "");
}

/* Parses len bytes of buf (may hold NULs) on top of the defaults. */
static int parse_conf(const char *buf, size_t len, struct fuse_conf *c,
		      struct diags *ds)
{
	char *copy = malloc(len + 1);	/* fmemopen wants a writable buffer */
	FILE *f;
	int rc;

	assert_non_null(copy);
	memcpy(copy, buf, len);
	copy[len] = '\0';
	memset(ds, 0, sizeof(*ds));
	conf_defaults(c);
	f = fmemopen(copy, len, "r");
	assert_non_null(f);
	rc = conf_parse(f, c, collect_diag, ds);
	fclose(f);
	free(copy);
	return rc;
}

static const char *diag_name(enum conf_diag d)
{
	switch (d) {
	case CONF_LINE_TOO_LONG:	return "LINE_TOO_LONG";
	case CONF_NO_FINAL_NEWLINE:	return "NO_FINAL_NEWLINE";
	case CONF_BAD_MOUNT_MAX:	return "BAD_MOUNT_MAX";
	case CONF_UNKNOWN_KEY:		return "UNKNOWN_KEY";
	case CONF_BAD_NEW_KEY:		return "BAD_NEW_KEY";
	}
	return "?";
}

struct want_diag {
	enum conf_diag d;
	int line;
	const char *text;	/* NULL: the callback must get NULL */
};

static void check_diag(const struct diag *got, const struct want_diag *w,
		       const char *what)
{
	if (got->d != w->d || got->line != w->line)
		fail_msg("%s: got %s at line %d, want %s at line %d", what,
			 diag_name(got->d), got->line, diag_name(w->d), w->line);
	if (w->text == NULL) {
		if (got->has_text)
			fail_msg("%s: diag text \"%s\", want NULL", what, got->text);
	} else {
		if (!got->has_text)
			fail_msg("%s: diag text NULL, want \"%s\"", what, w->text);
		if (strcmp(got->text, w->text) != 0)
			fail_msg("%s: diag text \"%s\", want \"%s\"", what,
				 got->text, w->text);
	}
}

struct conf_case {
	const char *name;
	const char *in;
	size_t len;		/* 0: strlen(in); set it for embedded NULs */
	bool allow_other;
	int mount_max;
	int ndiag;
	struct want_diag diag[3];
};

#define DEF FM_MOUNT_MAX_DEFAULT

static const struct conf_case conf_cases[] = {
	{ "empty file", "", 0, false, DEF, 0, { { 0 } } },
	{ "blank lines only", "\n\n   \n\t\n", 0, false, DEF, 0, { { 0 } } },
	{ "comments only", "# user_allow_other\n#mount_max = 5\n  # x\n", 0,
	  false, DEF, 0, { { 0 } } },
	{ "user_allow_other", "user_allow_other\n", 0, true, DEF, 0, { { 0 } } },
	{ "user_allow_other, trailing blanks", "user_allow_other  \t \n", 0,
	  true, DEF, 0, { { 0 } } },
	{ "user_allow_other, leading blanks", "  \tuser_allow_other\n", 0,
	  true, DEF, 0, { { 0 } } },
	{ "user_allow_other # comment", "user_allow_other   # yes please\n", 0,
	  true, DEF, 0, { { 0 } } },
	{ "user_allow_other#comment", "user_allow_other#x\n", 0,
	  true, DEF, 0, { { 0 } } },
	{ "CRLF line ending", "user_allow_other\r\n", 0, true, DEF, 0, { { 0 } } },
	{ "mount_max = 5", "mount_max = 5\n", 0, false, 5, 0, { { 0 } } },
	{ "mount_max=5", "mount_max=5\n", 0, false, 5, 0, { { 0 } } },
	{ "mount_max\t=\t5", "mount_max\t=\t5\n", 0, false, 5, 0, { { 0 } } },
	{ "mount_max = 5 # comment", "mount_max = 5 # five\n", 0,
	  false, 5, 0, { { 0 } } },
	{ "mount_max=0x10junk (like %i, tail ignored)", "mount_max=0x10junk\n", 0,
	  false, 16, 0, { { 0 } } },
	{ "mount_max = 010 (octal)", "mount_max = 010\n", 0, false, 8, 0, { { 0 } } },
	{ "mount_max = 0", "mount_max = 0\n", 0, false, 0, 0, { { 0 } } },
	{ "mount_max = -1 (unlimited)", "mount_max = -1\n", 0, false, -1, 0, { { 0 } } },
	{ "mount_max = INT_MAX", "mount_max = 2147483647\n", 0,
	  false, INT_MAX, 0, { { 0 } } },
	{ "mount_max = -2 keeps the old value", "mount_max = 5\nmount_max = -2\n", 0,
	  false, 5, 1, { { CONF_BAD_MOUNT_MAX, 2, "-2" } } },
	{ "mount_max = 99999999999", "mount_max = 99999999999\n", 0,
	  false, DEF, 1, { { CONF_BAD_MOUNT_MAX, 1, "99999999999" } } },
	{ "mount_max = INT_MAX + 1", "mount_max = 2147483648\n", 0,
	  false, DEF, 1, { { CONF_BAD_MOUNT_MAX, 1, "2147483648" } } },
	{ "mount_max = huge (ERANGE)", "mount_max = 999999999999999999999999\n", 0,
	  false, DEF, 1, { { CONF_BAD_MOUNT_MAX, 1, "999999999999999999999999" } } },
	{ "later lines override", "mount_max = 5\nuser_allow_other\nmount_max = 7\n", 0,
	  true, 7, 0, { { 0 } } },
	{ "unknown key, stripped text and line number",
	  "user_allow_other\n  foo = bar   # c\n", 0,
	  true, DEF, 1, { { CONF_UNKNOWN_KEY, 2, "foo = bar" } } },
	{ "unknown keys keep going", "bogus\nmount_max = 3\nalso bogus\n", 0,
	  false, 3, 2, { { CONF_UNKNOWN_KEY, 1, "bogus" },
			 { CONF_UNKNOWN_KEY, 3, "also bogus" } } },
	{ "user_allow_others", "user_allow_others\n", 0,
	  false, DEF, 1, { { CONF_UNKNOWN_KEY, 1, "user_allow_others" } } },
	{ "case matters", "USER_ALLOW_OTHER\n", 0,
	  false, DEF, 1, { { CONF_UNKNOWN_KEY, 1, "USER_ALLOW_OTHER" } } },
	{ "user_allow_other with a value", "user_allow_other = 1\n", 0,
	  false, DEF, 1, { { CONF_UNKNOWN_KEY, 1, "user_allow_other = 1" } } },
	{ "mount_max without '='", "mount_max 5\n", 0,
	  false, DEF, 1, { { CONF_UNKNOWN_KEY, 1, "mount_max 5" } } },
	{ "mount_max = abc", "mount_max = abc\n", 0,
	  false, DEF, 1, { { CONF_UNKNOWN_KEY, 1, "mount_max = abc" } } },
	{ "missing final newline: line not applied", "user_allow_other", 0,
	  false, DEF, 1, { { CONF_NO_FINAL_NEWLINE, 1, NULL } } },
	{ "missing final newline on line 2", "mount_max = 5\nmount_max = 9", 0,
	  false, 5, 1, { { CONF_NO_FINAL_NEWLINE, 2, NULL } } },
	{ "embedded NUL is unknown", "user_allow_other\0x\n",
	  sizeof("user_allow_other\0x\n") - 1,
	  false, DEF, 1, { { CONF_UNKNOWN_KEY, 1, "user_allow_other" } } },
	{ "embedded NUL, next line still read", "\0\nuser_allow_other\n",
	  sizeof("\0\nuser_allow_other\n") - 1,
	  true, DEF, 1, { { CONF_UNKNOWN_KEY, 1, "" } } },
};

static void test_conf_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(conf_cases); i++) {
		const struct conf_case *k = &conf_cases[i];
		size_t len = k->len ? k->len : strlen(k->in);
		struct fuse_conf c;
		struct diags ds;
		int rc = parse_conf(k->in, len, &c, &ds);

		if (rc != 0)
			fail_msg("%s: conf_parse returned %d", k->name, rc);
		if (c.user_allow_other != k->allow_other)
			fail_msg("%s: user_allow_other %d, want %d", k->name,
				 c.user_allow_other, k->allow_other);
		if (c.mount_max != k->mount_max)
			fail_msg("%s: mount_max %d, want %d", k->name,
				 c.mount_max, k->mount_max);
		if (ds.n != k->ndiag)
			fail_msg("%s: %d diagnostics, want %d (first: %s \"%s\")",
				 k->name, ds.n, k->ndiag,
				 ds.n ? diag_name(ds.v[0].d) : "-",
				 ds.n ? ds.v[0].text : "");
		for (int j = 0; j < ds.n; j++)
			check_diag(&ds.v[j], &k->diag[j], k->name);
	}
}

static void test_conf_defaults(void **state)
{
	struct fuse_conf c = { .user_allow_other = true, .mount_max = 3 };

	(void)state;
	conf_defaults(&c);
	assert_false(c.user_allow_other);
	assert_int_equal(c.mount_max, 1000);
	assert_int_equal(FM_MOUNT_MAX_DEFAULT, 1000);
}

/* "mount_max = 7" padded with blanks to exactly n characters. */
static char *padded_line(size_t n, const char *content)
{
	char *s = malloc(n + 1);

	assert_non_null(s);
	assert_true(strlen(content) <= n);
	memset(s, ' ', n);
	memcpy(s, content, strlen(content));
	s[n] = '\0';
	return s;
}

static void test_conf_254_chars_ok(void **state)
{
	char *line = padded_line(254, "mount_max = 7");
	char buf[512];
	struct fuse_conf c;
	struct diags ds;

	(void)state;
	snprintf(buf, sizeof(buf), "%s\nuser_allow_other\n", line);
	assert_int_equal(parse_conf(buf, strlen(buf), &c, &ds), 0);
	assert_int_equal(ds.n, 0);
	assert_int_equal(c.mount_max, 7);
	assert_true(c.user_allow_other);
	free(line);
}

static void test_conf_255_chars_too_long(void **state)
{
	char *line = padded_line(255, "mount_max = 7");
	char buf[512];
	struct fuse_conf c;
	struct diags ds;
	static const struct want_diag want[] = {
		{ CONF_LINE_TOO_LONG, 1, NULL },
		{ CONF_UNKNOWN_KEY, 2, "bogus" },
		{ CONF_UNKNOWN_KEY, 4, "bogus2" },
	};

	(void)state;
	snprintf(buf, sizeof(buf), "%s\nbogus\nuser_allow_other\nbogus2\n", line);
	assert_int_equal(parse_conf(buf, strlen(buf), &c, &ds), 0);
	assert_int_equal(ds.n, 3);
	for (int i = 0; i < 3; i++)
		check_diag(&ds.v[i], &want[i], "255-char line");
	assert_int_equal(c.mount_max, DEF);	/* the long line was skipped */
	assert_true(c.user_allow_other);	/* the lines after it were not */
	free(line);
}

static void test_conf_very_long_line(void **state)
{
	char *line = padded_line(5000, "user_allow_other");
	size_t len = 5000 + sizeof("\nmount_max = 3\n") - 1;
	char *buf = malloc(len + 1);
	struct fuse_conf c;
	struct diags ds;
	static const struct want_diag want = { CONF_LINE_TOO_LONG, 1, NULL };

	(void)state;
	assert_non_null(buf);
	snprintf(buf, len + 1, "%s\nmount_max = 3\n", line);
	assert_int_equal(parse_conf(buf, len, &c, &ds), 0);
	assert_int_equal(ds.n, 1);
	check_diag(&ds.v[0], &want, "5000-char line");
	assert_false(c.user_allow_other);
	assert_int_equal(c.mount_max, 3);
	free(line);
	free(buf);
}

static void test_conf_long_line_without_newline(void **state)
{
	char *line = padded_line(300, "user_allow_other");
	struct fuse_conf c;
	struct diags ds;

	(void)state;
	assert_int_equal(parse_conf(line, strlen(line), &c, &ds), 0);
	assert_int_equal(ds.n, 1);
	assert_int_equal(ds.v[0].d, CONF_NO_FINAL_NEWLINE);
	assert_int_equal(ds.v[0].line, 1);
	assert_false(c.user_allow_other);
	free(line);
}

static void test_conf_read_error(void **state)
{
	/* reading a directory stream fails with EISDIR */
	FILE *f = fopen("/", "r");
	struct fuse_conf c;
	struct diags ds;

	(void)state;
	if (!f)
		skip();
	memset(&ds, 0, sizeof(ds));
	conf_defaults(&c);
	assert_int_equal(conf_parse(f, &c, collect_diag, &ds), -EIO);
	assert_int_equal(ds.n, 0);
	fclose(f);
}

/* ============================================================== options */

struct unsafe_log {
	int n;
	const char *names[8];
};

static void record_unsafe(void *arg, const char *opt)
{
	struct unsafe_log *u = arg;

	assert_true(u->n < (int)ARRAY_LEN(u->names));
	u->names[u->n++] = opt;
}

static int parse_opts(const char *s, bool root, bool may_ao,
		      struct mount_opts *o, struct opt_error *err,
		      struct unsafe_log *u)
{
	struct opt_ctx ctx = {
		.root = root, .may_allow_other = may_ao,
		.unsafe = u ? record_unsafe : NULL, .arg = u,
	};

	if (u)
		memset(u, 0, sizeof(*u));
	memset(err, 0x5a, sizeof(*err));
	return opts_parse(s, &ctx, o, err);
}

static const char *status_name(enum opt_status st)
{
	switch (st) {
	case OPT_OK:			return "OPT_OK";
	case OPT_UNKNOWN:		return "OPT_UNKNOWN";
	case OPT_NEED_ALLOW_OTHER:	return "OPT_NEED_ALLOW_OTHER";
	case OPT_BLKDEV:		return "OPT_BLKDEV";
	case OPT_TOO_LONG:		return "OPT_TOO_LONG";
	case OPT_BAD_VALUE:		return "OPT_BAD_VALUE";
	case OPT_NOMEM:			return "OPT_NOMEM";
	}
	return "?";
}

/* ---- flag words */

struct flag_case {
	const char *in;
	bool root;
	unsigned long flags;
};

static const struct flag_case flag_cases[] = {
	{ "rw", false, NN },
	{ "ro", false, NN | MS_RDONLY },
	{ "ro,rw", false, NN },
	{ "rw,ro", false, NN | MS_RDONLY },
	{ "suid", false, NN },		/* ignored for non-root */
	{ "nosuid", false, NN },
	{ "dev", false, NN },		/* ignored for non-root */
	{ "nodev", false, NN },
	{ "suid,dev", false, NN },
	{ "exec", false, NN },
	{ "noexec", false, NN | MS_NOEXEC },
	{ "noexec,exec", false, NN },
	{ "sync", false, NN | MS_SYNCHRONOUS },
	{ "async", false, NN },
	{ "sync,async", false, NN },
	{ "noatime", false, NN | MS_NOATIME },
	{ "nodiratime", false, NN | MS_NODIRATIME },
	{ "norelatime", false, NN },
	{ "nostrictatime", false, NN },
	{ "nosymfollow", false, NN | MS_NOSYMFOLLOW },
	{ "symfollow", false, NN },
	{ "nosymfollow,symfollow", false, NN },
	{ "dirsync", false, NN | MS_DIRSYNC },
	{ "ro,noexec,sync,noatime,nodiratime,nosymfollow,dirsync", false,
	  NN | MS_RDONLY | MS_NOEXEC | MS_SYNCHRONOUS | MS_NOATIME |
	  MS_NODIRATIME | MS_NOSYMFOLLOW | MS_DIRSYNC },
	{ "", false, NN },
	{ "", true, NN },		/* root gets the safe preset too */
	{ "suid", true, MS_NODEV },
	{ "dev", true, MS_NOSUID },
	{ "suid,dev", true, 0 },
	{ "suid,nosuid", true, NN },
	{ "dev,nodev", true, NN },
	{ "ro,suid", true, MS_RDONLY | MS_NODEV },
};

static void test_opts_flags(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(flag_cases); i++) {
		const struct flag_case *k = &flag_cases[i];
		struct mount_opts o;
		struct opt_error err;
		int rc = parse_opts(k->in, k->root, false, &o, &err, NULL);

		if (rc != 0)
			fail_msg("\"%s\" (root=%d): rc %d, %s", k->in, k->root,
				 rc, status_name(err.status));
		assert_int_equal(err.status, OPT_OK);
		if (o.flags != k->flags)
			fail_msg("\"%s\" (root=%d): flags %#lx, want %#lx", k->in,
				 k->root, o.flags, k->flags);
		opts_free(&o);
	}
}

static void test_opts_unsafe_callback_non_root(void **state)
{
	struct mount_opts o;
	struct opt_error err;
	struct unsafe_log u;

	(void)state;
	assert_int_equal(parse_opts("suid,ro,dev", false, false, &o, &err, &u), 0);
	assert_int_equal(u.n, 2);
	assert_string_equal(u.names[0], "suid");
	assert_string_equal(u.names[1], "dev");
	assert_int_equal(o.flags, NN | MS_RDONLY);
	opts_free(&o);

	/* no callback given: still ignored, no crash */
	assert_int_equal(parse_opts("suid,dev", false, false, &o, &err, NULL), 0);
	assert_int_equal(o.flags, NN);
	opts_free(&o);
}

static void test_opts_unsafe_callback_root(void **state)
{
	struct mount_opts o;
	struct opt_error err;
	struct unsafe_log u;

	(void)state;
	assert_int_equal(parse_opts("suid,dev", true, false, &o, &err, &u), 0);
	assert_int_equal(u.n, 0);
	assert_int_equal(o.flags, 0);
	opts_free(&o);
}

/* ---- accepted options and the values they leave */

struct value_case {
	const char *in;
	bool root, may_ao;
	unsigned long add;		/* flags = NN | add */
	const char *fsname, *subtype, *max_read, *blksize, *x_opts;
	bool allow_other, default_permissions, blkdev, auto_unmount;
};

static const struct value_case value_cases[] = {
	{ .in = "fsname=myfs", .fsname = "myfs" },
	{ .in = "fsname=a\\,b", .fsname = "a,b" },
	{ .in = "fsname=a\\\\b", .fsname = "a\\b" },
	{ .in = "fsname=a\\b", .fsname = "ab" },
	{ .in = "fsname=a\\", .fsname = "a\\" },	/* lone trailing backslash */
	{ .in = "fsname=with space", .fsname = "with space" },
	{ .in = "fsname=x,fsname=y", .fsname = "y" },	/* last one wins */
	{ .in = "fsname=host:/dir,ro", .add = MS_RDONLY, .fsname = "host:/dir" },
	/* the escaped comma hides allow_other inside the fsname value */
	{ .in = "fsname=a\\,allow_other", .fsname = "a,allow_other" },
	{ .in = "subtype=sshfs", .subtype = "sshfs" },
	{ .in = "subtype=a,subtype=b", .subtype = "b" },
	{ .in = "subtype=a.b-c_d", .subtype = "a.b-c_d" },
	{ .in = "fsname=f,subtype=s", .fsname = "f", .subtype = "s" },
	{ .in = "max_read=4096", .max_read = "4096" },
	{ .in = "max_read=0", .max_read = "0" },
	{ .in = "max_read=4294967295", .max_read = "4294967295" },
	{ .in = "max_read=1,max_read=2", .max_read = "2" },
	{ .in = "blksize=512", .blksize = "512" },
	{ .in = "max_read=131072,blksize=4096", .max_read = "131072",
	  .blksize = "4096" },
	{ .in = "x-a", .x_opts = "x-a" },
	{ .in = "x-a,x-b", .x_opts = "x-a,x-b" },
	{ .in = "x-a,ro,x-b=c d", .add = MS_RDONLY, .x_opts = "x-a,x-b=c d" },
	{ .in = "x-gvfs-hide,x-systemd.automount",
	  .x_opts = "x-gvfs-hide,x-systemd.automount" },
	{ .in = "default_permissions", .default_permissions = true },
	{ .in = "auto_unmount", .auto_unmount = true },
	{ .in = "allow_other", .may_ao = true, .allow_other = true },
	{ .in = "allow_other", .root = true, .allow_other = true },
	{ .in = "blkdev", .root = true, .blkdev = true },
	{ .in = "blkdev,fsname=/dev/loop0", .root = true, .blkdev = true,
	  .fsname = "/dev/loop0" },
	{ .in = "fd=3,rootmode=1,user_id=0,group_id=0,nonempty" },
	{ .in = "fd=abc,rootmode=,user_id=x,group_id=-5" },
	{ .in = "" },
	{ .in = "," },
	{ .in = ",,," },
	{ .in = ",rw" },
	{ .in = "rw," },
	{ .in = ",,rw" },
	{ .in = "default_permissions,allow_other,fsname=f,subtype=s,"
		"max_read=1,blksize=2,x-a,auto_unmount,ro",
	  .may_ao = true, .add = MS_RDONLY, .fsname = "f", .subtype = "s",
	  .max_read = "1", .blksize = "2", .x_opts = "x-a",
	  .allow_other = true, .default_permissions = true,
	  .auto_unmount = true },
};

static void check_str(const char *in, const char *field, const char *got,
		      const char *want)
{
	if (!want && got)
		fail_msg("\"%s\": %s = \"%s\", want NULL", in, field, got);
	if (want && !got)
		fail_msg("\"%s\": %s = NULL, want \"%s\"", in, field, want);
	if (want && strcmp(got, want) != 0)
		fail_msg("\"%s\": %s = \"%s\", want \"%s\"", in, field, got, want);
}

static void check_bool(const char *in, const char *field, bool got, bool want)
{
	if (got != want)
		fail_msg("\"%s\": %s = %d, want %d", in, field, got, want);
}

static void test_opts_values(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(value_cases); i++) {
		const struct value_case *k = &value_cases[i];
		struct mount_opts o;
		struct opt_error err;
		int rc = parse_opts(k->in, k->root, k->may_ao, &o, &err, NULL);

		if (rc != 0)
			fail_msg("\"%s\": rc %d, %s at \"%.*s\"", k->in, rc,
				 status_name(err.status), (int)err.len,
				 err.opt ? err.opt : "");
		assert_int_equal(err.status, OPT_OK);
		if (o.flags != (NN | k->add))
			fail_msg("\"%s\": flags %#lx, want %#lx", k->in, o.flags,
				 NN | k->add);
		check_str(k->in, "fsname", o.fsname, k->fsname);
		check_str(k->in, "subtype", o.subtype, k->subtype);
		check_str(k->in, "max_read", o.max_read, k->max_read);
		check_str(k->in, "blksize", o.blksize, k->blksize);
		check_str(k->in, "x_opts", o.x_opts, k->x_opts);
		check_bool(k->in, "allow_other", o.allow_other, k->allow_other);
		check_bool(k->in, "default_permissions", o.default_permissions,
			   k->default_permissions);
		check_bool(k->in, "blkdev", o.blkdev, k->blkdev);
		check_bool(k->in, "auto_unmount", o.auto_unmount, k->auto_unmount);
		opts_free(&o);
	}
}

/* ---- refused options: status and which bytes of the input are blamed */

struct err_case {
	const char *in;
	bool root, may_ao;
	enum opt_status status;
	size_t off, len;	/* err.opt == in + off, err.len == len */
};

static const struct err_case err_cases[] = {
	/* allow_other / allow_root */
	{ "allow_other", false, false, OPT_NEED_ALLOW_OTHER, 0, 11 },
	{ "ro,allow_other", false, false, OPT_NEED_ALLOW_OTHER, 3, 11 },
	{ "allow_root", false, false, OPT_NEED_ALLOW_OTHER, 0, 10 },
	{ "allow_root", false, true, OPT_UNKNOWN, 0, 10 },
	{ "allow_root", true, false, OPT_UNKNOWN, 0, 10 },
	{ "allow_root", true, true, OPT_UNKNOWN, 0, 10 },
	/* blkdev is for root */
	{ "blkdev", false, false, OPT_BLKDEV, 0, 6 },
	{ "blkdev", false, true, OPT_BLKDEV, 0, 6 },
	{ "rw,blkdev", false, true, OPT_BLKDEV, 3, 6 },
	/* CVE-2018-10906: no escapes outside fsname=/subtype= */
	{ "default_permissions\\,allow_other", false, false, OPT_UNKNOWN, 0, 20 },
	{ "default_permissions\\,allow_other", false, true, OPT_UNKNOWN, 0, 20 },
	{ "ro\\,allow_other", false, false, OPT_UNKNOWN, 0, 3 },
	{ "x-a\\,allow_other", false, false, OPT_NEED_ALLOW_OTHER, 5, 11 },
	/* interior empty options */
	{ "rw,,ro", false, false, OPT_UNKNOWN, 4, 0 },
	{ ",,rw,,ro", false, false, OPT_UNKNOWN, 6, 0 },
	{ "rw,,,ro", true, false, OPT_UNKNOWN, 5, 0 },
	/* numbers: digits only, at most 10 */
	{ "max_read=-1", false, false, OPT_BAD_VALUE, 0, 11 },
	{ "max_read=", false, false, OPT_BAD_VALUE, 0, 9 },
	{ "max_read=abc", false, false, OPT_BAD_VALUE, 0, 12 },
	{ "max_read=12a", false, false, OPT_BAD_VALUE, 0, 12 },
	{ "max_read=+1", false, false, OPT_BAD_VALUE, 0, 11 },
	{ "max_read= 1", false, false, OPT_BAD_VALUE, 0, 11 },
	{ "max_read=0x10", false, false, OPT_BAD_VALUE, 0, 13 },
	{ "max_read=12345678901", false, false, OPT_BAD_VALUE, 0, 20 },
	{ "ro,max_read=abc", false, false, OPT_BAD_VALUE, 3, 12 },
	{ "blksize=-1", false, false, OPT_BAD_VALUE, 0, 10 },
	{ "blksize=", false, false, OPT_BAD_VALUE, 0, 8 },
	{ "blksize=4k", false, false, OPT_BAD_VALUE, 0, 10 },
	{ "blksize=512", true, false, OPT_OK, 0, 0 },	/* sanity row */
	/* names: no control characters, not empty, types stricter */
	{ "fsname=a\nb", false, false, OPT_BAD_VALUE, 0, 10 },
	{ "fsname=a\tb", false, false, OPT_BAD_VALUE, 0, 10 },
	{ "fsname=a\x7f", false, false, OPT_BAD_VALUE, 0, 9 },
	{ "fsname=a\x1b[2J", false, false, OPT_BAD_VALUE, 0, 12 },
	{ "fsname=", false, false, OPT_BAD_VALUE, 0, 7 },
	{ "fsname=x,fsname=", false, false, OPT_BAD_VALUE, 9, 7 },
	{ "subtype=", false, false, OPT_BAD_VALUE, 0, 8 },
	{ "subtype=a b", false, false, OPT_BAD_VALUE, 0, 11 },
	{ "subtype=a\\,b", false, false, OPT_BAD_VALUE, 0, 12 },
	{ "subtype=a\\\\b", false, false, OPT_BAD_VALUE, 0, 12 },
	{ "subtype=a\nb", false, false, OPT_BAD_VALUE, 0, 11 },
	{ "subtype=a\\ b", true, false, OPT_BAD_VALUE, 0, 12 },
	/* x- options go to utab verbatim: no control characters */
	{ "x-a\x01", false, false, OPT_BAD_VALUE, 0, 4 },
	{ "x-a,x-b\n", false, false, OPT_BAD_VALUE, 4, 4 },
	/* not on the allowlist */
	{ "context=x", false, false, OPT_UNKNOWN, 0, 9 },
	{ "fscontext=x", true, false, OPT_UNKNOWN, 0, 11 },
	{ "user=x", false, false, OPT_UNKNOWN, 0, 6 },
	{ "user", false, false, OPT_UNKNOWN, 0, 4 },
	{ "users", false, false, OPT_UNKNOWN, 0, 5 },
	{ "-n", false, false, OPT_UNKNOWN, 0, 2 },
	{ "defaults", false, false, OPT_UNKNOWN, 0, 8 },
	{ "ALLOW_OTHER", false, true, OPT_UNKNOWN, 0, 11 },
	{ " allow_other", false, true, OPT_UNKNOWN, 0, 12 },
	{ "allow_other ", false, true, OPT_UNKNOWN, 0, 12 },
	{ "RO", false, false, OPT_UNKNOWN, 0, 2 },
	{ "rw=1", false, false, OPT_UNKNOWN, 0, 4 },
	{ "fsname", false, false, OPT_UNKNOWN, 0, 6 },
	{ "max_read", false, false, OPT_UNKNOWN, 0, 8 },
	{ "user_id", false, false, OPT_UNKNOWN, 0, 7 },
	{ "fd", false, false, OPT_UNKNOWN, 0, 2 },
	{ "nonempty=1", false, false, OPT_UNKNOWN, 0, 10 },
	{ "relatime", false, false, OPT_UNKNOWN, 0, 8 },
	{ "strictatime", false, false, OPT_UNKNOWN, 0, 11 },
	{ "mand", true, false, OPT_UNKNOWN, 0, 4 },
	{ "remount", true, false, OPT_UNKNOWN, 0, 7 },
	{ "bind", true, false, OPT_UNKNOWN, 0, 4 },
	{ "ro,bogus,allow_other", false, false, OPT_UNKNOWN, 3, 5 },
};

static void test_opts_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(err_cases); i++) {
		const struct err_case *k = &err_cases[i];
		struct mount_opts o;
		struct opt_error err;
		int rc = parse_opts(k->in, k->root, k->may_ao, &o, &err, NULL);

		if (err.status != k->status)
			fail_msg("row %zu \"%s\" (root=%d may_ao=%d): %s, want %s",
				 i, k->in, k->root, k->may_ao,
				 status_name(err.status), status_name(k->status));
		if (k->status == OPT_OK) {
			assert_int_equal(rc, 0);
		} else {
			if (rc != -EINVAL)
				fail_msg("\"%s\": rc %d, want -EINVAL", k->in, rc);
			if (err.opt != k->in + k->off || err.len != k->len)
				fail_msg("\"%s\": blamed offset %td len %zu, "
					 "want offset %zu len %zu", k->in,
					 err.opt ? err.opt - k->in : (ptrdiff_t)-1,
					 err.len, k->off, k->len);
		}
		opts_free(&o);
	}
}

/* ---- lengths */

static char *repeat(const char *prefix, char c, size_t n, const char *suffix)
{
	size_t pl = strlen(prefix), sl = strlen(suffix);
	char *s = malloc(pl + n + sl + 1);

	assert_non_null(s);
	memcpy(s, prefix, pl);
	memset(s + pl, c, n);
	memcpy(s + pl + n, suffix, sl + 1);
	return s;
}

static void test_opts_name_lengths(void **state)
{
	static const struct {
		const char *key;
		size_t n;
		const char *suffix;
		enum opt_status want;
	} rows[] = {
		{ "fsname=", 255, "", OPT_OK },
		{ "fsname=", 256, "", OPT_BAD_VALUE },
		{ "subtype=", 255, "", OPT_OK },
		{ "subtype=", 256, "", OPT_BAD_VALUE },
		/* the limit applies after unescaping: 254 + "\," = 255 */
		{ "fsname=", 254, "\\,", OPT_OK },
		{ "fsname=", 255, "\\,", OPT_BAD_VALUE },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
		char *s = repeat(rows[i].key, 'a', rows[i].n, rows[i].suffix);
		struct mount_opts o;
		struct opt_error err;

		parse_opts(s, false, false, &o, &err, NULL);
		if (err.status != rows[i].want)
			fail_msg("%s<%zu x 'a'>%s: %s, want %s", rows[i].key,
				 rows[i].n, rows[i].suffix, status_name(err.status),
				 status_name(rows[i].want));
		if (rows[i].want == OPT_OK) {
			const char *v = rows[i].key[0] == 'f' ? o.fsname : o.subtype;

			assert_non_null(v);
			assert_int_equal(strlen(v), 255);
		}
		opts_free(&o);
		free(s);
	}
}

/* "rw," repeated, then tail: exactly 3 * n + strlen(tail) bytes. */
static char *rw_string(size_t n, const char *tail)
{
	size_t tl = strlen(tail);
	char *s = malloc(3 * n + tl + 1);

	assert_non_null(s);
	for (size_t i = 0; i < n; i++)
		memcpy(s + 3 * i, "rw,", 3);
	memcpy(s + 3 * n, tail, tl + 1);
	return s;
}

static void test_opts_total_length(void **state)
{
	char *ok = rw_string(1364, "ro,");	/* 4095 */
	char *too = rw_string(1364, "sync");	/* 4096 */
	struct mount_opts o;
	struct opt_error err;

	(void)state;
	assert_int_equal(strlen(ok), FM_OPTS_MAX);
	assert_int_equal(strlen(too), FM_OPTS_MAX + 1);

	assert_int_equal(parse_opts(ok, false, false, &o, &err, NULL), 0);
	assert_int_equal(err.status, OPT_OK);
	assert_int_equal(o.flags, NN | MS_RDONLY);
	opts_free(&o);

	assert_int_equal(parse_opts(too, false, false, &o, &err, NULL), -EINVAL);
	assert_int_equal(err.status, OPT_TOO_LONG);
	assert_null(err.opt);
	assert_int_equal(err.len, 0);
	assert_int_equal(o.flags, NN);	/* nothing applied */
	opts_free(&o);

	free(ok);
	free(too);
}

static void test_opts_free(void **state)
{
	struct mount_opts o;
	struct opt_error err;

	(void)state;
	assert_int_equal(parse_opts("fsname=a,fsname=b,subtype=c,subtype=d,"
				    "max_read=1,max_read=2,blksize=3,blksize=4,"
				    "x-a,x-b,x-c", false, false, &o, &err, NULL), 0);
	assert_string_equal(o.x_opts, "x-a,x-b,x-c");
	opts_free(&o);
	assert_null(o.fsname);
	assert_null(o.subtype);
	assert_null(o.max_read);
	assert_null(o.blksize);
	assert_null(o.x_opts);
	opts_free(&o);		/* idempotent */

	/* a failure after allocations: opts_free still releases them */
	assert_int_equal(parse_opts("fsname=a,subtype=b,x-c,bogus", false, false,
				    &o, &err, NULL), -EINVAL);
	assert_int_equal(err.status, OPT_UNKNOWN);
	opts_free(&o);
	assert_null(o.fsname);
}

/* =========================================================== mountpoint */

#define EXT4	0xEF53UL
#define TMPFS	0x01021994UL
#define FUSE	0x65735546UL
#define PROC	0x9fa0UL
#define SYSFS	0x62656572UL
#define CGROUP2	0x63677270UL
#define HUGETLB	0x958458f6UL

struct mp_case {
	const char *name;
	struct mp_facts f;
	enum mp_status want;
};

static const struct mp_case mp_cases[] = {
	/* root is never restricted */
	{ "root, symlink on proc", { 0, S_IFLNK | 0777, 5, false, PROC, NULL }, MP_OK },
	{ "root, foreign sticky dir", { 0, S_IFDIR | 01777, 5, false, SYSFS, NULL }, MP_OK },
	{ "root, unknown fs", { 0, S_IFDIR | 0755, 0, true, 0x12345678, NULL }, MP_OK },
	/* directories */
	{ "own dir", { 1000, S_IFDIR | 0755, 1000, true, EXT4, NULL }, MP_OK },
	{ "foreign writable dir", { 1000, S_IFDIR | 0777, 0, true, EXT4, NULL }, MP_OK },
	{ "sticky, not owned", { 1000, S_IFDIR | 01777, 0, true, TMPFS, NULL },
	  MP_NOT_OWNER },
	{ "sticky, not owned, not writable", { 1000, S_IFDIR | 01755, 0, false, EXT4, NULL },
	  MP_NOT_OWNER },
	{ "sticky, owned", { 1000, S_IFDIR | 01777, 1000, true, TMPFS, NULL }, MP_OK },
	{ "dir not writable", { 1000, S_IFDIR | 0755, 0, false, EXT4, NULL }, MP_NO_WRITE },
	{ "own dir not writable", { 1000, S_IFDIR | 0555, 1000, false, EXT4, NULL },
	  MP_NO_WRITE },
	/* regular files */
	{ "regular file writable", { 1000, S_IFREG | 0644, 1000, true, EXT4, NULL }, MP_OK },
	{ "regular file not writable", { 1000, S_IFREG | 0444, 1000, false, EXT4, NULL },
	  MP_NO_WRITE },
	{ "sticky regular file, not owned", { 1000, S_IFREG | 01666, 0, true, EXT4, NULL },
	  MP_OK },
	/* other types */
	{ "symlink", { 1000, S_IFLNK | 0777, 1000, true, EXT4, NULL }, MP_BAD_TYPE },
	{ "symlink, not writable", { 1000, S_IFLNK | 0777, 0, false, EXT4, NULL },
	  MP_BAD_TYPE },
	{ "char device", { 1000, S_IFCHR | 0666, 1000, true, EXT4, NULL }, MP_BAD_TYPE },
	{ "block device", { 1000, S_IFBLK | 0666, 1000, true, EXT4, NULL }, MP_BAD_TYPE },
	{ "fifo", { 1000, S_IFIFO | 0666, 1000, true, EXT4, NULL }, MP_BAD_TYPE },
	{ "socket", { 1000, S_IFSOCK | 0777, 1000, true, EXT4, NULL }, MP_BAD_TYPE },
	{ "no type bits", { 1000, 0777, 1000, true, EXT4, NULL }, MP_BAD_TYPE },
	/* filesystem types */
	{ "on tmpfs", { 1000, S_IFDIR | 0755, 1000, true, TMPFS, NULL }, MP_OK },
	{ "on fuse", { 1000, S_IFDIR | 0755, 1000, true, FUSE, NULL }, MP_OK },
	{ "on btrfs", { 1000, S_IFDIR | 0755, 1000, true, 0x9123683E, NULL }, MP_OK },
	{ "on xfs", { 1000, S_IFDIR | 0755, 1000, true, 0x58465342, NULL }, MP_OK },
	{ "on proc", { 1000, S_IFDIR | 0755, 1000, true, PROC, NULL }, MP_FSTYPE },
	{ "file on proc", { 1000, S_IFREG | 0644, 1000, true, PROC, NULL }, MP_FSTYPE },
	{ "on sysfs", { 1000, S_IFDIR | 0755, 1000, true, SYSFS, NULL }, MP_FSTYPE },
	{ "on cgroup2", { 1000, S_IFDIR | 0755, 1000, true, CGROUP2, NULL }, MP_FSTYPE },
	{ "on hugetlbfs", { 1000, S_IFDIR | 0755, 1000, true, HUGETLB, NULL }, MP_FSTYPE },
	{ "on devpts", { 1000, S_IFDIR | 0755, 1000, true, 0x1cd1, NULL }, MP_FSTYPE },
	{ "on debugfs", { 1000, S_IFDIR | 0755, 1000, true, 0x64626720, NULL }, MP_FSTYPE },
	{ "on securityfs", { 1000, S_IFDIR | 0755, 1000, true, 0x73636673, NULL }, MP_FSTYPE },
	{ "on efivarfs", { 1000, S_IFDIR | 0755, 1000, true, 0xde5e81e4, NULL }, MP_FSTYPE },
	{ "on fusectl", { 1000, S_IFDIR | 0755, 1000, true, 0x65735543, NULL }, MP_FSTYPE },
	{ "on nsfs", { 1000, S_IFDIR | 0755, 1000, true, 0x6e736673, NULL }, MP_FSTYPE },
	{ "unknown magic", { 1000, S_IFDIR | 0755, 1000, true, 0x12345678, NULL }, MP_FSTYPE },
	{ "magic 0", { 1000, S_IFDIR | 0755, 1000, true, 0, NULL }, MP_FSTYPE },
	/* order: type and ownership before the fs type */
	{ "fifo on proc", { 1000, S_IFIFO | 0666, 1000, true, PROC, NULL }, MP_BAD_TYPE },
	{ "not writable on proc", { 1000, S_IFDIR | 0755, 0, false, PROC, NULL }, MP_NO_WRITE },
};

static void test_mountpoint_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(mp_cases); i++) {
		enum mp_status got = policy_mountpoint(&mp_cases[i].f);

		if (got != mp_cases[i].want)
			fail_msg("%s: verdict %d, want %d", mp_cases[i].name, got,
				 mp_cases[i].want);
	}
}

static void test_fstype_names(void **state)
{
	static const struct {
		unsigned long magic;
		const char *name;	/* NULL: unknown */
		bool allowed;
	} rows[] = {
		{ PROC, "proc", false },
		{ SYSFS, "sysfs", false },
		{ CGROUP2, "cgroup2", false },
		{ HUGETLB, "hugetlbfs", false },
		{ EXT4, "ext4", true },
		{ TMPFS, "tmpfs", true },
		{ FUSE, "fuse", true },
		{ 0x12345678, NULL, false },
		{ 0, NULL, false },
		{ ULONG_MAX, NULL, false },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
		const char *n = policy_fstype_name(rows[i].magic);

		if (rows[i].name == NULL) {
			if (n)
				fail_msg("%#lx: name \"%s\", want NULL", rows[i].magic, n);
		} else {
			if (!n || strcmp(n, rows[i].name) != 0)
				fail_msg("%#lx: name \"%s\", want \"%s\"", rows[i].magic,
					 n ? n : "(null)", rows[i].name);
		}
		if (policy_fstype_allowed(rows[i].magic) != rows[i].allowed)
			fail_msg("%#lx: allowed %d, want %d", rows[i].magic,
				 !rows[i].allowed, rows[i].allowed);
	}
}

/* ============================================================ mount_max */

static void test_mount_max(void **state)
{
	static const struct {
		int max;
		long count;
		bool reached;
	} rows[] = {
		{ -1, 0, false }, { -1, 1000, false }, { -1, LONG_MAX, false },
		{ 0, 0, true }, { 0, 1, true },
		{ 1, 0, false }, { 1, 1, true },
		{ 5, 4, false }, { 5, 5, true }, { 5, 6, true },
		{ 1000, 999, false }, { 1000, 1000, true },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
		struct fuse_conf c = { .mount_max = rows[i].max };

		if (policy_mount_max_reached(&c, rows[i].count) != rows[i].reached)
			fail_msg("mount_max %d, count %ld: reached %d, want %d",
				 rows[i].max, rows[i].count, !rows[i].reached,
				 rows[i].reached);
	}
}

/* ================================================ mounts_parse_user_id */

static void test_parse_user_id(void **state)
{
	static const struct {
		const char *opts;
		bool found;
		uid_t uid;
	} rows[] = {
		{ "user_id=1000,group_id=1000", true, 1000 },
		{ "group_id=5,user_id=7", true, 7 },
		{ "rw,user_id=0", true, 0 },
		{ "default_permissions,allow_other,user_id=42,group_id=1", true, 42 },
		{ "user_id=1000,user_id=2000", true, 1000 },
		/* CVE-2021-3995: no prefix confusion */
		{ "user_id=10000", true, 10000 },
		{ "user_id=100", true, 100 },
		{ "xuser_id=5", false, 0 },
		{ "fsname=user_id=5", false, 0 },
		{ "xuser_id=5,user_id=7", true, 7 },
		{ "user_id=", false, 0 },
		{ "user_id=,group_id=1", false, 0 },
		{ "user_id=12a", false, 0 },
		{ "user_id=-1", false, 0 },
		{ "user_id=+5", false, 0 },
		{ "user_id= 5", false, 0 },
		{ "user_id=4294967295", false, 0 },
		{ "user_id=4294967294", true, 4294967294U },
		{ "user_id=99999999999999999999999", false, 0 },
		{ "user_id", false, 0 },
		{ "", false, 0 },
		{ "group_id=1000", false, 0 },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
		uid_t uid = 12345;
		bool found = mounts_parse_user_id(rows[i].opts, &uid);

		if (found != rows[i].found)
			fail_msg("\"%s\": found %d, want %d", rows[i].opts, found,
				 rows[i].found);
		if (found && uid != rows[i].uid)
			fail_msg("\"%s\": uid %u, want %u", rows[i].opts,
				 (unsigned int)uid, (unsigned int)rows[i].uid);
	}
	{
		uid_t a, b;

		assert_true(mounts_parse_user_id("user_id=10000", &a));
		assert_true(mounts_parse_user_id("user_id=1000", &b));
		assert_int_not_equal(a, b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conf_defaults),
		cmocka_unit_test(test_conf_table),
		cmocka_unit_test(test_conf_254_chars_ok),
		cmocka_unit_test(test_conf_255_chars_too_long),
		cmocka_unit_test(test_conf_very_long_line),
		cmocka_unit_test(test_conf_long_line_without_newline),
		cmocka_unit_test(test_conf_read_error),
		cmocka_unit_test(test_opts_flags),
		cmocka_unit_test(test_opts_unsafe_callback_non_root),
		cmocka_unit_test(test_opts_unsafe_callback_root),
		cmocka_unit_test(test_opts_values),
		cmocka_unit_test(test_opts_errors),
		cmocka_unit_test(test_opts_name_lengths),
		cmocka_unit_test(test_opts_total_length),
		cmocka_unit_test(test_opts_free),
		cmocka_unit_test(test_mountpoint_table),
		cmocka_unit_test(test_fstype_names),
		cmocka_unit_test(test_mount_max),
		cmocka_unit_test(test_parse_user_id),
	};

	return cmocka_run_group_tests_name("policy", tests, NULL, NULL);
}
