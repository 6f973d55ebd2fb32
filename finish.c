// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * finish.c - what happens after proceed? (finish.h)
 *
 *   classic:     finish, send the fd                    \
 *   --sync-init: send the fd, wait proceed, finish,      > after_mount
 *                send the status                        /
 *   finish = limits_open, [guard_start], backend (attach hook: slot and
 *            count), guard_end, verify, mount_dir again, target length,
 *            [reattach socket], utab record
 *   after_mount = log ok, then the watcher (watch.h) or the end
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "finish.h"
#include "guard.h"
#include "log.h"
#include "mount.h"
#include "mountmax.h"
#include "mounts.h"
#include "prepare.h"
#include "privs.h"
#include "proto.h"
#include "reattach.h"
#include "unmount.h"
#include "utab.h"
#include "watch.h"

static int run_backend(struct mctx *c, struct mount_err *e)
{
	struct mount_req r = {
		.devfd = c->devfd, .devname = c->devname, .pinfd = c->pinfd,
		.rootmode = c->rootmode, .uid = c->pv->uid, .gid = c->pv->gid,
		.root = c->pv->root, .o = &c->o, .blocking = guard_hook,
		.attach = limits_attach, .attach_arg = c,
	};
	const char *b = c->backend;
	int err = -ENOSYS;

	c->done.mntfd = -1;
	if (c->pv->can_mount)
		privs_raise(CAP_SYS_ADMIN);
	if (!b || strcmp(b, "legacy") != 0)
		err = fsmount_mount(&r, &c->done, e);
	if (err == -ENOSYS && !(b && strcmp(b, "fsmount") == 0))
		err = legacy_mount(&r, &c->done, e);
	privs_lower();
	return err;
}

/* The mount must be where we pinned it, FUSE, and the caller's. */
static int verify_mount(struct mctx *c)
{
	struct mnt_ref pin;
	struct mnt_info mi;
	int e;

	/* mount(2) gives no fd: take the new mount once, by its name in the
	 * pinned parent, and check (and later undo) it through that fd */
	if (c->done.mntfd < 0)
		c->done.mntfd = openat(c->parentfd, c->path.last,
				       O_PATH | O_NOFOLLOW | O_CLOEXEC);
	e = c->done.mntfd >= 0 ? mounts_id_at(c->done.mntfd, "", &c->ref) : -errno;
	if (!e)
		e = mounts_id_at(c->pinfd, "", &pin);
	if (!e)
		e = mounts_info(&c->ref, &mi);
	if (e)
		return e;
	if (mi.parent.id != pin.id || !mounts_is_fuse(&mi) ||
	    (!c->pv->root && (!mi.has_user_id || mi.user_id != c->pv->uid ||
			      !mi.nosuid || !mi.nodev)))
		e = -EPERM;
	c->target = mi.target;
	return e;
}

/* Through the new mount's own fd: exactly that mount (see unmount.h). */
static void undo_mount(struct mctx *c)
{
	int fd = c->done.mntfd >= 0 ? c->done.mntfd : c->pinfd;
	int e = unmount_detach_fd(c->pv, fd);

	if (e)
		note(c->out, "failed to undo the mount: %s", strerror(-e));
	if (!c->in_utab)
		return;
	e = privs_fsroot_begin(c->pv);
	if (!e) {
		e = utab_remove(c->target);
		privs_fsroot_end(c->pv);
	}
	if (e)
		note(c->out, UTAB_KEPT_MSG, c->target, FM_UTAB, strerror(-e));
	c->in_utab = false;
}

static char *utab_options(const struct mctx *c)
{
	const struct passwd *pw = c->pv->root ? NULL : getpwuid(c->pv->uid);
	const char *x = c->o.x_opts;
	char *s = NULL;

	if (!c->pv->root && !pw)
		return NULL;
	if (pw)
		log_set_user_name(pw->pw_name);	/* the log line needs no lookup */
	if (asprintf(&s, "%s%s%s%s", pw ? "user=" : "", pw ? pw->pw_name : "",
		     pw && x ? "," : "", x ? x : "") < 0)
		return NULL;
	return s;
}

/*
 * Bookkeeping for mount(8) and friends: the record names the mount point
 * the kernel gives for the new mount's ID.  A failure to write it only
 * warns (the next helper's pruning heals what is left); a mount that is
 * no longer where the record would say is undone (-ESTALE).
 */
static int record_utab(struct mctx *c)
{
	char *opts;
	int e;

	/* file capabilities without CAP_SETUID/CAP_SETGID: no utab, as
	 * documented, and no warning on every mount */
	if (!utab_present() || !c->pv->can_fsroot)
		return 0;
	opts = utab_options(c);
	if (!opts || !*opts) {
		if (!opts)
			note(c->out, "could not determine username; not recorded in %s",
			     FM_UTAB);
		free(opts);
		return 0;
	}
	e = privs_fsroot_begin(c->pv);
	if (!e) {
		e = utab_add(&c->ref, c->done.source, c->target, c->done.type, opts);
		privs_fsroot_end(c->pv);
	}
	free(opts);
	c->in_utab = !e;
	if (e == -ESTALE) {
		note(c->out, "mountpoint %s moved before the mount was recorded in %s; "
		     "mount undone", c->path.abs, FM_UTAB);
		undo_mount(c);
		return e;
	}
	if (e)
		note(c->out, "failed to record the mount in %s: %s", FM_UTAB,
		     strerror(-e));
	return 0;
}

static void report_mount_error(const struct mctx *c, int err,
			       const struct mount_err *e)
{
	if (err == -ECONNRESET && guard_peer_gone())
		note(c->out, "connection closed while the filesystem was starting");
	else if (e->detail[0] && strcmp(e->detail, "mount options too long") == 0)
		note(c->out, "%s", e->detail);
	else if (e->detail[0])
		note(c->out, "mount failed: %s (%s: %s)", strerror(-err), e->step,
		     e->detail);
	else
		note(c->out, "mount failed: %s", strerror(-err));
}

/* A file's place is its directory: the new mount must still be what
 * the name in the checked directory leads to (a mounted file cannot be
 * renamed any more, so this holds from now on). */
static int file_still_there(const struct mctx *c)
{
	struct mnt_ref r;
	int e;

	if (c->rootmode == S_IFDIR)
		return 0;
	e = mounts_id_at(c->parentfd, c->path.last, &r);
	return e ? e : r.id == c->ref.id ? 0 : -EACCES;
}

/* After the mount: it is on the pinned inode; is that still allowed? */
static int recheck_mount_dir(struct mctx *c)
{
	int e = prepare_within_mount_dir(c);

	if (!e && !c->pv->root && c->conf.n_mount_dir)
		e = file_still_there(c);
	if (e)
		note(c->out, "mountpoint %s is no longer within a mount_dir of %s; "
		     "mount undone", c->path.abs, FUSE_CONF);
	return e ? -EPERM : 0;
}

/* The record will name the kernel's mount point of the new mount: within
 * the bound (a rename of a parent since prepare may have made it longer). */
static int check_target(const struct mctx *c)
{
	if (c->pv->root || strlen(c->target) <= FM_UTAB_TARGET_MAX)
		return 0;
	note(c->out, TARGET_MSG "; mount undone", c->target, FM_UTAB_TARGET_MAX,
	     FM_UTAB);
	return -ENAMETOOLONG;
}

static int mount_and_verify(struct mctx *c)
{
	struct mount_err e = { .step = "mount" };
	int err;

	alarm(FM_FINISH_TIMEOUT);
	err = run_backend(c, &e);
	alarm(0);
	guard_end();
	if (err) {
		if (!c->lim.said)
			report_mount_error(c, err, &e);
		return err;
	}
	err = verify_mount(c);
	if (err)
		note(c->out, "mount on %s failed verification: %s", c->path.abs,
		     strerror(-err));
	if (!err)
		err = recheck_mount_dir(c);
	if (!err)
		err = check_target(c);
	if (err)
		undo_mount(c);
	return err;
}

/* reattach: the watcher's socket exists before the server gets the
 * mount, so its first --reattach finds it. */
static int listen_for_reattach(struct mctx *c)
{
	if (!c->o.reattach_grace)
		return 0;
	c->lsock = reattach_listen(c->pv, &c->ref);
	if (c->lsock >= 0)
		return 0;
	note(c->out, "failed to listen for reattach of %s: %s", c->path.abs,
	     strerror(-c->lsock));
	undo_mount(c);
	return c->lsock;
}

/* 0, or -errno after saying why; no mount is left on failure.  With a
 * socket, the guard thread watches it while the mount is being made. */
static int finish(struct mctx *c, int guard_sock_fd)
{
	int err = limits_open(c);

	if (!err && guard_sock_fd >= 0)
		guard_start(guard_sock_fd, c->out);
	if (!err)
		err = mount_and_verify(c);
	limits_close(c);
	if (!err)
		err = listen_for_reattach(c);
	if (!err)
		err = record_utab(c);
	return err;
}

/* ---------------------------------------------------------- protocols */

static void release(struct mctx *c)
{
	if (c->done.mntfd >= 0)
		close(c->done.mntfd);
	close(c->devfd);
	close(c->pinfd);
	if (c->parentfd >= 0)
		close(c->parentfd);
	c->done.mntfd = -1;
	c->parentfd = -1;
}

static int after_mount(struct mctx *c)
{
	int pfd = c->parentfd;

	c->parentfd = -1;	/* the watcher keeps it */
	log_ok();
	if (c->o.reattach_grace) {
		const int fds[] = { c->cfd, pfd, c->devfd, c->lsock };

		return watch_keep(c->pv, &c->path, fds, 4, &c->ref,
				  c->o.reattach_grace);
	}
	release(c);
	if (c->o.auto_unmount) {
		const int fds[] = { c->cfd, pfd };

		return watch_keep(c->pv, &c->path, fds, 2, &c->ref, 0);
	}
	close(pfd);
	privs_drop_all();
	return 0;
}

static int send_fd_or_say(struct mctx *c)
{
	int e = proto_send_fd(c->cfd, c->devfd);

	if (e)
		note_bare(c->out, "sending file descriptor: %s", strerror(-e));
	return e;
}

int finish_classic(struct mctx *c)
{
	int e = finish(c, -1);

	if (e)
		return e;
	e = send_fd_or_say(c);
	if (e) {
		undo_mount(c);
		return e;
	}
	return after_mount(c);
}

static int wait_proceed(struct mctx *c)
{
	int e = proto_wait_proceed(c->cfd, FM_PROCEED_TIMEOUT_SEC);

	if (e == -ECONNRESET)
		note(c->out, "connection closed while waiting for signal");
	else if (e == -ETIMEDOUT)
		note(c->out, "timed out after %i seconds waiting for signal",
		     FM_PROCEED_TIMEOUT_SEC);
	else if (e)
		note(c->out, "error receiving signal: %s", strerror(-e));
	if (e == -ETIMEDOUT)
		proto_send_status(c->cfd, -ETIMEDOUT);
	return e;
}

int finish_sync_init(struct mctx *c)
{
	int err, e;

	e = send_fd_or_say(c);
	if (!e)
		e = wait_proceed(c);
	if (e)
		return e;
	err = finish(c, c->cfd);
	if (err) {
		proto_send_status(c->cfd, err < 0 ? err : -EIO);
		return err;
	}
	e = proto_send_status(c->cfd, 0);
	if (e) {
		note(c->out, "failed to send mount status: %s", strerror(-e));
		undo_mount(c);
		return e;
	}
	return after_mount(c);
}
