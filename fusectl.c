// SPDX-License-Identifier: GPL-2.0-or-later
/* fusectl.c - see include/fusectl.h. */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/openat2.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fusectl.h"

struct conn {
	const struct privs *pv;
	unsigned long long number;	/* the fusectl directory's name */
	bool mine;
};

/* The kernel names a connection by its superblock's dev_t, in the
 * kernel's own encoding: major << 20 | minor. */
static int conn_of(void *arg, const struct fuse_mount *m)
{
	struct conn *c = arg;

	c->number = ((unsigned long long)m->dev_major << 20) | m->dev_minor;
	c->mine = c->pv->root || (m->has_user_id && m->user_id == c->pv->uid);
	return 1;
}

static bool is_fusectl(int fd)
{
	struct statfs sfs;

	return fstatfs(fd, &sfs) == 0 && (unsigned long)sfs.f_type == FM_FUSECTL_MAGIC;
}

/* FM_FUSECTL_DIR when fusectl is mounted there, else -1. */
static int mounted_dir(void)
{
	int fd = open(FM_FUSECTL_DIR, O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0 && !is_fusectl(fd)) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* A fusectl instance attached nowhere: its root, or -errno (-ENOSYS
 * without the new mount API). */
static int detached_dir(const struct privs *pv)
{
#ifdef FM_NO_NEW_MOUNT_API
	(void)pv;
	return -ENOSYS;		/* test build: behave like an old kernel */
#else
	int fsfd, mfd = -1, e;

	if (!pv->can_mount || privs_raise(CAP_SYS_ADMIN))
		return -EPERM;
	fsfd = fsopen("fusectl", FSOPEN_CLOEXEC);
	if (fsfd >= 0 && fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) == 0)
		mfd = fsmount(fsfd, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID |
			      MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
	e = errno;
	privs_lower();
	if (fsfd >= 0)
		close(fsfd);
	if (mfd >= 0 && !is_fusectl(mfd)) {
		close(mfd);
		return -EIO;
	}
	return mfd >= 0 ? mfd : -e;
#endif
}

/* Writes the abort file of connection n below the fusectl root dirfd,
 * without leaving that filesystem.  0 or -errno. */
static int write_abort(int dirfd, unsigned long long n)
{
	struct open_how how = {
		.flags = O_WRONLY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_XDEV,
	};
	char name[48];
	int fd, e = 0;

	snprintf(name, sizeof(name), "%llu/abort", n);
	fd = (int)syscall(SYS_openat2, dirfd, name, &how, sizeof(how));
	if (fd < 0 && errno == ENOSYS)
		fd = openat(dirfd, name, (int)how.flags);
	if (fd < 0)
		return -errno;
	if (write(fd, "1", 1) != 1)
		e = -errno;
	close(fd);
	return e;
}

/*
 * Old kernels, no fusectl mounted: a child mounts it in a private mount
 * namespace of its own (gone when it exits), gives up every capability
 * and writes the abort file as the caller.  CAP_SYS_ADMIN is raised
 * around the fork only: the child inherits it, the parent lowers it.
 */
static int abort_in_child(const struct privs *pv, unsigned long long n)
{
	pid_t pid;
	int st, e;

	if (!pv->can_mount || privs_raise(CAP_SYS_ADMIN))
		return -EPERM;
	pid = fork();
	if (pid == 0) {
		int dirfd = -1;

		if (unshare(CLONE_NEWNS) == 0 &&
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0 &&
		    mount("fusectl", FM_FUSECTL_DIR, "fusectl",
			  MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) == 0)
			dirfd = mounted_dir();
		e = dirfd < 0 ? -errno : 0;
		if (privs_drop_all())
			_exit(EPERM);
		if (!e)
			e = write_abort(dirfd, n);
		_exit(e < 0 ? (-e > 255 ? 255 : -e) : 0);
	}
	e = pid < 0 ? -errno : 0;
	privs_lower();
	while (pid > 0 && waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (e)
		return e;
	return WIFEXITED(st) ? -WEXITSTATUS(st) : -EINTR;
}

int fusectl_abort(const struct privs *pv, const struct mnt_ref *ref)
{
	struct conn c = { pv, 0, false };
	int e = mounts_fuse_at(ref, conn_of, &c), dirfd;

	if (e != 1)
		return e < 0 ? e : -EINVAL;
	if (!c.mine)
		return -EPERM;
	dirfd = mounted_dir();
	if (dirfd < 0)
		dirfd = detached_dir(pv);
	if (dirfd == -ENOSYS)
		return abort_in_child(pv, c.number);
	if (dirfd < 0)
		return dirfd;
	e = write_abort(dirfd, c.number);
	close(dirfd);
	return e;
}
