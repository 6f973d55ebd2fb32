/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * locks.h - root's lock file, shared by every helper (0600, root's).
 *
 * Byte ranges of FM_LOCK_FILE, taken with OFD locks:
 *   byte uid (0 .. 2^32-2)   that user's user_mount_max lock (fusermount.c)
 *   byte FM_LOCK_UTAB        a helper's utab child, from reading utab to its
 *                            last change (utab.c)
 */
#ifndef FM_LOCKS_H
#define FM_LOCKS_H

#include <sys/types.h>

#ifndef FM_LOCK_FILE
#define FM_LOCK_FILE "/run/fusermount3.lock"
#endif
#define FM_LOCK_UTAB (((off_t)1 << 32) + 16)	/* beyond every uid */

#endif
