/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mount.h - the two mount backends.
 *
 * mount_fsmount.c  fsopen -> fsconfig... -> CMD_CREATE -> fsmount ->
 *                  move_mount onto the pinned mountpoint fd.  Returns
 *                  -ENOSYS when the kernel lacks the new API; the caller
 *                  (finish.c alone) then decides to use:
 * mount_legacy.c   mount(2) onto /proc/self/fd/<pinned fd>.
 *
 * Neither backend decides policy or prints; both re-apply nosuid,nodev
 * for non-root callers at this boundary, whatever they were given.  The
 * caller raises CAP_SYS_ADMIN around the call.
 */
#ifndef FM_MOUNT_H
#define FM_MOUNT_H

#include <stdbool.h>
#include <sys/types.h>

#include "policy.h"

struct mount_req {
	int devfd;			/* open /dev/fuse */
	const char *devname;		/* its path: default mount source */
	int pinfd;			/* O_PATH fd of the mountpoint */
	mode_t rootmode;		/* S_IFDIR or S_IFREG */
	uid_t uid;
	gid_t gid;
	bool root;			/* caller is root */
	const struct mount_opts *o;
	/* called with true before a call that may wait for the daemon
	 * (CMD_CREATE), which is skipped if it returns false, and with false
	 * after it; may be NULL */
	bool (*blocking)(bool begin);
	/* called with true just before the call that attaches the mount
	 * (move_mount after CMD_CREATE and fsmount; mount(2)), and with
	 * false right after it, whatever its result; a non-zero return
	 * (-errno) of the first call refuses the mount, which then never
	 * becomes visible.  The attaching call itself may wait on the
	 * daemon (mount(2) with the kernel's sync INIT) or on the
	 * mountpoint's directory (which a caller's FUSE server can keep
	 * locked): hold nothing across it that other helpers wait for.
	 * May be NULL. */
	int (*attach)(void *arg, bool begin);
	void *attach_arg;
};

struct mount_err {
	const char *step;		/* the call that failed */
	char detail[512];		/* kernel's words, or ours */
};

struct mount_done {
	int mntfd;			/* new API: the mount; legacy: -1 */
	char type[300];			/* as recorded: fuse[blk][.subtype] */
	char source[300];
};

int fsmount_mount(const struct mount_req *r, struct mount_done *d,
		  struct mount_err *e);
int legacy_mount(const struct mount_req *r, struct mount_done *d,
		 struct mount_err *e);

/* Shared by both backends. */
const char *mount_base_type(const struct mount_req *r);
const char *mount_source(const struct mount_req *r);
unsigned long mount_flags(const struct mount_req *r);
void mount_err_set(struct mount_err *e, const char *step, const char *detail);

#endif
