// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_legacy.c - the mount(2) backend (mount_legacy.c) against a
 * link-time mock of mount(2) that records every call and fails on demand.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "mount.h"

#define NN (MS_NOSUID | MS_NODEV)
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ================================================================ mock */

struct mount_call {
	char source[400];
	char target[100];
	char type[400];
	unsigned long flags;
	char data[9000];
};

static struct {
	struct mount_call calls[4];
	int n;
	int fail[4];		/* errno for call i, 0 = success */
	int begin_at, end_at;	/* mount calls made when the hook ran, +1 */
	int hook_calls;
	int refuse;		/* the hook's "begin" answers -refuse */
} m;

static int attach_hook(void *arg, bool begin)
{
	assert_ptr_equal(arg, &m);
	m.hook_calls++;
	if (begin)
		m.begin_at = m.n + 1;
	else
		m.end_at = m.n + 1;
	return begin ? -m.refuse : 0;
}

int __wrap_mount(const char *source, const char *target, const char *type,
		 unsigned long flags, const void *data);
int __wrap_mount(const char *source, const char *target, const char *type,
		 unsigned long flags, const void *data)
{
	struct mount_call *c;
	int i = m.n;

	assert_true(m.n < (int)ARRAY_LEN(m.calls));
	assert_non_null(source);
	assert_non_null(target);
	assert_non_null(type);
	assert_non_null(data);
	c = &m.calls[m.n++];
	snprintf(c->source, sizeof(c->source), "%s", source);
	snprintf(c->target, sizeof(c->target), "%s", target);
	snprintf(c->type, sizeof(c->type), "%s", type);
	snprintf(c->data, sizeof(c->data), "%s", (const char *)data);
	c->flags = flags;
	if (m.fail[i]) {
		errno = m.fail[i];
		return -1;
	}
	return 0;
}

/* ============================================================= helpers */

static char s_sub[] = "sub";
static char s_fsname[] = "fsname";
static char s_4096[] = "4096";
static char s_512[] = "512";
static char s_xopts[] = "x-a,x-b";
static char s_loop[] = "/dev/loop0";

static struct mount_opts opts;
static struct mount_req req;
static struct mount_done done;
static struct mount_err err;

static int setup(void **state)
{
	(void)state;
	memset(&m, 0, sizeof(m));
	memset(&opts, 0, sizeof(opts));
	opts.flags = NN;
	req = (struct mount_req){
		.devfd = 5, .devname = "/dev/fuse", .pinfd = 7,
		.rootmode = S_IFDIR, .uid = 1000, .gid = 100, .root = false,
		.o = &opts, .blocking = NULL,
	};
	return 0;
}

static int run(void)
{
	memset(&done, 0x55, sizeof(done));
	memset(&err, 0, sizeof(err));
	return legacy_mount(&req, &done, &err);
}

/* Runs once and returns the single mount call it made. */
static const struct mount_call *run_once(void)
{
	assert_int_equal(run(), 0);
	assert_int_equal(m.n, 1);
	assert_int_equal(done.mntfd, -1);	/* legacy: no mount fd */
	return &m.calls[0];
}

/* ================================================================ data */

static void test_data_full(void **state)
{
	const struct mount_call *c;

	(void)state;
	opts.default_permissions = true;
	opts.allow_other = true;
	opts.max_read = s_4096;
	opts.blksize = s_512;
	c = run_once();
	assert_string_equal(c->data,
			    "default_permissions,allow_other,max_read=4096,"
			    "blksize=512,fd=5,rootmode=40000,user_id=1000,"
			    "group_id=100");
}

static void test_data_table(void **state)
{
	static const struct {
		bool dp, ao, max_read, blksize;
		mode_t rootmode;
		uid_t uid;
		gid_t gid;
		int devfd;
		const char *data;
	} rows[] = {
		{ false, false, false, false, S_IFDIR, 1000, 100, 5,
		  "fd=5,rootmode=40000,user_id=1000,group_id=100" },
		{ false, false, false, false, S_IFREG, 0, 0, 3,
		  "fd=3,rootmode=100000,user_id=0,group_id=0" },
		{ true, false, false, false, S_IFDIR, 1, 2, 10,
		  "default_permissions,fd=10,rootmode=40000,user_id=1,group_id=2" },
		{ false, true, false, false, S_IFDIR, 1, 2, 10,
		  "allow_other,fd=10,rootmode=40000,user_id=1,group_id=2" },
		{ false, false, true, false, S_IFDIR, 1, 2, 10,
		  "max_read=4096,fd=10,rootmode=40000,user_id=1,group_id=2" },
		{ false, false, false, true, S_IFDIR, 1, 2, 10,
		  "blksize=512,fd=10,rootmode=40000,user_id=1,group_id=2" },
		{ false, false, false, false, S_IFDIR, 4294967294U, 4294967294U, 1023,
		  "fd=1023,rootmode=40000,user_id=4294967294,group_id=4294967294" },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
		const struct mount_call *c;

		setup(NULL);
		opts.default_permissions = rows[i].dp;
		opts.allow_other = rows[i].ao;
		opts.max_read = rows[i].max_read ? s_4096 : NULL;
		opts.blksize = rows[i].blksize ? s_512 : NULL;
		req.rootmode = rows[i].rootmode;
		req.uid = rows[i].uid;
		req.gid = rows[i].gid;
		req.devfd = rows[i].devfd;
		c = run_once();
		if (strcmp(c->data, rows[i].data) != 0)
			fail_msg("row %zu: data \"%s\", want \"%s\"", i, c->data,
				 rows[i].data);
	}
}

static void test_data_excludes_names_and_x_opts(void **state)
{
	const struct mount_call *c;

	(void)state;
	opts.fsname = s_fsname;
	opts.subtype = s_sub;
	opts.x_opts = s_xopts;
	opts.auto_unmount = true;
	c = run_once();
	assert_string_equal(c->data, "fd=5,rootmode=40000,user_id=1000,group_id=100");
}

/* ====================================================== target and type */

static void test_target_is_pinned_fd(void **state)
{
	(void)state;
	req.pinfd = 7;
	assert_string_equal(run_once()->target, "/proc/self/fd/7");
	setup(NULL);
	req.pinfd = 1234;
	assert_string_equal(run_once()->target, "/proc/self/fd/1234");
}

static void test_type_and_source(void **state)
{
	static const struct {
		bool blkdev, subtype, fsname;
		const char *type, *source;
	} rows[] = {
		{ false, false, false, "fuse", "/dev/fuse" },	/* devname */
		{ false, true, false, "fuse.sub", "sub" },	/* subtype */
		{ false, false, true, "fuse", "fsname" },	/* fsname */
		{ false, true, true, "fuse.sub", "fsname" },	/* fsname wins */
		{ true, false, false, "fuseblk", "/dev/fuse" },
		{ true, false, true, "fuseblk", "/dev/loop0" },
		{ true, true, true, "fuseblk.sub", "/dev/loop0" },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
		const struct mount_call *c;

		setup(NULL);
		req.root = rows[i].blkdev;
		opts.blkdev = rows[i].blkdev;
		opts.subtype = rows[i].subtype ? s_sub : NULL;
		opts.fsname = rows[i].fsname ? (rows[i].blkdev ? s_loop : s_fsname)
					     : NULL;
		c = run_once();
		if (strcmp(c->type, rows[i].type) || strcmp(c->source, rows[i].source))
			fail_msg("row %zu: type \"%s\" source \"%s\", want \"%s\" \"%s\"",
				 i, c->type, c->source, rows[i].type, rows[i].source);
		assert_string_equal(done.type, rows[i].type);
		assert_string_equal(done.source, rows[i].source);
	}
}

/* =============================================================== flags */

static void test_flags(void **state)
{
	static const struct {
		bool root;
		unsigned long in, want;
	} rows[] = {
		/* boundary re-check: non-root always nosuid,nodev */
		{ false, 0, NN },
		{ false, MS_NOSUID, NN },
		{ false, MS_NODEV, NN },
		{ false, NN, NN },
		{ false, MS_RDONLY, NN | MS_RDONLY },
		{ false, NN | MS_NOEXEC | MS_NOATIME, NN | MS_NOEXEC | MS_NOATIME },
		{ true, 0, 0 },
		{ true, MS_NOSUID, MS_NOSUID },
		{ true, NN | MS_RDONLY, NN | MS_RDONLY },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
		const struct mount_call *c;

		setup(NULL);
		req.root = rows[i].root;
		opts.flags = rows[i].in;
		c = run_once();
		if (c->flags != rows[i].want)
			fail_msg("row %zu (root=%d, flags %#lx): mount flags %#lx, "
				 "want %#lx", i, rows[i].root, rows[i].in, c->flags,
				 rows[i].want);
	}
}

/* ====================================================== length guard */

static size_t data_limit(void)
{
	long page = sysconf(_SC_PAGESIZE);

	assert_true(page > 0);
	/* the backend's buffer is 8192 bytes: whichever is smaller */
	return (size_t)page - 1 < 8191 ? (size_t)page - 1 : 8191;
}

/* max_read of n digits makes the data exactly this long */
static size_t data_len_with(size_t n)
{
	return strlen("max_read=,fd=5,rootmode=40000,user_id=1000,group_id=100") + n;
}

static char *digits(size_t n)
{
	char *s = malloc(n + 1);

	assert_non_null(s);
	memset(s, '9', n);
	s[n] = '\0';
	return s;
}

static void test_data_at_limit(void **state)
{
	size_t n = data_limit() - data_len_with(0);
	char *v = digits(n);
	const struct mount_call *c;

	(void)state;
	opts.max_read = v;
	c = run_once();
	assert_int_equal(strlen(c->data), data_limit());
	free(v);
}

static void test_data_over_limit(void **state)
{
	static const size_t extra[] = { 1, 2, 100, 9000 };

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(extra); i++) {
		size_t n = data_limit() - data_len_with(0) + extra[i];
		char *v = digits(n);

		setup(NULL);
		opts.max_read = v;
		assert_int_equal(run(), -EINVAL);
		if (m.n != 0)
			fail_msg("data of %zu bytes: mount(2) was called", data_len_with(n));
		assert_non_null(err.step);
		assert_string_equal(err.step, "mount");
		assert_true(strlen(err.detail) > 0);
		assert_int_equal(done.mntfd, -1);
		free(v);
	}
}

/* ============================================================= retries */

static void test_enodev_subtype_retry(void **state)
{
	(void)state;
	opts.subtype = s_sub;
	opts.fsname = s_fsname;
	opts.allow_other = true;
	m.fail[0] = ENODEV;		/* kernel without fuse.sub */

	assert_int_equal(run(), 0);
	assert_int_equal(m.n, 2);
	assert_string_equal(m.calls[0].type, "fuse.sub");
	assert_string_equal(m.calls[0].source, "fsname");
	assert_string_equal(m.calls[1].type, "fuse");
	assert_string_equal(m.calls[1].source, "sub#fsname");
	/* the rest of the call is unchanged */
	assert_string_equal(m.calls[1].target, m.calls[0].target);
	assert_string_equal(m.calls[1].data, m.calls[0].data);
	assert_int_equal(m.calls[1].flags, m.calls[0].flags);
	assert_int_equal(m.calls[1].flags, NN);
	/* and the record says what was mounted */
	assert_string_equal(done.type, "fuse");
	assert_string_equal(done.source, "sub#fsname");
}

static void test_enodev_subtype_retry_without_fsname(void **state)
{
	(void)state;
	opts.subtype = s_sub;
	m.fail[0] = ENODEV;
	assert_int_equal(run(), 0);
	assert_int_equal(m.n, 2);
	assert_string_equal(m.calls[0].source, "sub");
	assert_string_equal(m.calls[1].type, "fuse");
	assert_string_equal(m.calls[1].source, "sub#");
}

static void test_enodev_subtype_retry_blkdev(void **state)
{
	(void)state;
	req.root = true;
	opts.blkdev = true;
	opts.subtype = s_sub;
	opts.fsname = s_loop;
	m.fail[0] = ENODEV;
	assert_int_equal(run(), 0);
	assert_int_equal(m.n, 2);
	assert_string_equal(m.calls[1].type, "fuseblk");
	assert_string_equal(m.calls[1].source, "/dev/loop0");
}

static void test_enodev_retry_fails_too(void **state)
{
	(void)state;
	opts.subtype = s_sub;
	m.fail[0] = ENODEV;
	m.fail[1] = EPERM;
	assert_int_equal(run(), -EPERM);
	assert_int_equal(m.n, 2);
	assert_string_equal(err.step, "mount");
	assert_int_equal(done.mntfd, -1);
}

static void test_no_retry_cases(void **state)
{
	static const struct {
		bool subtype;
		int err;
	} rows[] = {
		{ false, ENODEV },	/* no subtype: nothing to retry */
		{ true, EPERM },	/* only ENODEV means "unknown type" */
		{ true, EINVAL },
		{ true, EBUSY },
		{ false, EACCES },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
		setup(NULL);
		opts.subtype = rows[i].subtype ? s_sub : NULL;
		m.fail[0] = rows[i].err;
		if (run() != -rows[i].err)
			fail_msg("row %zu: rc not -%d", i, rows[i].err);
		if (m.n != 1)
			fail_msg("row %zu: %d mount calls, want 1", i, m.n);
		assert_string_equal(err.step, "mount");
	}
}

/* ================================================================ hook */

/* before the first mount(2), after the last one (the ENODEV retry too) */
static void test_attach_hook_brackets_mount(void **state)
{
	(void)state;
	req.attach = attach_hook;
	req.attach_arg = &m;
	opts.subtype = s_sub;
	m.fail[0] = ENODEV;
	assert_int_equal(run(), 0);
	assert_int_equal(m.n, 2);
	assert_int_equal(m.hook_calls, 2);
	assert_int_equal(m.begin_at, 1);	/* no mount(2) before it */
	assert_int_equal(m.end_at, 3);		/* both after it */
}

static void test_attach_hook_refuses(void **state)
{
	(void)state;
	req.attach = attach_hook;
	req.attach_arg = &m;
	m.refuse = EDQUOT;
	assert_int_equal(run(), -EDQUOT);
	assert_int_equal(m.n, 0);		/* nothing mounted */
	assert_int_equal(m.hook_calls, 1);	/* no "end" */
	assert_string_equal(err.step, "attach");
}

static void test_attach_hook_after_failure(void **state)
{
	(void)state;
	req.attach = attach_hook;
	req.attach_arg = &m;
	m.fail[0] = EACCES;
	assert_int_equal(run(), -EACCES);
	assert_int_equal(m.hook_calls, 2);
	assert_int_equal(m.end_at, 2);
	assert_string_equal(err.step, "mount");
}

/* options too long: refused before the hook */
static void test_attach_hook_not_reached(void **state)
{
	char big[5000];

	(void)state;
	memset(big, '1', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	opts.max_read = big;
	req.attach = attach_hook;
	req.attach_arg = &m;
	assert_int_equal(run(), -EINVAL);
	assert_int_equal(m.hook_calls, 0);
	assert_int_equal(m.n, 0);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup(f, setup)
	const struct CMUnitTest tests[] = {
		T(test_data_full),
		T(test_data_table),
		T(test_data_excludes_names_and_x_opts),
		T(test_target_is_pinned_fd),
		T(test_type_and_source),
		T(test_flags),
		T(test_data_at_limit),
		T(test_data_over_limit),
		T(test_enodev_subtype_retry),
		T(test_enodev_subtype_retry_without_fsname),
		T(test_enodev_subtype_retry_blkdev),
		T(test_enodev_retry_fails_too),
		T(test_no_retry_cases),
		T(test_attach_hook_brackets_mount),
		T(test_attach_hook_refuses),
		T(test_attach_hook_after_failure),
		T(test_attach_hook_not_reached),
	};
#undef T

	return cmocka_run_group_tests_name("legacy", tests, NULL, NULL);
}
