// SPDX-License-Identifier: GPL-2.0-or-later
/* mounts.c - mount IDs, statmount/listmount, libmount fallback, utab. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lm.h"
#include "mounts.h"
#include "privs.h"

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

int mounts_id_at(int dirfd, const char *name, struct mnt_ref *ref)
{
	int flags = AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_STATX_DONT_SYNC;
	struct statx sx;

	if (*name == '\0')
		flags |= AT_EMPTY_PATH;
	if (statx(dirfd, name, flags, STATX_MNT_ID_UNIQUE, &sx) == -1)
		return -errno;
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

bool mounts_parse_user_id(const char *opts, uid_t *uid)
{
	static const char key[] = "user_id=";
	const char *p = opts;

	for (;;) {
		char *end;
		unsigned long v;

		if (strncmp(p, key, sizeof(key) - 1) == 0) {
			p += sizeof(key) - 1;
			if (*p < '0' || *p > '9')
				return false;
			errno = 0;
			v = strtoul(p, &end, 10);
			if (errno || (*end != ',' && *end != '\0') ||
			    v > (uid_t)-1 - 1)
				return false;
			*uid = (uid_t)v;
			return true;
		}
		p = strchr(p, ',');
		if (!p)
			return false;
		p++;
	}
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
static int fuse_mount_owner(uint64_t id, bool *has_uid, uid_t *uid)
{
	struct fm_mnt_id_req req = { .size = 24, .mnt_id = id, .param = SM_SB_BASIC };
	struct fm_statmount sb;
	struct fm_statmount *sm;
	int r = 0;

	if (syscall(FM_NR_statmount, &req, &sb, sizeof(sb), 0))
		return -errno;
	if (!(sb.mask & SM_SB_BASIC) || sb.sb_magic != FM_FUSE_SUPER_MAGIC)
		return 0;
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

/* Counting with listmount + statmount; -ENOSYS on old kernels. */
static int count_listmount(uid_t uid, long *total, long *mine)
{
	uint64_t ids[512], last = 0;
	long n;

	do {
		struct fm_mnt_id_req req = { .size = 24, .mnt_id = FM_LSMT_ROOT,
					     .param = last };

		n = syscall(FM_NR_listmount, &req, ids, 512, 0);
		if (n < 0)
			return -errno;
		for (long i = 0; i < n; i++) {
			bool has_uid = false;
			uid_t owner = 0;
			int r = fuse_mount_owner(ids[i], &has_uid, &owner);

			if (r == -ENOENT)	/* gone meanwhile */
				continue;
			if (r < 0)
				return r;
			if (r) {
				(*total)++;
				*mine += has_uid && owner == uid;
			}
		}
		if (n > 0)
			last = ids[n - 1];
	} while (n == 512);
	return 0;
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

bool utab_present(void)
{
	struct stat st;

	return lstat(FM_UTAB, &st) == 0 && S_ISREG(st.st_mode);
}

/* What one utab update does: add a record or remove target's. */
struct utab_op {
	const char *source, *target, *type, *opts;	/* add */
	const char *umount_target;			/* remove */
};

static int utab_fs(const struct utab_op *op, struct libmnt_fs **fsp)
{
	struct libmnt_fs *fs;

	*fsp = NULL;
	if (!op->target)
		return 0;
	fs = lm.mnt_new_fs();
	if (!fs)
		return -ENOMEM;
	*fsp = fs;
	if (lm.mnt_fs_set_source(fs, op->source) || lm.mnt_fs_set_target(fs, op->target) ||
	    lm.mnt_fs_set_fstype(fs, op->type) || lm.mnt_fs_set_options(fs, op->opts))
		return -ENOMEM;
	return 0;
}

/* In the child: libmount is loaded here, never in the helper itself. */
static int utab_apply_now(const struct utab_op *op)
{
	struct libmnt_update *upd;
	struct libmnt_fs *fs;
	int rc = lm_load();

	if (rc)
		return rc;
	rc = utab_fs(op, &fs);
	upd = rc ? NULL : lm.mnt_new_update();
	if (!rc && !upd)
		rc = -ENOMEM;
	if (!rc)
		rc = lm.mnt_update_set_fs(upd, 0, op->umount_target, fs);
	if (rc == 0)
		rc = lm.mnt_update_table(upd, NULL);
	else if (rc == 1)	/* nothing for utab in it */
		rc = 0;
	lm.mnt_free_update(upd);
	lm.mnt_unref_fs(fs);
	return rc < 0 ? rc : 0;
}

/* The child's result: 0, or -errno from its exit status. */
static int child_status(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR)
			return -errno;
	if (!WIFEXITED(st))
		return -EINTR;
	return -WEXITSTATUS(st);
}

/* Waits at most timeout_ms for the child to end: 1 ended, 0 not yet. */
static int child_ended(pid_t pid, int timeout_ms)
{
	const struct timespec step = { 0, 1000 * 1000 };
	int pfd = (int)syscall(SYS_pidfd_open, pid, 0), r;
	struct pollfd p = { .fd = pfd, .events = POLLIN };

	if (pfd >= 0) {		/* Linux 5.3+: sleep until it ends */
		while ((r = poll(&p, 1, timeout_ms)) == -1 && errno == EINTR)
			;
		close(pfd);
		return r != 0;
	}
	for (; timeout_ms > 0; timeout_ms--) {	/* older kernels: look each ms */
		siginfo_t si = { 0 };

		if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) == -1 &&
		    errno != EINTR)
			return 1;	/* child_status() says what went wrong */
		if (si.si_pid == pid)
			return 1;
		nanosleep(&step, NULL);
	}
	return 0;
}

/*
 * libmount waits for the utab lock without a limit and with every signal
 * blocked, and any user can hold that lock: the lock file is world-
 * readable and flock(2) needs only a read-only fd.  So the update runs in
 * a child that is killed when it takes too long.  A missing utab record
 * is only a warning; a helper stuck for good after mounting (or holding
 * the caller's fresh mount with its fd never sent) is not.  The child
 * itself is out of the caller's reach (all uids 0), so the caller cannot
 * stop it while it holds the lock, and the kill can only ever hit it
 * while it waits for the lock: no half-written temporary file is left.
 */
static int utab_apply(const struct utab_op *op)
{
	pid_t pid = fork();
	int rc;

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		privs_unreachable();	/* best effort: the wait is bounded */
		rc = utab_apply_now(op);
		_exit(rc >= 0 ? 0 : (rc < -255 ? 255 : -rc));
	}
	if (child_ended(pid, FM_UTAB_TIMEOUT_MS))
		return child_status(pid);
	kill(pid, SIGKILL);
	child_status(pid);
	return -ETIMEDOUT;
}

int utab_add(const char *source, const char *target, const char *type,
	     const char *opts)
{
	struct utab_op op = { source, target, type, opts, NULL };

	return utab_apply(&op);
}

int utab_remove(const char *target)
{
	struct utab_op op = { NULL, NULL, NULL, NULL, target };

	return utab_apply(&op);
}
