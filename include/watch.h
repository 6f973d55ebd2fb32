/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * watch.h - after the mount: the auto_unmount watcher, which outlives the
 * daemon's start and removes its mount once the daemon is gone, and with
 * reattach keeps the connection for a grace period, handing it to a new
 * server that asks (--reattach).
 */
#ifndef FM_WATCH_H
#define FM_WATCH_H

#include "mctx.h"
#include "verdict.h"

/* The watcher's only fds; the last two only with reattach. */
enum { WATCH_SOCK = 3, WATCH_PARENT, WATCH_DEV, WATCH_LISTEN, WATCH_MAX };

/* Becomes the watcher: fds are WATCH_SOCK, WATCH_PARENT[, WATCH_DEV,
 * WATCH_LISTEN with grace] in that order (n of them); waits for the
 * daemon's end (and the grace period), then removes its mount if it is
 * dead.  0, or -1 if it could not become the watcher. */
int watch_keep(const struct privs *pv, const struct mpath *p, const int *fds,
	       int n, const struct mnt_ref *ref, unsigned int grace);

/* --auto-unmount: the caller's own FUSE mount at p, found as -u finds it;
 * V_GO with *pfd (its parent, for WATCH_PARENT) and *ref set. */
struct verdict watch_find(const struct privs *pv, const struct mpath *p,
			  int *pfd, struct mnt_ref *ref);

/* --reattach: the kept /dev/fuse fd of the caller's mount at p, asked of
 * its watcher and sent on sock. */
struct verdict watch_reattach(const struct privs *pv, const struct mpath *p,
			      int sock);

#endif
