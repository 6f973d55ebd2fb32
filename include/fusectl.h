/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fusectl.h - aborting a FUSE connection through the fusectl filesystem
 * (`fusermount3 --abort`): every request waiting on the server ends at
 * once (ECONNABORTED, then ENOTCONN), and the server's reads end with
 * ENODEV.
 *
 * The connection is named by the device of the mount's superblock as the
 * kernel reports it for the checked mount ID (statmount, or mountinfo
 * before Linux 6.8), never by a stat of the mount, which a hung server
 * would not answer.  fusectl is used where it is mounted; elsewhere it is
 * reached without touching any mount table: a detached instance made
 * with fsopen/fsmount and known only to the helper's fd (CAP_SYS_ADMIN
 * around those three calls, which take no input of the caller's), or, on
 * kernels without the new mount API, one mounted in a private mount
 * namespace of a short-lived child.  The abort file is then opened and
 * written with the caller's identity and no capability: fusectl gives
 * each connection's files to the mount's owner, so the kernel checks the
 * ownership once more.
 */
#ifndef FM_FUSECTL_H
#define FM_FUSECTL_H

#include "mounts.h"
#include "privs.h"

#ifndef FM_FUSECTL_DIR
#define FM_FUSECTL_DIR "/sys/fs/fuse/connections"
#endif
#define FM_FUSECTL_MAGIC 0x65735543UL

/* Aborts the connection of the FUSE mount ref, which must be the
 * caller's (user_id=) unless the caller is root.  0, or -errno: -EINVAL
 * not FUSE, -ENOENT gone, -EPERM not the caller's. */
int fusectl_abort(const struct privs *pv, const struct mnt_ref *ref);

#endif
