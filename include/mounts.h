/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mounts.h - reading the mount table.
 *
 * Mounts are identified by mount ID, never by path string: statx(2)
 * gives the ID of whatever is mounted at a name (without sending a FUSE
 * request, so a hung server cannot block us) and statmount(2) describes
 * that one mount in constant time.  Kernels without statmount (< 6.8)
 * fall back to libmount's parse of /proc/self/mountinfo, by the old ID.
 */
#ifndef FM_MOUNTS_H
#define FM_MOUNTS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct mnt_ref {
	uint64_t id;
	bool unique;		/* 64-bit unique ID (statmount) or old ID */
};

struct mnt_info {
	struct mnt_ref parent;
	char fstype[16];	/* "fuse", "fuseblk", ...; no subtype */
	bool has_user_id;
	uid_t user_id;		/* FUSE superblock option user_id= */
	bool nosuid, nodev;
	char *target;		/* mount point path, malloc'ed */
};

/* ID of the mount at dirfd/name (name "" = dirfd itself); no symlinks. */
int mounts_id_at(int dirfd, const char *name, struct mnt_ref *ref);
int mounts_info(const struct mnt_ref *ref, struct mnt_info *mi);
void mounts_info_free(struct mnt_info *mi);
bool mounts_is_fuse(const struct mnt_info *mi);
/* FUSE mounts in this namespace: all of them, and those of uid. */
int mounts_count_fuse(uid_t uid, long *total, long *of_uid);
/* All the mounts in this namespace, of any type: an upper bound of both
 * counts above, with one listmount per 512 mounts and no statmount.
 * -ENOSYS before Linux 6.8. */
int mounts_count_all(long *n);
/* One FUSE mount (fuse or fuseblk) as the kernel reports it.  The
 * strings are valid only while the callback runs. */
struct fuse_mount {
	struct mnt_ref ref;
	const char *target;	/* mount point, raw bytes */
	const char *type;	/* "fuse" or "fuseblk" */
	const char *subtype;	/* "" when none */
	const char *source;	/* "" when none */
	bool has_user_id, has_group_id, allow_other;
	uid_t user_id;
	gid_t group_id;
	unsigned int dev_major, dev_minor;	/* the superblock's device */
};
/* Non-zero stops the walk and is returned. */
typedef int (*fuse_mount_fn)(void *arg, const struct fuse_mount *m);
/* Every FUSE mount in this namespace, in mount order: listmount and
 * statmount, or mountinfo (old IDs) where statmount cannot tell all. */
int mounts_each_fuse(fuse_mount_fn fn, void *arg);
/* The one mount ref: fn's verdict, -EINVAL when it is not FUSE, -ENOENT
 * when it is gone, -errno. */
int mounts_fuse_at(const struct mnt_ref *ref, fuse_mount_fn fn, void *arg);
/* Every mount of this namespace as the kernel names it (statmount, or
 * mountinfo before Linux 6.11): no path is walked, no FUSE request sent. */
struct mnt_entry {
	char *target, *root, *source;
	uint64_t id;
	bool unique;		/* id is statmount's 64-bit ID, else mountinfo's */
};
struct mnt_list {
	struct mnt_entry *v;	/* sorted by target */
	size_t n, cap;
};
int mounts_list(struct mnt_list *l);
/*
 * Only the mounts on exactly target, found from one of them, from: the
 * mounts on one path are a chain of parents, so its parents while they
 * are on target, and with up, also what is stacked on from.  from may be
 * the mount under the path (then nothing is on it).  Needs statmount's
 * unique IDs (else -ENOSYS); costs a statmount per mount of the chain.
 */
/* Is anything mounted on ref's root, or anything below it not a FUSE
 * mount of uid (it may be on the root all the same): 1 yes, 0 no,
 * -EAGAIN cannot tell (renamed all the time), -ENOSYS before Linux 6.8,
 * -errno. */
int mounts_on_root(const struct mnt_ref *ref, uid_t uid);
int mounts_list_stack(const struct mnt_ref *from, const char *target, bool up,
		      struct mnt_list *l);
/* How many mounts sit on exactly path; *first: the first of them in l. */
size_t mounts_list_at(const struct mnt_list *l, const char *path, size_t *first);
/* Is e the mount ref? */
bool mounts_list_is(const struct mnt_entry *e, const struct mnt_ref *ref);
void mounts_list_free(struct mnt_list *l);
/* Parses user_id= from a superblock option string (exact, delimited). */
bool mounts_parse_user_id(const char *opts, uid_t *uid);

#endif
