// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_mounts.c - libmount loaded on demand (libmount_dl.c) and the
 * mountinfo fallback that uses it (kernels before 6.8), against the
 * statmount path on this kernel: both must describe "/" alike.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "lm.h"
#include "mounts.h"

#ifndef STATX_MNT_ID
#define STATX_MNT_ID 0x1000U
#endif
#ifndef STATX_MNT_ID_UNIQUE
#define STATX_MNT_ID_UNIQUE 0x4000U
#endif

/* lm_load() fills every pointer, once; a second call changes nothing. */
static void test_lm_load(void **state)
{
	struct lm_funcs first;
	const void *const *p = (const void *const *)&lm;

	(void)state;
	assert_int_equal(lm_load(), 0);
	for (size_t i = 0; i < sizeof(lm) / sizeof(void *); i++)
		assert_non_null(p[i]);
	memcpy(&first, &lm, sizeof(lm));
	assert_int_equal(lm_load(), 0);
	assert_memory_equal(&first, &lm, sizeof(lm));
	assert_string_equal(lm_error(), "");
}

/* mount ID of "/" of the given kind (old or unique), or skip */
static uint64_t root_id(unsigned int mask)
{
	struct statx sx;

	if (statx(AT_FDCWD, "/", AT_SYMLINK_NOFOLLOW, mask, &sx) || !(sx.stx_mask & mask))
		skip();
	return sx.stx_mnt_id;
}

/* The fallback (libmount's parse of /proc/self/mountinfo, by the old ID)
 * and statmount (by the unique ID) tell the same about "/". */
static void test_info_fallback_agrees(void **state)
{
	struct mnt_ref old = { root_id(STATX_MNT_ID), false };
	struct mnt_ref uniq = { root_id(STATX_MNT_ID_UNIQUE), true };
	struct mnt_info a, b;

	(void)state;
	assert_int_equal(mounts_info(&old, &a), 0);
	assert_string_equal(a.target, "/");
	assert_true(a.fstype[0] != '\0');
	assert_int_equal(mounts_info(&uniq, &b), 0);
	assert_string_equal(a.target, b.target);
	assert_string_equal(a.fstype, b.fstype);
	assert_int_equal(a.nosuid, b.nosuid);
	assert_int_equal(a.nodev, b.nodev);
	assert_false(mounts_is_fuse(&a));
	mounts_info_free(&a);
	mounts_info_free(&b);
}

/* An ID that is no mount: the fallback says so. */
static void test_info_fallback_unknown_id(void **state)
{
	struct mnt_ref none = { UINT64_C(0x7ffffff0), false };
	struct mnt_info mi;

	(void)state;
	assert_int_equal(mounts_info(&none, &mi), -ENOENT);
	assert_null(mi.target);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lm_load),
		cmocka_unit_test(test_info_fallback_agrees),
		cmocka_unit_test(test_info_fallback_unknown_id),
	};

	return cmocka_run_group_tests_name("mounts", tests, NULL, NULL);
}
