// SPDX-License-Identifier: GPL-2.0-or-later
/* mounts.c - mount IDs, statmount/listmount, libmount fallback. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "lm.h"
#include "mounts.h"

#ifndef STATX_MNT_ID
#define STATX_MNT_ID 0x1000U
#endif
#ifndef STATX_MNT_ID_UNIQUE
#define STATX_MNT_ID_UNIQUE 0x4000U
#endif

/* uapi of Linux 6.8+, absent from the installed headers */
#define FM_NR_statmount 457
#define FM_NR_listmount 458
#define SM_SB_BASIC 0x1U
#define SM_MNT_BASIC 0x2U
#define SM_MNT_POINT 0x10U
#define SM_FS_TYPE 0x20U
#define SM_MNT_OPTS 0x80U
#define SM_FS_SUBTYPE 0x100U
#define SM_SB_SOURCE 0x200U
#define SM_SUPPORTED_MASK 0x1000U
#define FM_LSMT_ROOT 0xffffffffffffffffULL
#define FM_ATTR_NOSUID 0x2U
#define FM_ATTR_NODEV 0x4U
#define FM_FUSE_SUPER_MAGIC 0x65735546U

struct fm_mnt_id_req {
	uint32_t size, spare;
	uint64_t mnt_id, param;
};

struct fm_statmount {
	uint32_t size, mnt_opts;
	uint64_t mask;
	uint32_t sb_dev_major, sb_dev_minor;
	uint64_t sb_magic;
	uint32_t sb_flags, fs_type;
	uint64_t mnt_id, mnt_parent_id;
	uint32_t mnt_id_old, mnt_parent_id_old;
	uint64_t mnt_attr, mnt_propagation, mnt_peer_group, mnt_master;
	uint64_t propagate_from;
	uint32_t mnt_root, mnt_point;
	uint64_t mnt_ns_id;
	uint32_t fs_subtype, sb_source, opt_num, opt_array;
	uint32_t opt_sec_num, opt_sec_array;
	uint64_t supported_mask;
	uint32_t uidmap_num, uidmap, gidmap_num, gidmap;
	uint64_t spare2[43];
	char str[];
};

/* The old (mountinfo) mount ID at dirfd/name, asking for no attribute
 * at all: 0 or -errno. */
static int old_id_at(int dirfd, const char *name, int flags, uint64_t *id)
{
	struct statx sx;

	if (statx(dirfd, name, flags, 0, &sx) == -1)
		return -errno;
	if (!(sx.stx_mask & STATX_MNT_ID))
		return -ENOSYS;
	*id = sx.stx_mnt_id;
	return 0;
}

/* Old ID of the mount with unique ID id: 0 or -errno. */
static int old_id_of(uint64_t id, uint64_t *old)
{
	struct fm_mnt_id_req req = { .size = 24, .mnt_id = id, .param = SM_MNT_BASIC };
	struct fm_statmount sm;

	if (syscall(FM_NR_statmount, &req, &sm, sizeof(sm), 0))
		return -errno;
	if (!(sm.mask & SM_MNT_BASIC))
		return -ENOSYS;
	*old = sm.mnt_id_old;
	return 0;
}

/* fn(id, arg) for every mount below the mount root (FM_LSMT_ROOT: of
 * this namespace; else root's children) until fn returns non-zero;
 * -ENOSYS on kernels without listmount. */
static int each_child_id(uint64_t root, int (*fn)(uint64_t id, void *arg), void *arg)
{
	uint64_t ids[512], last = 0;
	long n;

	do {
		struct fm_mnt_id_req req = { .size = 24, .mnt_id = root, .param = last };

		n = syscall(FM_NR_listmount, &req, ids, 512, 0);
		if (n < 0)
			return -errno;
		for (long i = 0; i < n; i++) {
			int r = fn(ids[i], arg);

			if (r)
				return r;
		}
		if (n > 0)
			last = ids[n - 1];
	} while (n == 512);
	return 0;
}

/*
 * FUSE answers a process it does not let in (root, for a user's mount
 * without allow_other) with EACCES as soon as statx asks for anything,
 * the unique mount ID included; asked for nothing, it gives the old ID.
 * The unique ID is then found by listmount, and checked once more after
 * the search: the name still has that old ID, and the mount found still
 * carries it.  Old IDs are unique among live mounts, so it is the same
 * mount.  Before Linux 6.8 the old ID is the reference (-ENOSYS here).
 */
struct old_match {
	uint64_t old, found;
};

static int is_old(uint64_t id, void *arg)
{
	struct old_match *m = arg;
	uint64_t old;

	if (old_id_of(id, &old) || old != m->old)
		return 0;
	m->found = id;
	return 1;
}

static int unique_at(int dirfd, const char *name, int flags, uint64_t *out)
{
	struct old_match m = { 0, 0 };
	uint64_t again = 0;
	int e = old_id_at(dirfd, name, flags, &m.old);

	if (!e)
		e = each_child_id(FM_LSMT_ROOT, is_old, &m);
	if (e < 0)
		return e;
	if (!m.found || old_id_at(dirfd, name, flags, &again) || again != m.old ||
	    old_id_of(m.found, &again) || again != m.old)
		return -ENOENT;
	*out = m.found;
	return 0;
}

int mounts_id_at(int dirfd, const char *name, struct mnt_ref *ref)
{
	int flags = AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_STATX_DONT_SYNC;
	struct statx sx;
	int e;

	if (*name == '\0')
		flags |= AT_EMPTY_PATH;
	if (statx(dirfd, name, flags, STATX_MNT_ID_UNIQUE, &sx) == -1) {
		if (errno != EACCES)
			return -errno;
		e = unique_at(dirfd, name, flags, &ref->id);
		if (e != -ENOSYS) {
			ref->unique = true;
			return e;
		}
		ref->unique = false;	/* before 6.8: the old ID it is */
		return old_id_at(dirfd, name, flags, &ref->id);
	}
	if (sx.stx_mask & STATX_MNT_ID_UNIQUE) {
		ref->unique = true;
	} else if (sx.stx_mask & STATX_MNT_ID) {
		ref->unique = false;
	} else {
		return -ENOSYS;
	}
	ref->id = sx.stx_mnt_id;
	return 0;
}

/* KEY=N in a superblock option string (exact, delimited), N < 2^32 - 1. */
static bool parse_id_opt(const char *opts, const char *key, unsigned long *out)
{
	size_t klen = strlen(key);
	const char *p = opts;

	for (;;) {
		char *end;
		unsigned long v;

		if (strncmp(p, key, klen) == 0) {
			p += klen;
			if (*p < '0' || *p > '9')
				return false;
			errno = 0;
			v = strtoul(p, &end, 10);
			if (errno || (*end != ',' && *end != '\0') ||
			    v > (uid_t)-1 - 1)
				return false;
			*out = v;
			return true;
		}
		p = strchr(p, ',');
		if (!p)
			return false;
		p++;
	}
}

bool mounts_parse_user_id(const char *opts, uid_t *uid)
{
	unsigned long v;

	if (!parse_id_opt(opts, "user_id=", &v))
		return false;
	*uid = (uid_t)v;
	return true;
}

/* statmount into a buffer that grows on EOVERFLOW; NULL + errno. */
static struct fm_statmount *statmount_get(uint64_t id, uint64_t mask)
{
	struct fm_mnt_id_req req = { .size = 24, .mnt_id = id, .param = mask };
	size_t size = 4096;

	for (;;) {
		struct fm_statmount *sm = malloc(size);

		if (!sm)
			return NULL;
		if (syscall(FM_NR_statmount, &req, sm, size, 0) == 0)
			return sm;
		free(sm);
		if (errno != EOVERFLOW || size >= (1U << 20))
			return NULL;
		size *= 4;
	}
}

static int info_statmount(uint64_t id, struct mnt_info *mi)
{
	uint64_t mask = SM_MNT_BASIC | SM_MNT_POINT | SM_FS_TYPE | SM_MNT_OPTS;
	struct fm_statmount *sm = statmount_get(id, mask);

	if (!sm)
		return -errno;
	mi->parent.id = sm->mnt_parent_id;
	mi->parent.unique = true;
	if (sm->mask & SM_FS_TYPE)
		snprintf(mi->fstype, sizeof(mi->fstype), "%s", sm->str + sm->fs_type);
	if (sm->mask & SM_MNT_OPTS)
		mi->has_user_id = mounts_parse_user_id(sm->str + sm->mnt_opts,
						       &mi->user_id);
	mi->nosuid = sm->mnt_attr & FM_ATTR_NOSUID;
	mi->nodev = sm->mnt_attr & FM_ATTR_NODEV;
	mi->target = (sm->mask & SM_MNT_POINT) ? strdup(sm->str + sm->mnt_point)
					      : NULL;
	free(sm);
	return mi->target ? 0 : -ENOMEM;
}

static void info_from_fs(struct libmnt_fs *fs, struct mnt_info *mi)
{
	const char *type = lm.mnt_fs_get_fstype(fs);
	const char *opts = lm.mnt_fs_get_fs_options(fs);
	const char *vfs = lm.mnt_fs_get_vfs_options(fs);
	size_t n = type ? strcspn(type, ".") : 0;

	mi->parent.id = (uint64_t)lm.mnt_fs_get_parent_id(fs);
	mi->parent.unique = false;
	snprintf(mi->fstype, sizeof(mi->fstype), "%.*s", (int)n, type ? type : "");
	mi->has_user_id = opts && mounts_parse_user_id(opts, &mi->user_id);
	mi->nosuid = vfs && lm.mnt_optstr_get_option(vfs, "nosuid", NULL, NULL) == 0;
	mi->nodev = vfs && lm.mnt_optstr_get_option(vfs, "nodev", NULL, NULL) == 0;
	mi->target = strdup(lm.mnt_fs_get_target(fs) ? lm.mnt_fs_get_target(fs) : "");
}

static struct libmnt_table *mountinfo(void)
{
	return lm.mnt_new_table_from_file("/proc/self/mountinfo");
}

static int info_libmount(uint64_t id, struct mnt_info *mi)
{
	struct libmnt_table *tb;
	struct libmnt_iter *it;
	struct libmnt_fs *fs;
	int e = lm_load();

	if (e)
		return e;	/* fails closed: no mount is taken as checked */
	tb = mountinfo();
	it = lm.mnt_new_iter(MNT_ITER_FORWARD);
	e = -ENOENT;
	while (tb && it && lm.mnt_table_next_fs(tb, it, &fs) == 0) {
		if ((uint64_t)lm.mnt_fs_get_id(fs) != id)
			continue;
		info_from_fs(fs, mi);
		e = mi->target ? 0 : -ENOMEM;
		break;
	}
	if (!tb || !it)
		e = -ENOMEM;
	lm.mnt_free_iter(it);
	lm.mnt_unref_table(tb);
	return e;
}

int mounts_info(const struct mnt_ref *ref, struct mnt_info *mi)
{
	memset(mi, 0, sizeof(*mi));
	/* statx(2) gives unique IDs exactly when statmount(2) exists */
	if (ref->unique)
		return info_statmount(ref->id, mi);
	return info_libmount(ref->id, mi);
}

void mounts_info_free(struct mnt_info *mi)
{
	free(mi->target);
	mi->target = NULL;
}

bool mounts_is_fuse(const struct mnt_info *mi)
{
	return strcmp(mi->fstype, "fuse") == 0 || strcmp(mi->fstype, "fuseblk") == 0;
}

/*
 * Is mount id FUSE (fuse or fuseblk), and whose?  1 yes, 0 no, -errno.
 * Most mounts are not FUSE: one statmount for the superblock magic, no
 * strings, no allocation.  Only the magic's owners (fuse, fuseblk, and
 * virtiofs, which shares it) are asked for their type and options.
 */
/* Does mount id carry FUSE's superblock magic?  1, 0, -errno. */
static int fuse_magic(uint64_t id)
{
	struct fm_mnt_id_req req = { .size = 24, .mnt_id = id, .param = SM_SB_BASIC };
	struct fm_statmount sb;

	if (syscall(FM_NR_statmount, &req, &sb, sizeof(sb), 0))
		return -errno;
	return (sb.mask & SM_SB_BASIC) && sb.sb_magic == FM_FUSE_SUPER_MAGIC;
}

static int fuse_mount_owner(uint64_t id, bool *has_uid, uid_t *uid)
{
	struct fm_statmount *sm;
	int r = fuse_magic(id);

	if (r <= 0)
		return r;
	r = 0;
	sm = statmount_get(id, SM_FS_TYPE | SM_MNT_OPTS);
	if (!sm)
		return -errno;
	if ((sm->mask & SM_FS_TYPE) && (strcmp(sm->str + sm->fs_type, "fuse") == 0 ||
					strcmp(sm->str + sm->fs_type, "fuseblk") == 0)) {
		r = 1;
		*has_uid = (sm->mask & SM_MNT_OPTS) &&
			   mounts_parse_user_id(sm->str + sm->mnt_opts, uid);
	}
	free(sm);
	return r;
}

struct fuse_count {
	uid_t uid;
	long total, mine;
};

static int count_one(uint64_t id, void *arg)
{
	struct fuse_count *c = arg;
	bool has_uid = false;
	uid_t owner = 0;
	int r = fuse_mount_owner(id, &has_uid, &owner);

	if (r == -ENOENT)	/* gone meanwhile */
		return 0;
	if (r < 0)
		return r;
	if (r) {
		c->total++;
		c->mine += has_uid && owner == c->uid;
	}
	return 0;
}

/* Counting with listmount + statmount; -ENOSYS on old kernels. */
static int count_listmount(uid_t uid, long *total, long *mine)
{
	struct fuse_count c = { .uid = uid };
	int e = each_child_id(FM_LSMT_ROOT, count_one, &c);

	*total = c.total;
	*mine = c.mine;
	return e;
}

static int count_libmount(uid_t uid, long *total, long *mine)
{
	struct libmnt_table *tb;
	struct libmnt_iter *it;
	struct libmnt_fs *fs;
	int e = lm_load();

	if (e)
		return e;	/* fails closed: the mount is refused */
	tb = mountinfo();
	it = lm.mnt_new_iter(MNT_ITER_FORWARD);
	e = (tb && it) ? 0 : -ENOMEM;

	while (!e && lm.mnt_table_next_fs(tb, it, &fs) == 0) {
		struct mnt_info mi;

		memset(&mi, 0, sizeof(mi));
		info_from_fs(fs, &mi);
		if (mounts_is_fuse(&mi)) {
			(*total)++;
			*mine += mi.has_user_id && mi.user_id == uid;
		}
		mounts_info_free(&mi);
	}
	lm.mnt_free_iter(it);
	lm.mnt_unref_table(tb);
	return e;
}

static int count_any(uint64_t id, void *arg)
{
	(void)id;
	(*(long *)arg)++;
	return 0;
}

int mounts_count_all(long *n)
{
	*n = 0;
	return each_child_id(FM_LSMT_ROOT, count_any, n);
}

int mounts_count_fuse(uid_t uid, long *total, long *of_uid)
{
	int e;

	*total = *of_uid = 0;
	e = count_listmount(uid, total, of_uid);
	if (e != -ENOSYS)
		return e;
	*total = *of_uid = 0;
	return count_libmount(uid, total, of_uid);
}

/* ------------------------------------------------- FUSE mounts in full */

static void fuse_opts(const char *opts, struct fuse_mount *m)
{
	unsigned long v;

	if (!opts)
		return;
	m->has_user_id = mounts_parse_user_id(opts, &m->user_id);
	m->has_group_id = parse_id_opt(opts, "group_id=", &v);
	m->group_id = m->has_group_id ? (gid_t)v : 0;
	for (const char *p = opts; p; p = strchr(p, ',')) {
		p += *p == ',';
		if (strncmp(p, "allow_other", 11) == 0 && (p[11] == ',' || !p[11]))
			m->allow_other = true;
	}
}

#define FUSE_WANT (SM_SB_BASIC | SM_MNT_BASIC | SM_MNT_POINT | SM_FS_TYPE | \
		   SM_MNT_OPTS | SM_FS_SUBTYPE | SM_SB_SOURCE)

static const char *sm_str(const struct fm_statmount *sm, uint64_t bit,
			  uint32_t off)
{
	return (sm->mask & bit) ? sm->str + off : "";
}

/*
 * One mount by unique ID: 0 not FUSE, 1 FUSE (fn's verdict in *r),
 * -EOPNOTSUPP when this kernel's statmount cannot tell everything (the
 * caller uses mountinfo then), -errno.  An empty string leaves its mask
 * bit clear, so what the kernel supports is read from supported_mask.
 */
static int fuse_by_statmount(uint64_t id, fuse_mount_fn fn, void *arg, int *r)
{
	struct fm_statmount *sm;
	struct fuse_mount m;
	const char *type;
	int e = 0;

	e = fuse_magic(id);
	if (e <= 0)
		return e;
	sm = statmount_get(id, FUSE_WANT | SM_SUPPORTED_MASK);
	if (!sm)
		return -errno;
	type = sm_str(sm, SM_FS_TYPE, sm->fs_type);
	memset(&m, 0, sizeof(m));
	if (!(sm->mask & SM_SUPPORTED_MASK) ||
	    (sm->supported_mask & FUSE_WANT) != FUSE_WANT) {
		e = -EOPNOTSUPP;
	} else if (strcmp(type, "fuse") == 0 || strcmp(type, "fuseblk") == 0) {
		m.ref.id = id;
		m.ref.unique = true;
		m.target = sm_str(sm, SM_MNT_POINT, sm->mnt_point);
		m.type = type;
		m.subtype = sm_str(sm, SM_FS_SUBTYPE, sm->fs_subtype);
		m.source = sm_str(sm, SM_SB_SOURCE, sm->sb_source);
		m.dev_major = sm->sb_dev_major;
		m.dev_minor = sm->sb_dev_minor;
		fuse_opts(sm_str(sm, SM_MNT_OPTS, sm->mnt_opts), &m);
		*r = fn(arg, &m);
		e = 1;
	}
	free(sm);
	return e;
}

struct fuse_each {
	fuse_mount_fn fn;
	void *arg;
};

static int fuse_one(uint64_t id, void *arg)
{
	const struct fuse_each *w = arg;
	int r = 0, e = fuse_by_statmount(id, w->fn, w->arg, &r);

	if (e < 0 && e != -ENOENT)	/* ENOENT: gone meanwhile */
		return e;
	return r;
}

static int each_listmount(fuse_mount_fn fn, void *arg)
{
	struct fuse_each w = { fn, arg };

	return each_child_id(FM_LSMT_ROOT, fuse_one, &w);
}

/* 1 and fn's verdict in *r for a FUSE entry of mountinfo, else 0. */
static int fuse_by_libmount(struct libmnt_fs *fs, fuse_mount_fn fn, void *arg,
			    int *r)
{
	const char *t = lm.mnt_fs_get_fstype(fs), *dot;
	char type[16];
	struct fuse_mount m;
	dev_t dev = lm.mnt_fs_get_devno(fs);

	if (!t)
		return 0;
	dot = strchr(t, '.');
	snprintf(type, sizeof(type), "%.*s", (int)(dot ? dot - t : (long)strlen(t)), t);
	if (strcmp(type, "fuse") != 0 && strcmp(type, "fuseblk") != 0)
		return 0;
	memset(&m, 0, sizeof(m));
	m.ref.id = (uint64_t)lm.mnt_fs_get_id(fs);
	m.ref.unique = false;
	m.target = lm.mnt_fs_get_target(fs) ? lm.mnt_fs_get_target(fs) : "";
	m.type = type;
	m.subtype = dot ? dot + 1 : "";
	m.source = lm.mnt_fs_get_source(fs) ? lm.mnt_fs_get_source(fs) : "";
	m.dev_major = major(dev);
	m.dev_minor = minor(dev);
	fuse_opts(lm.mnt_fs_get_fs_options(fs), &m);
	*r = fn(arg, &m);
	return 1;
}

/* want: one old mount ID, or all (want_all). */
static int each_libmount(fuse_mount_fn fn, void *arg, bool want_all,
			 uint64_t want)
{
	struct libmnt_table *tb;
	struct libmnt_iter *it;
	struct libmnt_fs *fs;
	int r = 0, e = lm_load();

	if (e)
		return e;	/* fails closed: no mount is found */
	tb = mountinfo();
	it = lm.mnt_new_iter(MNT_ITER_FORWARD);
	e = (tb && it) ? (want_all ? 0 : -ENOENT) : -ENOMEM;

	while (tb && it && !r && lm.mnt_table_next_fs(tb, it, &fs) == 0) {
		if (!want_all && (uint64_t)lm.mnt_fs_get_id(fs) != want)
			continue;
		e = fuse_by_libmount(fs, fn, arg, &r) ? 0 : -EINVAL;
		if (!want_all)
			break;
	}
	lm.mnt_free_iter(it);
	lm.mnt_unref_table(tb);
	return r ? r : e;
}

int mounts_each_fuse(fuse_mount_fn fn, void *arg)
{
	int e = each_listmount(fn, arg);

	if (e == -ENOSYS || e == -EOPNOTSUPP)
		e = each_libmount(fn, arg, true, 0);
	return e;
}

int mounts_fuse_at(const struct mnt_ref *ref, fuse_mount_fn fn, void *arg)
{
	int r = 0, e;

	if (!ref->unique)
		return each_libmount(fn, arg, false, ref->id);
	e = fuse_by_statmount(ref->id, fn, arg, &r);
	if (e == -EOPNOTSUPP) {	/* the same mount by its old ID */
		struct fm_statmount *sm = statmount_get(ref->id, SM_MNT_BASIC);

		if (!sm)
			return -errno;
		e = each_libmount(fn, arg, false, sm->mnt_id_old);
		free(sm);
		return e;
	}
	return e < 0 ? e : e == 0 ? -EINVAL : r;
}

/* ------------------------------------------------------- mount points */

static int list_push(struct mnt_list *l, const char *target, const char *root,
		     const char *source, uint64_t id, bool unique)
{
	struct mnt_entry *e;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct mnt_entry *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	e = &l->v[l->n++];
	e->target = strdup(target);
	e->root = strdup(root ? root : "");
	e->source = strdup(source ? source : "");
	e->id = id;
	e->unique = unique;
	return e->target && e->root && e->source ? 0 : -ENOMEM;
}

#define SM_MNT_ROOT 0x8U
#define SM_SB_SOURCE 0x200U	/* Linux 6.11+ */

static int entry_one(uint64_t id, void *arg)
{
	uint64_t want = SM_MNT_POINT | SM_MNT_ROOT | SM_SB_SOURCE;
	struct fm_statmount *sm = statmount_get(id, want);
	int e;

	if (!sm)
		return errno == ENOENT ? 0 : -errno;	/* ENOENT: gone meanwhile */
	if ((sm->mask & want) != want)
		e = -ENOSYS;		/* no source before 6.11: use mountinfo */
	else
		e = list_push(arg, sm->str + sm->mnt_point, sm->str + sm->mnt_root,
			      sm->str + sm->sb_source, id, true);
	free(sm);
	return e;
}

static int list_libmount(struct mnt_list *l)
{
	struct libmnt_table *tb;
	struct libmnt_iter *it;
	struct libmnt_fs *fs;
	int e = lm_load();

	if (e)
		return e;	/* fails closed: no record looks stale */
	tb = mountinfo();
	it = lm.mnt_new_iter(MNT_ITER_FORWARD);
	e = (tb && it) ? 0 : -ENOMEM;

	while (!e && lm.mnt_table_next_fs(tb, it, &fs) == 0)
		if (lm.mnt_fs_get_target(fs))
			e = list_push(l, lm.mnt_fs_get_target(fs), lm.mnt_fs_get_root(fs),
				      lm.mnt_fs_get_source(fs),
				      (uint64_t)lm.mnt_fs_get_id(fs), false);
	lm.mnt_free_iter(it);
	lm.mnt_unref_table(tb);
	return e;
}

static int by_target(const void *a, const void *b)
{
	return strcmp(((const struct mnt_entry *)a)->target,
		      ((const struct mnt_entry *)b)->target);
}

int mounts_list(struct mnt_list *l)
{
	int e;

	memset(l, 0, sizeof(*l));
	e = each_child_id(FM_LSMT_ROOT, entry_one, l);
	if (e == -ENOSYS) {
		mounts_list_free(l);
		e = list_libmount(l);
	}
	if (e)
		mounts_list_free(l);
	else if (l->n)
		qsort(l->v, l->n, sizeof(*l->v), by_target);
	return e;
}

struct stack_walk {
	struct mnt_list *l;
	const char *target;
	int depth;
};

#define FM_STACK_MAX 64		/* mounts on one path that we follow */

/* A mount on target: its entry; and its parent's id in *parent. */
static int stack_entry(struct stack_walk *w, uint64_t id, uint64_t *parent)
{
	uint64_t want = SM_MNT_BASIC | SM_MNT_POINT | SM_MNT_ROOT | SM_SB_SOURCE;
	struct fm_statmount *sm = statmount_get(id, want);
	int e = 1;

	if (!sm)
		return errno == ENOENT ? 1 : -errno;
	if ((sm->mask & want) != want)
		e = -ENOSYS;
	else if (strcmp(sm->str + sm->mnt_point, w->target) == 0)
		e = list_push(w->l, w->target, sm->str + sm->mnt_root,
			      sm->str + sm->sb_source, id, true);
	*parent = sm->mnt_parent_id;
	free(sm);
	return e;		/* 1: not on target */
}

/* A child of a mount on target: on target too (stacked), and its own. */
static int stacked_one(uint64_t id, void *arg)
{
	struct stack_walk *w = arg;
	uint64_t parent;
	int e = stack_entry(w, id, &parent);

	if (e)
		return e == 1 ? 0 : e;
	if (++w->depth > FM_STACK_MAX)
		return -ELOOP;
	e = each_child_id(id, stacked_one, w);
	w->depth--;
	return e;
}

/*
 * Is anything mounted on the root of the mount ref, i.e. is a child of it
 * mounted where the mount itself is?  Such a child's mount point reads
 * exactly as the mount's own; any other child's reads as the mount's
 * plus "/...".  A rename above the mount changes both strings, so the
 * mount's own is read before and after its children and the look is
 * repeated until it held still: 1 (something on the root), 0 (nothing),
 * -EAGAIN (it never held still while a child was unclear), -errno.
 */
struct on_root {
	const char *point;
	bool found, unclear, any;
};

static bool below(const char *p, const char *point)
{
	size_t n = strlen(point);

	if (strcmp(point, "/") == 0)
		return p[0] == '/' && p[1] != '\0';
	return strncmp(p, point, n) == 0 && p[n] == '/';
}

static int on_root_one(uint64_t id, void *arg)
{
	struct on_root *r = arg;
	struct fm_statmount *sm = statmount_get(id, SM_MNT_POINT);

	if (!sm)
		return errno == ENOENT ? 0 : -errno;	/* gone meanwhile */
	r->any = true;
	if (!(sm->mask & SM_MNT_POINT))
		r->unclear = true;
	else if (strcmp(sm->str + sm->mnt_point, r->point) == 0)
		r->found = true;
	else if (!below(sm->str + sm->mnt_point, r->point))
		r->unclear = true;
	free(sm);
	return 0;
}

static char *point_of(uint64_t id)
{
	struct fm_statmount *sm = statmount_get(id, SM_MNT_POINT);
	char *p = NULL;

	if (sm && (sm->mask & SM_MNT_POINT))
		p = strdup(sm->str + sm->mnt_point);
	free(sm);
	return p;
}

/*
 * Is every mount below id, at any depth, a FUSE mount of uid?  0 yes, 1
 * no (or cannot tell), -errno when listmount fails.  A child that reads
 * as below the mount may be on its root all the same (a rename above the
 * mount, out and back between the reads: A-B-A); then umount2 removes
 * the top of what is stacked there, which must be uid's own.
 */
static int owned_one(uint64_t id, void *arg)
{
	const uid_t *uid = arg;
	struct mnt_ref ref = { .id = id, .unique = true };
	struct mnt_info mi;
	int e = mounts_info(&ref, &mi);
	bool mine = !e && mounts_is_fuse(&mi) && mi.has_user_id &&
		    mi.user_id == *uid;

	mounts_info_free(&mi);
	if (e == -ENOENT)	/* gone meanwhile */
		return 0;
	if (!mine)
		return 1;
	e = each_child_id(id, owned_one, arg);
	return e == -ENOENT ? 0 : e;
}

#define FM_ON_ROOT_TRIES 16

static int on_root_strings(const struct mnt_ref *ref)
{
	for (int i = 0; i < FM_ON_ROOT_TRIES; i++) {
		char *point = point_of(ref->id), *after;
		struct on_root r = { .point = point };
		int e;

		if (!point)
			return errno ? -errno : -ENOSYS;
		e = each_child_id(ref->id, on_root_one, &r);
		after = point_of(ref->id);
		/* moved while we looked at its children */
		if (!e && r.any && (!after || strcmp(after, r.point) != 0))
			r.unclear = true;
		free(point);
		free(after);
		if (e)
			return e;
		if (r.found)
			return 1;
		if (!r.unclear)
			return 0;
	}
	return -EAGAIN;
}

int mounts_on_root(const struct mnt_ref *ref, uid_t uid)
{
	int e;

	if (!ref->unique)
		return -ENOSYS;
	e = on_root_strings(ref);
	if (!e)
		e = each_child_id(ref->id, owned_one, &uid);
	return e;
}

int mounts_list_stack(const struct mnt_ref *from, const char *target, bool up,
		      struct mnt_list *l)
{
	struct stack_walk w = { l, target, 0 };
	uint64_t id = from->id, parent;
	int e = 0, n;

	memset(l, 0, sizeof(*l));
	if (!from->unique)
		return -ENOSYS;
	for (n = 0; n < FM_STACK_MAX; n++, id = parent) {
		e = stack_entry(&w, id, &parent);
		if (e == 0 && n == 0 && up)
			e = each_child_id(id, stacked_one, &w);
		if (e || parent == id)
			break;		/* off target, an error, or the root */
	}
	if (n == FM_STACK_MAX)
		e = -ELOOP;
	if (e == 1)
		e = 0;
	if (e)
		mounts_list_free(l);
	else if (l->n)
		qsort(l->v, l->n, sizeof(*l->v), by_target);
	return e;
}

/* First index whose target is not below path (or not path, with above). */
static size_t bound(const struct mnt_list *l, const char *path, bool above)
{
	size_t lo = 0, hi = l->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(l->v[mid].target, path);

		if (c < 0 || (above && c == 0))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

size_t mounts_list_at(const struct mnt_list *l, const char *path, size_t *first)
{
	*first = bound(l, path, false);
	return bound(l, path, true) - *first;
}

bool mounts_list_is(const struct mnt_entry *e, const struct mnt_ref *ref)
{
	struct fm_mnt_id_req req = { .size = 24, .mnt_id = ref->id, .param = SM_MNT_BASIC };
	struct fm_statmount sm;

	if (e->unique == ref->unique)
		return e->id == ref->id;
	/* a unique ID against mountinfo's old one (Linux 6.8 to 6.10) */
	return ref->unique && syscall(FM_NR_statmount, &req, &sm, sizeof(sm), 0) == 0 &&
	       (sm.mask & SM_MNT_BASIC) && sm.mnt_id_old == e->id;
}

void mounts_list_free(struct mnt_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].target);
		free(l->v[i].root);
		free(l->v[i].source);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}
