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
 *   0                   FM_LOCK_LIMITS_OFF: mount_max and user_mount_max.
 *                       Held only while a helper counts the mounts and
 *                       the attaches in flight and reserves a slot.
 *   1 .. 4095           free for other locks of one byte each (the next
 *                       one to add, e.g. for unmounts, takes byte 1).
 *   4096 .. +16*1024    FM_LOCK_SLOT_OFF: attach slots, FM_LOCK_SLOT_LEN
 *                       bytes each.  A helper holds one from the count
 *                       until its mount is attached or has failed; the
 *                       slot's bytes hold its record (uid, mount
 *                       namespace), written under both locks.
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
#define FM_LOCK_LIMITS_OFF 0
#define FM_LOCK_SLOT_OFF 4096
#define FM_LOCK_SLOT_LEN 16
#define FM_LOCK_SLOTS 1024
/* The longest wait for FM_LOCK_LIMITS_OFF and for attaches in flight:
 * holders only count mounts and write a slot. */
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
/* Sleeps a little (1 ms) and says whether deadline_ms is still ahead. */
int lock_pause(int64_t deadline_ms);

/* Takes a free attach slot and writes s into it: its index, or -EAGAIN
 * when all are taken, or -errno.  Call with FM_LOCK_LIMITS_OFF held. */
int lock_slot_take(int fd, const struct lock_slot *s);
void lock_slot_release(int fd, int slot);
/* Attaches in flight in namespace mntns: all, and those of uid.  Call
 * with FM_LOCK_LIMITS_OFF held; 0 or -errno. */
int lock_slots_count(int fd, uint64_t mntns, uid_t uid, long *all,
		     long *of_uid);
/* The caller's mount namespace, as lock_slot.mntns; 0 or -errno. */
int lock_mntns(uint64_t *mntns);

#endif
