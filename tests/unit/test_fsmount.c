// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_fsmount.c - the new-mount-API backend (mount_fsmount.c) against
 * link-time mocks of fsopen, fsconfig, fsmount, move_mount, and of read
 * (and its fortified twin __read_chk) and close on the fake descriptors
 * they hand out.
 *
 * Every mocked call is written to a log as one readable line, e.g.
 *   "fsconfig SET_STRING fd=5"   "fsmount CLOEXEC attrs=NOSUID|NODEV"
 * and the tests compare the whole log with the sequence they expect.
 * A failure is injected by naming the start of a log line and an errno.
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

#ifndef MS_NOSYMFOLLOW
#define MS_NOSYMFOLLOW 256
#endif

#define NN (MS_NOSUID | MS_NODEV)
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#define DEV_FD	5	/* the /dev/fuse fd named in fd= */
#define PIN_FD	7	/* the pinned mountpoint */
#define FS_FD	100	/* what the mocked fsopen returns */
#define MNT_FD	101	/* what the mocked fsmount returns */

/* ================================================================ mocks */

struct fail_rule {
	const char *prefix;	/* a log line starting with this fails */
	int err;
};

static struct {
	char log[64][400];
	int n;
	struct fail_rule fail[4];
	int nfail;
	const char *kmsg[16];	/* the fs-context log, one message per read */
	int nkmsg, next_kmsg;
	int reads;		/* read(2) calls on FS_FD */
	bool refuse_block;	/* blocking hook answers false */
	int attach_refuse;	/* attach hook "begin" answers -attach_refuse */
} m;

/* Appends a line to the log; returns the injected errno or 0. */
__attribute__((format(printf, 1, 2)))
static int record(const char *fmt, ...)
{
	va_list ap;
	char *line;

	assert_true(m.n < (int)ARRAY_LEN(m.log));
	line = m.log[m.n++];
	va_start(ap, fmt);
	vsnprintf(line, sizeof(m.log[0]), fmt, ap);
	va_end(ap);
	for (int i = 0; i < m.nfail; i++)
		if (strncmp(line, m.fail[i].prefix, strlen(m.fail[i].prefix)) == 0)
			return m.fail[i].err;
	return 0;
}

static void fail_on(const char *prefix, int err)
{
	assert_true(m.nfail < (int)ARRAY_LEN(m.fail));
	m.fail[m.nfail].prefix = prefix;
	m.fail[m.nfail].err = err;
	m.nfail++;
}

static void kernel_says(const char *msg)
{
	assert_true(m.nkmsg < (int)ARRAY_LEN(m.kmsg));
	m.kmsg[m.nkmsg++] = msg;
}

struct bit_name {
	unsigned int bit;
	const char *name;
};

/* "A|B", "0", or with unknown bits "A|0x40". */
static const char *bits(char *buf, size_t size, unsigned int v,
			const struct bit_name *names, size_t count)
{
	size_t used = 0;

	buf[0] = '\0';
	if (v == 0)
		return "0";
	for (size_t i = 0; i < count; i++) {
		if (!(v & names[i].bit))
			continue;
		used += (size_t)snprintf(buf + used, size - used, "%s%s",
					 used ? "|" : "", names[i].name);
		v &= ~names[i].bit;
	}
	if (v)
		snprintf(buf + used, size - used, "%s%#x", used ? "|" : "", v);
	return buf;
}

static const struct bit_name attr_names[] = {
	{ MOUNT_ATTR_RDONLY, "RDONLY" },	{ MOUNT_ATTR_NOSUID, "NOSUID" },
	{ MOUNT_ATTR_NODEV, "NODEV" },		{ MOUNT_ATTR_NOEXEC, "NOEXEC" },
	{ MOUNT_ATTR_NOATIME, "NOATIME" },	{ MOUNT_ATTR_NODIRATIME, "NODIRATIME" },
	{ MOUNT_ATTR_NOSYMFOLLOW, "NOSYMFOLLOW" },
};

static const struct bit_name move_names[] = {
	{ MOVE_MOUNT_F_EMPTY_PATH, "F_EMPTY_PATH" },
	{ MOVE_MOUNT_T_EMPTY_PATH, "T_EMPTY_PATH" },
	{ MOVE_MOUNT_F_SYMLINKS, "F_SYMLINKS" },
	{ MOVE_MOUNT_T_SYMLINKS, "T_SYMLINKS" },
};

static const struct bit_name cloexec_names[] = { { 1, "CLOEXEC" } };

int __wrap_fsopen(const char *fs_name, unsigned int flags);
int __wrap_fsopen(const char *fs_name, unsigned int flags)
{
	char b[64];
	int err = record("fsopen %s %s", fs_name,
			 bits(b, sizeof(b), flags, cloexec_names, 1));

	if (err) {
		errno = err;
		return -1;
	}
	return FS_FD;
}

int __wrap_fsconfig(int fd, unsigned int cmd, const char *key,
		    const void *value, int aux);
int __wrap_fsconfig(int fd, unsigned int cmd, const char *key,
		    const void *value, int aux)
{
	int err;

	assert_int_equal(fd, FS_FD);
	assert_int_equal(aux, 0);
	switch (cmd) {
	case FSCONFIG_SET_FLAG:
		assert_non_null(key);
		assert_null(value);
		err = record("fsconfig SET_FLAG %s", key);
		break;
	case FSCONFIG_SET_STRING:
		assert_non_null(key);
		assert_non_null(value);
		err = record("fsconfig SET_STRING %s=%s", key, (const char *)value);
		break;
	case FSCONFIG_CMD_CREATE:
		assert_null(key);
		assert_null(value);
		err = record("fsconfig CMD_CREATE");
		break;
	default:
		err = record("fsconfig cmd=%u %s", cmd, key ? key : "(null)");
		break;
	}
	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}

int __wrap_fsmount(int fd, unsigned int flags, unsigned int attrs);
int __wrap_fsmount(int fd, unsigned int flags, unsigned int attrs)
{
	char b1[64], b2[128];
	int err;

	assert_int_equal(fd, FS_FD);
	err = record("fsmount %s attrs=%s",
		     bits(b1, sizeof(b1), flags, cloexec_names, 1),
		     bits(b2, sizeof(b2), attrs, attr_names, ARRAY_LEN(attr_names)));
	if (err) {
		errno = err;
		return -1;
	}
	return MNT_FD;
}

int __wrap_move_mount(int from_dfd, const char *from, int to_dfd,
		      const char *to, unsigned int flags);
int __wrap_move_mount(int from_dfd, const char *from, int to_dfd,
		      const char *to, unsigned int flags)
{
	char b[128];
	int err = record("move_mount %d \"%s\" -> %d \"%s\" %s", from_dfd, from,
			 to_dfd, to,
			 bits(b, sizeof(b), flags, move_names, ARRAY_LEN(move_names)));

	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}

ssize_t __real_read(int fd, void *buf, size_t n);
ssize_t __wrap_read(int fd, void *buf, size_t n);
ssize_t __wrap_read(int fd, void *buf, size_t n)
{
	size_t len;

	if (fd != FS_FD)
		return __real_read(fd, buf, n);
	m.reads++;
	if (m.next_kmsg >= m.nkmsg) {
		errno = ENODATA;	/* the log is empty */
		return -1;
	}
	len = strlen(m.kmsg[m.next_kmsg]);
	if (len > n)
		len = n;	/* the kernel would say EMSGSIZE; close enough */
	memcpy(buf, m.kmsg[m.next_kmsg++], len);
	return (ssize_t)len;
}

/* With _FORTIFY_SOURCE, when the buffer size is not known at compile
 * time (e.g. under ASan), read() becomes __read_chk(): mock it too. */
ssize_t __real___read_chk(int fd, void *buf, size_t n, size_t buflen);
ssize_t __wrap___read_chk(int fd, void *buf, size_t n, size_t buflen);
ssize_t __wrap___read_chk(int fd, void *buf, size_t n, size_t buflen)
{
	if (fd != FS_FD)
		return __real___read_chk(fd, buf, n, buflen);
	assert_true(n <= buflen);
	return __wrap_read(fd, buf, n);
}

int __real_close(int fd);
int __wrap_close(int fd);
int __wrap_close(int fd)
{
	if (fd == FS_FD) {
		record("close fs");
		return 0;
	}
	if (fd == MNT_FD) {
		record("close mnt");
		return 0;
	}
	return __real_close(fd);
}

/* the caller's hook: false from "begin" means "the library is gone" */
static bool blocking_hook(bool begin)
{
	record("blocking %s", begin ? "begin" : "end");
	return !(begin && m.refuse_block);
}

/* the attach hook: its argument must come back as given */
static int attach_arg_token;

static int attach_hook(void *arg, bool begin)
{
	assert_ptr_equal(arg, &attach_arg_token);
	record("attach %s", begin ? "begin" : "end");
	return begin ? -m.attach_refuse : 0;
}

/* ============================================================== helpers */

static char s_sshfs[] = "sshfs";
static char s_fsname[] = "me@host:/dir";
static char s_4096[] = "4096";
static char s_512[] = "512";
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
		.devfd = DEV_FD, .devname = "/dev/fuse", .pinfd = PIN_FD,
		.rootmode = S_IFDIR, .uid = 1000, .gid = 100, .root = false,
		.o = &opts, .blocking = NULL,
	};
	return 0;
}

static int run(void)
{
	memset(&done, 0x55, sizeof(done));
	memset(&err, 0, sizeof(err));
	return fsmount_mount(&req, &done, &err);
}

static void dump_log(void)
{
	for (int i = 0; i < m.n; i++)
		print_error("    log[%d] %s\n", i, m.log[i]);
}

/* The log must be exactly want[] (NULL-terminated). */
static void expect_log(const char *const *want)
{
	int n = 0;

	while (want[n])
		n++;
	for (int i = 0; i < n && i < m.n; i++) {
		if (strcmp(m.log[i], want[i]) != 0) {
			dump_log();
			fail_msg("call %d: \"%s\", want \"%s\"", i, m.log[i], want[i]);
		}
	}
	if (m.n != n) {
		dump_log();
		fail_msg("%d calls, want %d", m.n, n);
	}
}

static int log_count(const char *prefix)
{
	int c = 0;

	for (int i = 0; i < m.n; i++)
		if (strncmp(m.log[i], prefix, strlen(prefix)) == 0)
			c++;
	return c;
}

static bool log_has(const char *line)
{
	for (int i = 0; i < m.n; i++)
		if (strcmp(m.log[i], line) == 0)
			return true;
	return false;
}

static const char *log_find(const char *prefix)
{
	for (int i = 0; i < m.n; i++)
		if (strncmp(m.log[i], prefix, strlen(prefix)) == 0)
			return m.log[i];
	return "(no such call)";
}

/* After fsopen succeeded: the fs fd is closed once, as the last call. */
static void expect_fs_closed_last(void)
{
	assert_int_equal(log_count("close fs"), 1);
	assert_true(m.n > 0);
	assert_string_equal(m.log[m.n - 1], "close fs");
}

#define LOG(...) expect_log((const char *const[]){ __VA_ARGS__, NULL })

/* ============================================================ sequences */

static void test_normal_non_root(void **state)
{
	(void)state;
	opts.subtype = s_sshfs;
	opts.fsname = s_fsname;
	opts.default_permissions = true;
	opts.allow_other = true;
	req.blocking = blocking_hook;

	assert_int_equal(run(), 0);
	LOG("fsopen fuse CLOEXEC",
	    "fsconfig SET_STRING subtype=sshfs",
	    "fsconfig SET_STRING source=me@host:/dir",
	    "fsconfig SET_STRING fd=5",
	    "fsconfig SET_STRING rootmode=40000",
	    "fsconfig SET_STRING user_id=1000",
	    "fsconfig SET_STRING group_id=100",
	    "fsconfig SET_FLAG default_permissions",
	    "fsconfig SET_FLAG allow_other",
	    "blocking begin",
	    "fsconfig CMD_CREATE",
	    "blocking end",
	    "fsmount CLOEXEC attrs=NOSUID|NODEV",
	    "move_mount 101 \"\" -> 7 \"\" F_EMPTY_PATH|T_EMPTY_PATH",
	    "close fs");
	assert_int_equal(done.mntfd, MNT_FD);
	assert_string_equal(done.type, "fuse.sshfs");
	assert_string_equal(done.source, "me@host:/dir");
	assert_int_equal(m.reads, 0);	/* no failure, no log drained */
}

static void test_minimal(void **state)
{
	(void)state;
	req.rootmode = S_IFREG;
	req.uid = 4294967294U;
	req.gid = 0;
	req.devfd = 12;
	req.pinfd = 13;

	assert_int_equal(run(), 0);
	LOG("fsopen fuse CLOEXEC",
	    "fsconfig SET_STRING source=/dev/fuse",	/* devname by default */
	    "fsconfig SET_STRING fd=12",
	    "fsconfig SET_STRING rootmode=100000",
	    "fsconfig SET_STRING user_id=4294967294",
	    "fsconfig SET_STRING group_id=0",
	    "fsconfig CMD_CREATE",
	    "fsmount CLOEXEC attrs=NOSUID|NODEV",
	    "move_mount 101 \"\" -> 13 \"\" F_EMPTY_PATH|T_EMPTY_PATH",
	    "close fs");
	assert_string_equal(done.type, "fuse");
	assert_string_equal(done.source, "/dev/fuse");
	assert_int_equal(done.mntfd, MNT_FD);
}

static void test_source_choice(void **state)
{
	(void)state;
	/* subtype without fsname: the subtype is the source */
	opts.subtype = s_sshfs;
	assert_int_equal(run(), 0);
	assert_string_equal(log_find("fsconfig SET_STRING source="),
			    "fsconfig SET_STRING source=sshfs");
	assert_string_equal(done.source, "sshfs");
	assert_string_equal(done.type, "fuse.sshfs");
}

static void test_value_options(void **state)
{
	(void)state;
	opts.max_read = s_4096;
	opts.blksize = s_512;
	opts.default_permissions = true;
	assert_int_equal(run(), 0);
	LOG("fsopen fuse CLOEXEC",
	    "fsconfig SET_STRING source=/dev/fuse",
	    "fsconfig SET_STRING fd=5",
	    "fsconfig SET_STRING rootmode=40000",
	    "fsconfig SET_STRING user_id=1000",
	    "fsconfig SET_STRING group_id=100",
	    "fsconfig SET_FLAG default_permissions",
	    "fsconfig SET_STRING max_read=4096",
	    "fsconfig SET_STRING blksize=512",
	    "fsconfig CMD_CREATE",
	    "fsmount CLOEXEC attrs=NOSUID|NODEV",
	    "move_mount 101 \"\" -> 7 \"\" F_EMPTY_PATH|T_EMPTY_PATH",
	    "close fs");
}

/* MS_* flags: which become superblock flags, which mount attributes. */
static void test_flags_table(void **state)
{
	static const struct {
		bool root;
		unsigned long flags;
		const char *sb_flags;	/* SET_FLAGs after group_id, "," separated */
		const char *fsmount;
	} rows[] = {
		/* boundary re-check: non-root gets nosuid,nodev regardless */
		{ false, 0, "", "fsmount CLOEXEC attrs=NOSUID|NODEV" },
		{ false, MS_NOSUID, "", "fsmount CLOEXEC attrs=NOSUID|NODEV" },
		{ false, MS_NODEV, "", "fsmount CLOEXEC attrs=NOSUID|NODEV" },
		{ false, NN, "", "fsmount CLOEXEC attrs=NOSUID|NODEV" },
		{ true, 0, "", "fsmount CLOEXEC attrs=0" },
		{ true, MS_NODEV, "", "fsmount CLOEXEC attrs=NODEV" },
		{ true, NN, "", "fsmount CLOEXEC attrs=NOSUID|NODEV" },
		{ false, NN | MS_RDONLY, "ro",
		  "fsmount CLOEXEC attrs=RDONLY|NOSUID|NODEV" },
		{ false, MS_RDONLY, "ro",
		  "fsmount CLOEXEC attrs=RDONLY|NOSUID|NODEV" },
		{ false, NN | MS_NOEXEC, "", "fsmount CLOEXEC attrs=NOSUID|NODEV|NOEXEC" },
		{ false, NN | MS_NOATIME, "", "fsmount CLOEXEC attrs=NOSUID|NODEV|NOATIME" },
		{ false, NN | MS_NODIRATIME, "",
		  "fsmount CLOEXEC attrs=NOSUID|NODEV|NODIRATIME" },
		{ false, NN | MS_NOSYMFOLLOW, "",
		  "fsmount CLOEXEC attrs=NOSUID|NODEV|NOSYMFOLLOW" },
		{ false, NN | MS_SYNCHRONOUS, "sync", "fsmount CLOEXEC attrs=NOSUID|NODEV" },
		{ false, NN | MS_DIRSYNC, "dirsync", "fsmount CLOEXEC attrs=NOSUID|NODEV" },
		{ false, NN | MS_RDONLY | MS_SYNCHRONOUS | MS_DIRSYNC, "ro,sync,dirsync",
		  "fsmount CLOEXEC attrs=RDONLY|NOSUID|NODEV" },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
		char got[200] = "";
		int start = -1;

		setup(NULL);
		req.root = rows[i].root;
		opts.flags = rows[i].flags;
		assert_int_equal(run(), 0);
		for (int j = 0; j < m.n; j++)
			if (strcmp(m.log[j], "fsconfig SET_STRING group_id=100") == 0)
				start = j + 1;
		assert_true(start > 0);
		for (int j = start; j < m.n; j++) {
			const char *k = "fsconfig SET_FLAG ";

			if (strncmp(m.log[j], k, strlen(k)) == 0)
				snprintf(got + strlen(got), sizeof(got) - strlen(got),
					 "%s%s", got[0] ? "," : "", m.log[j] + strlen(k));
		}
		if (strcmp(got, rows[i].sb_flags) != 0) {
			dump_log();
			fail_msg("row %zu: superblock flags \"%s\", want \"%s\"", i,
				 got, rows[i].sb_flags);
		}
		if (!log_has(rows[i].fsmount)) {
			dump_log();
			fail_msg("row %zu: want \"%s\"", i, rows[i].fsmount);
		}
	}
}

static void test_blkdev(void **state)
{
	(void)state;
	req.root = true;
	opts.blkdev = true;
	opts.fsname = s_loop;
	opts.subtype = s_sshfs;
	assert_int_equal(run(), 0);
	assert_string_equal(m.log[0], "fsopen fuseblk CLOEXEC");
	assert_true(log_has("fsconfig SET_STRING source=/dev/loop0"));
	assert_string_equal(done.type, "fuseblk.sshfs");
	assert_string_equal(done.source, "/dev/loop0");
}

/* ============================================================= failures */

static void test_fsopen_enosys(void **state)
{
	(void)state;
	fail_on("fsopen", ENOSYS);
	assert_int_equal(run(), -ENOSYS);
	LOG("fsopen fuse CLOEXEC");	/* and nothing else, not even close */
	assert_int_equal(done.mntfd, -1);
	assert_int_equal(m.reads, 0);
}

static void test_fsopen_other_error(void **state)
{
	(void)state;
	fail_on("fsopen", ENODEV);
	assert_int_equal(run(), -ENODEV);
	LOG("fsopen fuse CLOEXEC");
	assert_string_equal(err.step, "fsopen");
	assert_int_equal(done.mntfd, -1);
}

static void test_create_einval_with_kernel_log(void **state)
{
	(void)state;
	req.blocking = blocking_hook;
	fail_on("fsconfig CMD_CREATE", EINVAL);
	kernel_says("e fuse: Bad value for 'fd'");

	assert_int_equal(run(), -EINVAL);
	LOG("fsopen fuse CLOEXEC",
	    "fsconfig SET_STRING source=/dev/fuse",
	    "fsconfig SET_STRING fd=5",
	    "fsconfig SET_STRING rootmode=40000",
	    "fsconfig SET_STRING user_id=1000",
	    "fsconfig SET_STRING group_id=100",
	    "blocking begin",
	    "fsconfig CMD_CREATE",
	    "blocking end",		/* also after a failure */
	    "close fs");
	assert_non_null(err.step);
	assert_string_equal(err.step, "fsconfig CMD_CREATE");
	if (!strstr(err.detail, "Bad value for 'fd'"))
		fail_msg("detail \"%s\" lacks the kernel's words", err.detail);
	assert_string_equal(err.detail, "fuse: Bad value for 'fd'");
	assert_int_equal(m.reads, 2);	/* the message, then ENODATA */
	assert_int_equal(done.mntfd, -1);
}

static void test_create_einval_empty_log(void **state)
{
	(void)state;
	fail_on("fsconfig CMD_CREATE", EINVAL);

	assert_int_equal(run(), -EINVAL);
	assert_string_equal(err.step, "fsconfig CMD_CREATE");
	assert_true(strlen(err.detail) > 0);	/* our explanation */
	assert_non_null(strstr(err.detail, "rootmode"));
	assert_int_equal(m.reads, 1);
	expect_fs_closed_last();
}

static void test_create_enotconn_explained(void **state)
{
	(void)state;
	fail_on("fsconfig CMD_CREATE", ENOTCONN);
	assert_int_equal(run(), -ENOTCONN);
	assert_string_equal(err.step, "fsconfig CMD_CREATE");
	assert_non_null(strstr(err.detail, "FUSE_INIT"));
	expect_fs_closed_last();
}

static void test_kernel_log_several_messages(void **state)
{
	(void)state;
	fail_on("fsconfig CMD_CREATE", EINVAL);
	kernel_says("w fuse: first");
	kernel_says("e fuse: second\n");
	kernel_says("x");	/* too short to carry a prefix */
	assert_int_equal(run(), -EINVAL);
	assert_string_equal(err.detail, "fuse: first; fuse: second; x");
	assert_int_equal(m.reads, 4);
}

static void test_kernel_log_overflow(void **state)
{
	static char big[300];

	(void)state;
	memset(big, 'k', sizeof(big) - 1);
	big[0] = 'e';
	big[1] = ' ';
	fail_on("fsconfig CMD_CREATE", EINVAL);
	for (int i = 0; i < 6; i++)
		kernel_says(big);
	assert_int_equal(run(), -EINVAL);
	assert_true(strlen(err.detail) < sizeof(err.detail));
	assert_true(strlen(err.detail) > 400);
	expect_fs_closed_last();
}

static void test_subtype_rejected(void **state)
{
	static const int errs[] = { EINVAL, EOPNOTSUPP };

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(errs); i++) {
		setup(NULL);
		opts.subtype = s_sshfs;
		opts.fsname = s_fsname;
		fail_on("fsconfig SET_STRING subtype=", errs[i]);

		assert_int_equal(run(), 0);
		LOG("fsopen fuse CLOEXEC",
		    "fsconfig SET_STRING subtype=sshfs",
		    "fsconfig SET_STRING source=sshfs#me@host:/dir",
		    "fsconfig SET_STRING fd=5",
		    "fsconfig SET_STRING rootmode=40000",
		    "fsconfig SET_STRING user_id=1000",
		    "fsconfig SET_STRING group_id=100",
		    "fsconfig CMD_CREATE",
		    "fsmount CLOEXEC attrs=NOSUID|NODEV",
		    "move_mount 101 \"\" -> 7 \"\" F_EMPTY_PATH|T_EMPTY_PATH",
		    "close fs");
		assert_string_equal(done.type, "fuse");
		assert_string_equal(done.source, "sshfs#me@host:/dir");
	}
}

static void test_subtype_rejected_without_fsname(void **state)
{
	(void)state;
	opts.subtype = s_sshfs;
	fail_on("fsconfig SET_STRING subtype=", EINVAL);
	assert_int_equal(run(), 0);
	assert_true(log_has("fsconfig SET_STRING source=sshfs#"));
	assert_string_equal(done.type, "fuse");
	assert_string_equal(done.source, "sshfs#");
}

static void test_subtype_rejected_blkdev(void **state)
{
	(void)state;
	req.root = true;
	opts.blkdev = true;
	opts.subtype = s_sshfs;
	opts.fsname = s_loop;
	fail_on("fsconfig SET_STRING subtype=", EINVAL);
	assert_int_equal(run(), 0);
	/* fuseblk's source is the block device: no "subtype#" there */
	assert_true(log_has("fsconfig SET_STRING source=/dev/loop0"));
	assert_string_equal(done.type, "fuseblk");
	assert_string_equal(done.source, "/dev/loop0");
}

static void test_subtype_other_error(void **state)
{
	(void)state;
	opts.subtype = s_sshfs;
	fail_on("fsconfig SET_STRING subtype=", EPERM);
	assert_int_equal(run(), -EPERM);
	LOG("fsopen fuse CLOEXEC",
	    "fsconfig SET_STRING subtype=sshfs",
	    "close fs");
	assert_string_equal(err.step, "fsconfig subtype");
}

/* Each step fails in turn: its name, its errno, nothing after it. */
static void test_step_failures(void **state)
{
	static const struct {
		const char *fail;
		int err;
		const char *step;
		const char *last_call;	/* the failing call */
	} rows[] = {
		{ "fsconfig SET_STRING source=", EINVAL, "fsconfig source",
		  "fsconfig SET_STRING source=/dev/fuse" },
		{ "fsconfig SET_STRING fd=", EBADF, "fsconfig fd/rootmode/user_id/group_id",
		  "fsconfig SET_STRING fd=5" },
		{ "fsconfig SET_STRING rootmode=", EINVAL,
		  "fsconfig fd/rootmode/user_id/group_id",
		  "fsconfig SET_STRING rootmode=40000" },
		{ "fsconfig SET_STRING user_id=", EINVAL,
		  "fsconfig fd/rootmode/user_id/group_id",
		  "fsconfig SET_STRING user_id=1000" },
		{ "fsconfig SET_STRING group_id=", EINVAL,
		  "fsconfig fd/rootmode/user_id/group_id",
		  "fsconfig SET_STRING group_id=100" },
		{ "fsconfig SET_FLAG allow_other", EINVAL, "fsconfig options",
		  "fsconfig SET_FLAG allow_other" },
		{ "fsconfig SET_STRING max_read=", EINVAL, "fsconfig options",
		  "fsconfig SET_STRING max_read=4096" },
		{ "fsconfig SET_FLAG ro", EACCES, "fsconfig options",
		  "fsconfig SET_FLAG ro" },
		{ "fsconfig CMD_CREATE", ENOMEM, "fsconfig CMD_CREATE",
		  "fsconfig CMD_CREATE" },
		{ "fsmount", EPERM, "fsmount", "fsmount CLOEXEC attrs=RDONLY|NOSUID|NODEV" },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
		setup(NULL);
		opts.allow_other = true;
		opts.max_read = s_4096;
		opts.flags |= MS_RDONLY;
		req.blocking = blocking_hook;
		fail_on(rows[i].fail, rows[i].err);

		if (run() != -rows[i].err) {
			dump_log();
			fail_msg("%s: rc not -%d", rows[i].fail, rows[i].err);
		}
		assert_non_null(err.step);
		if (strcmp(err.step, rows[i].step) != 0)
			fail_msg("%s: step \"%s\", want \"%s\"", rows[i].fail,
				 err.step, rows[i].step);
		/* the failing call, then only the close */
		assert_true(m.n >= 2);
		if (strcmp(m.log[m.n - 2], rows[i].last_call) != 0 &&
		    !(strcmp(m.log[m.n - 2], "blocking end") == 0 &&
		      strcmp(m.log[m.n - 3], rows[i].last_call) == 0)) {
			dump_log();
			fail_msg("%s: calls went on after the failure", rows[i].fail);
		}
		expect_fs_closed_last();
		assert_int_equal(log_count("move_mount"), 0);
		assert_int_equal(done.mntfd, -1);
		/* blocking brackets CMD_CREATE only, so only if it was reached */
		assert_int_equal(log_count("blocking begin"),
				 log_count("fsconfig CMD_CREATE"));
		assert_int_equal(log_count("blocking end"),
				 log_count("fsconfig CMD_CREATE"));
	}
}

static void test_options_failure_detail(void **state)
{
	(void)state;
	opts.allow_other = true;
	fail_on("fsconfig SET_FLAG allow_other", EINVAL);
	kernel_says("e fuse: Unknown parameter 'allow_other'");
	assert_int_equal(run(), -EINVAL);
	assert_string_equal(err.step, "fsconfig options");
	assert_string_equal(err.detail, "fuse: Unknown parameter 'allow_other'");
}

static void test_move_mount_failure(void **state)
{
	(void)state;
	req.blocking = blocking_hook;
	fail_on("move_mount", EACCES);
	assert_int_equal(run(), -EACCES);
	LOG("fsopen fuse CLOEXEC",
	    "fsconfig SET_STRING source=/dev/fuse",
	    "fsconfig SET_STRING fd=5",
	    "fsconfig SET_STRING rootmode=40000",
	    "fsconfig SET_STRING user_id=1000",
	    "fsconfig SET_STRING group_id=100",
	    "blocking begin",
	    "fsconfig CMD_CREATE",
	    "blocking end",
	    "fsmount CLOEXEC attrs=NOSUID|NODEV",
	    "move_mount 101 \"\" -> 7 \"\" F_EMPTY_PATH|T_EMPTY_PATH",
	    "close mnt",		/* the detached mount is destroyed */
	    "close fs");
	assert_string_equal(err.step, "move_mount");
	assert_int_equal(done.mntfd, -1);
}

static void test_blocking_refused(void **state)
{
	(void)state;
	req.blocking = blocking_hook;
	m.refuse_block = true;
	assert_int_equal(run(), -ECONNRESET);
	LOG("fsopen fuse CLOEXEC",
	    "fsconfig SET_STRING source=/dev/fuse",
	    "fsconfig SET_STRING fd=5",
	    "fsconfig SET_STRING rootmode=40000",
	    "fsconfig SET_STRING user_id=1000",
	    "fsconfig SET_STRING group_id=100",
	    "blocking begin",	/* refused: no CMD_CREATE, no "end" */
	    "close fs");
	assert_string_equal(err.step, "fsconfig CMD_CREATE");
	assert_true(strlen(err.detail) > 0);
	assert_int_equal(done.mntfd, -1);
}

/* The attach hook brackets move_mount alone: after CMD_CREATE (which
 * may wait for the daemon) and fsmount (a detached mount). */
static void test_attach_hook_order(void **state)
{
	(void)state;
	req.blocking = blocking_hook;
	req.attach = attach_hook;
	req.attach_arg = &attach_arg_token;
	assert_int_equal(run(), 0);
	LOG("fsopen fuse CLOEXEC",
	    "fsconfig SET_STRING source=/dev/fuse",
	    "fsconfig SET_STRING fd=5",
	    "fsconfig SET_STRING rootmode=40000",
	    "fsconfig SET_STRING user_id=1000",
	    "fsconfig SET_STRING group_id=100",
	    "blocking begin",
	    "fsconfig CMD_CREATE",
	    "blocking end",
	    "fsmount CLOEXEC attrs=NOSUID|NODEV",
	    "attach begin",
	    "move_mount 101 \"\" -> 7 \"\" F_EMPTY_PATH|T_EMPTY_PATH",
	    "attach end",
	    "close fs");
	assert_int_equal(done.mntfd, MNT_FD);
}

/* refused: the detached mount is destroyed, never attached; the hook's
 * own error comes back, and no "end" */
static void test_attach_hook_refuses(void **state)
{
	(void)state;
	req.attach = attach_hook;
	req.attach_arg = &attach_arg_token;
	m.attach_refuse = ENOSPC;
	assert_int_equal(run(), -ENOSPC);
	LOG("fsopen fuse CLOEXEC",
	    "fsconfig SET_STRING source=/dev/fuse",
	    "fsconfig SET_STRING fd=5",
	    "fsconfig SET_STRING rootmode=40000",
	    "fsconfig SET_STRING user_id=1000",
	    "fsconfig SET_STRING group_id=100",
	    "fsconfig CMD_CREATE",
	    "fsmount CLOEXEC attrs=NOSUID|NODEV",
	    "attach begin",
	    "close mnt",
	    "close fs");
	assert_string_equal(err.step, "attach");
	assert_int_equal(done.mntfd, -1);
	assert_int_equal(m.reads, 0);	/* not the kernel's failure */
}

/* move_mount fails: "end" still comes, the mount is destroyed */
static void test_attach_hook_move_mount_failure(void **state)
{
	(void)state;
	req.attach = attach_hook;
	req.attach_arg = &attach_arg_token;
	fail_on("move_mount", ENOENT);
	assert_int_equal(run(), -ENOENT);
	assert_string_equal(m.log[m.n - 5], "attach begin");
	assert_string_equal(m.log[m.n - 3], "attach end");
	assert_string_equal(m.log[m.n - 2], "close mnt");
	assert_string_equal(err.step, "move_mount");
	expect_fs_closed_last();
}

/* an earlier failure never reaches the hook */
static void test_attach_hook_not_reached(void **state)
{
	(void)state;
	req.attach = attach_hook;
	req.attach_arg = &attach_arg_token;
	fail_on("fsmount", EMFILE);
	assert_int_equal(run(), -EMFILE);
	assert_int_equal(log_count("attach"), 0);
	expect_fs_closed_last();
}

static void test_blocking_null_is_fine(void **state)
{
	(void)state;
	req.blocking = NULL;
	fail_on("fsconfig CMD_CREATE", EINTR);
	assert_int_equal(run(), -EINTR);
	assert_int_equal(log_count("blocking"), 0);
	expect_fs_closed_last();
}

int main(void)
{
#define T(f) cmocka_unit_test_setup(f, setup)
	const struct CMUnitTest tests[] = {
		T(test_normal_non_root),
		T(test_minimal),
		T(test_source_choice),
		T(test_value_options),
		T(test_flags_table),
		T(test_blkdev),
		T(test_fsopen_enosys),
		T(test_fsopen_other_error),
		T(test_create_einval_with_kernel_log),
		T(test_create_einval_empty_log),
		T(test_create_enotconn_explained),
		T(test_kernel_log_several_messages),
		T(test_kernel_log_overflow),
		T(test_subtype_rejected),
		T(test_subtype_rejected_without_fsname),
		T(test_subtype_rejected_blkdev),
		T(test_subtype_other_error),
		T(test_step_failures),
		T(test_options_failure_detail),
		T(test_move_mount_failure),
		T(test_blocking_refused),
		T(test_blocking_null_is_fine),
		T(test_attach_hook_order),
		T(test_attach_hook_refuses),
		T(test_attach_hook_move_mount_failure),
		T(test_attach_hook_not_reached),
	};
#undef T

	return cmocka_run_group_tests_name("fsmount", tests, NULL, NULL);
}
