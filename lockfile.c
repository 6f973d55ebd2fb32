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

off_t lock_unmount_off(uid_t owner)
{
	return FM_LOCK_UNMOUNT_UID_OFF + (off_t)owner;
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

/* ------------------------------------------------------- attach slots */

#define NS_SHIFT 44		/* uid << 12 + k stays below */
#define UID_SHIFT 12		/* 4096 == FM_LOCK_SLOTS */

static off_t ns_base(unsigned int ns)
{
	return FM_LOCK_SLOT_OFF + ((off_t)(ns & 0xffff) << NS_SHIFT);
}

static off_t uid_base(unsigned int ns, uid_t uid)
{
	return ns_base(ns) + ((off_t)uid << UID_SHIFT);
}

int lock_mntns(unsigned int *ns)
{
	struct stat st;

	if (stat("/proc/self/ns/mnt", &st))
		return -errno;
	*ns = (unsigned int)((st.st_ino ^ (st.st_ino >> 16)) & 0xffff);
	return 0;
}

off_t lock_slot_take(int fd, unsigned int ns, uid_t uid)
{
	off_t base = uid_base(ns, uid);

	for (off_t k = 0; k < FM_LOCK_SLOTS; k++) {
		int e = set_lock(fd, F_WRLCK, base + k, 1);

		if (e == -EAGAIN || e == -EACCES)
			continue;	/* another helper's */
		return e ? e : base + k;
	}
	return -EAGAIN;
}

void lock_slot_release(int fd, off_t slot)
{
	if (slot > 0)
		set_lock(fd, F_UNLCK, slot, 1);
}

struct slot_count {
	off_t base;		/* of the namespace */
	uid_t uid;
	long all, of_uid;
};

/*
 * Counts the locks other open files hold in [lo, hi), each as one slot
 * of the user its first byte belongs to: two fcntl calls or so per lock.
 * F_OFD_GETLK names one conflicting lock, not the lowest: both sides of
 * it are searched.
 */
static int count_held(int fd, off_t lo, off_t hi, struct slot_count *n)
{
	struct flock l = { .l_type = F_WRLCK, .l_whence = SEEK_SET,
			   .l_start = lo, .l_len = hi - lo, .l_pid = 0 };
	off_t start, end;
	int e;

	if (lo >= hi)
		return 0;
	if (fcntl(fd, F_OFD_GETLK, &l))
		return -errno;
	if (l.l_type == F_UNLCK)
		return 0;
	start = l.l_start > lo ? l.l_start : lo;
	end = l.l_len == 0 || l.l_start + l.l_len > hi ? hi : l.l_start + l.l_len;
	n->all++;
	n->of_uid += (uid_t)((start - n->base) >> UID_SHIFT) == n->uid;
	e = count_held(fd, lo, start, n);
	return e ? e : count_held(fd, end, hi, n);
}

int lock_slots_count(int fd, unsigned int ns, uid_t uid, long *all,
		     long *of_uid)
{
	struct slot_count n = { .base = ns_base(ns), .uid = uid };
	int e = count_held(fd, n.base, n.base + ((off_t)1 << NS_SHIFT), &n);

	*all = n.all;
	*of_uid = n.of_uid;
	return e;
}
