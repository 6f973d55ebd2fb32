// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mount_fsmount.c - FUSE mount with the new mount API (Linux 5.2+).
 *
 *   fsopen("fuse"|"fuseblk")        ENOSYS: tell the caller to use mount(2)
 *   fsconfig subtype, source        values <= 255 bytes (checked by policy)
 *   fsconfig fd, rootmode, user_id, group_id, and the allowed options
 *   fsconfig CMD_CREATE             with sync INIT this waits for the daemon
 *   fsmount(attrs)                  nosuid,nodev forced for non-root;
 *                                   a detached mount, counted nowhere
 *   attach hook                     the caller's last word (mount limits)
 *   move_mount(-> pinned fd)        no path is looked up again
 *
 * Each failure drains the fs-context log (read(2) on the fsopen fd) so
 * the error names the kernel's reason; where the kernel gives none, we
 * explain the bare errno ourselves.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "mount.h"

#ifndef MS_NOSYMFOLLOW
#define MS_NOSYMFOLLOW 256
#endif

/* ------------------------------------------------ shared by backends */

const char *mount_base_type(const struct mount_req *r)
{
	return r->o->blkdev ? "fuseblk" : "fuse";
}

const char *mount_source(const struct mount_req *r)
{
	if (r->o->fsname)
		return r->o->fsname;
	return r->o->subtype ? r->o->subtype : r->devname;
}

unsigned long mount_flags(const struct mount_req *r)
{
	unsigned long f = r->o->flags;

	return r->root ? f : f | MS_NOSUID | MS_NODEV;
}

void mount_err_set(struct mount_err *e, const char *step, const char *detail)
{
	e->step = step;
	snprintf(e->detail, sizeof(e->detail), "%s", detail ? detail : "");
}

/* ------------------------------------------------------- new API */

/* Appends the fs-context log ("e fuse: Unknown parameter 'x'") to e. */
static void drain_log(int fsfd, struct mount_err *e)
{
	char line[256];
	ssize_t n;

	while ((n = read(fsfd, line, sizeof(line) - 1)) > 0) {
		size_t used = strlen(e->detail);
		char *msg = line;

		line[n] = '\0';
		line[strcspn(line, "\n")] = '\0';
		if (n > 2 && line[1] == ' ')	/* "e ", "w ", "i " prefix */
			msg += 2;
		snprintf(e->detail + used, sizeof(e->detail) - used, "%s%s",
			 used ? "; " : "", msg);
	}
}

static void explain(int err, struct mount_err *e)
{
	if (e->detail[0])
		return;
	if (err == EINVAL && strcmp(e->step, "fsconfig CMD_CREATE") == 0)
		mount_err_set(e, e->step, "the kernel refused the connection "
			      "parameters (fd, rootmode, user_id, group_id) "
			      "without saying why");
	else if (err == ENOTCONN && strcmp(e->step, "fsconfig CMD_CREATE") == 0)
		mount_err_set(e, e->step, "the filesystem daemon refused FUSE_INIT");
	else if (err == EINVAL)
		mount_err_set(e, e->step, "invalid argument, the kernel gave no reason");
}

static int fail(int fsfd, const char *step, struct mount_err *e)
{
	int err = errno;

	mount_err_set(e, step, NULL);
	if (fsfd >= 0)
		drain_log(fsfd, e);
	explain(err, e);
	return -err;
}

static int set_str(int fsfd, const char *key, const char *val)
{
	return fsconfig(fsfd, FSCONFIG_SET_STRING, key, val, 0);
}

static int set_flag(int fsfd, const char *key)
{
	return fsconfig(fsfd, FSCONFIG_SET_FLAG, key, NULL, 0);
}

/* subtype, then source; an old kernel without "subtype" gets the
 * historical encoding "subtype#fsname" in the source instead. */
static int config_names(int fsfd, const struct mount_req *r,
			struct mount_done *d, struct mount_err *e)
{
	const char *src = mount_source(r);

	snprintf(d->type, sizeof(d->type), "%s", mount_base_type(r));
	if (r->o->subtype) {
		if (set_str(fsfd, "subtype", r->o->subtype) == 0) {
			snprintf(d->type, sizeof(d->type), "%s.%s",
				 mount_base_type(r), r->o->subtype);
		} else if (errno == EINVAL || errno == EOPNOTSUPP) {
			snprintf(d->source, sizeof(d->source), "%s#%s",
				 r->o->subtype, r->o->fsname ? r->o->fsname : "");
			src = r->o->blkdev && r->o->fsname ? r->o->fsname : d->source;
		} else {
			return fail(fsfd, "fsconfig subtype", e);
		}
	}
	if (src != d->source)
		snprintf(d->source, sizeof(d->source), "%s", src);
	if (set_str(fsfd, "source", d->source))
		return fail(fsfd, "fsconfig source", e);
	return 0;
}

static int config_conn(int fsfd, const struct mount_req *r,
		       struct mount_err *e)
{
	char fd[16], mode[16], uid[16], gid[16];

	snprintf(fd, sizeof(fd), "%d", r->devfd);
	snprintf(mode, sizeof(mode), "%o", (unsigned int)r->rootmode);
	snprintf(uid, sizeof(uid), "%u", (unsigned int)r->uid);
	snprintf(gid, sizeof(gid), "%u", (unsigned int)r->gid);
	if (set_str(fsfd, "fd", fd) || set_str(fsfd, "rootmode", mode) ||
	    set_str(fsfd, "user_id", uid) || set_str(fsfd, "group_id", gid))
		return fail(fsfd, "fsconfig fd/rootmode/user_id/group_id", e);
	return 0;
}

static int config_opts(int fsfd, const struct mount_req *r,
		       struct mount_err *e)
{
	const struct mount_opts *o = r->o;
	unsigned long f = mount_flags(r);

	if ((o->default_permissions && set_flag(fsfd, "default_permissions")) ||
	    (o->allow_other && set_flag(fsfd, "allow_other")) ||
	    (o->max_read && set_str(fsfd, "max_read", o->max_read)) ||
	    (o->blksize && set_str(fsfd, "blksize", o->blksize)) ||
	    ((f & MS_RDONLY) && set_flag(fsfd, "ro")) ||
	    ((f & MS_SYNCHRONOUS) && set_flag(fsfd, "sync")) ||
	    ((f & MS_DIRSYNC) && set_flag(fsfd, "dirsync")))
		return fail(fsfd, "fsconfig options", e);
	return 0;
}

static unsigned int mount_attrs(const struct mount_req *r)
{
	static const struct { unsigned long ms; unsigned int attr; } map[] = {
		{ MS_RDONLY, MOUNT_ATTR_RDONLY },
		{ MS_NOSUID, MOUNT_ATTR_NOSUID },
		{ MS_NODEV, MOUNT_ATTR_NODEV },
		{ MS_NOEXEC, MOUNT_ATTR_NOEXEC },
		{ MS_NOATIME, MOUNT_ATTR_NOATIME },
		{ MS_NODIRATIME, MOUNT_ATTR_NODIRATIME },
		{ MS_NOSYMFOLLOW, MOUNT_ATTR_NOSYMFOLLOW },
	};
	unsigned long f = mount_flags(r);
	unsigned int a = 0;

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (f & map[i].ms)
			a |= map[i].attr;
	return a;
}

/* move_mount between the two calls of the attach hook: 0 or -errno */
static int attach(int fsfd, int mfd, const struct mount_req *r,
		  struct mount_err *e)
{
	int rc = r->attach ? r->attach(r->attach_arg, true) : 0;

	if (rc) {
		mount_err_set(e, "attach", "refused before the mount was attached");
		return rc;
	}
	if (move_mount(mfd, "", r->pinfd, "",
		       MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH))
		rc = fail(fsfd, "move_mount", e);
	if (r->attach)
		r->attach(r->attach_arg, false);
	return rc;
}

static int create_and_attach(int fsfd, const struct mount_req *r,
			     struct mount_done *d, struct mount_err *e)
{
	int mfd, rc;

	if (r->blocking && !r->blocking(true)) {
		mount_err_set(e, "fsconfig CMD_CREATE", "the library closed the connection");
		return -ECONNRESET;
	}
	rc = fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0);
	if (r->blocking)
		r->blocking(false);
	if (rc)
		return fail(fsfd, "fsconfig CMD_CREATE", e);
	mfd = fsmount(fsfd, FSMOUNT_CLOEXEC, mount_attrs(r));
	if (mfd < 0)
		return fail(fsfd, "fsmount", e);
	rc = attach(fsfd, mfd, r, e);
	if (rc) {
		close(mfd);	/* never attached: closing destroys it */
		return rc;
	}
	d->mntfd = mfd;
	return 0;
}

int fsmount_mount(const struct mount_req *r, struct mount_done *d,
		  struct mount_err *e)
{
	int fsfd, err;

	d->mntfd = -1;
#ifdef FM_NO_NEW_MOUNT_API
	return -ENOSYS;		/* test build: behave like an old kernel */
#endif
	fsfd = fsopen(mount_base_type(r), FSOPEN_CLOEXEC);
	if (fsfd < 0)
		return errno == ENOSYS ? -ENOSYS : fail(-1, "fsopen", e);
	err = config_names(fsfd, r, d, e);
	if (!err)
		err = config_conn(fsfd, r, e);
	if (!err)
		err = config_opts(fsfd, r, e);
	if (!err)
		err = create_and_attach(fsfd, r, d, e);
	close(fsfd);	/* it pins the superblock; see kernel-facts §1 */
	return err;
}
