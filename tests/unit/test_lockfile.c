// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_lockfile.c - lockfile.c on a real temporary file: OFD locks held
 * through separate open(2) calls conflict with each other even inside one
 * process, so many "helpers" can be played by many descriptors.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "lockfile.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static char path[64];

static int setup(void **state)
{
	int fd;

	(void)state;
	snprintf(path, sizeof(path), "/tmp/fm-lockfile-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(fchmod(fd, 0600), 0);
	close(fd);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(path);
	return 0;
}

/* another "helper": a descriptor of its own */
static int other(void)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);

	assert_true(fd >= 0);
	return fd;
}

/* ============================================================ lock_open */

static void test_open_root_only(void **state)
{
	int fd;

	(void)state;
	if (geteuid() != 0) {	/* then the file cannot be root's */
		assert_int_equal(lock_open(path), -EPERM);
		return;
	}
	fd = lock_open(path);
	assert_true(fd >= 0);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	close(fd);
	assert_int_equal(chmod(path, 0640), 0);
	assert_int_equal(lock_open(path), -EPERM);
	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(chown(path, 1, 0), 0);
	assert_int_equal(lock_open(path), -EPERM);
}

static void test_open_creates_0600(void **state)
{
	char p[80];
	struct stat st;
	int fd;

	(void)state;
	snprintf(p, sizeof(p), "%s.new", path);
	fd = lock_open(p);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	if (fd >= 0)
		close(fd);
	else
		assert_int_equal(fd, -EPERM);	/* not root: not root's */
	unlink(p);
}

static void test_open_no_symlink(void **state)
{
	char p[80];

	(void)state;
	snprintf(p, sizeof(p), "%s.link", path);
	assert_int_equal(symlink(path, p), 0);
	assert_int_equal(lock_open(p), -ELOOP);
	unlink(p);
}

/* ============================================================ lock_take */

static void test_take_bounded(void **state)
{
	int a = other(), b = other();

	(void)state;
	assert_int_equal(lock_take(a, lock_user_off(1000), 1, lock_deadline(1000)), 0);
	assert_int_equal(lock_take(b, lock_user_off(1000), 1, lock_deadline(20)),
			 -ETIMEDOUT);
	/* another user's byte is another lock */
	assert_int_equal(lock_take(b, lock_user_off(1001), 1, lock_deadline(0)), 0);
	lock_release(a, lock_user_off(1000), 1);
	assert_int_equal(lock_take(b, lock_user_off(1000), 1, lock_deadline(0)), 0);
	close(a);
	close(b);
}

/* the lock goes with the descriptor, not with an unlock */
static void test_take_after_close(void **state)
{
	int a = other(), b = other();

	(void)state;
	assert_int_equal(lock_take(a, lock_user_off(0), 1, lock_deadline(0)), 0);
	close(a);
	assert_int_equal(lock_take(b, lock_user_off(0), 1, lock_deadline(0)), 0);
	close(b);
}

static void test_layout(void **state)
{
	(void)state;
	/* the free bytes, the users' bytes and the slots never overlap */
	assert_true(sizeof(off_t) == 8);
	assert_true(lock_user_off(0) >= 4096);
	assert_true(lock_user_off(4294967295U) < FM_LOCK_SLOT_OFF);
}

/* ================================================================ slots */

#define HELPERS 60

struct helper {
	int fd;
	off_t slot;
	unsigned int ns;
	uid_t uid;
};

static void expect_count(const struct helper *h, size_t n, unsigned int ns,
			 uid_t uid)
{
	long want_all = 0, want_uid = 0, all, of_uid;
	int fd = other();

	for (size_t i = 0; i < n; i++) {
		if (h[i].slot < 0 || h[i].ns != ns)
			continue;
		want_all++;
		want_uid += h[i].uid == uid;
	}
	assert_int_equal(lock_slots_count(fd, ns, uid, &all, &of_uid), 0);
	assert_int_equal(all, want_all);
	assert_int_equal(of_uid, want_uid);
	close(fd);
}

/* Slots taken and given back in a scrambled order: the kernel's list of
 * locks is then not in offset order, which the count must not rely on. */
static void test_slots_count_scrambled(void **state)
{
	struct helper h[HELPERS];
	unsigned int seed = 4711;

	(void)state;
	for (size_t i = 0; i < HELPERS; i++) {
		h[i].fd = other();
		h[i].uid = i % 5 == 0 ? 4294967294U : 1000 + (uid_t)(i % 3);
		h[i].ns = 7 + (i % 4 == 0);
		h[i].slot = -1;
	}
	for (int round = 0; round < 300; round++) {
		size_t i = (size_t)rand_r(&seed) % HELPERS;

		if (h[i].slot >= 0) {
			lock_slot_release(h[i].fd, h[i].slot);
			h[i].slot = -1;
		} else {
			h[i].slot = lock_slot_take(h[i].fd, h[i].ns, h[i].uid);
			assert_true(h[i].slot > 0);
		}
		expect_count(h, HELPERS, 7, 1001);
		expect_count(h, HELPERS, 8, 1000);
		expect_count(h, HELPERS, 7, 4294967294U);
	}
	for (size_t i = 0; i < HELPERS; i++)
		close(h[i].fd);
	expect_count(h, 0, 7, 1001);
}

/* a slot is one helper's: never handed out twice; namespaces and users
 * have slots of their own */
static void test_slots_distinct(void **state)
{
	int fds[8];
	off_t slots[8];

	(void)state;
	for (int i = 0; i < 8; i++) {
		fds[i] = other();
		slots[i] = lock_slot_take(fds[i], 3, 1000);
		assert_true(slots[i] > 0);
		for (int j = 0; j < i; j++)
			assert_true(slots[j] != slots[i]);
	}
	lock_slot_release(fds[3], slots[3]);
	assert_true(lock_slot_take(fds[3], 3, 1000) == slots[3]);	/* free again */
	assert_true(lock_slot_take(fds[0], 3, 1001) != slots[0]);
	assert_true(lock_slot_take(fds[0], 4, 1000) != slots[0]);
	for (int i = 0; i < 8; i++)
		close(fds[i]);
}

/* all of a user's slots taken: -EAGAIN; a lock over many slots counts
 * once, and the count ends */
static void test_slots_full(void **state)
{
	struct flock l = { .l_type = F_WRLCK, .l_whence = SEEK_SET,
			   .l_len = FM_LOCK_SLOTS };
	int a = other(), b = other(), c = other();
	long all, mine;
	off_t s;

	(void)state;
	s = lock_slot_take(b, 9, 1000);
	assert_true(s > 0);
	lock_slot_release(b, s);
	l.l_start = s;		/* the first slot of that user */
	assert_int_equal(fcntl(a, F_OFD_SETLK, &l), 0);
	assert_int_equal(lock_slot_take(b, 9, 1000), -EAGAIN);
	assert_true(lock_slot_take(b, 9, 1001) > 0);	/* another user's */
	assert_int_equal(lock_slots_count(c, 9, 1000, &all, &mine), 0);
	assert_int_equal(all, 2);
	assert_int_equal(mine, 1);
	close(a);
	assert_int_equal(lock_slot_take(b, 9, 1000), s);
	close(b);
	close(c);
}

static void test_mntns(void **state)
{
	unsigned int a = 0x10000, b = 0x10000;

	(void)state;
	assert_int_equal(lock_mntns(&a), 0);
	assert_int_equal(lock_mntns(&b), 0);
	assert_true(a == b && a <= 0xffff);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_open_root_only),
		T(test_open_creates_0600),
		T(test_open_no_symlink),
		T(test_take_bounded),
		T(test_take_after_close),
		T(test_layout),
		T(test_slots_count_scrambled),
		T(test_slots_distinct),
		T(test_slots_full),
		T(test_mntns),
	};
#undef T

	return cmocka_run_group_tests_name("lockfile", tests, NULL, NULL);
}
