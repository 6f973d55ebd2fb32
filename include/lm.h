/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lm.h - libmount, loaded when first needed.
 *
 * libmount drags libblkid, libselinux and libpcre2 in with it; linked
 * normally they are mapped and relocated at every start (about a quarter
 * of a millisecond and 750 KiB), although only the utab update and the
 * mountinfo fallback for kernels before 6.8 use them.  So the helper does
 * not link libmount: libmount_dl.c dlopen()s "libmount.so.1" the first
 * time lm_load() is called and fills `lm` with the functions listed in
 * LM_FUNCS.  Each pointer has the type of the prototype in <libmount.h>,
 * so calls are type-checked as if linked.  To use another function, add
 * it to LM_FUNCS and call it as lm.mnt_xxx(...) after lm_load() == 0.
 */
#ifndef FM_LM_H
#define FM_LM_H

#include <libmount.h>

#define LM_FUNCS(X)						\
	X(mnt_new_fs) X(mnt_unref_fs)				\
	X(mnt_fs_set_source) X(mnt_fs_set_target)		\
	X(mnt_fs_set_fstype) X(mnt_fs_set_options)		\
	X(mnt_fs_get_id) X(mnt_fs_get_parent_id)		\
	X(mnt_fs_get_target) X(mnt_fs_get_fstype)		\
	X(mnt_fs_get_root) X(mnt_fs_get_source)			\
	X(mnt_fs_get_devno)					\
	X(mnt_fs_get_fs_options) X(mnt_fs_get_vfs_options)	\
	X(mnt_optstr_get_option)				\
	X(mnt_new_table_from_file) X(mnt_unref_table)		\
	X(mnt_new_iter) X(mnt_free_iter) X(mnt_table_next_fs)	\
	X(mnt_new_update) X(mnt_free_update)			\
	X(mnt_update_set_fs) X(mnt_update_table)

#define LM_MEMBER(f) __typeof__(&f) f;
struct lm_funcs {
	LM_FUNCS(LM_MEMBER)
};
#undef LM_MEMBER

extern struct lm_funcs lm;

#define LM_SONAME "libmount.so.1"

/* 0 once every function is there; -ELIBACC when libmount cannot be
 * loaded or lacks one (lm_error() says which).  Loads at most once. */
int lm_load(void);
const char *lm_error(void);

#endif
