/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * utab.h - the record of a mount in libmount's /run/mount/utab.
 *
 * libmount owns the file's format and its lock; every change goes through
 * it, in a short-lived child that is killed when it takes too long (a
 * mount's child may finish after the helper has handed the mount over,
 * ordered by byte 1 of the lock file; see utab_settle).  Each
 * helper that changes utab also drops stale records: users' records
 * (user=NAME) that describe no mount of the helper's mount namespace.
 */
#ifndef FM_UTAB_H
#define FM_UTAB_H

#include <stdbool.h>

#include "mounts.h"

#define FM_UTAB_DIR "/run/mount"
#define FM_UTAB FM_UTAB_DIR "/utab"
#define FM_UTAB_TIMEOUT_MS 1500	/* one helper's whole utab work, lock waits included */
#define FM_UTAB_X_OPTS_MAX 1024	/* bytes of x- options one user's record may carry */
#define FM_UTAB_TARGET_MAX 1024	/* bytes of mount point one user's record may name */
#define FM_UTAB_PRUNE_MAX 64	/* stale records of other targets one helper drops */

bool utab_present(void);
/*
 * Both run with the caller's fsuid switched to root by the caller, and
 * return 0 or -errno (-ETIMEDOUT: the time ran out, a lock held too long).
 * utab_add records the mount ref, which the kernel names target, and
 * refuses with -ESTALE when that is no longer where it is.
 * utab_remove: the mount at target is gone; its record goes.
 */
int utab_add(const struct mnt_ref *ref, const char *source, const char *target,
	     const char *type, const char *opts);
/* utab_add may return 0 with the record still being written by its child
 * (ordered: it holds byte 1 of the lock file, which every later utab
 * change waits for; bounded: it ends itself after FM_UTAB_TIMEOUT_MS).
 * A process that goes on living (the watcher) waits for it here. */
void utab_settle(void);
int utab_remove(const char *target);
/* The same, with the directory target was in and its name there (a pinned
 * fd): only the mounts on target are read, unless users' records of other
 * targets are in utab (then every mount of the namespace). */
int utab_remove_at(int dirfd, const char *last, const char *target);

/*
 * The same, done in the calling process instead of a child of its own:
 * for a child made for the unmount (unmount.c), which is out of the
 * caller's reach already (real and saved uid 0), runs with root's file
 * identity (privs_fsroot_begin) and holds no lock.  It bounds itself
 * (SIGKILL after FM_UTAB_TIMEOUT_MS from now), keeps only resfd (as fd 3)
 * and dirfd (as fd 4) of its descriptors, and writes its result (0 or
 * -errno, an int) to resfd as soon as it has it; any: the record needs no
 * user= (a root caller's).  Returns the same result; the caller exits.
 */
int utab_remove_here(int dirfd, const char *last, const char *target,
		     bool any, int resfd);
/* How the pruning reads one line of utab (exposed for the unit tests):
 * 1 and *r when it names a target, 0 when it names none, -errno. */
struct utab_rec {
	char *target;		/* decoded, slashes as libmount compares them */
	char *source, *root;	/* decoded; NULL if absent */
	bool user;		/* OPTS has user=NAME, and nothing odd is in the line */
};
int utab_scan_line(const char *line, struct utab_rec *r);
void utab_rec_free(struct utab_rec *r);
/* Repeated and trailing slashes dropped, as libmount's streq_paths(). */
void utab_normalize(char *path);

#endif
