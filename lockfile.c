// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lockfile.c - byte-range OFD locks on /run/fusermount3.lock: the attach
 * slots that stand for mounts on their way in, and each user's byte.  The
 * layout is in lockfile.h.
 *
 * Nothing here waits without a deadline, decides policy or prints.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lockfile.h"

int lock_open(const char *path)
{
	struct stat st;
	int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK |
		      O_CLOEXEC | O_NOCTTY, 0600);

	if (fd < 0)
		return -errno;
	/* root's alone, or nobody's lock: anyone else could hold it */
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_uid != 0 ||
	    (st.st_mode & 077)) {
		close(fd);
		return -EPERM;
	}
	return fd;
}

static int64_t now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

int64_t lock_deadline(int timeout_ms)
{
	return now_ms() + timeout_ms;
}

/* 1 to 3 ms, so that two helpers that keep meeting fall out of step */
int lock_pause(int64_t deadline_ms)
{
	static unsigned int seed;
	struct timespec nap = { 0, 1000 * 1000 };

	if (now_ms() >= deadline_ms)
		return 0;
	if (!seed)
		seed = (unsigned int)getpid() ^ (unsigned int)now_ms();
	nap.tv_nsec += (long)(rand_r(&seed) % 2000) * 1000;
	nanosleep(&nap, NULL);	/* EINTR: just an earlier look */
	return 1;
}

off_t lock_user_off(uid_t uid)
{
	return FM_LOCK_USER_OFF + (off_t)uid;
}

static int set_lock(int fd, short type, off_t off, off_t len)
{
	struct flock l = { .l_type = type, .l_whence = SEEK_SET,
			   .l_start = off, .l_len = len, .l_pid = 0 };

	return fcntl(fd, F_OFD_SETLK, &l) ? -errno : 0;
}

int lock_take(int fd, off_t off, off_t len, int64_t deadline_ms)
{
	int e;

	while ((e = set_lock(fd, F_WRLCK, off, len)) != 0) {
		if (e != -EAGAIN && e != -EACCES && e != -EINTR)
			return e;
		if (!lock_pause(deadline_ms))
			return -ETIMEDOUT;
	}
	return 0;
}

void lock_release(int fd, off_t off, off_t len)
{
	set_lock(fd, F_UNLCK, off, len);
}

static off_t slot_off(int slot)
{
	return FM_LOCK_SLOT_OFF + (off_t)slot * FM_LOCK_SLOT_LEN;
}

int lock_slot_take(int fd, const struct lock_slot *s)
{
	for (int i = 0; i < FM_LOCK_SLOTS; i++) {
		ssize_t n;
		int e = set_lock(fd, F_WRLCK, slot_off(i), FM_LOCK_SLOT_LEN);

		if (e == -EAGAIN || e == -EACCES)
			continue;	/* another helper's */
		if (e)
			return e;
		n = pwrite(fd, s, sizeof(*s), slot_off(i));
		if (n == (ssize_t)sizeof(*s))
			return i;
		e = n < 0 ? -errno : -EIO;
		lock_slot_release(fd, i);
		return e;
	}
	return -EAGAIN;
}

void lock_slot_release(int fd, int slot)
{
	if (slot >= 0)
		set_lock(fd, F_UNLCK, slot_off(slot), FM_LOCK_SLOT_LEN);
}

/* A slot in [lo, hi) that another open file holds: its index, hi when
 * none, or -errno.  F_OFD_GETLK names one conflicting lock, not the
 * lowest: the caller searches both sides of it. */
static int some_held(int fd, int lo, int hi)
{
	struct flock l = { .l_type = F_WRLCK, .l_whence = SEEK_SET,
			   .l_start = slot_off(lo),
			   .l_len = slot_off(hi) - slot_off(lo), .l_pid = 0 };
	int i;

	if (fcntl(fd, F_OFD_GETLK, &l))
		return -errno;
	if (l.l_type == F_UNLCK)
		return hi;
	if (l.l_start <= slot_off(lo))	/* a lock reaching in from before */
		return lo;
	i = (int)((l.l_start - FM_LOCK_SLOT_OFF) / FM_LOCK_SLOT_LEN);
	return i < hi ? i : hi - 1;
}

struct slot_count {
	uint64_t mntns;
	uint32_t uid;
	long all, of_uid;
};

/* Counts the held slots in [lo, hi): about two fcntl calls per slot held. */
static int count_held(int fd, int lo, int hi, struct slot_count *n)
{
	struct lock_slot s;
	int i, e;

	if (lo >= hi)
		return 0;
	i = some_held(fd, lo, hi);
	if (i < 0 || i == hi)
		return i < 0 ? i : 0;
	/* its record was written before the limits lock we hold was
	 * released: a short one is a broken file */
	if (pread(fd, &s, sizeof(s), slot_off(i)) != (ssize_t)sizeof(s))
		return -EIO;
	if (s.mntns == n->mntns) {
		n->all++;
		n->of_uid += s.uid == n->uid;
	}
	e = count_held(fd, lo, i, n);
	return e ? e : count_held(fd, i + 1, hi, n);
}

int lock_slots_count(int fd, uint64_t mntns, uid_t uid, long *all,
		     long *of_uid)
{
	struct slot_count n = { .mntns = mntns, .uid = (uint32_t)uid };
	int e = count_held(fd, 0, FM_LOCK_SLOTS, &n);

	*all = n.all;
	*of_uid = n.of_uid;
	return e;
}

int lock_mntns(uint64_t *mntns)
{
	struct stat st;

	if (stat("/proc/self/ns/mnt", &st))
		return -errno;
	*mntns = (uint64_t)st.st_ino;
	return 0;
}
