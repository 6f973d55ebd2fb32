// SPDX-License-Identifier: GPL-2.0-or-later
/* unmount.c - see include/unmount.h. */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <pwd.h>
#include <signal.h>
#include <sys/mount.h>
#include <unistd.h>

#include "unmount.h"
#include "utab.h"

#ifndef UMOUNT_NOFOLLOW
#define UMOUNT_NOFOLLOW 0x8
#endif

#define FM_ALIVE_CHECK_SEC 10

/* Is the mount at pfd/last one the caller may remove? */
static enum um_status check_mount(const struct um_req *q, int pfd,
				  struct mnt_ref *ref)
{
	struct mnt_ref parent;
	struct mnt_info mi;
	bool ok;

	if (mounts_id_at(pfd, q->last, ref) || mounts_id_at(pfd, "", &parent))
		return UM_NOT_FOUND;
	if (ref->id == parent.id)	/* not a mountpoint at all */
		return UM_NOT_FOUND;
	if (q->expect && ref->id != q->expect->id)
		return UM_NOT_FOUND;
	if (q->pv->root)
		return UM_OK;
	if (mounts_info(ref, &mi))
		return UM_NOT_FOUND;
	ok = mounts_is_fuse(&mi) && mi.has_user_id && mi.user_id == q->pv->uid;
	mounts_info_free(&mi);
	return ok ? UM_OK : UM_NOT_FOUND;
}

static int open_parent(const struct um_req *q, int *err)
{
	int pfd = open(q->parent, O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (pfd < 0)
		*err = errno;
	return pfd;
}

enum um_status unmount_find(const struct um_req *q, struct mnt_ref *ref,
			    int *err)
{
	int pfd = open_parent(q, err);
	enum um_status st;

	if (pfd < 0)
		return UM_PARENT;
	st = check_mount(q, pfd, ref);
	close(pfd);
	return st;
}

/* The mount is gone already: a record that stays is only reported. */
static void forget_in_utab(const struct um_req *q, int pfd)
{
	int e;

	if (!utab_present() || !q->pv->can_fsroot)
		return;
	e = privs_fsroot_begin(q->pv);
	if (!e) {
		e = utab_remove_at(pfd, q->last, q->abs);
		privs_fsroot_end(q->pv);
	}
	if (q->utab_err)
		*q->utab_err = e;
}

/* umount2() of the checked mount, relative to the opened parent. */
static enum um_status do_umount(const struct um_req *q, int pfd, int *err)
{
	int flags = UMOUNT_NOFOLLOW | (q->lazy ? MNT_DETACH : 0);
	int r = -1;

	if (fchdir(pfd) == 0 && privs_raise(CAP_SYS_ADMIN) == 0) {
		r = umount2(q->last, flags);
		*err = errno;
	} else {
		*err = errno;
	}
	privs_lower();
	if (chdir("/") != 0 && r == 0)
		*err = errno;
	if (r)
		return UM_UMOUNT;
	forget_in_utab(q, pfd);
	return UM_OK;
}

static enum um_status plain_umount(const struct um_req *q, int *err)
{
	if (umount2(q->abs, q->lazy ? MNT_DETACH : 0) == 0)
		return UM_OK;
	*err = errno;
	return UM_UMOUNT;
}

enum um_status unmount_run(const struct um_req *q, int *err)
{
	struct mnt_ref ref;
	enum um_status st;
	int pfd;

	*err = 0;
	if (!q->pv->can_mount)	/* not installed privileged: kernel decides */
		return plain_umount(q, err);
	pfd = open_parent(q, err);
	if (pfd < 0)
		return UM_PARENT;
	st = check_mount(q, pfd, &ref);
	if (st == UM_OK)
		st = do_umount(q, pfd, err);
	close(pfd);
	return st;
}

/*
 * A dead FUSE filesystem answers ENOTCONN at once.  A live one answers
 * the open; a hung one would block it.  A caught signal would not end
 * that wait (FUSE turns it into a killable one), so the alarm keeps its
 * default action: the watcher dies, leaving the live mount alone.
 */
static bool fs_is_dead(int pfd, const char *last)
{
	sigset_t alrm;
	int fd, e;

	signal(SIGALRM, SIG_DFL);
	sigemptyset(&alrm);
	sigaddset(&alrm, SIGALRM);
	sigprocmask(SIG_UNBLOCK, &alrm, NULL);
	alarm(FM_ALIVE_CHECK_SEC);
	fd = openat(pfd, last, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
	e = errno;
	alarm(0);
	if (fd >= 0) {
		close(fd);
		return false;
	}
	/* ECONNABORTED: the daemon's fd was still closing when we asked */
	return e == ENOTCONN || e == ECONNABORTED;
}

enum um_status unmount_if_dead(const struct um_req *q, int *err)
{
	struct mnt_ref ref;
	enum um_status st;
	int pfd;

	*err = 0;
	pfd = open_parent(q, err);
	if (pfd < 0)
		return UM_PARENT;
	st = check_mount(q, pfd, &ref);
	if (st == UM_OK && !fs_is_dead(pfd, q->last))
		st = UM_ALIVE;
	if (st == UM_OK)
		st = do_umount(q, pfd, err);
	close(pfd);
	return st;
}
