/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mctx.h - one mount, as the phases hand it on:
 *
 *   fusermount.c  argv, environment: fills in who, what, where
 *   prepare.c     every refusal before the fd leaves: fills in the
 *                 device, fuse.conf, the pinned mountpoint, the options
 *   finish.c      mount onto the pinned fd, verify, record, undo; sends
 *                 the fd or the status; with mountmax.c (attach slots)
 *                 and guard.c (--sync-init peer watch) under it
 *   watch.c       afterwards: the auto_unmount watcher
 *
 * and the mountpoint's path as the caller gave it, resolved (mpath.c).
 */
#ifndef FM_MCTX_H
#define FM_MCTX_H

#include <stdbool.h>
#include <sys/types.h>

#include "mount.h"
#include "mountdir.h"
#include "mounts.h"
#include "policy.h"
#include "privs.h"
#include "verdict.h"

#ifndef FUSE_CONF
#define FUSE_CONF "/etc/fuse.conf"
#endif

struct mpath {
	char *abs, *parent, *last;
};

/* The parent resolved with realpath(3) as the caller, the last component
 * kept literally (a symlink there stays a symlink); 0 or -errno. */
int mpath_resolve(const char *orig, struct mpath *p);
void mpath_free(struct mpath *p);

/* The attach-time side of mount_max and user_mount_max (mountmax.h). */
struct limits {
	int fd;			/* the lock file, or -1 */
	off_t slot;		/* our attach slot while we hold one, or -1 */
	unsigned int mntns;
	bool said;		/* a refusal was reported already */
};

struct mctx {
	/* given (fusermount.c) */
	const struct privs *pv;
	const struct notes *out;	/* where the phases' notes go */
	const char *opts;		/* -o, "" if none */
	const char *device;		/* FUSE_KERN_DEVICE, or NULL */
	const char *backend;		/* FUSERMOUNT3_BACKEND, or NULL */
	struct mpath path;
	int cfd;			/* the library's socket */
	/* prepare.c */
	int devfd, parentfd, pinfd;
	const char *devname;
	mode_t rootmode;
	struct fuse_conf conf;
	bool conf_read;			/* --check reads it before dropping all */
	bool conf_trusted;
	bool conf_hidden;		/* the caller may not read it: no line numbers */
	struct dir_id allowed[FM_CONF_LIST_MAX];	/* mount_dir identities */
	int allowed_line[FM_CONF_LIST_MAX];
	size_t n_allowed;
	int mount_dir_line;		/* the mount_dir entry that matched */
	int allow_other_line;		/* what let the caller use allow_other */
	struct mount_opts o;
	/* finish.c */
	int lsock;			/* reattach: the watcher's socket */
	struct limits lim;		/* mount_max, user_mount_max at attach */
	struct mount_done done;
	struct mnt_ref ref;		/* the new mount */
	char *target;			/* its mount point, as the kernel says */
	bool in_utab;
};

/* Every fd -1, nothing held. */
void mctx_init(struct mctx *c);
void mctx_free(struct mctx *c);

#endif
