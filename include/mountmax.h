/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mountmax.h - mount_max and user_mount_max, exact with any number of
 * helpers at once: the attach slots of /run/fusermount3.lock (lockfile.h)
 * and the counts, at the moment the mount is attached.  (prepare.h makes
 * an early count, without a lock, for a quick answer.)
 */
#ifndef FM_MOUNTMAX_H
#define FM_MOUNTMAX_H

#include <stdbool.h>

#include "mctx.h"

#define MAX_MSG "too many FUSE filesystems mounted; mount_max=N can be set in %s"
#define USER_MAX_MSG "too many FUSE filesystems mounted by this user; " \
	"user_mount_max=%d is set in %s"

/* Opens the lock file (when a limit applies), before the guard thread
 * exists; 0 or -errno after saying why. */
int limits_open(struct mctx *c);
void limits_close(struct mctx *c);
/* The backends' attach hook (mount.h), arg a struct mctx. */
int limits_attach(void *arg, bool begin);

#endif
