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

/* ============================================== fuse.conf: policy keys */

/* bad_why texts, as the admin reads them after "fuse.conf line N: " */
#define W_KV	"expected KEY = VALUE"
#define W_EMPTY	"missing value"
#define W_DIR	"mount_dir must be an absolute path without '.' or '..' " \
		"and use only $USER, $UID and $HOME"
#define W_GROUP	"allow_other_group takes one group name"
#define W_UMAX	"user_mount_max takes a number from 0 to 2147483647"
#define W_FS	"mountpoint_fs names an unknown filesystem type or one " \
		"that may never be mounted over"
#define W_LOG	"log takes one of all, refusals, off"
#define W_GRACE	"reattach_grace_max takes a number of seconds from 0 to 3600"
#define W_MANY	"too many entries for this key"
#define W_LOST	"policy line too long or without final newline"

struct summary {
	char s[16384];
	size_t len;
};

static void __attribute__((format(printf, 2, 3)))
sum_add(struct summary *b, const char *fmt, ...)
{
	size_t room = sizeof(b->s) - b->len;
	va_list ap;
	int r;

	if (b->len) {
		assert_true(room > 1);
		b->s[b->len++] = ' ';
		b->s[b->len] = '\0';
		room--;
	}
	va_start(ap, fmt);
	r = vsnprintf(b->s + b->len, room, fmt, ap);
	va_end(ap);
	assert_true(r >= 0 && (size_t)r < room);
	b->len += (size_t)r;
}

/*
 * Everything conf_parse() decided, in one line, defaults left out:
 *   ao@L         user_allow_other, set on line L (ao=0@L: line without flag)
 *   mm=N@L       mount_max          umm=N@L   user_mount_max
 *   dir=V@L      each mount_dir     grp=V@L   each allow_other_group
 *   fs=NAME@L    each mountpoint_fs (by the name of its magic)
 *   log=WORD@L   log (log=all@L when set to the default)
 *   rgm=N@L      reattach_grace_max
 *   new@L        new_key_line       bad@L     bad_line
 */
static const char *conf_summary(const struct fuse_conf *c, struct summary *b)
{
	b->len = 0;
	b->s[0] = '\0';
	if (c->user_allow_other)
		sum_add(b, "ao@%d", c->allow_other_line);
	else if (c->allow_other_line)
		sum_add(b, "ao=0@%d", c->allow_other_line);
	if (c->mount_max != FM_MOUNT_MAX_DEFAULT || c->mount_max_line)
		sum_add(b, "mm=%d@%d", c->mount_max, c->mount_max_line);
	if (c->user_mount_max != -1 || c->user_mount_max_line)
		sum_add(b, "umm=%d@%d", c->user_mount_max, c->user_mount_max_line);
	assert_true(c->n_mount_dir <= FM_CONF_LIST_MAX);
	assert_true(c->n_group <= FM_CONF_LIST_MAX);
	assert_true(c->n_extra_fs <= FM_CONF_LIST_MAX);
	for (size_t i = 0; i < c->n_mount_dir; i++)
		sum_add(b, "dir=%s@%d", c->mount_dir[i].value, c->mount_dir[i].line);
	for (size_t i = 0; i < c->n_group; i++)
		sum_add(b, "grp=%s@%d", c->group[i].value, c->group[i].line);
	for (size_t i = 0; i < c->n_extra_fs; i++) {
		const char *name = policy_fstype_name(c->extra_fs[i]);

		if (name)
			sum_add(b, "fs=%s@%d", name, c->extra_fs_line[i]);
		else
			sum_add(b, "fs=%#lx@%d", c->extra_fs[i], c->extra_fs_line[i]);
	}
	if (c->log != CONF_LOG_ALL || c->log_line) {
		static const char *const words[] = { "all", "refusals", "off" };

		assert_true(c->log >= CONF_LOG_ALL && c->log <= CONF_LOG_OFF);
		sum_add(b, "log=%s@%d", words[c->log], c->log_line);
	}
	if (c->reattach_grace_max != -1 || c->reattach_grace_max_line)
		sum_add(b, "rgm=%d@%d", c->reattach_grace_max, c->reattach_grace_max_line);
	if (c->new_key_line)
		sum_add(b, "new@%d", c->new_key_line);
	if (c->bad_line)
		sum_add(b, "bad@%d", c->bad_line);
	return b->s;
}

static void check_why(const struct fuse_conf *c, const char *want,
		      const char *what)
{
	if (!want && c->bad_why)
		fail_msg("%s: bad_why \"%s\", want NULL", what, c->bad_why);
	if (want && !c->bad_why)
		fail_msg("%s: bad_why NULL, want \"%s\"", what, want);
	if (want && strcmp(c->bad_why, want) != 0)
		fail_msg("%s: bad_why \"%s\", want \"%s\"", what, c->bad_why, want);
	if (!c->bad_line != !c->bad_why)
		fail_msg("%s: bad_line %d with bad_why %s", what, c->bad_line,
			 c->bad_why ? c->bad_why : "NULL");
}

/* Parses, then compares summary, bad_why and the diagnostics. */
static void expect_conf(const char *what, const char *in, size_t len,
		       const char *want, const char *why, int ndiag,
		       const struct want_diag *diag)
{
	struct fuse_conf c;
	struct diags ds;
	struct summary sum;
	int rc = parse_conf(in, len, &c, &ds);

	if (rc != 0)
		fail_msg("%s: conf_parse returned %d", what, rc);
	if (strcmp(conf_summary(&c, &sum), want) != 0)
		fail_msg("%s:\n  got  \"%s\"\n  want \"%s\"", what, sum.s, want);
	check_why(&c, why, what);
	if (ds.n != ndiag)
		fail_msg("%s: %d diagnostics, want %d (first: %s line %d \"%s\")",
			 what, ds.n, ndiag, ds.n ? diag_name(ds.v[0].d) : "-",
			 ds.n ? ds.v[0].line : 0, ds.n ? ds.v[0].text : "");
	for (int j = 0; j < ds.n; j++)
		check_diag(&ds.v[j], &diag[j], what);
}

struct key_case {
	const char *name;
	const char *in;
	size_t len;		/* 0: strlen(in) */
	const char *want;	/* conf_summary() of the result */
	const char *why;	/* bad_why; NULL: none */
	int ndiag;
	struct want_diag diag[4];
};

#define NODIAG 0, { { 0 } }
#define BADKEY(line, why) 1, { { CONF_BAD_NEW_KEY, line, why } }
#define UNKNOWN(line, text) 1, { { CONF_UNKNOWN_KEY, line, text } }

static const struct key_case key_cases[] = {
	/* ---- classic keys: line numbers, nothing new */
	{ "classic lines are numbered", "# c\n\nuser_allow_other\nmount_max = 5\n", 0,
	  "ao@3 mm=5@4", NULL, NODIAG },
	{ "classic: last line wins", "mount_max = 5\nuser_allow_other\nmount_max=7\n"
	  "user_allow_other\n", 0, "ao@4 mm=7@3", NULL, NODIAG },
	{ "classic: bad mount_max keeps line", "mount_max = 5\nmount_max = -2\n", 0,
	  "mm=5@1", NULL, 1, { { CONF_BAD_MOUNT_MAX, 2, "-2" } } },
	{ "classic: mount_max = -1", "mount_max = -1\n", 0, "mm=-1@1", NULL, NODIAG },

	/* ---- mount_dir */
	{ "mount_dir", "mount_dir = /srv/fuse\n", 0,
	  "dir=/srv/fuse@1 new@1", NULL, NODIAG },
	{ "mount_dir=/x (no blanks)", "mount_dir=/x\n", 0,
	  "dir=/x@1 new@1", NULL, NODIAG },
	{ "mount_dir, tabs and comment", "\tmount_dir\t=\t/x  # mine\n", 0,
	  "dir=/x@1 new@1", NULL, NODIAG },
	{ "mount_dir, CRLF", "mount_dir = /x\r\n", 0, "dir=/x@1 new@1", NULL, NODIAG },
	{ "mount_dir = /", "mount_dir = /\n", 0, "dir=/@1 new@1", NULL, NODIAG },
	{ "mount_dir kept as written (trailing slash)", "mount_dir = /srv/\n", 0,
	  "dir=/srv/@1 new@1", NULL, NODIAG },
	{ "mount_dir with $USER", "mount_dir = /srv/fuse/$USER\n", 0,
	  "dir=/srv/fuse/$USER@1 new@1", NULL, NODIAG },
	{ "mount_dir with ${USER}_x", "mount_dir = /srv/${USER}_x\n", 0,
	  "dir=/srv/${USER}_x@1 new@1", NULL, NODIAG },
	{ "mount_dir with $UID", "mount_dir = /run/user/$UID/fuse\n", 0,
	  "dir=/run/user/$UID/fuse@1 new@1", NULL, NODIAG },
	{ "mount_dir = $HOME", "mount_dir = $HOME\n", 0,
	  "dir=$HOME@1 new@1", NULL, NODIAG },
	{ "mount_dir = ${HOME}/mnt/$UID-$USER", "mount_dir = ${HOME}/mnt/$UID-$USER\n", 0,
	  "dir=${HOME}/mnt/$UID-$USER@1 new@1", NULL, NODIAG },
	{ "mount_dir with a blank inside", "mount_dir = /srv/my mounts\n", 0,
	  "dir=/srv/my mounts@1 new@1", NULL, NODIAG },
	{ "mount_dir: '#' starts a comment", "mount_dir = /srv/#x\n", 0,
	  "dir=/srv/@1 new@1", NULL, NODIAG },
	{ "mount_dir repeated, order kept",
	  "mount_dir = /a\n# c\nmount_dir = /b/$USER\nmount_dir = /a\n", 0,
	  "dir=/a@1 dir=/b/$USER@3 dir=/a@4 new@1", NULL, NODIAG },
	/* malformed */
	{ "mount_dir alone", "mount_dir\n", 0, "new@1 bad@1", W_KV, BADKEY(1, W_KV) },
	{ "mount_dir without '='", "mount_dir /srv\n", 0,
	  "new@1 bad@1", W_KV, BADKEY(1, W_KV) },
	{ "mount_dir : /srv", "mount_dir : /srv\n", 0,
	  "new@1 bad@1", W_KV, BADKEY(1, W_KV) },
	{ "mount_dir =", "mount_dir =\n", 0, "new@1 bad@1", W_EMPTY,
	  BADKEY(1, W_EMPTY) },
	{ "mount_dir = # only a comment", "mount_dir =   # later\n", 0,
	  "new@1 bad@1", W_EMPTY, BADKEY(1, W_EMPTY) },
	{ "mount_dir == /srv", "mount_dir == /srv\n", 0,
	  "new@1 bad@1", W_DIR, BADKEY(1, W_DIR) },
	{ "mount_dir relative", "mount_dir = srv\n", 0,
	  "new@1 bad@1", W_DIR, BADKEY(1, W_DIR) },
	{ "mount_dir = ~/mnt", "mount_dir = ~/mnt\n", 0,
	  "new@1 bad@1", W_DIR, BADKEY(1, W_DIR) },
	{ "mount_dir = $USER (relative)", "mount_dir = $USER\n", 0,
	  "new@1 bad@1", W_DIR, BADKEY(1, W_DIR) },
	{ "mount_dir = $UID/x (relative)", "mount_dir = $UID/x\n", 0,
	  "new@1 bad@1", W_DIR, BADKEY(1, W_DIR) },
	{ "mount_dir with ..", "mount_dir = /srv/../etc\n", 0,
	  "new@1 bad@1", W_DIR, BADKEY(1, W_DIR) },
	{ "mount_dir ending in ..", "mount_dir = $HOME/..\n", 0,
	  "new@1 bad@1", W_DIR, BADKEY(1, W_DIR) },
	{ "mount_dir with .", "mount_dir = /srv/./x\n", 0,
	  "new@1 bad@1", W_DIR, BADKEY(1, W_DIR) },
	{ "mount_dir with //", "mount_dir = /srv//x\n", 0,
	  "new@1 bad@1", W_DIR, BADKEY(1, W_DIR) },
	{ "mount_dir = /x/$HOME (makes //)", "mount_dir = /x/$HOME\n", 0,
	  "new@1 bad@1", W_DIR, BADKEY(1, W_DIR) },
	{ "mount_dir with $LOGNAME", "mount_dir = /srv/$LOGNAME\n", 0,
	  "new@1 bad@1", W_DIR, BADKEY(1, W_DIR) },
	{ "mount_dir with $user (case)", "mount_dir = /srv/$user\n", 0,
	  "new@1 bad@1", W_DIR, BADKEY(1, W_DIR) },
	{ "mount_dir with $USER_x", "mount_dir = /srv/$USER_x\n", 0,
	  "new@1 bad@1", W_DIR, BADKEY(1, W_DIR) },
	{ "mount_dir with unterminated ${", "mount_dir = /srv/${USER\n", 0,
	  "new@1 bad@1", W_DIR, BADKEY(1, W_DIR) },
	{ "mount_dir with ${}", "mount_dir = /srv/${}\n", 0,
	  "new@1 bad@1", W_DIR, BADKEY(1, W_DIR) },
	{ "mount_dir with a lone $", "mount_dir = /srv/$\n", 0,
	  "new@1 bad@1", W_DIR, BADKEY(1, W_DIR) },
	{ "mount_dir with $$", "mount_dir = /srv/$$\n", 0,
	  "new@1 bad@1", W_DIR, BADKEY(1, W_DIR) },
	{ "mount_dir with $(cmd)", "mount_dir = /srv/$(id -un)\n", 0,
	  "new@1 bad@1", W_DIR, BADKEY(1, W_DIR) },

	/* ---- allow_other_group */
	{ "allow_other_group", "allow_other_group = fuse\n", 0,
	  "grp=fuse@1 new@1", NULL, NODIAG },
	{ "allow_other_group=x", "allow_other_group=x\n", 0,
	  "grp=x@1 new@1", NULL, NODIAG },
	{ "allow_other_group, odd but legal name", "allow_other_group = _Fuse-users.1$\n", 0,
	  "grp=_Fuse-users.1$@1 new@1", NULL, NODIAG },
	{ "allow_other_group, numeric name", "allow_other_group = 1000\n", 0,
	  "grp=1000@1 new@1", NULL, NODIAG },
	{ "allow_other_group, UTF-8 name", "allow_other_group = gr\xc3\xbcn\n", 0,
	  "grp=gr\xc3\xbcn@1 new@1", NULL, NODIAG },
	{ "allow_other_group repeated",
	  "allow_other_group = a\nallow_other_group = b # second\n", 0,
	  "grp=a@1 grp=b@2 new@1", NULL, NODIAG },
	{ "allow_other_group beside user_allow_other",
	  "allow_other_group = fuse\nuser_allow_other\n", 0,
	  "ao@2 grp=fuse@1 new@1", NULL, NODIAG },
	/* malformed */
	{ "allow_other_group alone", "allow_other_group\n", 0,
	  "new@1 bad@1", W_KV, BADKEY(1, W_KV) },
	{ "allow_other_group fuse", "allow_other_group fuse\n", 0,
	  "new@1 bad@1", W_KV, BADKEY(1, W_KV) },
	{ "allow_other_group =", "allow_other_group = \n", 0,
	  "new@1 bad@1", W_EMPTY, BADKEY(1, W_EMPTY) },
	{ "allow_other_group, two names", "allow_other_group = a b\n", 0,
	  "new@1 bad@1", W_GROUP, BADKEY(1, W_GROUP) },
	{ "allow_other_group, tab", "allow_other_group = a\tb\n", 0,
	  "new@1 bad@1", W_GROUP, BADKEY(1, W_GROUP) },
	{ "allow_other_group, list", "allow_other_group = a,b\n", 0,
	  "new@1 bad@1", W_GROUP, BADKEY(1, W_GROUP) },
	{ "allow_other_group, colon", "allow_other_group = a:b\n", 0,
	  "new@1 bad@1", W_GROUP, BADKEY(1, W_GROUP) },
	{ "allow_other_group, trailing comma", "allow_other_group = a,\n", 0,
	  "new@1 bad@1", W_GROUP, BADKEY(1, W_GROUP) },
	{ "allow_other_group == x", "allow_other_group == x\n", 0,
	  "new@1 bad@1", W_GROUP, BADKEY(1, W_GROUP) },

	/* ---- user_mount_max */
	{ "user_mount_max", "user_mount_max = 3\n", 0,
	  "umm=3@1 new@1", NULL, NODIAG },
	{ "user_mount_max = 0", "user_mount_max = 0\n", 0,
	  "umm=0@1 new@1", NULL, NODIAG },
	{ "user_mount_max=7 # c", "user_mount_max=7 # c\n", 0,
	  "umm=7@1 new@1", NULL, NODIAG },
	{ "user_mount_max = 010 is decimal", "user_mount_max = 010\n", 0,
	  "umm=10@1 new@1", NULL, NODIAG },
	{ "user_mount_max = INT_MAX", "user_mount_max = 2147483647\n", 0,
	  "umm=2147483647@1 new@1", NULL, NODIAG },
	{ "user_mount_max = INT_MAX, leading zeros",
	  "user_mount_max = 0002147483647\n", 0,
	  "umm=2147483647@1 new@1", NULL, NODIAG },
	{ "user_mount_max: last one wins",
	  "user_mount_max = 3\nuser_mount_max = 9\nuser_mount_max = 4\n", 0,
	  "umm=4@3 new@1", NULL, NODIAG },
	{ "user_mount_max: a bad line keeps the last good one",
	  "user_mount_max = 3\nuser_mount_max = x\n", 0,
	  "umm=3@1 new@1 bad@2", W_UMAX, BADKEY(2, W_UMAX) },
	{ "user_mount_max: a good line after a bad one",
	  "user_mount_max = -1\nuser_mount_max = 6\n", 0,
	  "umm=6@2 new@1 bad@1", W_UMAX, BADKEY(1, W_UMAX) },
	{ "user_mount_max beside mount_max",
	  "user_mount_max = 3\nmount_max = 4\n", 0,
	  "mm=4@2 umm=3@1 new@1", NULL, NODIAG },
	/* malformed */
	{ "user_mount_max alone", "user_mount_max\n", 0,
	  "new@1 bad@1", W_KV, BADKEY(1, W_KV) },
	{ "user_mount_max 3", "user_mount_max 3\n", 0,
	  "new@1 bad@1", W_KV, BADKEY(1, W_KV) },
	{ "user_mount_max =", "user_mount_max =\n", 0,
	  "new@1 bad@1", W_EMPTY, BADKEY(1, W_EMPTY) },
	{ "user_mount_max = -1", "user_mount_max = -1\n", 0,
	  "new@1 bad@1", W_UMAX, BADKEY(1, W_UMAX) },
	{ "user_mount_max = +3", "user_mount_max = +3\n", 0,
	  "new@1 bad@1", W_UMAX, BADKEY(1, W_UMAX) },
	{ "user_mount_max = 0x10", "user_mount_max = 0x10\n", 0,
	  "new@1 bad@1", W_UMAX, BADKEY(1, W_UMAX) },
	{ "user_mount_max = 1e3", "user_mount_max = 1e3\n", 0,
	  "new@1 bad@1", W_UMAX, BADKEY(1, W_UMAX) },
	{ "user_mount_max = 3abc (no tail, unlike mount_max)",
	  "user_mount_max = 3abc\n", 0,
	  "new@1 bad@1", W_UMAX, BADKEY(1, W_UMAX) },
	{ "user_mount_max = 3 4", "user_mount_max = 3 4\n", 0,
	  "new@1 bad@1", W_UMAX, BADKEY(1, W_UMAX) },
	{ "user_mount_max = 2.5", "user_mount_max = 2.5\n", 0,
	  "new@1 bad@1", W_UMAX, BADKEY(1, W_UMAX) },
	{ "user_mount_max = INT_MAX + 1", "user_mount_max = 2147483648\n", 0,
	  "new@1 bad@1", W_UMAX, BADKEY(1, W_UMAX) },
	{ "user_mount_max = INT_MAX + 2", "user_mount_max = 2147483649\n", 0,
	  "new@1 bad@1", W_UMAX, BADKEY(1, W_UMAX) },
	{ "user_mount_max = 2^32", "user_mount_max = 4294967296\n", 0,
	  "new@1 bad@1", W_UMAX, BADKEY(1, W_UMAX) },
	{ "user_mount_max = 2^64 + 1", "user_mount_max = 18446744073709551617\n", 0,
	  "new@1 bad@1", W_UMAX, BADKEY(1, W_UMAX) },
	{ "user_mount_max = 10 * INT_MAX", "user_mount_max = 21474836470\n", 0,
	  "new@1 bad@1", W_UMAX, BADKEY(1, W_UMAX) },

	/* ---- mountpoint_fs */
	{ "mountpoint_fs", "mountpoint_fs = 9p\n", 0,
	  "fs=9p@1 new@1", NULL, NODIAG },
	{ "mountpoint_fs=hugetlbfs", "mountpoint_fs=hugetlbfs\n", 0,
	  "fs=hugetlbfs@1 new@1", NULL, NODIAG },
	{ "mountpoint_fs already allowed", "mountpoint_fs = ext4\n", 0,
	  "fs=ext4@1 new@1", NULL, NODIAG },
	{ "mountpoint_fs repeated",
	  "mountpoint_fs = iso9660\nmountpoint_fs = udf\nmountpoint_fs = iso9660\n", 0,
	  "fs=iso9660@1 fs=udf@2 fs=iso9660@3 new@1", NULL, NODIAG },
	/* malformed */
	{ "mountpoint_fs alone", "mountpoint_fs\n", 0,
	  "new@1 bad@1", W_KV, BADKEY(1, W_KV) },
	{ "mountpoint_fs 9p", "mountpoint_fs 9p\n", 0,
	  "new@1 bad@1", W_KV, BADKEY(1, W_KV) },
	{ "mountpoint_fs =", "mountpoint_fs =\n", 0,
	  "new@1 bad@1", W_EMPTY, BADKEY(1, W_EMPTY) },
	{ "mountpoint_fs = proc", "mountpoint_fs = proc\n", 0,
	  "new@1 bad@1", W_FS, BADKEY(1, W_FS) },
	{ "mountpoint_fs = sysfs", "mountpoint_fs = sysfs\n", 0,
	  "new@1 bad@1", W_FS, BADKEY(1, W_FS) },
	{ "mountpoint_fs = unknown", "mountpoint_fs = nosuchfs\n", 0,
	  "new@1 bad@1", W_FS, BADKEY(1, W_FS) },
	{ "mountpoint_fs = EXT4 (case)", "mountpoint_fs = EXT4\n", 0,
	  "new@1 bad@1", W_FS, BADKEY(1, W_FS) },
	{ "mountpoint_fs = 0xEF53 (no magic numbers)", "mountpoint_fs = 0xEF53\n", 0,
	  "new@1 bad@1", W_FS, BADKEY(1, W_FS) },
	{ "mountpoint_fs, two names", "mountpoint_fs = 9p afs\n", 0,
	  "new@1 bad@1", W_FS, BADKEY(1, W_FS) },
	{ "mountpoint_fs, list", "mountpoint_fs = 9p,afs\n", 0,
	  "new@1 bad@1", W_FS, BADKEY(1, W_FS) },
	{ "mountpoint_fs = fuseblk (not a table name)", "mountpoint_fs = fuseblk\n", 0,
	  "new@1 bad@1", W_FS, BADKEY(1, W_FS) },

	/* ---- log */
	{ "log = all", "log = all\n", 0, "log=all@1 new@1", NULL, NODIAG },
	{ "log = refusals", "log = refusals\n", 0, "log=refusals@1 new@1", NULL, NODIAG },
	{ "log=off", "log=off\n", 0, "log=off@1 new@1", NULL, NODIAG },
	{ "log = off # comment", "log = off # no log\n", 0, "log=off@1 new@1", NULL,
	  NODIAG },
	{ "log: last one wins", "log = off\nlog = refusals\n", 0,
	  "log=refusals@2 new@1", NULL, NODIAG },
	{ "log: a bad line keeps the last good one", "log = off\nlog = none\n", 0,
	  "log=off@1 new@1 bad@2", W_LOG, BADKEY(2, W_LOG) },
	/* malformed: fails closed like every policy key */
	{ "log alone", "log\n", 0, "new@1 bad@1", W_KV, BADKEY(1, W_KV) },
	{ "log off", "log off\n", 0, "new@1 bad@1", W_KV, BADKEY(1, W_KV) },
	{ "log =", "log =\n", 0, "new@1 bad@1", W_EMPTY, BADKEY(1, W_EMPTY) },
	{ "log = OFF (case)", "log = OFF\n", 0, "new@1 bad@1", W_LOG, BADKEY(1, W_LOG) },
	{ "log = no", "log = no\n", 0, "new@1 bad@1", W_LOG, BADKEY(1, W_LOG) },
	{ "log = 0", "log = 0\n", 0, "new@1 bad@1", W_LOG, BADKEY(1, W_LOG) },
	{ "log = off all", "log = off all\n", 0, "new@1 bad@1", W_LOG,
	  BADKEY(1, W_LOG) },
	{ "log = off,all", "log = off,all\n", 0, "new@1 bad@1", W_LOG,
	  BADKEY(1, W_LOG) },
	{ "log = refusal (no s)", "log = refusal\n", 0, "new@1 bad@1", W_LOG,
	  BADKEY(1, W_LOG) },
	{ "log = offf", "log = offf\n", 0, "new@1 bad@1", W_LOG, BADKEY(1, W_LOG) },
	{ "log == off", "log == off\n", 0, "new@1 bad@1", W_LOG, BADKEY(1, W_LOG) },

	/* ---- reattach_grace_max: like user_mount_max, 0 to 3600 */
	{ "reattach_grace_max", "reattach_grace_max = 10\n", 0,
	  "rgm=10@1 new@1", NULL, NODIAG },
	{ "reattach_grace_max = 0", "reattach_grace_max = 0\n", 0,
	  "rgm=0@1 new@1", NULL, NODIAG },
	{ "reattach_grace_max=3600 # c", "reattach_grace_max=3600 # c\n", 0,
	  "rgm=3600@1 new@1", NULL, NODIAG },
	{ "reattach_grace_max = 010 is decimal", "reattach_grace_max = 010\n", 0,
	  "rgm=10@1 new@1", NULL, NODIAG },
	{ "reattach_grace_max: last one wins",
	  "reattach_grace_max = 5\nreattach_grace_max = 7\n", 0,
	  "rgm=7@2 new@1", NULL, NODIAG },
	{ "reattach_grace_max: a bad line keeps the last good one",
	  "reattach_grace_max = 5\nreattach_grace_max = x\n", 0,
	  "rgm=5@1 new@1 bad@2", W_GRACE, BADKEY(2, W_GRACE) },
	/* malformed: fails closed like every policy key */
	{ "reattach_grace_max alone", "reattach_grace_max\n", 0,
	  "new@1 bad@1", W_KV, BADKEY(1, W_KV) },
	{ "reattach_grace_max 5", "reattach_grace_max 5\n", 0,
	  "new@1 bad@1", W_KV, BADKEY(1, W_KV) },
	{ "reattach_grace_max =", "reattach_grace_max =\n", 0,
	  "new@1 bad@1", W_EMPTY, BADKEY(1, W_EMPTY) },
	{ "reattach_grace_max = 3601", "reattach_grace_max = 3601\n", 0,
	  "new@1 bad@1", W_GRACE, BADKEY(1, W_GRACE) },
	{ "reattach_grace_max = -1", "reattach_grace_max = -1\n", 0,
	  "new@1 bad@1", W_GRACE, BADKEY(1, W_GRACE) },
	{ "reattach_grace_max = +5", "reattach_grace_max = +5\n", 0,
	  "new@1 bad@1", W_GRACE, BADKEY(1, W_GRACE) },
	{ "reattach_grace_max = 0x10", "reattach_grace_max = 0x10\n", 0,
	  "new@1 bad@1", W_GRACE, BADKEY(1, W_GRACE) },
	{ "reattach_grace_max = 5s", "reattach_grace_max = 5s\n", 0,
	  "new@1 bad@1", W_GRACE, BADKEY(1, W_GRACE) },
	{ "reattach_grace_max = 5 6", "reattach_grace_max = 5 6\n", 0,
	  "new@1 bad@1", W_GRACE, BADKEY(1, W_GRACE) },
	{ "reattach_grace_max = 2^64 + 1",
	  "reattach_grace_max = 18446744073709551617\n", 0,
	  "new@1 bad@1", W_GRACE, BADKEY(1, W_GRACE) },
	{ "reattach_grace", "reattach_grace = 5\n", 0, "", NULL,
	  UNKNOWN(1, "reattach_grace = 5") },
	{ "reattach_grace_maximum", "reattach_grace_maximum = 5\n", 0, "", NULL,
	  UNKNOWN(1, "reattach_grace_maximum = 5") },

	/* ---- keys are whole words: anything else is the classic unknown key */
	{ "mount_dirs", "mount_dirs = /x\n", 0, "", NULL, UNKNOWN(1, "mount_dirs = /x") },
	{ "mount_dir_x", "mount_dir_x=/x\n", 0, "", NULL, UNKNOWN(1, "mount_dir_x=/x") },
	{ "xmount_dir", "xmount_dir = /x\n", 0, "", NULL, UNKNOWN(1, "xmount_dir = /x") },
	{ "Mount_dir", "Mount_dir = /x\n", 0, "", NULL, UNKNOWN(1, "Mount_dir = /x") },
	{ "allow_other_groups", "allow_other_groups = g\n", 0, "", NULL,
	  UNKNOWN(1, "allow_other_groups = g") },
	{ "allow_other", "allow_other\n", 0, "", NULL, UNKNOWN(1, "allow_other") },
	{ "user_mount_maximum", "user_mount_maximum = 3\n", 0, "", NULL,
	  UNKNOWN(1, "user_mount_maximum = 3") },
	{ "user_mount", "user_mount = 3\n", 0, "", NULL, UNKNOWN(1, "user_mount = 3") },
	{ "mountpoint_fs2", "mountpoint_fs2 = 9p\n", 0, "", NULL,
	  UNKNOWN(1, "mountpoint_fs2 = 9p") },
	{ "mountpoint_fs:", "mountpoint_fs: 9p\n", 0, "", NULL,
	  UNKNOWN(1, "mountpoint_fs: 9p") },
	{ "logs", "logs = off\n", 0, "", NULL, UNKNOWN(1, "logs = off") },
	{ "log_level", "log_level = off\n", 0, "", NULL, UNKNOWN(1, "log_level = off") },
	{ "syslog", "syslog = off\n", 0, "", NULL, UNKNOWN(1, "syslog = off") },
	{ "Log", "Log = off\n", 0, "", NULL, UNKNOWN(1, "Log = off") },
	{ "log:", "log: off\n", 0, "", NULL, UNKNOWN(1, "log: off") },
	{ "commented out", "# mount_dir = /x\n#user_mount_max=1\n", 0, "", NULL, NODIAG },

	/* ---- combinations */
	{ "every key, with line numbers",
	  "# policy\nuser_allow_other\nmount_max = 20\n\nmount_dir = /srv/$USER\n"
	  "allow_other_group = fuse\nuser_mount_max = 2\nmountpoint_fs = 9p\n"
	  "log = refusals\n", 0,
	  "ao@2 mm=20@3 umm=2@7 dir=/srv/$USER@5 grp=fuse@6 fs=9p@8 log=refusals@9 new@5",
	  NULL, NODIAG },
	{ "new keys first, classic after",
	  "mountpoint_fs = afs\nmount_max=3\nuser_allow_other\n", 0,
	  "ao@3 mm=3@2 fs=afs@1 new@1", NULL, NODIAG },
	{ "interleaved and repeated",
	  "mount_dir = /a\nallow_other_group = g1\nmount_dir = /b\n"
	  "allow_other_group = g2\nmountpoint_fs = 9p\nmount_dir = /c\n", 0,
	  "dir=/a@1 dir=/b@3 dir=/c@6 grp=g1@2 grp=g2@4 fs=9p@5 new@1",
	  NULL, NODIAG },
	{ "unknown keys among new ones",
	  "bogus\nmount_dir = /a\nalso = bogus\n", 0, "dir=/a@2 new@2", NULL,
	  2, { { CONF_UNKNOWN_KEY, 1, "bogus" },
	       { CONF_UNKNOWN_KEY, 3, "also = bogus" } } },
	{ "a bad line does not stop the parse",
	  "mount_dir = rel\nmount_dir = /ok\nuser_allow_other\nmount_max = 2\n", 0,
	  "ao@3 mm=2@4 dir=/ok@2 new@1 bad@1", W_DIR, BADKEY(1, W_DIR) },
	{ "the first bad line is kept",
	  "user_allow_other\nmount_dir = /ok\nuser_mount_max = x\nmountpoint_fs = proc\n",
	  0, "ao@1 dir=/ok@2 new@2 bad@3", W_UMAX,
	  2, { { CONF_BAD_NEW_KEY, 3, W_UMAX }, { CONF_BAD_NEW_KEY, 4, W_FS } } },
	{ "every malformed line reports its own reason",
	  "mount_dir\nallow_other_group = a b\nuser_mount_max =\nmountpoint_fs = proc\n",
	  0, "new@1 bad@1", W_KV,
	  4, { { CONF_BAD_NEW_KEY, 1, W_KV }, { CONF_BAD_NEW_KEY, 2, W_GROUP },
	       { CONF_BAD_NEW_KEY, 3, W_EMPTY }, { CONF_BAD_NEW_KEY, 4, W_FS } } },
	{ "bad classic mount_max beside new keys",
	  "user_mount_max = 1\nmount_max = -7\n", 0, "umm=1@1 new@1", NULL,
	  1, { { CONF_BAD_MOUNT_MAX, 2, "-7" } } },

	/* ---- lines that cannot be read whole (see also the padded table) */
	{ "new key on a final line without newline",
	  "user_allow_other\nmount_dir = /srv", 0, "ao@1 new@2 bad@2", W_LOST,
	  1, { { CONF_NO_FINAL_NEWLINE, 2, NULL } } },
	{ "classic final line without newline: no policy",
	  "mount_dir = /srv\nuser_allow_other", 0, "dir=/srv@1 new@1", NULL,
	  1, { { CONF_NO_FINAL_NEWLINE, 2, NULL } } },
	{ "comment as final line without newline", "mount_dir = /srv\n# end", 0,
	  "dir=/srv@1 new@1", NULL, 1, { { CONF_NO_FINAL_NEWLINE, 2, NULL } } },
	{ "malformed new key on a final line without newline",
	  "user_mount_max = x", 0, "new@1 bad@1", W_LOST,
	  1, { { CONF_NO_FINAL_NEWLINE, 1, NULL } } },
	{ "embedded NUL in a new-key line", "mount_dir = /srv\0/x\nuser_allow_other\n",
	  sizeof("mount_dir = /srv\0/x\nuser_allow_other\n") - 1,
	  "ao@2 new@1 bad@1", W_LOST, UNKNOWN(1, "mount_dir = /srv") },
	{ "embedded NUL after a good new-key line",
	  "mount_dir = /a\nuser_mount_max = 1\0\n",
	  sizeof("mount_dir = /a\nuser_mount_max = 1\0\n") - 1,
	  "dir=/a@1 new@1 bad@2", W_LOST, UNKNOWN(2, "user_mount_max = 1") },
	{ "embedded NUL in a classic line: no policy", "mount_max = 3\0\n",
	  sizeof("mount_max = 3\0\n") - 1, "", NULL, UNKNOWN(1, "mount_max = 3") },
	{ "embedded NUL before a new key: never read", "\0mount_dir = /x\n",
	  sizeof("\0mount_dir = /x\n") - 1, "", NULL, UNKNOWN(1, "") },
};

static void test_conf_key_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(key_cases); i++) {
		const struct key_case *k = &key_cases[i];

		expect_conf(k->name, k->in, k->len ? k->len : strlen(k->in), k->want,
			   k->why, k->ndiag, k->diag);
	}
}

/* A fuse.conf with classic keys only leaves every policy field alone. */
static void test_conf_classic_sets_no_policy(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(conf_cases); i++) {
		const struct conf_case *k = &conf_cases[i];
		struct fuse_conf c;
		struct diags ds;

		assert_int_equal(parse_conf(k->in, k->len ? k->len : strlen(k->in),
					    &c, &ds), 0);
		if (c.new_key_line || c.bad_line || c.bad_why || c.n_mount_dir ||
		    c.n_group || c.n_extra_fs || c.user_mount_max != -1 ||
		    c.user_mount_max_line || c.log != CONF_LOG_ALL || c.log_line)
			fail_msg("%s: policy fields set (new %d, bad %d)", k->name,
				 c.new_key_line, c.bad_line);
		for (int j = 0; j < ds.n; j++)
			if (ds.v[j].d == CONF_BAD_NEW_KEY)
				fail_msg("%s: CONF_BAD_NEW_KEY", k->name);
	}
}

static void test_conf_defaults_policy(void **state)
{
	struct fuse_conf c;
	struct summary sum;

	(void)state;
	memset(&c, 0x5a, sizeof(c));
	conf_defaults(&c);
	assert_string_equal(conf_summary(&c, &sum), "");
	assert_int_equal(c.user_mount_max, -1);
	assert_null(c.bad_why);
	assert_int_equal(c.n_mount_dir + c.n_group + c.n_extra_fs, 0);
	assert_int_equal(c.log, CONF_LOG_ALL);
	assert_int_equal(c.log_line, 0);
}

/* ---- lines built from a head, a run of one character, and a tail */

struct padded_case {
	const char *name;
	const char *head;
	size_t pad;		/* copies of padc */
	char padc;
	const char *tail;
	const char *want;	/* conf_summary() */
	const char *why;
	int ndiag;
	struct want_diag diag[2];
};

#define TOO_LONG(line) 1, { { CONF_LINE_TOO_LONG, line, NULL } }

static const struct padded_case padded_cases[] = {
	/* 13 + 242 = 255 characters: one too many (254 fit, see below) */
	{ "mount_dir of 255 characters", "mount_dir = /", 242, 'a', "\n",
	  "new@1 bad@1", W_LOST, TOO_LONG(1) },
	{ "long mount_dir, then a good line", "mount_dir = /", 500, 'a',
	  "\nuser_allow_other\n", "ao@2 new@1 bad@1", W_LOST, TOO_LONG(1) },
	{ "allow_other_group with long trailing blanks", "allow_other_group = g",
	  300, ' ', "\n", "new@1 bad@1", W_LOST, TOO_LONG(1) },
	{ "key, long gap, '=' and value", "mount_dir", 300, ' ', "= /srv\n",
	  "new@1 bad@1", W_LOST, TOO_LONG(1) },
	{ "long new-key line, then a bad one", "mountpoint_fs = 9p #", 300, 'x',
	  "\nmountpoint_fs = proc\n", "new@1 bad@1", W_LOST,
	  2, { { CONF_LINE_TOO_LONG, 1, NULL }, { CONF_BAD_NEW_KEY, 2, W_FS } } },
	{ "long line without final newline", "user_mount_max = 1", 300, '1', "",
	  "new@1 bad@1", W_LOST, 1, { { CONF_NO_FINAL_NEWLINE, 1, NULL } } },
	{ "log = off with long trailing blanks", "log = off", 300, ' ', "\n",
	  "new@1 bad@1", W_LOST, TOO_LONG(1) },
	/* new keys behind leading blanks are still new keys */
	{ "250 blanks, then mount_dir", "", 250, ' ', "mount_dir = /srv\n",
	  "new@1 bad@1", W_LOST, TOO_LONG(1) },
	{ "300 blanks, then mount_dir", "", 300, ' ', "mount_dir = /srv\n",
	  "new@1 bad@1", W_LOST, TOO_LONG(1) },
	{ "400 tabs, then allow_other_group", "", 400, '\t',
	  "allow_other_group = g\n", "new@1 bad@1", W_LOST, TOO_LONG(1) },
	{ "blanks before a key without newline", "", 260, ' ', "user_mount_max = 1",
	  "new@1 bad@1", W_LOST, 1, { { CONF_NO_FINAL_NEWLINE, 1, NULL } } },
	/* classic and comment lines: only the classic diagnostic */
	{ "long comment", "# ", 300, 'x', " mount_dir\n", "", NULL, TOO_LONG(1) },
	{ "long commented-out key", "#mount_dir = /", 300, 'a', "\n", "", NULL,
	  TOO_LONG(1) },
	{ "blanks, then a comment", "", 300, ' ', "# mount_dir = /x\n", "", NULL,
	  TOO_LONG(1) },
	{ "blank line of 300", "", 300, ' ', "\nmount_max = 4\n", "mm=4@2", NULL,
	  TOO_LONG(1) },
	{ "blanks, then user_allow_other", "", 300, ' ', "user_allow_other\n", "",
	  NULL, TOO_LONG(1) },
	{ "blanks, then mount_max", "", 250, ' ', "mount_max = 3\n", "", NULL,
	  TOO_LONG(1) },
	{ "user_allow_other, long trailing blanks", "user_allow_other", 300, ' ',
	  "\n", "", NULL, TOO_LONG(1) },
	{ "blanks, then an unknown word", "", 300, ' ', "mount_dirs = /x\n", "", NULL,
	  TOO_LONG(1) },
};

static void test_conf_padded_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(padded_cases); i++) {
		const struct padded_case *k = &padded_cases[i];
		size_t hl = strlen(k->head), tl = strlen(k->tail);
		char *in = malloc(hl + k->pad + tl + 1);

		assert_non_null(in);
		memcpy(in, k->head, hl);
		memset(in + hl, k->padc, k->pad);
		memcpy(in + hl + k->pad, k->tail, tl + 1);
		expect_conf(k->name, in, hl + k->pad + tl, k->want, k->why, k->ndiag,
			   k->diag);
		free(in);
	}
}

/* The longest line that is read whole: 254 characters. */
static void test_conf_new_key_254(void **state)
{
	char line[256 + 32];
	struct fuse_conf c;
	struct diags ds;

	(void)state;
	memset(line, 'a', sizeof(line));
	memcpy(line, "mount_dir = /", 13);
	memcpy(line + 254, "\nuser_mount_max = 1\n", 21);
	assert_int_equal(parse_conf(line, 254 + 20, &c, &ds), 0);
	assert_int_equal(ds.n, 0);
	assert_int_equal(c.n_mount_dir, 1);
	assert_int_equal(strlen(c.mount_dir[0].value), 254 - 12);
	assert_int_equal(c.mount_dir[0].line, 1);
	assert_int_equal(c.user_mount_max, 1);
	assert_int_equal(c.bad_line, 0);
}

/* ---- at most FM_CONF_LIST_MAX entries per repeatable key */

/* Line i of a list of key k (0: mount_dir, 1: groups, 2: mountpoint_fs). */
static size_t list_line(char *out, size_t k, int i)
{
	int n;

	switch (k) {
	case 0:
		n = snprintf(out, 64, "mount_dir = /srv/%d\n", i);
		break;
	case 1:
		n = snprintf(out, 64, "allow_other_group = g%d\n", i);
		break;
	default:
		n = snprintf(out, 64, "mountpoint_fs = 9p\n");
		break;
	}
	assert_true(n > 0 && n < 64);
	return (size_t)n;
}


static void test_conf_list_limits(void **state)
{
	static const char *const first[] = {	/* in conf_summary() */
		"dir=/srv/0@1", "grp=g0@1", "fs=9p@1",
	};

	(void)state;
	assert_int_equal(FM_CONF_LIST_MAX, 32);
	for (size_t k = 0; k < ARRAY_LEN(first); k++) {
		for (int n = FM_CONF_LIST_MAX - 1; n <= FM_CONF_LIST_MAX + 2; n++) {
			char *in = calloc((size_t)n + 1, 64);
			size_t len = 0;
			struct fuse_conf c;
			struct diags ds;
			struct summary sum;
			size_t got;

			assert_non_null(in);
			for (int i = 0; i < n; i++)
				len += list_line(in + len, k, i);
			len += (size_t)snprintf(in + len, 64, "user_allow_other\n");
			assert_int_equal(parse_conf(in, len, &c, &ds), 0);
			conf_summary(&c, &sum);
			assert_true(strncmp(sum.s, "ao@", 3) == 0);
			assert_non_null(strstr(sum.s, first[k]));
			got = k == 0 ? c.n_mount_dir : k == 1 ? c.n_group : c.n_extra_fs;
			assert_int_equal(c.allow_other_line, n + 1);
			assert_int_equal(c.new_key_line, 1);
			if (n <= FM_CONF_LIST_MAX) {
				assert_int_equal(got, n);
				assert_int_equal(c.bad_line, 0);
				assert_int_equal(ds.n, 0);
			} else {
				/* the first 32 kept, each extra line refused */
				assert_int_equal(got, FM_CONF_LIST_MAX);
				assert_int_equal(c.bad_line, FM_CONF_LIST_MAX + 1);
				assert_string_equal(c.bad_why, W_MANY);
				assert_int_equal(ds.n, n - FM_CONF_LIST_MAX);
				for (int j = 0; j < ds.n; j++) {
					struct want_diag w = { CONF_BAD_NEW_KEY,
						FM_CONF_LIST_MAX + 1 + j, W_MANY };

					check_diag(&ds.v[j], &w, first[k]);
				}
			}
			/* entries keep their order and line numbers */
			for (size_t i = 0; i < got; i++) {
				int line = k == 0 ? c.mount_dir[i].line
					 : k == 1 ? c.group[i].line : c.extra_fs_line[i];

				assert_int_equal(line, (int)i + 1);
			}
			if (k == 0)
				assert_string_equal(c.mount_dir[got - 1].value,
						    got == 31 ? "/srv/30" : "/srv/31");
			free(in);
		}
	}
}

/* 32 of each list at once, plus every other key: nothing is refused. */
static void test_conf_all_lists_full(void **state)
{
	char *in = calloc(200, 64);
	size_t len = 0;
	struct fuse_conf c;
	struct diags ds;

	(void)state;
	assert_non_null(in);
	for (int i = 0; i < FM_CONF_LIST_MAX; i++) {
		len += (size_t)snprintf(in + len, 64, "mount_dir = /m/%d/$USER\n", i);
		len += (size_t)snprintf(in + len, 64, "allow_other_group = g%d\n", i);
		len += (size_t)snprintf(in + len, 64, "mountpoint_fs = %s\n",
					i % 2 ? "9p" : "afs");
	}
	len += (size_t)snprintf(in + len, 64, "user_mount_max = 5\nmount_max = 6\n"
				"user_allow_other\n");
	assert_int_equal(parse_conf(in, len, &c, &ds), 0);
	assert_int_equal(ds.n, 0);
	assert_int_equal(c.n_mount_dir, 32);
	assert_int_equal(c.n_group, 32);
	assert_int_equal(c.n_extra_fs, 32);
	assert_string_equal(c.mount_dir[31].value, "/m/31/$USER");
	assert_int_equal(c.mount_dir[31].line, 94);
	assert_string_equal(c.group[31].value, "g31");
	assert_int_equal(c.group[31].line, 95);
	assert_int_equal(c.extra_fs_line[31], 96);
	assert_string_equal(policy_fstype_name(c.extra_fs[31]), "9p");
	assert_string_equal(policy_fstype_name(c.extra_fs[30]), "afs");
	assert_int_equal(c.user_mount_max, 5);
	assert_int_equal(c.user_mount_max_line, 97);
	assert_int_equal(c.mount_max, 6);
	assert_int_equal(c.allow_other_line, 99);
	assert_int_equal(c.new_key_line, 1);
	assert_int_equal(c.bad_line, 0);
	free(in);
}

/* =========================================== mount_dir template expansion */

#define PM PATH_MAX

struct expand_case {
	const char *tmpl;
	const char *user;	/* NULL: no name known */
	uid_t uid;
	const char *home;	/* NULL: no home known */
	size_t size;		/* out buffer; 0: PATH_MAX */
	int rc;
	const char *out;	/* on success */
};

static const struct expand_case expand_cases[] = {
	/* plain paths */
	{ "/", "u", 1, "/h", 0, 0, "/" },
	{ "/srv", "u", 1, "/h", 0, 0, "/srv" },
	{ "/srv/", "u", 1, "/h", 0, 0, "/srv" },
	{ "/srv/fuse/", "u", 1, "/h", 0, 0, "/srv/fuse" },
	{ "//", "u", 1, "/h", 0, 0, "/" },		/* one trailing slash off */
	{ "///", "u", 1, "/h", 0, -EINVAL, NULL },
	{ "/srv//", "u", 1, "/h", 0, -EINVAL, NULL },
	{ "//srv", "u", 1, "/h", 0, -EINVAL, NULL },
	{ "/srv//x", "u", 1, "/h", 0, -EINVAL, NULL },
	{ "/srv/.", "u", 1, "/h", 0, -EINVAL, NULL },
	{ "/srv/./x", "u", 1, "/h", 0, -EINVAL, NULL },
	{ "/./srv", "u", 1, "/h", 0, -EINVAL, NULL },
	{ "/.", "u", 1, "/h", 0, -EINVAL, NULL },
	{ "/..", "u", 1, "/h", 0, -EINVAL, NULL },
	{ "/srv/..", "u", 1, "/h", 0, -EINVAL, NULL },
	{ "/srv/../etc", "u", 1, "/h", 0, -EINVAL, NULL },
	{ "/srv/../", "u", 1, "/h", 0, -EINVAL, NULL },
	{ "/srv/.x/..y/z../...", "u", 1, "/h", 0, 0, "/srv/.x/..y/z../..." },
	{ "/srv/a b/\t/~", "u", 1, "/h", 0, 0, "/srv/a b/\t/~" },
	{ "", "u", 1, "/h", 0, -EINVAL, NULL },
	{ "srv", "u", 1, "/h", 0, -EINVAL, NULL },
	{ "./srv", "u", 1, "/h", 0, -EINVAL, NULL },
	{ "~/mnt", "u", 1, "/h", 0, -EINVAL, NULL },
	{ " /srv", "u", 1, "/h", 0, -EINVAL, NULL },
	/* a template without variables needs no user facts */
	{ "/srv", NULL, 0, NULL, 0, 0, "/srv" },
	{ "/srv", "a/b", 0, "relative", 0, 0, "/srv" },
	/* $USER and ${USER} */
	{ "/srv/$USER", "alice", 1000, "/home/alice", 0, 0, "/srv/alice" },
	{ "/srv/${USER}", "alice", 1000, "/home/alice", 0, 0, "/srv/alice" },
	{ "/srv/${USER}_fuse", "alice", 1000, "/h", 0, 0, "/srv/alice_fuse" },
	{ "/srv/$USER.d", "alice", 1000, "/h", 0, 0, "/srv/alice.d" },
	{ "/srv/$USER-x", "alice", 1000, "/h", 0, 0, "/srv/alice-x" },
	{ "/srv/$USER/$USER", "bob", 1000, "/h", 0, 0, "/srv/bob/bob" },
	{ "/srv/$USER$USER", "bob", 1000, "/h", 0, 0, "/srv/bobbob" },
	{ "/srv/x$USER", "bob", 1000, "/h", 0, 0, "/srv/xbob" },
	/* odd user names */
	{ "/srv/$USER", "alice smith", 1, "/h", 0, 0, "/srv/alice smith" },
	{ "/srv/$USER", " ", 1, "/h", 0, 0, "/srv/ " },
	{ "/srv/$USER", "\xc3\xa9lodie", 1, "/h", 0, 0, "/srv/\xc3\xa9lodie" },
	{ "/srv/$USER", "\xe5\xb1\xb1\xe7\x94\xb0", 1, "/h", 0, 0,
	  "/srv/\xe5\xb1\xb1\xe7\x94\xb0" },
	{ "/srv/$USER", "\xff\xfe", 1, "/h", 0, 0, "/srv/\xff\xfe" },	/* not UTF-8 */
	{ "/srv/$USER", "$HOME", 1, "/h", 0, 0, "/srv/$HOME" },	/* not re-expanded */
	{ "/srv/$USER", "a$b", 1, "/h", 0, 0, "/srv/a$b" },
	{ "/srv/$USER", "${USER}", 1, "/h", 0, 0, "/srv/${USER}" },
	{ "/srv/$USER", "$", 1, "/h", 0, 0, "/srv/$" },
	{ "/srv/$USER", "-rf", 1, "/h", 0, 0, "/srv/-rf" },
	{ "/srv/$USER", "-", 1, "/h", 0, 0, "/srv/-" },
	{ "/srv/$USER", "~root", 1, "/h", 0, 0, "/srv/~root" },
	{ "/srv/$USER", "a\\b", 1, "/h", 0, 0, "/srv/a\\b" },
	{ "/srv/$USER", "a\tb", 1, "/h", 0, 0, "/srv/a\tb" },
	{ "/srv/$USER", "a#b", 1, "/h", 0, 0, "/srv/a#b" },
	{ "/srv/$USER", "a..b", 1, "/h", 0, 0, "/srv/a..b" },
	{ "/srv/$USER", "..a", 1, "/h", 0, 0, "/srv/..a" },
	{ "/srv/$USER", "a..", 1, "/h", 0, 0, "/srv/a.." },
	{ "/srv/$USER", "...", 1, "/h", 0, 0, "/srv/..." },
	{ "/srv/$USER", ".x", 1, "/h", 0, 0, "/srv/.x" },
	{ "/srv/$USER", "..", 1, "/h", 0, -EINVAL, NULL },
	{ "/srv/$USER", ".", 1, "/h", 0, -EINVAL, NULL },
	{ "/srv/$USER", "", 1, "/h", 0, -EINVAL, NULL },
	{ "/srv/$USER", NULL, 1, "/h", 0, -EINVAL, NULL },
	{ "/srv/$USER", "a/b", 1, "/h", 0, -EINVAL, NULL },
	{ "/srv/$USER", "/", 1, "/h", 0, -EINVAL, NULL },
	{ "/srv/$USER", "../etc", 1, "/h", 0, -EINVAL, NULL },
	{ "/srv/$USER", "a/", 1, "/h", 0, -EINVAL, NULL },
	{ "/srv/$USER", "/a", 1, "/h", 0, -EINVAL, NULL },
	{ "/srv/x$USER", "..", 1, "/h", 0, -EINVAL, NULL },	/* refused anyway */
	{ "/srv/$USER/x", ".", 1, "/h", 0, -EINVAL, NULL },
	/* a name is checked only where it is used */
	{ "/srv/$UID", "..", 7, "/h", 0, 0, "/srv/7" },
	{ "$HOME", "a/b", 7, "/home/ab", 0, 0, "/home/ab" },
	/* $UID */
	{ "/run/user/$UID", "u", 1000, "/h", 0, 0, "/run/user/1000" },
	{ "/run/user/${UID}/fuse", "u", 0, "/h", 0, 0, "/run/user/0/fuse" },
	{ "/run/user/$UID", "u", 4294967294U, "/h", 0, 0, "/run/user/4294967294" },
	{ "/run/user/$UID", "u", (uid_t)-1, "/h", 0, 0, "/run/user/4294967295" },
	{ "/srv/$UID$UID", "u", 12, "/h", 0, 0, "/srv/1212" },
	/* $HOME and odd home directories */
	{ "$HOME", "u", 1, "/home/u", 0, 0, "/home/u" },
	{ "${HOME}", "u", 1, "/home/u", 0, 0, "/home/u" },
	{ "$HOME/mnt", "u", 1, "/home/u", 0, 0, "/home/u/mnt" },
	{ "${HOME}/mnt/$UID/$USER", "u", 5, "/home/u", 0, 0, "/home/u/mnt/5/u" },
	{ "$HOME$HOME", "u", 1, "/a", 0, 0, "/a/a" },
	{ "$HOME", "u", 1, "/", 0, 0, "/" },
	{ "$HOME/", "u", 1, "/", 0, 0, "/" },		/* the home's slash joins */
	{ "$HOME/mnt", "u", 1, "/", 0, 0, "/mnt" },	/* not "//mnt" */
	{ "$HOME//mnt", "u", 1, "/", 0, -EINVAL, NULL },	/* the template's own "//" */
	{ "$HOME", "u", 1, "/home/x/", 0, 0, "/home/x" },
	{ "$HOME/mnt", "u", 1, "/home/x/", 0, 0, "/home/x/mnt" },
	{ "$HOME/mnt", "u", 1, "/home/x//", 0, 0, "/home/x/mnt" },
	{ "$HOME", "u", 1, "/home/x//", 0, -EINVAL, NULL },
	{ "$HOME", "u", 1, "relative", 0, -EINVAL, NULL },
	{ "$HOME/mnt", "u", 1, "relative/", 0, -EINVAL, NULL },
	{ "$HOME", "u", 1, "./home", 0, -EINVAL, NULL },
	{ "$HOME", "u", 1, "~u", 0, -EINVAL, NULL },
	{ "$HOME", "u", 1, "", 0, -EINVAL, NULL },
	{ "$HOME", "u", 1, NULL, 0, -EINVAL, NULL },
	{ "/srv/$HOME", "u", 1, "relative", 0, -EINVAL, NULL },
	{ "$HOME", "u", 1, "/a//b", 0, -EINVAL, NULL },
	{ "$HOME", "u", 1, "//a", 0, -EINVAL, NULL },
	{ "$HOME", "u", 1, "/a/./b", 0, -EINVAL, NULL },
	{ "$HOME", "u", 1, "/a/../b", 0, -EINVAL, NULL },
	{ "$HOME", "u", 1, "/a/..", 0, -EINVAL, NULL },
	{ "$HOME", "u", 1, "/..", 0, -EINVAL, NULL },
	{ "$HOME", "u", 1, "/a/.", 0, -EINVAL, NULL },
	{ "$HOME", "u", 1, "/home/u name", 0, 0, "/home/u name" },
	{ "$HOME", "u", 1, "/home/$USER", 0, 0, "/home/$USER" },	/* literal */
	{ "$HOME", "u", 1, "/home/.u/...", 0, 0, "/home/.u/..." },
	{ "$HOME/mnt", "u", 1, "/nonexistent", 0, 0, "/nonexistent/mnt" },
	{ "/srv/$HOME", "u", 1, "/h", 0, -EINVAL, NULL },	/* "/srv//h" */
	/* variables: only USER, UID and HOME, spelt exactly */
	{ "/srv/$LOGNAME", "u", 1, "/h", 0, -EINVAL, NULL },
	{ "/srv/$user", "u", 1, "/h", 0, -EINVAL, NULL },
	{ "/srv/$Uid", "u", 1, "/h", 0, -EINVAL, NULL },
	{ "/srv/$USER_x", "u", 1, "/h", 0, -EINVAL, NULL },
	{ "/srv/$USERS", "u", 1, "/h", 0, -EINVAL, NULL },
	{ "/srv/$UID0", "u", 1, "/h", 0, -EINVAL, NULL },
	{ "/srv/$HOMEDIR", "u", 1, "/h", 0, -EINVAL, NULL },
	{ "/srv/$PATH", "u", 1, "/h", 0, -EINVAL, NULL },
	{ "/srv/$1", "u", 1, "/h", 0, -EINVAL, NULL },
	{ "/srv/$", "u", 1, "/h", 0, -EINVAL, NULL },
	{ "/srv/$/x", "u", 1, "/h", 0, -EINVAL, NULL },
	{ "/srv/$$", "u", 1, "/h", 0, -EINVAL, NULL },
	{ "/srv/$ USER", "u", 1, "/h", 0, -EINVAL, NULL },
	{ "/srv/$(USER)", "u", 1, "/h", 0, -EINVAL, NULL },
	{ "/srv/${", "u", 1, "/h", 0, -EINVAL, NULL },
	{ "/srv/${USER", "u", 1, "/h", 0, -EINVAL, NULL },
	{ "/srv/${USER/x", "u", 1, "/h", 0, -EINVAL, NULL },
	{ "/srv/${USER)", "u", 1, "/h", 0, -EINVAL, NULL },
	{ "/srv/${}", "u", 1, "/h", 0, -EINVAL, NULL },
	{ "/srv/${ USER}", "u", 1, "/h", 0, -EINVAL, NULL },
	{ "/srv/${USER }", "u", 1, "/h", 0, -EINVAL, NULL },
	{ "/srv/${LOGNAME}", "u", 1, "/h", 0, -EINVAL, NULL },
	{ "/srv/${USER:-x}", "u", 1, "/h", 0, -EINVAL, NULL },
	{ "/srv/${HOME", "u", 1, "/h", 0, -EINVAL, NULL },
	{ "/srv/$USER}", "u", 1, "/h", 0, 0, "/srv/u}" },	/* a '}' is literal */
	{ "/srv/{USER}", "u", 1, "/h", 0, 0, "/srv/{USER}" },
	/* sizes: "/srv/alice" needs 11 bytes */
	{ "/srv/$USER", "alice", 1, "/h", 11, 0, "/srv/alice" },
	{ "/srv/$USER", "alice", 1, "/h", 10, -ENAMETOOLONG, NULL },
	{ "/srv/$USER", "alice", 1, "/h", 5, -ENAMETOOLONG, NULL },
	{ "/srv/$USER", "alice", 1, "/h", 6, -ENAMETOOLONG, NULL },
	{ "/run/$UID", "u", 4294967294U, "/h", 16, 0, "/run/4294967294" },
	{ "/run/$UID", "u", 4294967294U, "/h", 15, -ENAMETOOLONG, NULL },
	{ "$HOME", "u", 1, "/home/u", 8, 0, "/home/u" },
	{ "$HOME", "u", 1, "/home/u", 7, -ENAMETOOLONG, NULL },
	{ "/srv/", "u", 1, "/h", 6, 0, "/srv" },	/* the slash must fit first */
	{ "/srv/", "u", 1, "/h", 5, -ENAMETOOLONG, NULL },
	{ "/", "u", 1, "/h", 2, 0, "/" },
	{ "/", "u", 1, "/h", 1, -ENAMETOOLONG, NULL },
	{ "/", "u", 1, "/h", 0, 0, "/" },	/* 0 here means PATH_MAX */
};

static const char *str_or_null(const char *s)
{
	return s ? s : "(null)";
}

/* Runs conf_expand() on an exact-size heap buffer, so ASan sees overruns. */
static int expand(const char *tmpl, const char *user, uid_t uid,
		  const char *home, size_t size, char **out)
{
	struct user_facts u = { user, uid, home };
	char *buf = malloc(size ? size : 1);

	assert_non_null(buf);
	*out = buf;
	return conf_expand(tmpl, &u, buf, size);
}

static void test_conf_expand_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(expand_cases); i++) {
		const struct expand_case *k = &expand_cases[i];
		size_t size = k->size ? k->size : PM;
		char *out;
		int rc = expand(k->tmpl, k->user, k->uid, k->home, size, &out);

		if (rc != k->rc)
			fail_msg("row %zu \"%s\" user \"%s\" home \"%s\" size %zu: "
				 "rc %d, want %d (out \"%s\")", i, k->tmpl,
				 str_or_null(k->user), str_or_null(k->home), size,
				 rc, k->rc, rc ? "" : out);
		if (rc == 0 && strcmp(out, k->out) != 0)
			fail_msg("row %zu \"%s\": \"%s\", want \"%s\"", i, k->tmpl,
				 out, k->out);
		free(out);
	}
}

static void test_conf_expand_size_zero(void **state)
{
	struct user_facts u = { "u", 1, "/h" };
	char c = 'x';

	(void)state;
	assert_int_equal(conf_expand("/", &u, &c, 0), -ENAMETOOLONG);
	assert_int_equal(c, 'x');	/* not even the NUL was written */
}

/* Names and homes of many bytes, around PATH_MAX. */
static void test_conf_expand_long(void **state)
{
	static const struct {
		const char *tmpl;
		size_t user_len;	/* 'u' repeated */
		size_t home_len;	/* "/" then 'h' repeated, this long in all */
		size_t size;		/* 0: PATH_MAX */
		int rc;
		size_t out_len;
	} rows[] = {
		{ "/srv/$USER", 255, 2, 0, 0, 5 + 255 },
		{ "/srv/$USER", 4000, 2, 0, 0, 5 + 4000 },
		{ "/srv/$USER", PM - 6, 2, 0, 0, PM - 1 },	/* fills it */
		{ "/srv/$USER", PM - 5, 2, 0, -ENAMETOOLONG, 0 },
		{ "/srv/$USER", PM, 2, 0, -ENAMETOOLONG, 0 },
		{ "/srv/$USER", 100000, 2, 0, -ENAMETOOLONG, 0 },
		{ "/srv/$USER/", PM - 6, 2, 0, -ENAMETOOLONG, 0 }, /* slash first */
		{ "/srv/$USER/", PM - 7, 2, 0, 0, PM - 2 },
		{ "$HOME", 1, PM - 1, 0, 0, PM - 1 },
		{ "$HOME", 1, PM, 0, -ENAMETOOLONG, 0 },
		{ "$HOME", 1, PM + 1, 0, -ENAMETOOLONG, 0 },
		{ "$HOME/x", 1, PM - 3, 0, 0, PM - 1 },
		{ "$HOME/x", 1, PM - 2, 0, -ENAMETOOLONG, 0 },
		{ "$HOME/$USER", 1000, 3000, 0, 0, 4001 },
		{ "$HOME/$USER", 1000, 3096, 0, -ENAMETOOLONG, 0 },
		{ "$HOME/$USER", 1094, 3000, 0, 0, PM - 1 },
		{ "$HOME/$USER", 1095, 3000, 0, -ENAMETOOLONG, 0 },
		{ "$HOME/$UID", 1, PM - 12, 0, 0, PM - 1 },	/* uid 4294967295 */
		{ "$HOME/$UID", 1, PM - 11, 0, -ENAMETOOLONG, 0 },
		/* an error in the template is found even after an overflow */
		{ "$HOME$BOGUS", 1, PM + 10, 0, -EINVAL, 0 },
		/* small buffers */
		{ "/$USER", 62, 2, 64, 0, 63 },
		{ "/$USER", 63, 2, 64, -ENAMETOOLONG, 0 },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
		char *user = malloc(rows[i].user_len + 1);
		char *home = malloc(rows[i].home_len + 1);
		size_t size = rows[i].size ? rows[i].size : PM;
		char *out;
		int rc;

		assert_non_null(user);
		assert_non_null(home);
		memset(user, 'u', rows[i].user_len);
		user[rows[i].user_len] = '\0';
		home[0] = '/';
		memset(home + 1, 'h', rows[i].home_len - 1);
		home[rows[i].home_len] = '\0';
		rc = expand(rows[i].tmpl, user, (uid_t)-1, home, size, &out);
		if (rc != rows[i].rc)
			fail_msg("row %zu %s (user %zu, home %zu): rc %d, want %d", i,
				 rows[i].tmpl, rows[i].user_len, rows[i].home_len,
				 rc, rows[i].rc);
		if (rc == 0) {
			assert_int_equal(strlen(out), rows[i].out_len);
			assert_true(out[0] == '/');
		}
		free(out);
		free(user);
		free(home);
	}
}

/* Every template conf_parse() accepts expands for an ordinary user. */
static void test_conf_expand_accepted_templates(void **state)
{
	static const struct user_facts u = { "carol", 1001, "/home/carol" };
	char out[PM];

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(key_cases); i++) {
		const struct key_case *k = &key_cases[i];
		struct fuse_conf c;
		struct diags ds;

		parse_conf(k->in, k->len ? k->len : strlen(k->in), &c, &ds);
		for (size_t j = 0; j < c.n_mount_dir; j++)
			if (conf_expand(c.mount_dir[j].value, &u, out, sizeof(out)))
				fail_msg("%s: \"%s\" accepted but does not expand",
					 k->name, c.mount_dir[j].value);
	}
}

/* ================================================ trust, groups, limits */

static void test_conf_file_trusted(void **state)
{
	static const struct {
		uid_t owner;
		mode_t mode;
		bool trusted;
	} rows[] = {
		{ 0, S_IFREG | 0644, true },
		{ 0, S_IFREG | 0600, true },
		{ 0, S_IFREG | 0444, true },
		{ 0, S_IFREG | 0400, true },
		{ 0, S_IFREG | 0000, true },
		{ 0, S_IFREG | 0755, true },
		{ 0, S_IFREG | 04755, true },	/* setuid/sticky bits: no write */
		{ 0, S_IFREG | 01644, true },
		{ 0, S_IFREG | 02644, true },
		{ 0, 0644, true },		/* no type bits: mode only */
		{ 0, S_IFREG | 0664, false },	/* group-writable */
		{ 0, S_IFREG | 0620, false },
		{ 0, S_IFREG | 0646, false },	/* world-writable */
		{ 0, S_IFREG | 0602, false },
		{ 0, S_IFREG | 0666, false },
		{ 0, S_IFREG | 0777, false },
		{ 0, S_IFREG | 01666, false },
		{ 1000, S_IFREG | 0644, false },	/* not root's */
		{ 1000, S_IFREG | 0400, false },
		{ 1, S_IFREG | 0644, false },
		{ (uid_t)-1, S_IFREG | 0644, false },
		{ 65534, S_IFREG | 0444, false },	/* nobody */
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(rows); i++)
		if (conf_file_trusted(rows[i].owner, rows[i].mode) != rows[i].trusted)
			fail_msg("owner %u mode %#o: trusted %d, want %d",
				 (unsigned int)rows[i].owner, (unsigned int)rows[i].mode,
				 !rows[i].trusted, rows[i].trusted);
}

static void test_group_allow_other(void **state)
{
	static const struct {
		const char *conf;
		bool member[4];
		int line;		/* 0: allow_other not granted */
	} rows[] = {
		{ "", { false }, 0 },
		{ "user_allow_other\n", { false }, 0 },	/* not this function's */
		{ "allow_other_group = a\n", { true }, 1 },
		{ "allow_other_group = a\n", { false }, 0 },
		{ "# c\n\nallow_other_group = a\n", { true }, 3 },
		{ "allow_other_group = a\nallow_other_group = b\n", { false, true }, 2 },
		{ "allow_other_group = a\nallow_other_group = b\n", { true, false }, 1 },
		{ "allow_other_group = a\nallow_other_group = b\n", { true, true }, 1 },
		{ "allow_other_group = a\nallow_other_group = b\n", { false, false }, 0 },
		{ "allow_other_group = a\nmount_dir = /x\nallow_other_group = b\n"
		  "allow_other_group = c\n", { false, false, true }, 4 },
		/* a malformed entry is not an entry: b is group[0] */
		{ "allow_other_group = a b\nallow_other_group = b\n", { true }, 2 },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
		struct fuse_conf c;
		struct diags ds;
		int got;

		parse_conf(rows[i].conf, strlen(rows[i].conf), &c, &ds);
		assert_true(c.n_group <= ARRAY_LEN(rows[i].member));
		got = policy_group_allow_other(&c, rows[i].member);
		if (got != rows[i].line)
			fail_msg("row %zu: line %d, want %d", i, got, rows[i].line);
	}
}

static void test_group_allow_other_many(void **state)
{
	struct fuse_conf c;
	bool member[FM_CONF_LIST_MAX] = { false };

	(void)state;
	conf_defaults(&c);
	assert_int_equal(policy_group_allow_other(&c, NULL), 0);	/* no groups */
	for (int i = 0; i < FM_CONF_LIST_MAX; i++) {
		snprintf(c.group[i].value, sizeof(c.group[i].value), "g%d", i);
		c.group[i].line = 100 + i;
	}
	c.n_group = FM_CONF_LIST_MAX;
	assert_int_equal(policy_group_allow_other(&c, member), 0);
	member[31] = true;
	assert_int_equal(policy_group_allow_other(&c, member), 131);
	member[7] = true;
	assert_int_equal(policy_group_allow_other(&c, member), 107);
	/* only the first n_group flags are looked at */
	c.n_group = 7;
	assert_int_equal(policy_group_allow_other(&c, member), 0);
}

static void test_user_max(void **state)
{
	static const struct {
		int max;
		long mine;
		bool reached;
	} rows[] = {
		{ -1, 0, false }, { -1, 1, false }, { -1, 100000, false },
		{ -1, LONG_MAX, false },
		{ 0, 0, true }, { 0, 1, true },
		{ 1, 0, false }, { 1, 1, true }, { 1, 2, true },
		{ 2, 1, false }, { 2, 2, true },
		{ 16, 15, false }, { 16, 16, true }, { 16, 17, true },
		{ INT_MAX, (long)INT_MAX - 1, false }, { INT_MAX, INT_MAX, true },
		{ INT_MAX, LONG_MAX, true },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
		struct fuse_conf c;

		conf_defaults(&c);
		c.user_mount_max = rows[i].max;
		if (policy_user_max_reached(&c, rows[i].mine) != rows[i].reached)
			fail_msg("user_mount_max %d, mine %ld: reached %d, want %d",
				 rows[i].max, rows[i].mine, !rows[i].reached,
				 rows[i].reached);
	}
}

/* The two limits are separate: each looks at its own count only. */
static void test_user_max_from_conf(void **state)
{
	static const struct {
		const char *conf;
		long total, mine;
		bool global, user;
	} rows[] = {
		{ "", 999, 999, false, false },
		{ "", 1000, 0, true, false },
		{ "user_mount_max = 0\n", 0, 0, false, true },
		{ "user_mount_max = 2\n", 1000, 1, true, false },
		{ "user_mount_max = 2\nmount_max = -1\n", 5000, 1, false, false },
		{ "user_mount_max = 2\nmount_max = -1\n", 5000, 2, false, true },
		{ "mount_max = 3\nuser_mount_max = 10\n", 3, 3, true, false },
		{ "user_mount_max = 5\nuser_mount_max = 1\n", 1, 1, false, true },
		{ "user_mount_max = 1\nuser_mount_max = bad\n", 1, 1, false, true },
		{ "user_mount_max = bad\n", 1, 100, false, false },	/* bad_line */
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
		struct fuse_conf c;
		struct diags ds;

		parse_conf(rows[i].conf, strlen(rows[i].conf), &c, &ds);
		if (policy_mount_max_reached(&c, rows[i].total) != rows[i].global ||
		    policy_user_max_reached(&c, rows[i].mine) != rows[i].user)
			fail_msg("row %zu: reached global %d user %d, want %d %d", i,
				 policy_mount_max_reached(&c, rows[i].total),
				 policy_user_max_reached(&c, rows[i].mine),
				 rows[i].global, rows[i].user);
	}
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
	unsigned int reattach;
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
	{ .in = "reattach", .reattach = FM_REATTACH_GRACE_DEFAULT },
	{ .in = "auto_unmount,reattach=1", .auto_unmount = true, .reattach = 1 },
	{ .in = "reattach=3600", .reattach = 3600 },
	{ .in = "reattach=0007", .reattach = 7 },
	{ .in = "reattach=5,reattach", .reattach = FM_REATTACH_GRACE_DEFAULT },
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
		if (o.reattach_grace != k->reattach)
			fail_msg("\"%s\": reattach_grace %u, want %u", k->in,
				 o.reattach_grace, k->reattach);
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
	/* reattach=SECONDS: 1 to 3600, digits only */
	{ "reattach=0", false, false, OPT_BAD_VALUE, 0, 10 },
	{ "reattach=3601", false, false, OPT_BAD_VALUE, 0, 13 },
	{ "reattach=", false, false, OPT_BAD_VALUE, 0, 9 },
	{ "reattach=-1", false, false, OPT_BAD_VALUE, 0, 11 },
	{ "ro,reattach=9999999999", false, false, OPT_BAD_VALUE, 3, 19 },
	{ "reattach=1x", false, false, OPT_BAD_VALUE, 0, 11 },
	{ "reattachx", false, false, OPT_UNKNOWN, 0, 9 },
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

/* ---- filesystem names for mountpoint_fs */

enum fs_want { ON_LIST, OPTIONAL, NEVER };

static const struct {
	const char *name;
	unsigned long magic;	/* as in <linux/magic.h> or the fs source */
	enum fs_want rule;
} fs_rows[] = {
	/* the reference's list: allowed without configuration */
	{ "aufs", 0x61756673, ON_LIST },
	{ "autofs", 0x0187, ON_LIST },
	{ "bcachefs", 0xca451a4e, ON_LIST },
	{ "btrfs", 0x9123683e, ON_LIST },
	{ "ceph", 0x00c36400, ON_LIST },
	{ "cifs", 0xff534d42, ON_LIST },
	{ "ecryptfs", 0xf15f, ON_LIST },
	{ "exfat", 0x2011bab0, ON_LIST },
	{ "ext4", 0xef53, ON_LIST },
	{ "f2fs", 0xf2f52010, ON_LIST },
	{ "fuse", 0x65735546, ON_LIST },
	{ "gfs2", 0x01161970, ON_LIST },
	{ "gpfs", 0x47504653, ON_LIST },
	{ "hfsplus", 0x482b, ON_LIST },
	{ "jffs2", 0x72b6, ON_LIST },
	{ "jfs", 0x3153464a, ON_LIST },
	{ "lustre", 0x0bd00bd0, ON_LIST },
	{ "ncpfs", 0x564c, ON_LIST },
	{ "nfs", 0x6969, ON_LIST },
	{ "nilfs", 0x3434, ON_LIST },
	{ "ntfs", 0x5346544e, ON_LIST },
	{ "ntfs3", 0x7366746e, ON_LIST },
	{ "openafs", 0x5346414f, ON_LIST },
	{ "overlay", 0x794c7630, ON_LIST },
	{ "panfs", 0xaad7aaea, ON_LIST },
	{ "ramfs", 0x858458f6, ON_LIST },
	{ "reiserfs", 0x52654973, ON_LIST },
	{ "smb2", 0xfe534d42, ON_LIST },
	{ "squashfs", 0x73717368, ON_LIST },
	{ "tmpfs", 0x01021994, ON_LIST },
	{ "ubifs", 0x24051905, ON_LIST },
	{ "vfat", 0x4d44, ON_LIST },
	{ "wekafs", 0x18031977, ON_LIST },
	{ "xfs", 0x58465342, ON_LIST },
	{ "zfs", 0x2fc12fc1, ON_LIST },
#if ULONG_MAX > 0xffffffffUL
	{ "ufsd", 0x736675005346544eUL, ON_LIST },
#endif
	/* mountpoint_fs may add these */
	{ "9p", 0x01021997, OPTIONAL },
	{ "afs", 0x6b414653, OPTIONAL },
	{ "coda", 0x73757245, OPTIONAL },
	{ "cramfs", 0x28cd3d45, OPTIONAL },
	{ "erofs", 0xe0f5e1e2, OPTIONAL },
	{ "hfs", 0x4244, OPTIONAL },
	{ "hugetlbfs", 0x958458f6, OPTIONAL },
	{ "iso9660", 0x9660, OPTIONAL },
	{ "ocfs2", 0x7461636f, OPTIONAL },
	{ "orangefs", 0x20030528, OPTIONAL },
	{ "romfs", 0x7275, OPTIONAL },
	{ "udf", 0x15013346, OPTIONAL },
	{ "vboxsf", 0x786f4256, OPTIONAL },
	{ "zonefs", 0x5a4f4653, OPTIONAL },
	/* never: named only so the refusal can say what it is */
	{ "binfmt_misc", 0x42494e4d, NEVER },
	{ "bpf", 0xcafe4a11, NEVER },
	{ "cgroup", 0x27e0eb, NEVER },
	{ "cgroup2", 0x63677270, NEVER },
	{ "configfs", 0x62656570, NEVER },
	{ "debugfs", 0x64626720, NEVER },
	{ "devpts", 0x1cd1, NEVER },
	{ "efivarfs", 0xde5e81e4, NEVER },
	{ "fusectl", 0x65735543, NEVER },
	{ "mqueue", 0x19800202, NEVER },
	{ "nsfs", 0x6e736673, NEVER },
	{ "proc", 0x9fa0, NEVER },
	{ "pstore", 0x6165676c, NEVER },
	{ "securityfs", 0x73636673, NEVER },
	{ "selinuxfs", 0xf97cff8c, NEVER },
	{ "sysfs", 0x62656572, NEVER },
	{ "tracefs", 0x74726163, NEVER },
};

/* A writable directory of the caller's on a filesystem of this magic. */
static enum mp_status mp_on(unsigned long magic, const struct fuse_conf *c)
{
	struct mp_facts f = { 1000, S_IFDIR | 0755, 1000, true, magic, c };

	return policy_mountpoint(&f);
}

static void test_fstype_by_name(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(fs_rows); i++) {
		const char *name = fs_rows[i].name;
		unsigned long magic = fs_rows[i].magic;
		unsigned long got = policy_fstype_by_name(name);
		const char *back = policy_fstype_name(magic);
		bool never = fs_rows[i].rule == NEVER;

		if (got != (never ? 0 : magic))
			fail_msg("%s: by_name %#lx, want %#lx", name, got,
				 never ? 0 : magic);
		/* every row has its name, so refusals say it in words */
		if (!back || strcmp(back, name) != 0)
			fail_msg("%#lx: name \"%s\", want \"%s\"", magic,
				 str_or_null(back), name);
		if (policy_fstype_allowed(magic) != (fs_rows[i].rule == ON_LIST))
			fail_msg("%s: allowed %d", name, policy_fstype_allowed(magic));
		if (mp_on(magic, NULL) != (fs_rows[i].rule == ON_LIST ? MP_OK : MP_FSTYPE))
			fail_msg("%s: policy_mountpoint without conf", name);
	}
}

static void test_fstype_by_name_unknown(void **state)
{
	static const char *const names[] = {
		"", " ", "EXT4", "Ext4", "ext", "ext2", "ext3", "ext44", " ext4",
		"ext4 ", "ext4\n", "ext4,", "proc ", "PROC", "Proc", "fuseblk",
		"fuse.sshfs", "fuse.", "9P", "9", "p", "tmp", "tmpfs2",
		"cgroup1", "devtmpfs", "smackfs", "0xEF53", "0x9fa0", "61267",
		"*", "ext*", "/proc", "/", "all", "any", "none",
		"\xc3\xa9xt4",
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(names); i++) {
		unsigned long got = policy_fstype_by_name(names[i]);

		if (got)
			fail_msg("\"%s\": by_name %#lx, want 0", names[i], got);
	}
}

/* mountpoint_fs lines, parsed, change the verdict of exactly their types. */
static void test_fstype_conf(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(fs_rows); i++) {
		char in[128];
		struct fuse_conf c, other;
		struct diags ds;
		enum fs_want rule = fs_rows[i].rule;
		enum mp_status want = rule == NEVER ? MP_FSTYPE : MP_OK;

		snprintf(in, sizeof(in), "mountpoint_fs = %s\n", fs_rows[i].name);
		parse_conf(in, strlen(in), &c, &ds);
		if (rule == NEVER) {
			if (c.n_extra_fs != 0 || c.bad_line != 1 ||
			    !c.bad_why || strcmp(c.bad_why, W_FS) != 0 || ds.n != 1 ||
			    ds.v[0].d != CONF_BAD_NEW_KEY)
				fail_msg("mountpoint_fs = %s: accepted", fs_rows[i].name);
		} else {
			if (c.n_extra_fs != 1 || c.extra_fs[0] != fs_rows[i].magic ||
			    c.extra_fs_line[0] != 1 || c.bad_line || ds.n)
				fail_msg("mountpoint_fs = %s: refused", fs_rows[i].name);
		}
		if (mp_on(fs_rows[i].magic, &c) != want)
			fail_msg("%s with its mountpoint_fs line: verdict %d, want %d",
				 fs_rows[i].name, mp_on(fs_rows[i].magic, &c), want);
		/* another type's line does not help */
		parse_conf("mountpoint_fs = zonefs\n", 23, &other, &ds);
		if (fs_rows[i].magic != 0x5a4f4653 && mp_on(fs_rows[i].magic, &other) !=
		    (rule == ON_LIST ? MP_OK : MP_FSTYPE))
			fail_msg("%s with mountpoint_fs = zonefs", fs_rows[i].name);
	}
}

/* policy_mountpoint() with a conf: extra types pass only the type test. */
static const struct fuse_conf conf_9p_hugetlb = {
	.n_extra_fs = 2, .extra_fs = { 0x01021997, HUGETLB }, .extra_fs_line = { 3, 4 },
};
static const struct fuse_conf conf_none = { .n_extra_fs = 0 };
/* n_extra_fs bounds the list: the stale magic behind it is ignored */
static const struct fuse_conf conf_stale = {
	.n_extra_fs = 1, .extra_fs = { 0x01021997, HUGETLB },
};

#define NINEP 0x01021997UL

static const struct mp_case mp_conf_cases[] = {
	{ "9p, no conf", { 1000, S_IFDIR | 0755, 1000, true, NINEP, NULL }, MP_FSTYPE },
	{ "9p, empty conf", { 1000, S_IFDIR | 0755, 1000, true, NINEP, &conf_none },
	  MP_FSTYPE },
	{ "9p, allowed", { 1000, S_IFDIR | 0755, 1000, true, NINEP, &conf_9p_hugetlb },
	  MP_OK },
	{ "hugetlbfs, allowed", { 1000, S_IFDIR | 0755, 1000, true, HUGETLB,
	  &conf_9p_hugetlb }, MP_OK },
	{ "hugetlbfs past n_extra_fs", { 1000, S_IFDIR | 0755, 1000, true, HUGETLB,
	  &conf_stale }, MP_FSTYPE },
	{ "9p within n_extra_fs", { 1000, S_IFDIR | 0755, 1000, true, NINEP,
	  &conf_stale }, MP_OK },
	{ "file on 9p, allowed", { 1000, S_IFREG | 0644, 1000, true, NINEP,
	  &conf_9p_hugetlb }, MP_OK },
	{ "ext4 still fine with a conf", { 1000, S_IFDIR | 0755, 1000, true, EXT4,
	  &conf_9p_hugetlb }, MP_OK },
	{ "proc still refused with a conf", { 1000, S_IFDIR | 0755, 1000, true, PROC,
	  &conf_9p_hugetlb }, MP_FSTYPE },
	{ "sysfs still refused with a conf", { 1000, S_IFDIR | 0755, 1000, true, SYSFS,
	  &conf_9p_hugetlb }, MP_FSTYPE },
	{ "unknown magic with a conf", { 1000, S_IFDIR | 0755, 1000, true, 0x12345678,
	  &conf_9p_hugetlb }, MP_FSTYPE },
	{ "magic 0 with a conf", { 1000, S_IFDIR | 0755, 1000, true, 0,
	  &conf_9p_hugetlb }, MP_FSTYPE },
	/* the other checks still come first */
	{ "9p, not writable", { 1000, S_IFDIR | 0755, 0, false, NINEP, &conf_9p_hugetlb },
	  MP_NO_WRITE },
	{ "9p, foreign sticky dir", { 1000, S_IFDIR | 01777, 0, true, NINEP,
	  &conf_9p_hugetlb }, MP_NOT_OWNER },
	{ "9p, fifo", { 1000, S_IFIFO | 0666, 1000, true, NINEP, &conf_9p_hugetlb },
	  MP_BAD_TYPE },
	{ "9p, symlink", { 1000, S_IFLNK | 0777, 1000, true, NINEP, &conf_9p_hugetlb },
	  MP_BAD_TYPE },
	/* root needs no conf */
	{ "root on 9p", { 0, S_IFDIR | 0755, 0, true, NINEP, NULL }, MP_OK },
	{ "root on proc with a conf", { 0, S_IFDIR | 0755, 0, true, PROC,
	  &conf_9p_hugetlb }, MP_OK },
};

static void test_mountpoint_conf_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(mp_conf_cases); i++) {
		enum mp_status got = policy_mountpoint(&mp_conf_cases[i].f);

		if (got != mp_conf_cases[i].want)
			fail_msg("%s: verdict %d, want %d", mp_conf_cases[i].name, got,
				 mp_conf_cases[i].want);
	}
}

/* 32 mountpoint_fs lines: the last one counts too. */
static void test_mountpoint_conf_full_list(void **state)
{
	char in[64 * FM_CONF_LIST_MAX];
	size_t len = 0;
	struct fuse_conf c;
	struct diags ds;

	(void)state;
	for (int i = 0; i < FM_CONF_LIST_MAX - 1; i++)
		len += (size_t)snprintf(in + len, sizeof(in) - len, "mountpoint_fs = 9p\n");
	len += (size_t)snprintf(in + len, sizeof(in) - len, "mountpoint_fs = udf\n");
	assert_int_equal(parse_conf(in, len, &c, &ds), 0);
	assert_int_equal(c.n_extra_fs, FM_CONF_LIST_MAX);
	assert_int_equal(mp_on(0x15013346, &c), MP_OK);
	assert_int_equal(mp_on(HUGETLB, &c), MP_FSTYPE);
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

/* reattach_grace_max against reattach[=N] */
static void test_reattach_grace_cap(void **state)
{
	static const struct {
		int cap;
		const char *opts;
		enum grace_verdict v;
		unsigned int grace;
	} rows[] = {
		{ -1, "reattach", GRACE_OK, FM_REATTACH_GRACE_DEFAULT },
		{ -1, "reattach=3600", GRACE_OK, 3600 },
		{ -1, "ro", GRACE_OK, 0 },
		{ 0, "ro", GRACE_OK, 0 },
		{ 0, "reattach", GRACE_OFF, FM_REATTACH_GRACE_DEFAULT },
		{ 0, "reattach=1", GRACE_OFF, 1 },
		{ 10, "reattach=10", GRACE_OK, 10 },
		{ 10, "reattach=9", GRACE_OK, 9 },
		{ 10, "reattach=11", GRACE_OVER, 11 },
		{ 10, "reattach", GRACE_OK, 10 },	/* the default is lowered */
		{ 10, "reattach=5,reattach", GRACE_OK, 10 },
		{ 10, "reattach,reattach=20", GRACE_OVER, 20 },
		{ 60, "reattach", GRACE_OK, FM_REATTACH_GRACE_DEFAULT },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
		struct fuse_conf c = { .reattach_grace_max = rows[i].cap };
		struct opt_ctx ctx = { 0 };
		struct mount_opts o;
		struct opt_error e;
		enum grace_verdict v;

		assert_int_equal(opts_parse(rows[i].opts, &ctx, &o, &e), 0);
		v = policy_reattach_grace(&c, &o);
		if (v != rows[i].v || o.reattach_grace != rows[i].grace)
			fail_msg("cap %d, \"%s\": verdict %d grace %u, want %d %u",
				 rows[i].cap, rows[i].opts, v, o.reattach_grace,
				 rows[i].v, rows[i].grace);
		opts_free(&o);
	}
}

/* ======================================================= policy_limits */

/* Mounts alone refuse; the attaches in flight only make it "wait". */
static void test_limits_verdict(void **state)
{
	static const struct {
		int max, umax;
		long mounts, mine, flight, mine_flight;
		enum limit_verdict v;
	} rows[] = {
		{ -1, -1, 5000, 5000, 900, 900, LIMIT_OK },
		{ 6, -1, 5, 5, 0, 0, LIMIT_OK },
		{ 6, -1, 6, 0, 0, 0, LIMIT_MOUNT_MAX },
		{ 6, -1, 7, 7, 3, 3, LIMIT_MOUNT_MAX },
		{ 6, -1, 5, 0, 1, 0, LIMIT_WAIT_MOUNT_MAX },
		{ 6, -1, 0, 0, 6, 6, LIMIT_WAIT_MOUNT_MAX },
		{ 6, -1, 0, 0, 5, 5, LIMIT_OK },
		{ 0, -1, 0, 0, 0, 0, LIMIT_MOUNT_MAX },
		{ -1, 2, 10, 1, 9, 0, LIMIT_OK },
		{ -1, 2, 10, 2, 0, 0, LIMIT_USER_MAX },
		{ -1, 2, 10, 1, 1, 1, LIMIT_WAIT_USER_MAX },
		{ -1, 0, 0, 0, 0, 0, LIMIT_USER_MAX },
		/* both: the global limit is looked at first, each way */
		{ 6, 2, 6, 2, 0, 0, LIMIT_MOUNT_MAX },
		{ 6, 2, 5, 2, 1, 0, LIMIT_USER_MAX },
		{ 6, 2, 5, 1, 1, 1, LIMIT_WAIT_MOUNT_MAX },
		{ 6, 2, 4, 1, 1, 1, LIMIT_WAIT_USER_MAX },
		{ 6, 2, 4, 1, 1, 0, LIMIT_OK },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
		struct fuse_conf c = { .mount_max = rows[i].max,
				       .user_mount_max = rows[i].umax };
		struct limit_counts n = { rows[i].mounts, rows[i].mine,
					  rows[i].flight, rows[i].mine_flight };
		enum limit_verdict v = policy_limits(&c, &n);

		if (v != rows[i].v)
			fail_msg("row %zu: verdict %d, want %d", i, v, rows[i].v);
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

/* A conf that names a "never" type (built by hand; the parser refuses
 * it) still cannot open proc or sysfs to users. */
static void test_mountpoint_never_overrides_conf(void **state)
{
	struct fuse_conf c;
	struct mp_facts f = { 1000, S_IFDIR | 0755, 1000, true, 0x9fa0UL, &c };

	(void)state;
	conf_defaults(&c);
	c.extra_fs[c.n_extra_fs++] = 0x9fa0UL;
	c.extra_fs[c.n_extra_fs++] = 0x62656572UL;
	assert_int_equal(policy_mountpoint(&f), MP_FSTYPE);
	f.fs_type = 0x62656572UL;
	assert_int_equal(policy_mountpoint(&f), MP_FSTYPE);
}

/* devtmpfs has tmpfs's magic: the kernel's type name decides. */
static void test_mountpoint_devtmpfs_by_name(void **state)
{
	struct mp_facts f = { 1000, S_IFDIR | 0755, 1000, true, 0x01021994UL,
			      NULL, "devtmpfs" };

	(void)state;
	assert_int_equal(policy_mountpoint(&f), MP_FSTYPE);
	f.fs_name = "tmpfs";
	assert_int_equal(policy_mountpoint(&f), MP_OK);
	f.fs_name = NULL;
	assert_int_equal(policy_mountpoint(&f), MP_OK);
	f.fs_name = "proc";	/* a name the magic table also refuses */
	assert_int_equal(policy_mountpoint(&f), MP_FSTYPE);
	f.fs_name = "devtmpfs";
	f.uid = 0;		/* root is never restricted */
	assert_int_equal(policy_mountpoint(&f), MP_OK);
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
		cmocka_unit_test(test_conf_defaults_policy),
		cmocka_unit_test(test_conf_key_table),
		cmocka_unit_test(test_conf_classic_sets_no_policy),
		cmocka_unit_test(test_conf_padded_table),
		cmocka_unit_test(test_conf_new_key_254),
		cmocka_unit_test(test_conf_list_limits),
		cmocka_unit_test(test_conf_all_lists_full),
		cmocka_unit_test(test_conf_expand_table),
		cmocka_unit_test(test_conf_expand_size_zero),
		cmocka_unit_test(test_conf_expand_long),
		cmocka_unit_test(test_conf_expand_accepted_templates),
		cmocka_unit_test(test_conf_file_trusted),
		cmocka_unit_test(test_group_allow_other),
		cmocka_unit_test(test_group_allow_other_many),
		cmocka_unit_test(test_user_max),
		cmocka_unit_test(test_user_max_from_conf),
		cmocka_unit_test(test_limits_verdict),
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
		cmocka_unit_test(test_fstype_by_name),
		cmocka_unit_test(test_fstype_by_name_unknown),
		cmocka_unit_test(test_fstype_conf),
		cmocka_unit_test(test_mountpoint_conf_table),
		cmocka_unit_test(test_mountpoint_conf_full_list),
		cmocka_unit_test(test_mountpoint_never_overrides_conf),
		cmocka_unit_test(test_mountpoint_devtmpfs_by_name),
		cmocka_unit_test(test_mount_max),
		cmocka_unit_test(test_reattach_grace_cap),
		cmocka_unit_test(test_parse_user_id),
	};

	return cmocka_run_group_tests_name("policy", tests, NULL, NULL);
}
