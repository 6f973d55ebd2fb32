/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lockfile.h - /run/fusermount3.lock, the helpers' shared lock file.
 *
 * A regular file owned by root, mode 0600, created by the first helper
 * that needs it (with root's file identity, whatever the caller's umask),
 * never openable by anyone else.  Every lock is an OFD lock (fcntl
 * F_OFD_SETLK) on a byte of it, so it belongs to the open file, is never
 * inherited across exec (the fd is O_CLOEXEC) and goes away with the
 * process, however that ends.  Nothing is ever written to the file: what
 * a lock means is its offset, so the caller's RLIMIT_FSIZE cannot matter.
 *
 * Layout (offsets in bytes; the ranges never overlap):
 *
 *   0                   free (the one unmount lock of all users until
 *                       the bytes at FM_LOCK_UNMOUNT_UID_OFF replaced it).
 *   1                   FM_LOCK_UTAB_OFF: held by a helper's utab child
 *                       (utab.c) from reading /run/mount/utab to its last
 *                       change of it, so that no helper takes another's
 *                       new record for a stale one; a mount's child takes
 *                       it before the helper hands the mount over and
 *                       writes the record after, so every later change
 *                       (a -u right after the mount) comes after it.  Shared by all users,
 *                       but it guards only what libmount's own utab lock
 *                       guards too, and any user can flock that one: a
 *                       stopped or frozen holder blocks no more than that
 *                       lock does (each wait ends after FM_UTAB_TIMEOUT_MS
 *                       with a warning; mounts and unmounts go on).
 *   2 .. 4095           free, for one-byte locks of the whole helper.
 *   2^32 + uid          FM_LOCK_USER_OFF: one byte per user, held while
 *                       one of that user's helpers takes a slot and
 *                       counts, so that a user has one undecided slot at
 *                       a time.
 *   2^33 + owner        FM_LOCK_UNMOUNT_UID_OFF: the unmount lock, one
 *                       byte per owner of the mount removed (a FUSE
 *                       mount's user_id=, 0 for any other mount), held by
 *                       every unmount the helper makes (-u, -u -z, the
 *                       auto_unmount watcher, undoing a mount) from its
 *                       look at what is on the mount through umount2
 *                       (unmount.c, unmount.h).
 *   2^34 + ns<<44 + uid<<12 + k
 *                       FM_LOCK_SLOT_OFF: attach slots, k < 4096 of them
 *                       per user and mount namespace (ns: 16 bits of the
 *                       namespace's inode number; two namespaces that
 *                       share them only count each other's slots too).  A
 *                       helper takes one before it counts the mounts for
 *                       mount_max and user_mount_max and holds it until
 *                       its mount is attached or has failed.
 *
 * A caller can stop (SIGSTOP, the cgroup freezer) its own helper at any
 * moment, and whatever that helper holds then stays held.  Its user byte
 * stops only that user; its slot counts as one mount in flight of that
 * user, no more.  An unmount byte is shared by the owner of the mounts
 * and root (who may remove them too), so only a process the caller cannot
 * stop holds it: its real and saved uids are 0 (no signal of the caller's
 * reaches it; the helper itself, when it holds the byte, also blocks the
 * signals a terminal sends unchecked: unmount.c, act_here), it opens the
 * file itself (no other descriptor keeps its
 * lock alive once it is gone) and it ends itself by SIGALRM (default
 * action) after holding it 2 s at most, which a task in a frozen cgroup
 * v2 obeys too (a fatal signal ends a frozen task; the caller can freeze
 * its holder, uid 0 or not, in a cgroup v2 subtree delegated to it, at
 * any system call, so that alarm runs from before the byte is taken until
 * after it is let go).  Only the cgroup v1 freezer, a root-owned
 * hierarchy, could hold it longer.  (So could a FUSE server that had read
 * a request of the child and never answered, while the child entered the
 * parent directory to unmount by name; the unmount lock is per owner for
 * that reason: tests/integration/t_identity.sh, test_id_lock_starvation.
 * Every unmount now goes through the checked mount's fd.)
 *
 * No wait on a lock is unbounded: lock_take() polls until a deadline.
 */
#ifndef FM_LOCKFILE_H
#define FM_LOCKFILE_H

#include <stdint.h>
#include <sys/types.h>

#ifndef FM_LOCK_FILE
#define FM_LOCK_FILE "/run/fusermount3.lock"
#endif
#define FM_LOCK_UTAB_OFF ((off_t)1)
#define FM_LOCK_USER_OFF ((off_t)1 << 32)
#define FM_LOCK_UNMOUNT_UID_OFF ((off_t)1 << 33)
#define FM_LOCK_SLOT_OFF ((off_t)1 << 34)
#define FM_LOCK_SLOTS 4096	/* per user and namespace */
/* The longest wait for a user's byte and for attaches in flight:
 * holders only take a slot and count mounts. */
#define FM_LOCK_TIMEOUT_MS 5000

/* Opens (creating it 0600) the lock file at path: the caller must have
 * root's file identity.  An fd (O_CLOEXEC) or -errno. */
int lock_open(const char *path);
/* Write-locks len bytes at off, polling until deadline_ms of
 * CLOCK_MONOTONIC (lock_deadline); 0, -ETIMEDOUT or -errno. */
int lock_take(int fd, off_t off, off_t len, int64_t deadline_ms);
void lock_release(int fd, off_t off, off_t len);
int64_t lock_deadline(int timeout_ms);
/* Sleeps a little (1 to 3 ms) and says whether deadline_ms is still
 * ahead. */
int lock_pause(int64_t deadline_ms);
/* The byte of FM_LOCK_USER_OFF for uid. */
off_t lock_user_off(uid_t uid);
/* The unmount byte (FM_LOCK_UNMOUNT_UID_OFF) for mounts of owner. */
off_t lock_unmount_off(uid_t owner);

/* The caller's mount namespace, as the slots know it; 0 or -errno. */
int lock_mntns(unsigned int *ns);
/* Takes a free attach slot of uid in namespace ns: its offset, or -EAGAIN
 * when all are taken, or -errno.  Take it before counting. */
off_t lock_slot_take(int fd, unsigned int ns, uid_t uid);
void lock_slot_release(int fd, off_t slot);
/* Attach slots other open files hold in namespace ns: all, and those of
 * uid; 0 or -errno. */
int lock_slots_count(int fd, unsigned int ns, uid_t uid, long *all,
		     long *of_uid);

#endif
