// SPDX-License-Identifier: GPL-2.0-or-later
/* mountdir.c - mount_dir decisions by (mount, device, inode) ancestry. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "mountdir.h"
#include "mounts.h"

#define FM_WALK_MAX 4096	/* deeper than PATH_MAX allows */

static int id_of(int fd, struct dir_id *id)
{
	struct mnt_ref ref;
	struct statx sx;
	int e;

	if (statx(fd, "", AT_EMPTY_PATH | AT_STATX_DONT_SYNC, STATX_INO, &sx))
		return -errno;
	e = mounts_id_at(fd, "", &ref);
	if (e)
		return e;
	id->mnt = ref.id;
	id->unique = ref.unique;
	id->dev = makedev(sx.stx_dev_major, sx.stx_dev_minor);
	id->ino = sx.stx_ino;
	return 0;
}

static bool same(const struct dir_id *a, const struct dir_id *b)
{
	return a->mnt == b->mnt && a->dev == b->dev && a->ino == b->ino;
}

int mountdir_id(const char *path, struct dir_id *id)
{
	char buf[4096], *save = NULL, *c;
	int fd, next, e;

	if (path[0] != '/' || strlen(path) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, path);
	fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (c = strtok_r(buf, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		next = openat(fd, c, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		e = -errno;
		close(fd);
		if (next < 0)
			return e == -ENOTDIR ? -ELOOP : e;	/* a symlink, mostly */
		fd = next;
	}
	e = id_of(fd, id);
	close(fd);
	return e;
}

/* Leaving a mount upwards is fine only out of the caller's FUSE mount. */
static int may_leave(const struct dir_id *here, uid_t uid)
{
	struct mnt_ref ref = { .id = here->mnt, .unique = here->unique };
	struct mnt_info mi;
	int e;

	e = mounts_info(&ref, &mi);
	if (e)
		return e;
	e = (mounts_is_fuse(&mi) && mi.has_user_id && mi.user_id == uid) ? 0 : -EXDEV;
	mounts_info_free(&mi);
	return e;
}

static size_t match(const struct dir_id *id, const struct dir_id *allowed,
		    size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (same(id, &allowed[i]))
			return i;
	return n;
}

/* One step up: 1 when cur and here moved up, 0 at the top, or -errno.
 * *foreign is set when the step leaves a mount other than the caller's
 * FUSE mounts. */
static int step_up(int *cur, struct dir_id *here, uid_t uid, bool *foreign)
{
	struct dir_id up;
	int next = openat(*cur, "..", O_PATH | O_DIRECTORY | O_CLOEXEC), e;

	if (next < 0)
		return -errno;
	e = id_of(next, &up);
	if (!e && same(&up, here))
		e = 1;		/* the root: nothing above */
	else if (!e && up.mnt != here->mnt)
		e = may_leave(here, uid);
	if (e == -EXDEV) {
		*foreign = true;
		e = 0;
	}
	if (e) {
		close(next);
		return e == 1 ? 0 : e;
	}
	close(*cur);
	*cur = next;
	*here = up;
	return 1;
}

int mountdir_find(int fd, const struct dir_id *allowed, size_t n, uid_t uid,
		  size_t *which)
{
	struct dir_id here;
	int cur = fcntl(fd, F_DUPFD_CLOEXEC, 3), e, depth = 0;
	bool foreign = false;

	if (cur < 0)
		return -errno;
	e = id_of(cur, &here);
	while (!e) {
		*which = match(&here, allowed, n);
		if (*which < n) {
			e = foreign ? -EXDEV : 0;
			break;
		}
		e = ++depth > FM_WALK_MAX ? 0 : step_up(&cur, &here, uid, &foreign);
		e = e == 1 ? 0 : e == 0 ? -EACCES : e;
	}
	close(cur);
	return e;
}
