/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * unmount.h - "fusermount3 -u" and the auto_unmount watcher.
 *
 * Only the caller's own FUSE mount is ever touched: the mount found at
 * parent/last is identified by mount ID (statx), its owner read from the
 * kernel's user_id= option (statmount), and the unmount goes through the
 * already opened parent with UMOUNT_NOFOLLOW, so neither a symlink nor a
 * renamed parent can redirect it.
 */
#ifndef FM_UNMOUNT_H
#define FM_UNMOUNT_H

#include <stdbool.h>

#include "mounts.h"
#include "privs.h"

enum um_status {
	UM_OK,
	UM_NOT_FOUND,	/* not a FUSE mount of the caller (or not ours) */
	UM_PARENT,	/* the parent directory cannot be opened */
	UM_UMOUNT,	/* umount2() failed */
	UM_ALIVE,	/* watcher: the filesystem still answers */
};

struct um_req {
	const struct privs *pv;
	const char *abs;		/* resolved mountpoint, for utab */
	const char *parent;		/* resolved parent directory */
	const char *last;		/* last component, not resolved */
	bool lazy;
	const struct mnt_ref *expect;	/* only this very mount, or NULL */
	int *utab_err;			/* out: the record could not go, or NULL */
};

/* Returns a status; *err holds the errno for UM_PARENT and UM_UMOUNT. */
enum um_status unmount_run(const struct um_req *q, int *err);
/* Watcher: unmounts q->expect only if its filesystem is dead. */
enum um_status unmount_if_dead(const struct um_req *q, int *err);
/* Finds the mount at q's path that the caller may unmount. */
enum um_status unmount_find(const struct um_req *q, struct mnt_ref *ref,
			    int *err);

#endif
