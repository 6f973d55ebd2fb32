// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * prepare.c - may this user mount here? (prepare.h)  Run as the caller;
 * the first refusal is the verdict, and nothing has left the helper yet.
 *
 * Order: open the device, read fuse.conf (broken or untrusted policy
 * refuses every non-root mount), count the mounts (an early answer; the
 * exact count is mountmax.c's, at attach), pin the mountpoint
 * (O_PATH|O_NOFOLLOW relative to its parent) and decide on that inode,
 * mount_dir, the options, the size of the utab record.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "log.h"
#include "mountdir.h"
#include "mountmax.h"
#include "mounts.h"
#include "policy.h"
#include "prepare.h"
#include "privs.h"
#include "utab.h"

/* ------------------------------------------------------------- device */

static const char *device_name(const struct mctx *c)
{
	const char *d = c->device;
	struct stat st;

	if (!d)
		return "/dev/fuse";
	if (strncmp(d, "/dev/", 5) != 0) {
		note_bare(c->out, "fuse: invalid device name from FUSE_KERN_DEVICE: "
			  "%s (must start with /dev/)", d);
		return "/dev/fuse";
	}
	if (stat(d, &st) == 0 && !S_ISCHR(st.st_mode)) {
		note_bare(c->out, "fuse: invalid device from FUSE_KERN_DEVICE: %s "
			  "(not a character device)", d);
		return "/dev/fuse";
	}
	return d;
}

static struct verdict open_device(struct mctx *c)
{
	int e;

	c->devname = device_name(c);
	c->devfd = open(c->devname, O_RDWR | O_CLOEXEC);
	if (c->devfd >= 0)
		return VERDICT_GO;
	e = errno;
	if (e == ENODEV || e == ENOENT)
		return verdict_refuse(e, 0, "fuse device %s not found. Kernel module "
				      "not loaded?", c->devname);
	return verdict_refuse(e, 0, "failed to open %s: %s", c->devname, strerror(e));
}

/* ---------------------------------------------------------- fuse.conf */

static void conf_diag(void *arg, enum conf_diag d, int line, const char *text)
{
	const struct mctx *c = arg;

	switch (d) {
	case CONF_LINE_TOO_LONG:
		note(c->out, "reading %s: line %i too long", FUSE_CONF, line);
		break;
	case CONF_NO_FINAL_NEWLINE:
		note(c->out, "reading %s: missing newline at end of file", FUSE_CONF);
		break;
	case CONF_BAD_MOUNT_MAX:
		note(c->out, "invalid mount_max = %s in %s at line %i", text,
		     FUSE_CONF, line);
		break;
	case CONF_UNKNOWN_KEY:
		note(c->out, "unknown parameter in %s at line %i: '%s'", FUSE_CONF,
		     line, text);
		break;
	case CONF_BAD_NEW_KEY:	/* non-root callers are refused with it later */
		if (c->pv->root)
			note(c->out, "%s line %i: %s (ignored)", FUSE_CONF, line, text);
		break;
	}
}

/* Only a regular file is read to its end: a FIFO or a device (a link to
 * /dev/zero) would never end.  A directory fails at its first read. */
static bool conf_kind_ok(const struct stat *st)
{
	return S_ISREG(st->st_mode) || S_ISDIR(st->st_mode);
}

/* Parses an open fuse.conf; the file's owner and mode say whether the
 * new keys may be trusted. */
static struct verdict parse_conf_file(struct mctx *c, FILE *f, conf_diag_fn diag)
{
	struct stat st;
	int e;

	e = fstat(fileno(f), &st) ? -errno : 0;
	if (!e && !conf_kind_ok(&st)) {
		fclose(f);
		return verdict_refuse(EINVAL, 0, "reading %s: not a regular file",
				      FUSE_CONF);
	}
	if (!e)
		e = conf_parse(f, &c->conf, diag, c);
	fclose(f);
	if (e)
		return verdict_refuse(e < 0 ? -e : EIO, 0, "reading %s: read failed",
				      FUSE_CONF);
	c->conf_trusted = conf_file_trusted(st.st_uid, st.st_mode);
	log_set_level(c->conf_trusted ? c->conf.log : CONF_LOG_ALL);
	return VERDICT_GO;
}

/* fuse.conf for reading, with buf (BUFSIZ bytes, to outlive the stream)
 * as its buffer: stdio then does not fstat(2) the file to size one of its
 * own (parse_conf_file takes the one fstat that is needed).  O_NONBLOCK:
 * opening a FIFO must not wait for a writer (conf_kind_ok refuses it). */
static FILE *conf_open(char *buf)
{
	int fd = open(FUSE_CONF, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	FILE *f = fd < 0 ? NULL : fdopen(fd, "r");
	int e = errno;

	if (f)
		setvbuf(f, buf, _IOFBF, BUFSIZ);
	else if (fd >= 0)
		close(fd);
	errno = e;
	return f;
}

static void quiet_diag(void *arg, enum conf_diag d, int line, const char *text)
{
	(void)arg, (void)d, (void)line, (void)text;
}

enum conf_log prepare_log_level(void)
{
	char buf[BUFSIZ];
	FILE *f = conf_open(buf);
	enum conf_log level = CONF_LOG_ALL;
	struct fuse_conf k;
	struct stat st;

	if (!f)
		return level;
	conf_defaults(&k);
	if (fstat(fileno(f), &st) == 0 && conf_kind_ok(&st) &&
	    conf_parse(f, &k, quiet_diag, NULL) == 0 &&
	    conf_file_trusted(st.st_uid, st.st_mode))
		level = k.log;
	fclose(f);
	return level;
}

/*
 * The caller may not read fuse.conf.  The reference then goes on with the
 * defaults; we do too, unless the file sets policy keys, which we look for
 * with root's file access (the caller learns only that there are some).
 */
static struct verdict peek_unreadable_conf(struct mctx *c)
{
	char buf[BUFSIZ];
	struct verdict v;
	FILE *f = NULL;

	if (c->pv->root)
		return VERDICT_GO;
	if (privs_fsroot_begin(c->pv) == 0) {
		f = conf_open(buf);
		privs_fsroot_end(c->pv);
	}
	if (!f)
		return verdict_refuse(EACCES, 0, "cannot read %s to learn its mount "
				      "policy; non-root mounts are refused", FUSE_CONF);
	c->conf_hidden = true;
	v = parse_conf_file(c, f, quiet_diag);
	if (v.kind)
		return v;
	if (c->conf.new_key_line)
		return verdict_refuse(EACCES, c->conf.new_key_line, "%s is not readable "
				      "by the caller but sets mount policy; non-root "
				      "mounts are refused", FUSE_CONF);
	conf_defaults(&c->conf);
	return VERDICT_GO;
}

/* Opened as the caller.  Benign errors leave the defaults; others (EMFILE,
 * ENOMEM, ...) stop us, so no one can force the defaults on purpose. */
struct verdict prepare_conf(struct mctx *c)
{
	char buf[BUFSIZ];
	FILE *f = conf_open(buf);
	int e = errno;

	conf_defaults(&c->conf);
	c->conf_read = true;
	if (f)
		return parse_conf_file(c, f, conf_diag);
	if (e == ENOENT)
		return VERDICT_GO;
	if (e != EACCES && e != ELOOP && e != ENAMETOOLONG && e != ENOTDIR &&
	    e != EOVERFLOW)
		return verdict_fail(e, "failed to open %s: %s", FUSE_CONF, strerror(e));
	note(c->out, "failed to open %s: %s", FUSE_CONF, strerror(e));
	return e == EACCES ? peek_unreadable_conf(c) : VERDICT_GO;
}

/* Fail closed: a broken or untrusted policy refuses every non-root mount. */
static struct verdict check_conf(struct mctx *c)
{
	const struct fuse_conf *k = &c->conf;

	if (c->pv->root)
		return VERDICT_GO;
	if (k->bad_line)
		return verdict_refuse(EPERM, k->bad_line, "%s line %d: %s; non-root "
				      "mounts are refused", FUSE_CONF, k->bad_line,
				      k->bad_why);
	if (k->new_key_line && !c->conf_trusted)
		return verdict_refuse(EPERM, k->new_key_line, "%s sets mount policy but "
				      "is not owned by root or is writable by group or "
				      "others; non-root mounts are refused", FUSE_CONF);
	return VERDICT_GO;
}

/* Fewer mounts of any type than each limit: then fewer FUSE mounts too,
 * whoever's, and no mount needs to be looked at. */
static bool all_mounts_below(const struct fuse_conf *k)
{
	long all;

	return mounts_count_all(&all) == 0 && !policy_mount_max_reached(k, all) &&
	       !policy_user_max_reached(k, all);
}

/* Checked here without a lock for an early answer (nothing sent yet),
 * and again when the mount is attached (mountmax.h).  The same verdict
 * as counting the FUSE mounts, which is done only where the number of
 * all mounts does not already say "below every limit". */
static struct verdict check_mount_max(struct mctx *c)
{
	const struct fuse_conf *k = &c->conf;
	long total, mine;
	int e;

	if (c->pv->root || (k->mount_max < 0 && k->user_mount_max < 0) ||
	    all_mounts_below(k))
		return VERDICT_GO;
	e = mounts_count_fuse(c->pv->uid, &total, &mine);
	if (e)
		return verdict_refuse(-e, 0, "failed to list mounts: %s", strerror(-e));
	if (policy_mount_max_reached(k, total))
		return verdict_refuse(ENOSPC, k->mount_max_line, MAX_MSG, FUSE_CONF);
	if (policy_user_max_reached(k, mine))
		return verdict_refuse(EDQUOT, k->user_mount_max_line, USER_MAX_MSG,
				      k->user_mount_max, FUSE_CONF);
	return VERDICT_GO;
}

/* --------------------------------------------------------- mountpoint */

static struct verdict mountpoint_verdict(const struct mctx *c, enum mp_status st,
					 const struct mp_facts *f)
{
	const char *mnt = c->path.abs, *name = policy_fstype_name(f->fs_type);

	switch (st) {
	case MP_OK:
		break;
	case MP_NOT_OWNER:
		return verdict_refuse(EPERM, 0, "mountpoint %s not owned by user", mnt);
	case MP_NO_WRITE:
		if (S_ISREG(f->mode))	/* the reference's words: it opened it */
			return verdict_refuse(EACCES, 0, "failed to open %s: %s", mnt,
					      strerror(EACCES));
		return verdict_refuse(EACCES, 0, "user has no write access to "
				      "mountpoint %s", mnt);
	case MP_BAD_TYPE:
		return verdict_refuse(ENOTDIR, 0, "mountpoint %s is not a directory "
				      "or a regular file", mnt);
	case MP_FSTYPE:
		if (f->fs_name && *f->fs_name)
			name = f->fs_name;
		if (name)
			return verdict_refuse(EPERM, 0, "mounting over filesystem type "
					      "%#010lx (%s) is forbidden", f->fs_type, name);
		return verdict_refuse(EPERM, 0, "mounting over filesystem type %#010lx "
				      "is forbidden", f->fs_type);
	}
	return VERDICT_GO;
}

static bool writable_by_caller(int fd)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	return access(path, W_OK) == 0;	/* real ids == the caller's */
}

/* The kernel's name for the filesystem type under fd ("" if unknown). */
static void fs_name_of(int fd, char *name, size_t n)
{
	struct mnt_ref r;
	struct mnt_info mi;

	if (mounts_id_at(fd, "", &r) || mounts_info(&r, &mi))
		return;
	snprintf(name, n, "%s", mi.fstype);
	mounts_info_free(&mi);
}

static struct verdict cannot_access(const struct mctx *c)
{
	int e = errno;

	return verdict_refuse(e, 0, "failed to access mountpoint %s: %s", c->path.abs,
			      strerror(e));
}

/* Opens the mountpoint O_PATH relative to its parent, without following
 * a symlink, and decides on that very inode: it is what we mount on. */
static struct verdict pin_mountpoint(struct mctx *c)
{
	int nofollow = c->pv->root ? 0 : O_NOFOLLOW;
	struct mp_facts f = { .uid = c->pv->uid, .conf = &c->conf };
	char name[sizeof(((struct mnt_info *)0)->fstype)] = "";
	struct statfs sfs;
	struct stat st;

	c->parentfd = open(c->path.parent, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (c->parentfd < 0)
		return cannot_access(c);
	c->pinfd = openat(c->parentfd, c->path.last, O_PATH | O_CLOEXEC | nofollow);
	if (c->pinfd < 0 || fstat(c->pinfd, &st) || fstatfs(c->pinfd, &sfs))
		return cannot_access(c);
	f.mode = st.st_mode;
	f.owner = st.st_uid;
	f.writable = writable_by_caller(c->pinfd);
	f.fs_type = (unsigned long)sfs.f_type;
	if (!c->pv->root)
		fs_name_of(c->pinfd, name, sizeof(name));
	f.fs_name = name;
	c->rootmode = S_ISDIR(st.st_mode) ? S_IFDIR : S_IFREG;
	return mountpoint_verdict(c, policy_mountpoint(&f), &f);
}

/* ---------------------------------------------------------- mount_dir */

/* The identities of the mount_dir entries that exist for this caller,
 * taken once before anything is mounted; an entry that does not expand
 * or open simply allows nothing. */
static void allowed_dirs(struct mctx *c)
{
	const struct passwd *pw = getpwuid(c->pv->uid);
	char *name = pw ? strdup(pw->pw_name) : NULL;
	char *home = pw ? strdup(pw->pw_dir) : NULL;
	struct user_facts u = { name, c->pv->uid, home };
	char path[PATH_MAX];
	size_t n = 0;

	if (name)
		log_set_user_name(name);	/* the log line needs no lookup */
	for (size_t i = 0; i < c->conf.n_mount_dir; i++) {
		const struct conf_entry *d = &c->conf.mount_dir[i];

		if (conf_expand(d->value, &u, path, sizeof(path)) == 0 &&
		    mountdir_id(path, &c->allowed[n]) == 0)
			c->allowed_line[n++] = d->line;
	}
	free(name);
	free(home);
	c->n_allowed = n;
}

int prepare_within_mount_dir(struct mctx *c)
{
	int start = c->rootmode == S_IFDIR ? c->pinfd : c->parentfd, e;
	size_t which;

	if (c->pv->root || c->conf.n_mount_dir == 0)
		return 0;
	e = c->n_allowed ? mountdir_find(start, c->allowed, c->n_allowed,
					 c->pv->uid, &which) : -EACCES;
	c->mount_dir_line = e ? 0 : c->allowed_line[which];
	return e;
}

static struct verdict check_mount_dir(struct mctx *c)
{
	int e;

	if (!c->pv->root && c->conf.n_mount_dir)
		allowed_dirs(c);
	e = prepare_within_mount_dir(c);
	if (e == -EACCES || e == -EXDEV)
		return verdict_refuse(-e, c->conf.mount_dir[0].line, "mountpoint %s is "
				      "not within a mount_dir of %s%s", c->path.abs,
				      FUSE_CONF, e == -EXDEV ? " (the way up crosses "
				      "another mount)" : "");
	if (e)
		return verdict_refuse(-e, 0, "cannot tell whether mountpoint %s is "
				      "within a mount_dir: %s", c->path.abs, strerror(-e));
	return VERDICT_GO;
}

/* ------------------------------------------------------------ options */

static bool in_group(const char *name, gid_t gid)
{
	const struct group *g = getgrnam(name);
	gid_t *list;
	bool found = false;
	int n;

	if (!g || g->gr_gid == gid)
		return g != NULL;
	n = getgroups(0, NULL);
	list = n > 0 ? calloc((size_t)n, sizeof(*list)) : NULL;
	n = list ? getgroups(n, list) : 0;
	for (int i = 0; i < n && !found; i++)
		found = list[i] == g->gr_gid;
	free(list);
	return found;
}

/* user_allow_other, or an allow_other_group the caller belongs to. */
static bool may_allow_other(struct mctx *c)
{
	bool member[FM_CONF_LIST_MAX];

	if (c->conf.user_allow_other) {
		c->allow_other_line = c->conf.allow_other_line;
		return true;
	}
	for (size_t i = 0; i < c->conf.n_group; i++)
		member[i] = in_group(c->conf.group[i].value, c->pv->gid);
	c->allow_other_line = policy_group_allow_other(&c->conf, member);
	return c->allow_other_line != 0;
}

static void unsafe_option(void *arg, const char *opt)
{
	const struct mctx *c = arg;

	note(c->out, "unsafe option %s ignored", opt);
}

static struct verdict check_reattach(struct mctx *c)
{
	int line = c->conf.reattach_grace_max_line;
	enum grace_verdict v;

	if (!c->o.reattach_grace)
		return VERDICT_GO;
	if (!c->o.auto_unmount)
		return verdict_refuse(EINVAL, 0, "option reattach needs auto_unmount");
	if (!c->pv->can_fsroot)
		return verdict_refuse(EPERM, 0, "option reattach needs the helper to "
				      "hold CAP_SETUID and CAP_SETGID");
	if (c->pv->root)
		return VERDICT_GO;
	v = policy_reattach_grace(&c->conf, &c->o);
	if (v == GRACE_OFF)
		return verdict_refuse(EPERM, line, "option reattach is not allowed: "
				      "reattach_grace_max=0 is set in %s", FUSE_CONF);
	if (v == GRACE_OVER)
		return verdict_refuse(EPERM, line, "option reattach=%u is more than "
				      "reattach_grace_max=%d set in %s",
				      c->o.reattach_grace, c->conf.reattach_grace_max,
				      FUSE_CONF);
	return VERDICT_GO;
}

static struct verdict option_verdict(const struct opt_error *e)
{
	int n = (int)e->len;

	switch (e->status) {
	case OPT_NEED_ALLOW_OTHER:
		return verdict_refuse(EPERM, 0, "option %.*s only allowed if "
				      "'user_allow_other' is set in %s", n, e->opt,
				      FUSE_CONF);
	case OPT_BLKDEV:
		return verdict_refuse(EPERM, 0, "option blkdev is privileged");
	case OPT_TOO_LONG:
		return verdict_refuse(E2BIG, 0, "mount options too long");
	case OPT_BAD_VALUE:
		return verdict_refuse(EINVAL, 0, "invalid value in option '%.*s'", n,
				      e->opt);
	case OPT_NOMEM:
		return verdict_refuse(ENOMEM, 0, "failed to allocate memory");
	case OPT_UNKNOWN:
	case OPT_OK:
		break;
	}
	return verdict_refuse(EINVAL, 0, "unknown option '%.*s'", n, e->opt);
}

static struct verdict parse_options(struct mctx *c)
{
	struct opt_ctx ctx = {
		.root = c->pv->root,
		.may_allow_other = may_allow_other(c),
		.unsafe = unsafe_option,
		.arg = c,
	};
	struct opt_error e;

	if (opts_parse(c->opts, &ctx, &c->o, &e) == 0)
		return check_reattach(c);
	return option_verdict(&e);
}

/* What a user's utab record may hold (FM_UTAB_*_MAX): checked whether or
 * not utab exists, so that a mount does not work on one machine only. */
static struct verdict check_record_size(struct mctx *c)
{
	if (c->pv->root)
		return VERDICT_GO;
	if (c->o.x_opts && strlen(c->o.x_opts) > FM_UTAB_X_OPTS_MAX)
		return verdict_refuse(ENAMETOOLONG, 0, X_OPTS_MSG, FM_UTAB_X_OPTS_MAX,
				      FM_UTAB);
	if (strlen(c->path.abs) > FM_UTAB_TARGET_MAX)
		return verdict_refuse(ENAMETOOLONG, 0, TARGET_MSG, c->path.abs,
				      FM_UTAB_TARGET_MAX, FM_UTAB);
	return VERDICT_GO;
}

/* ---------------------------------------------------------------- all */

static struct verdict conf_unless_read(struct mctx *c)
{
	return c->conf_read ? VERDICT_GO : prepare_conf(c);
}

/* In this order; the first that says no is the verdict. */
static struct verdict (*const steps[])(struct mctx *c) = {
	open_device, conf_unless_read, check_conf, check_mount_max,
	pin_mountpoint, check_mount_dir, parse_options, check_record_size,
};

struct verdict prepare(struct mctx *c)
{
	struct verdict v = VERDICT_GO;

	alarm(FM_PREPARE_TIMEOUT);
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]) && !v.kind; i++)
		v = steps[i](c);
	alarm(0);
	return v;
}
