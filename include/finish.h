/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * finish.h - what happens after prepare said yes (prepare.h), and after
 * the proceed byte: the mount onto the pinned fd (CAP_SYS_ADMIN around
 * the backend, mountmax.h's attach hook, guard.h's peer watch in
 * --sync-init mode), its verification by mount ID, mount_dir again, the
 * utab record; the fd or the status sent to the library; any failure
 * after the mount exists undoes it through the mount's own fd; then the
 * auto_unmount watcher (watch.h), if asked for.
 *
 * Said through c->out (several messages may be said, in order, while a
 * mount is undone); returns 0 or -errno.
 */
#ifndef FM_FINISH_H
#define FM_FINISH_H

#include "mctx.h"

#define FM_FINISH_TIMEOUT 30	/* seconds; a daemon that never INITs */

/* The mount is gone, its utab record is not (the next helper's pruning
 * will remove it). */
#define UTAB_KEPT_MSG "failed to remove the record of %s from %s: %s"

/* classic: mount, then send the fd */
int finish_classic(struct mctx *c);
/* --sync-init: send the fd, wait for the proceed byte, mount, send the
 * status */
int finish_sync_init(struct mctx *c);

#endif
