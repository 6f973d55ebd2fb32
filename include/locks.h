/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * locks.h - the helper's one lock file, and the map of its bytes.
 *
 * The file is root's (0600), created and opened with fsuid 0, so no
 * caller can open it, let alone hold a lock on it.  Each lock is an OFD
 * lock (F_OFD_SETLKW) on one byte:
 *
 *   [0, 2^32)   user_mount_max: one byte per uid, at the offset of the
 *               uid, held while that user's helper counts and mounts
 *               (fusermount.c, lock_user_max)
 *   2^40        unmount: one byte for every unmount the helper makes
 *               (-u, -u -z, the auto_unmount watcher, undoing a mount),
 *               held from the last check of the mount through umount2,
 *               always by a child the caller cannot stop (unmount.c)
 */
#ifndef FM_LOCKS_H
#define FM_LOCKS_H

#include <sys/types.h>

#ifndef FM_LOCK_FILE
#define FM_LOCK_FILE "/run/fusermount3.lock"
#endif

#define FM_LOCK_UNMOUNT_BYTE ((off_t)1 << 40)

#endif
