// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_prepare.c - prepare.c's verdicts: every refusal the prepare phase
 * can give, with its exact text, errno and fuse.conf line, and the notes
 * it says on the way.  No root and no fork: fuse.conf is a file of the
 * test's own (open of FUSE_CONF is redirected to it), the device is
 * /dev/null, the mountpoint a temp dir; what the test cannot arrange as
 * an unprivileged user (a failed open, access(2) saying no, the
 * filesystem type, the mount count, the trust in fuse.conf's owner, root's
 * file access, a mount on the way up) is replaced with --wrap.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <cmocka.h>

#include "mctx.h"
#include "mountdir.h"
#include "mounts.h"
#include "prepare.h"
#include "privs.h"
#include "utab.h"
#include "verdict.h"

#define UID 4242		/* the caller: not root, owns nothing here */
#define EXT4 0xEF53UL

/* ================================================================ mocks */

static struct {
	char conf[256];		/* fuse.conf's stand-in; "" = none (ENOENT) */
	int conf_errno[2];	/* the 1st/2nd open of FUSE_CONF fails so */
	int conf_opens;
	int trusted;		/* conf_file_trusted(): -1 real, else this */
	const char *fail_open;	/* open() of this path fails with ... */
	int fail_open_errno;
	int access_errno;	/* access(2) W_OK says no with this */
	unsigned long fs_type;	/* fstatfs f_type */
	const char *fs_name;	/* the kernel's name; NULL: the real one */
	int count_err;		/* mounts_count_fuse: -errno, or counts */
	long total, mine;
	int counts;		/* calls of mounts_count_fuse */
	int all_err;		/* mounts_count_all: -errno, or all */
	long all;
	int fsroot_err;		/* privs_fsroot_begin */
	int find_err;		/* mountdir_find: 0 real, else this */
	bool fail_realloc;
} mk;

int __real_open(const char *path, int flags, ...);

/* prepare.c opens FUSE_CONF with open(2) (O_NONBLOCK) and fdopen(3) */
static int open_conf(int flags)
{
	if (mk.conf_opens < 2 && mk.conf_errno[mk.conf_opens]) {
		errno = mk.conf_errno[mk.conf_opens++];
		return -1;
	}
	mk.conf_opens++;
	if (!mk.conf[0]) {
		errno = ENOENT;
		return -1;
	}
	return __real_open(mk.conf, flags);
}

bool __real_conf_file_trusted(uid_t owner, mode_t mode);
bool __wrap_conf_file_trusted(uid_t owner, mode_t mode);
bool __wrap_conf_file_trusted(uid_t owner, mode_t mode)
{
	if (mk.trusted >= 0)
		return mk.trusted;
	return __real_conf_file_trusted(owner, mode);
}

int __wrap_open(const char *path, int flags, ...);
int __wrap_open(const char *path, int flags, ...)
{
	mode_t m = 0;
	va_list ap;

	if (strcmp(path, FUSE_CONF) == 0)
		return open_conf(flags);
	if (mk.fail_open && strcmp(path, mk.fail_open) == 0) {
		errno = mk.fail_open_errno;
		return -1;
	}
	va_start(ap, flags);
	if (flags & (O_CREAT | O_TMPFILE))
		m = (mode_t)va_arg(ap, int);
	va_end(ap);
	return __real_open(path, flags, m);
}

int __real_access(const char *path, int how);
int __wrap_access(const char *path, int how);
int __wrap_access(const char *path, int how)
{
	if (how == W_OK && mk.access_errno) {
		errno = mk.access_errno;
		return -1;
	}
	return how == W_OK ? 0 : __real_access(path, how);
}

int __real_fstatfs(int fd, struct statfs *s);
int __wrap_fstatfs(int fd, struct statfs *s);
int __wrap_fstatfs(int fd, struct statfs *s)
{
	int e = __real_fstatfs(fd, s);

	if (!e)
		s->f_type = (__fsword_t)mk.fs_type;
	return e;
}

/* the kernel's name of the mountpoint's filesystem type, when faked */
int __real_mounts_id_at(int dirfd, const char *name, struct mnt_ref *ref);
int __wrap_mounts_id_at(int dirfd, const char *name, struct mnt_ref *ref);
int __wrap_mounts_id_at(int dirfd, const char *name, struct mnt_ref *ref)
{
	if (!mk.fs_name)
		return __real_mounts_id_at(dirfd, name, ref);
	ref->id = 77;
	ref->unique = true;
	return 0;
}

int __real_mounts_info(const struct mnt_ref *ref, struct mnt_info *mi);
int __wrap_mounts_info(const struct mnt_ref *ref, struct mnt_info *mi);
int __wrap_mounts_info(const struct mnt_ref *ref, struct mnt_info *mi)
{
	if (!mk.fs_name)
		return __real_mounts_info(ref, mi);
	memset(mi, 0, sizeof(*mi));
	snprintf(mi->fstype, sizeof(mi->fstype), "%s", mk.fs_name);
	return 0;
}

int __wrap_mounts_count_fuse(uid_t uid, long *total, long *mine);
int __wrap_mounts_count_fuse(uid_t uid, long *total, long *mine)
{
	assert_int_equal(uid, UID);
	mk.counts++;
	*total = mk.total;
	*mine = mk.mine;
	return mk.count_err;
}

int __wrap_mounts_count_all(long *n);
int __wrap_mounts_count_all(long *n)
{
	*n = mk.all;
	return mk.all_err;
}

int __wrap_privs_fsroot_begin(const struct privs *p);
int __wrap_privs_fsroot_begin(const struct privs *p)
{
	(void)p;
	return mk.fsroot_err;
}

void __wrap_privs_fsroot_end(const struct privs *p);
void __wrap_privs_fsroot_end(const struct privs *p)
{
	(void)p;
}

int __real_mountdir_find(int fd, const struct dir_id *allowed, size_t n,
			 uid_t uid, size_t *which);
int __wrap_mountdir_find(int fd, const struct dir_id *allowed, size_t n,
			 uid_t uid, size_t *which);
int __wrap_mountdir_find(int fd, const struct dir_id *allowed, size_t n,
			 uid_t uid, size_t *which)
{
	if (mk.find_err)
		return mk.find_err;
	return __real_mountdir_find(fd, allowed, n, uid, which);
}

void *__real_realloc(void *p, size_t n);
void *__wrap_realloc(void *p, size_t n);
void *__wrap_realloc(void *p, size_t n)
{
	return mk.fail_realloc ? NULL : __real_realloc(p, n);
}

/* ================================================================ notes */

static struct {
	int n;
	enum note_how how[8];
	char text[8][512];
} said;

static void collect(void *arg, enum note_how how, const char *text)
{
	(void)arg;
	assert_true(said.n < 8);
	said.how[said.n] = how;
	snprintf(said.text[said.n++], sizeof(said.text[0]), "%s", text);
}

static const struct notes notes = { .say = collect };

/* ================================================================ setup */

static char dir[64];		/* the test's temp dir */
static char mp[128];		/* dir/mp, the mountpoint */
static struct privs pv;
static struct mctx c;

static void write_conf(const char *text)
{
	FILE *f;

	snprintf(mk.conf, sizeof(mk.conf), "%s/fuse.conf", dir);
	f = fopen(mk.conf, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* The job with mountpoint path (relative to dir unless absolute). */
static void job(const char *path, const char *opts)
{
	char p[4096];

	close_fd(&c.devfd);
	close_fd(&c.parentfd);
	close_fd(&c.pinfd);
	mctx_free(&c);
	memset(&c, 0, sizeof(c));
	mctx_init(&c);
	c.pv = &pv;
	c.out = &notes;
	c.opts = opts;
	c.device = "/dev/null";
	snprintf(p, sizeof(p), "%s%s%s", path[0] == '/' ? "" : dir,
		 path[0] == '/' ? "" : "/", path);
	assert_int_equal(mpath_resolve(p, &c.path), 0);
}

static int setup(void **state)
{
	(void)state;
	memset(&mk, 0, sizeof(mk));
	memset(&said, 0, sizeof(said));
	mk.trusted = 1;
	mk.fs_type = EXT4;
	mk.all_err = -ENOSYS;	/* the FUSE mounts counted, unless a test says */
	snprintf(dir, sizeof(dir), "/tmp/fm-prepare.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(mp, sizeof(mp), "%s/mp", dir);
	assert_int_equal(mkdir(mp, 0755), 0);
	pv = (struct privs){ .uid = UID, .gid = UID, .can_mount = true,
			     .can_fsroot = true };
	memset(&c, 0, sizeof(c));
	job("mp", "");
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	close_fd(&c.devfd);
	close_fd(&c.parentfd);
	close_fd(&c.pinfd);
	mctx_free(&c);
	memset(&c, 0, sizeof(c));
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	return 0;
}

/* prepare() refuses with exactly this text, errno and line */
static void refused(int err, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void refused(int err, int line, const char *fmt, ...)
{
	struct verdict v = prepare(&c);
	char want[8192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(want, sizeof(want), fmt, ap);
	va_end(ap);
	assert_int_equal(v.kind, V_REFUSED);
	assert_string_equal(v.text, want);
	assert_int_equal(v.err, err);
	assert_int_equal(v.line, line);
	verdict_free(&v);
}

static void go(void)
{
	struct verdict v = prepare(&c);

	if (v.kind)
		fail_msg("refused: %s", v.text);
	assert_null(v.text);
}

/* ================================================================ tests */

static void t_allowed(void **state)
{
	(void)state;
	go();
	assert_true(c.devfd >= 0 && c.pinfd >= 0 && c.parentfd >= 0);
	assert_int_equal(c.rootmode, S_IFDIR);
	assert_int_equal(said.n, 0);
}

/* --------------------------------------------------------------- device */

static void t_device_not_found(void **state)
{
	(void)state;
	c.device = "/dev/fm-unit-no-such-device";
	refused(ENOENT, 0, "fuse device /dev/fm-unit-no-such-device not found. "
		"Kernel module not loaded?");
}

static void t_device_open_failed(void **state)
{
	(void)state;
	mk.fail_open = "/dev/null";
	mk.fail_open_errno = EACCES;
	refused(EACCES, 0, "failed to open /dev/null: Permission denied");
}

static void t_device_name_notes(void **state)
{
	(void)state;
	c.device = "/tmp/fuse";		/* not under /dev: the default */
	mk.fail_open = "/dev/fuse";
	mk.fail_open_errno = ENODEV;
	refused(ENODEV, 0, "fuse device /dev/fuse not found. Kernel module not loaded?");
	assert_int_equal(said.n, 1);
	assert_int_equal(said.how[0], NOTE_BARE);
	assert_string_equal(said.text[0], "fuse: invalid device name from "
			    "FUSE_KERN_DEVICE: /tmp/fuse (must start with /dev/)");

	said.n = 0;
	job("mp", "");
	c.device = "/dev/";		/* a directory */
	refused(ENODEV, 0, "fuse device /dev/fuse not found. Kernel module not loaded?");
	assert_int_equal(said.n, 1);
	assert_string_equal(said.text[0], "fuse: invalid device from "
			    "FUSE_KERN_DEVICE: /dev/ (not a character device)");
}

/* ------------------------------------------------------------ fuse.conf */

static void t_conf_read_failed(void **state)
{
	(void)state;
	snprintf(mk.conf, sizeof(mk.conf), "%s", dir);	/* a directory: EISDIR */
	refused(EIO, 0, "reading " FUSE_CONF ": read failed");
}

static void t_conf_open_failed(void **state)
{
	struct verdict v;

	(void)state;
	mk.conf_errno[0] = EMFILE;
	v = prepare(&c);
	assert_int_equal(v.kind, V_FAILED);
	assert_int_equal(v.err, EMFILE);
	assert_string_equal(v.text, "failed to open " FUSE_CONF ": Too many open files");
	verdict_free(&v);
}

static void t_conf_benign_open_error(void **state)
{
	(void)state;
	mk.conf_errno[0] = ELOOP;
	go();
	assert_int_equal(said.n, 1);
	assert_int_equal(said.how[0], NOTE_TOLD);
	assert_string_equal(said.text[0], "failed to open " FUSE_CONF ": Too many "
			    "levels of symbolic links");
}

static void t_conf_unreadable_no_root_access(void **state)
{
	(void)state;
	mk.conf_errno[0] = EACCES;
	mk.fsroot_err = -EPERM;
	refused(EACCES, 0, "cannot read " FUSE_CONF " to learn its mount policy; "
		"non-root mounts are refused");
	assert_string_equal(said.text[0], "failed to open " FUSE_CONF
			    ": Permission denied");
	assert_false(c.conf_hidden);

	mk.fsroot_err = 0;	/* root's access, and still not readable */
	mk.conf_errno[1] = EACCES;
	mk.conf_opens = 0;
	close_fd(&c.devfd);
	c.conf_read = false;
	refused(EACCES, 0, "cannot read " FUSE_CONF " to learn its mount policy; "
		"non-root mounts are refused");
}

static void t_conf_unreadable_sets_policy(void **state)
{
	(void)state;
	write_conf("# policy\nuser_allow_other\nuser_mount_max = 3\n");
	mk.conf_errno[0] = EACCES;
	refused(EACCES, 3, FUSE_CONF " is not readable by the caller but sets mount "
		"policy; non-root mounts are refused");
	assert_true(c.conf_hidden);
}

static void t_conf_unreadable_classic_only(void **state)
{
	(void)state;
	write_conf("user_allow_other\nmount_max = 5\n");
	mk.conf_errno[0] = EACCES;
	job("mp", "allow_other");
	/* the defaults, not the file: allow_other is not allowed */
	refused(EPERM, 0, "option allow_other only allowed if 'user_allow_other' "
		"is set in " FUSE_CONF);
	assert_true(c.conf_hidden);
}

static void t_conf_bad_line(void **state)
{
	(void)state;
	write_conf("mount_max = 10\n\nuser_mount_max = many\n");
	refused(EPERM, 3, FUSE_CONF " line 3: user_mount_max takes a number from 0 "
		"to 2147483647; non-root mounts are refused");
	assert_int_equal(said.n, 0);	/* said to root only */
}

static void t_conf_untrusted(void **state)
{
	(void)state;
	write_conf("\nlog = refusals\n");
	mk.trusted = 0;
	refused(EPERM, 2, FUSE_CONF " sets mount policy but is not owned by root or "
		"is writable by group or others; non-root mounts are refused");
}

static void t_conf_diag_notes(void **state)
{
	(void)state;
	write_conf("mount_max = -7\nfrobnicate\nuser_allow_other");
	go();
	assert_int_equal(said.n, 3);
	assert_string_equal(said.text[0], "invalid mount_max = -7 in " FUSE_CONF
			    " at line 1");
	assert_string_equal(said.text[1], "unknown parameter in " FUSE_CONF
			    " at line 2: 'frobnicate'");
	assert_string_equal(said.text[2], "reading " FUSE_CONF ": missing newline "
			    "at end of file");
}

static void t_conf_line_too_long(void **state)
{
	char text[600];

	(void)state;
	snprintf(text, sizeof(text), "user_allow_other\n# %0400d\n", 0);
	write_conf(text);
	go();
	assert_int_equal(said.n, 1);
	assert_string_equal(said.text[0], "reading " FUSE_CONF ": line 2 too long");
}

/* ---------------------------------------------------------- mount_max */

static void t_count_failed(void **state)
{
	(void)state;
	write_conf("mount_max = 10\n");
	mk.count_err = -ENOMEM;
	refused(ENOMEM, 0, "failed to list mounts: Cannot allocate memory");
}

static void t_mount_max(void **state)
{
	(void)state;
	write_conf("\nmount_max = 2\n");
	mk.total = 2;
	refused(ENOSPC, 2, "too many FUSE filesystems mounted; mount_max=N can be "
		"set in " FUSE_CONF);
	mk.total = 1;
	close_fd(&c.devfd);
	c.conf_read = false;
	go();
}

static void t_user_mount_max(void **state)
{
	(void)state;
	write_conf("mount_max = 100\nuser_mount_max = 1\n");
	mk.total = 3;
	mk.mine = 1;
	refused(EDQUOT, 2, "too many FUSE filesystems mounted by this user; "
		"user_mount_max=1 is set in " FUSE_CONF);
}

/* prepare() once more, from the start */
static void again(void)
{
	close_fd(&c.devfd);
	close_fd(&c.parentfd);
	close_fd(&c.pinfd);
	c.conf_read = false;
}

/* Fewer mounts of any type than the limits: the FUSE mounts are not
 * counted; as many as a limit: they are, and they decide. */
static void t_mount_max_by_all(void **state)
{
	(void)state;
	write_conf("mount_max = 2\nuser_mount_max = 3\n");
	mk.all_err = 0;
	mk.all = 1;
	go();
	assert_int_equal(mk.counts, 0);
	mk.all = 2;
	mk.total = 1;
	again();
	go();
	assert_int_equal(mk.counts, 1);
	mk.total = 2;
	again();
	refused(ENOSPC, 1, "too many FUSE filesystems mounted; mount_max=N can be "
		"set in " FUSE_CONF);
	assert_int_equal(mk.counts, 2);
}

static void t_user_mount_max_by_all(void **state)
{
	(void)state;
	write_conf("mount_max = 100\nuser_mount_max = 1\n");
	mk.all_err = 0;
	mk.all = 0;
	go();
	assert_int_equal(mk.counts, 0);
	mk.all = 1;
	mk.total = 3;
	mk.mine = 1;
	again();
	refused(EDQUOT, 2, "too many FUSE filesystems mounted by this user; "
		"user_mount_max=1 is set in " FUSE_CONF);
	assert_int_equal(mk.counts, 1);
}

/* --------------------------------------------------------- mountpoint */

static void t_mountpoint_missing(void **state)
{
	char sub[160];

	(void)state;
	snprintf(sub, sizeof(sub), "%s/sub", dir);
	assert_int_equal(mkdir(sub, 0755), 0);
	job("sub/mp", "");
	assert_int_equal(rmdir(sub), 0);	/* the parent, gone since */
	refused(ENOENT, 0, "failed to access mountpoint %s/sub/mp: No such file "
		"or directory", dir);
	job("nothing", "");
	refused(ENOENT, 0, "failed to access mountpoint %s/nothing: No such file or "
		"directory", dir);
}

static void t_mountpoint_not_owner(void **state)
{
	(void)state;
	assert_int_equal(chmod(mp, 01777), 0);
	refused(EPERM, 0, "mountpoint %s not owned by user", mp);
}

static void t_mountpoint_no_write(void **state)
{
	char file[160];
	int fd;

	(void)state;
	mk.access_errno = EACCES;
	refused(EACCES, 0, "user has no write access to mountpoint %s", mp);

	snprintf(file, sizeof(file), "%s/file", dir);
	fd = creat(file, 0644);
	assert_true(fd >= 0);
	close(fd);
	close_fd(&c.devfd);
	close_fd(&c.parentfd);
	close_fd(&c.pinfd);
	job("file", "");
	refused(EACCES, 0, "failed to open %s: Permission denied", file);
}

static void t_mountpoint_bad_type(void **state)
{
	char link[160];

	(void)state;
	snprintf(link, sizeof(link), "%s/link", dir);
	assert_int_equal(symlink("mp", link), 0);
	job("link", "");	/* not followed: the symlink itself */
	refused(ENOTDIR, 0, "mountpoint %s is not a directory or a regular file", link);
}

static void t_mountpoint_fstype(void **state)
{
	(void)state;
	mk.fs_type = 0x9FA0;	/* proc, the name ours */
	mk.fs_name = "";
	refused(EPERM, 0, "mounting over filesystem type 0x00009fa0 (proc) is forbidden");

	job("mp", "");
	mk.fs_type = 0x12345678;
	refused(EPERM, 0, "mounting over filesystem type 0x12345678 is forbidden");

	job("mp", "");
	mk.fs_type = 0x01021994;	/* tmpfs's magic, devtmpfs's name */
	mk.fs_name = "devtmpfs";
	refused(EPERM, 0, "mounting over filesystem type 0x01021994 (devtmpfs) is "
		"forbidden");
}

/* ---------------------------------------------------------- mount_dir */

static void t_mount_dir(void **state)
{
	char text[200];

	(void)state;
	snprintf(text, sizeof(text), "mount_max = 9\nmount_dir = %s\n", dir);
	write_conf(text);
	go();
	assert_int_equal(c.mount_dir_line, 2);
}

static void t_not_within_mount_dir(void **state)
{
	(void)state;
	write_conf("\n\nmount_dir = /nonexistent-fm-unit\nmount_dir = /proc\n");
	refused(EACCES, 3, "mountpoint %s is not within a mount_dir of " FUSE_CONF, mp);
}

static void t_mount_dir_crosses_mount(void **state)
{
	char text[200];

	(void)state;
	snprintf(text, sizeof(text), "mount_dir = %s\n", dir);
	write_conf(text);
	mk.find_err = -EXDEV;
	refused(EXDEV, 1, "mountpoint %s is not within a mount_dir of " FUSE_CONF
		" (the way up crosses another mount)", mp);
}

static void t_mount_dir_unknown(void **state)
{
	char text[200];

	(void)state;
	snprintf(text, sizeof(text), "mount_dir = %s\n", dir);
	write_conf(text);
	mk.find_err = -EIO;
	refused(EIO, 0, "cannot tell whether mountpoint %s is within a mount_dir: "
		"Input/output error", mp);
}

/* ------------------------------------------------------------ options */

static void t_option_allow_other(void **state)
{
	(void)state;
	job("mp", "rw,allow_root");
	refused(EPERM, 0, "option allow_root only allowed if 'user_allow_other' is "
		"set in " FUSE_CONF);
	close_fd(&c.devfd);
	close_fd(&c.parentfd);
	close_fd(&c.pinfd);
	write_conf("\nuser_allow_other\n");
	job("mp", "allow_other");
	go();
	assert_true(c.o.allow_other);
	assert_int_equal(c.allow_other_line, 2);
}

static void t_option_blkdev(void **state)
{
	(void)state;
	job("mp", "blkdev");
	refused(EPERM, 0, "option blkdev is privileged");
}

static void t_option_too_long(void **state)
{
	static char opts[FM_OPTS_MAX + 2];

	(void)state;
	memset(opts, 'a', sizeof(opts) - 1);
	job("mp", opts);
	refused(E2BIG, 0, "mount options too long");
}

static void t_option_bad_value(void **state)
{
	(void)state;
	job("mp", "ro,fsname=,nodev");
	refused(EINVAL, 0, "invalid value in option 'fsname='");
}

static void t_option_nomem(void **state)
{
	struct verdict v;

	(void)state;
	job("mp", "x-a");
	mk.fail_realloc = true;
	v = prepare(&c);
	mk.fail_realloc = false;
	assert_int_equal(v.kind, V_REFUSED);
	assert_string_equal(v.text, "failed to allocate memory");
	assert_int_equal(v.err, ENOMEM);
	verdict_free(&v);
}

static void t_option_unknown(void **state)
{
	(void)state;
	job("mp", "ro,frob=1,rw");
	refused(EINVAL, 0, "unknown option 'frob=1'");
}

static void t_option_unsafe_note(void **state)
{
	(void)state;
	job("mp", "suid");
	go();
	assert_int_equal(said.n, 1);
	assert_string_equal(said.text[0], "unsafe option suid ignored");
}

static void t_reattach_needs_auto_unmount(void **state)
{
	(void)state;
	job("mp", "reattach");
	refused(EINVAL, 0, "option reattach needs auto_unmount");
}

static void t_reattach_needs_caps(void **state)
{
	(void)state;
	pv.can_fsroot = false;
	job("mp", "auto_unmount,reattach=5");
	refused(EPERM, 0, "option reattach needs the helper to hold CAP_SETUID and "
		"CAP_SETGID");
}

static void t_reattach_off(void **state)
{
	(void)state;
	write_conf("reattach_grace_max = 0\n");
	job("mp", "auto_unmount,reattach");
	refused(EPERM, 1, "option reattach is not allowed: reattach_grace_max=0 is "
		"set in " FUSE_CONF);
}

static void t_reattach_over(void **state)
{
	(void)state;
	write_conf("\nreattach_grace_max = 10\n");
	job("mp", "auto_unmount,reattach=11");
	refused(EPERM, 2, "option reattach=11 is more than reattach_grace_max=10 "
		"set in " FUSE_CONF);
	close_fd(&c.devfd);
	close_fd(&c.parentfd);
	close_fd(&c.pinfd);
	job("mp", "auto_unmount,reattach=10");
	go();
}

/* ------------------------------------------------------- record size */

static void t_x_opts_too_long(void **state)
{
	static char opts[FM_UTAB_X_OPTS_MAX + 8];

	(void)state;
	memcpy(opts, "x-", 2);
	memset(opts + 2, 'y', FM_UTAB_X_OPTS_MAX - 1);	/* one byte over */
	job("mp", opts);
	refused(ENAMETOOLONG, 0, "x- options too long (more than 1024 bytes) to "
		"record in " FM_UTAB);
}

static void t_target_too_long(void **state)
{
	char path[FM_UTAB_TARGET_MAX + 200];
	size_t n;

	(void)state;
	/* a real path longer than the bound, made of 200-byte names */
	n = (size_t)snprintf(path, sizeof(path), "%s", dir);
	while (n < FM_UTAB_TARGET_MAX) {
		path[n++] = '/';
		memset(path + n, 'd', 200);
		n += 200;
		path[n] = '\0';
		assert_int_equal(mkdir(path, 0755), 0);
	}
	job(path, "");
	refused(ENAMETOOLONG, 0, "mountpoint %s too long (more than 1024 bytes) to "
		"record in " FM_UTAB, path);
}

/* --------------------------------------------------- root: no refusals */

static void t_root_is_not_refused(void **state)
{
	(void)state;
	pv.uid = 0;
	pv.root = true;
	write_conf("user_mount_max = x\nmount_dir = /nonexistent-fm-unit\n");
	mk.access_errno = EACCES;
	mk.fs_type = 0x9FA0;
	job("mp", "allow_other,blkdev");
	go();
	assert_int_equal(said.n, 1);	/* the bad line, said to root */
	assert_string_equal(said.text[0], FUSE_CONF " line 1: user_mount_max takes "
			    "a number from 0 to 2147483647 (ignored)");
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(t_allowed),
		T(t_device_not_found),
		T(t_device_open_failed),
		T(t_device_name_notes),
		T(t_conf_read_failed),
		T(t_conf_open_failed),
		T(t_conf_benign_open_error),
		T(t_conf_unreadable_no_root_access),
		T(t_conf_unreadable_sets_policy),
		T(t_conf_unreadable_classic_only),
		T(t_conf_bad_line),
		T(t_conf_untrusted),
		T(t_conf_diag_notes),
		T(t_conf_line_too_long),
		T(t_count_failed),
		T(t_mount_max),
		T(t_user_mount_max),
		T(t_mount_max_by_all),
		T(t_user_mount_max_by_all),
		T(t_mountpoint_missing),
		T(t_mountpoint_not_owner),
		T(t_mountpoint_no_write),
		T(t_mountpoint_bad_type),
		T(t_mountpoint_fstype),
		T(t_mount_dir),
		T(t_not_within_mount_dir),
		T(t_mount_dir_crosses_mount),
		T(t_mount_dir_unknown),
		T(t_option_allow_other),
		T(t_option_blkdev),
		T(t_option_too_long),
		T(t_option_bad_value),
		T(t_option_nomem),
		T(t_option_unknown),
		T(t_option_unsafe_note),
		T(t_reattach_needs_auto_unmount),
		T(t_reattach_needs_caps),
		T(t_reattach_off),
		T(t_reattach_over),
		T(t_x_opts_too_long),
		T(t_target_too_long),
		T(t_root_is_not_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
