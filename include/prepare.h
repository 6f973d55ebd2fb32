/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * prepare.h - may this user mount here?  Every check that can refuse a
 * mount, run as the caller before anything leaves the helper: the
 * device, fuse.conf, mount_max and user_mount_max (an early count; the
 * exact one is mountmax.h's, at attach), the mountpoint pinned and
 * checked, mount_dir, every option, the size of the utab record.
 *
 * Returns a verdict (verdict.h): V_GO, or the first refusal with its
 * message, errno and fuse.conf line.  Warnings go to c->out.
 */
#ifndef FM_PREPARE_H
#define FM_PREPARE_H

#include "mctx.h"
#include "verdict.h"

#define FM_PREPARE_TIMEOUT 60	/* seconds; a hung path lookup or stat */

#define X_OPTS_MSG "x- options too long (more than %d bytes) to record in %s"
#define TARGET_MSG "mountpoint %s too long (more than %d bytes) to record in %s"

/* fuse.conf, read as the caller (--check does it before giving up every
 * privilege: the file may need root's file access to be looked at). */
struct verdict prepare_conf(struct mctx *c);
/* Everything; fuse.conf too unless c->conf_read. */
struct verdict prepare(struct mctx *c);

/* 0 when the pinned mountpoint is within a mount_dir (or none is set),
 * else -errno as mountdir_find(); finish.c asks again after the mount. */
int prepare_within_mount_dir(struct mctx *c);

/* The log setting, for runs that do not read fuse.conf otherwise (-u):
 * read as the caller, without a word; only a trusted file may lower it. */
enum conf_log prepare_log_level(void);

#endif
