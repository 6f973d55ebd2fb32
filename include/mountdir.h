/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mountdir.h - is a pinned mountpoint at or beneath a mount_dir?
 *
 * Decided by identity, never by comparing path strings: each mount_dir is
 * opened component by component without following symlinks, and the
 * mountpoint's ancestry is walked upwards with openat(fd, "..") comparing
 * (mount ID, device, inode).  The way from the mountpoint up to the
 * allowed directory may leave a mount only when that mount is a FUSE
 * filesystem of the caller (a mount inside one's own FUSE mount); any
 * other mount boundary on that way, a bind mount of some other tree in
 * particular, makes the answer "outside".  Nothing here sends a
 * FUSE request ("..", O_PATH and statx with AT_STATX_DONT_SYNC).
 */
#ifndef FM_MOUNTDIR_H
#define FM_MOUNTDIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct dir_id {
	uint64_t mnt;
	bool unique;		/* mnt is a 64-bit unique mount ID */
	dev_t dev;
	ino_t ino;
};

/* Identity of the directory at the absolute path, opened as the caller
 * without following any symlink; 0 or -errno (-ELOOP: a symlink). */
int mountdir_id(const char *path, struct dir_id *id);

/*
 * Walks up from fd (a directory).  0 and *which set: fd is allowed[*which]
 * or beneath it; -EACCES: no allowed directory is an ancestor; -EXDEV: one
 * is, but the way up to it crosses a mount that is not a FUSE mount of
 * uid (a bind mount, say); other negative errno: the walk failed.
 */
int mountdir_find(int fd, const struct dir_id *allowed, size_t n, uid_t uid,
		  size_t *which);

#endif
