/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lockfile.h - /run/fusermount3.lock, the helpers' shared lock file.
 *
 * A regular file owned by root, mode 0600, created by the first helper
 * that needs it (with root's file identity, whatever the caller's umask),
 * never readable or lockable by anyone else.  Every lock is an OFD lock
 * (fcntl F_OFD_SETLK) on a byte range of it, so it belongs to the open
 * file, is never inherited across exec (the fd is O_CLOEXEC) and goes
 * away with the process, however that ends.
 *
 * Layout (offsets in bytes; the ranges never overlap):
 *
 *   0 .. 4095           free, for one-byte locks of the whole helper (the
 *                       next one to add, e.g. for unmounts, takes byte 0).
 *   4096 .. +16*4096    FM_LOCK_SLOT_OFF: attach slots, FM_LOCK_SLOT_LEN
 *                       bytes each.  A helper takes one before it counts
 *                       the mounts for mount_max and user_mount_max and
 *                       holds it until its mount is attached or has
 *                       failed; the slot's bytes hold its record (uid,
 *                       mount namespace), written before the count.
 *   2^32 + uid          FM_LOCK_USER_OFF: one byte per user, held while
 *                       one of that user's helpers takes a slot and
 *                       counts, so that a user has one undecided slot at
 *                       a time.
 *
 * There is no lock shared by all users: a caller can stop (SIGSTOP, the
 * cgroup freezer) its own helper at any moment, and whatever that helper
 * holds then stays held.  Its user byte stops only that user; its slot
 * counts as one mount in flight of that user, no more.
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
#define FM_LOCK_SLOT_OFF 4096
#define FM_LOCK_SLOT_LEN 16
#define FM_LOCK_SLOTS 4096
#define FM_LOCK_USER_OFF ((off_t)1 << 32)
/* The longest wait for a user's byte and for attaches in flight:
 * holders only take a slot and count mounts. */
#define FM_LOCK_TIMEOUT_MS 5000

/* What an attach slot says: whose mount, in which mount namespace. */
struct lock_slot {
	uint32_t uid;
	uint32_t pad;
	uint64_t mntns;		/* inode number of /proc/self/ns/mnt */
};

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

/* Takes a free attach slot and writes s into it: its index, or -EAGAIN
 * when all are taken, or -errno.  Take it before counting. */
int lock_slot_take(int fd, const struct lock_slot *s);
void lock_slot_release(int fd, int slot);
/* Attach slots other open files hold in namespace mntns: all, and those
 * of uid; 0 or -errno. */
int lock_slots_count(int fd, uint64_t mntns, uid_t uid, long *all,
		     long *of_uid);
/* The caller's mount namespace, as lock_slot.mntns; 0 or -errno. */
int lock_mntns(uint64_t *mntns);

#endif
