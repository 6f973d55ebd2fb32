// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mount_legacy.c - FUSE mount with mount(2), for kernels without the new
 * mount API.
 *
 *   data   = allowed options + fd=,rootmode=,user_id=,group_id=
 *            refused when longer than a page minus one: the kernel would
 *            cut it silently and could drop our user_id/group_id
 *   target = /proc/self/fd/<pinned fd>: the magic link leads to the
 *            inode we checked, never to a path looked up again
 *   ENODEV with a subtype: retry with type "fuse" and the historical
 *            source "subtype#fsname"
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "mount.h"

static int build_data(const struct mount_req *r, char *buf, size_t size)
{
	const struct mount_opts *o = r->o;

	return snprintf(buf, size,
			"%s%s%s%s%s%s%s%sfd=%d,rootmode=%o,user_id=%u,group_id=%u",
			o->default_permissions ? "default_permissions," : "",
			o->allow_other ? "allow_other," : "",
			o->max_read ? "max_read=" : "",
			o->max_read ? o->max_read : "", o->max_read ? "," : "",
			o->blksize ? "blksize=" : "",
			o->blksize ? o->blksize : "", o->blksize ? "," : "",
			r->devfd, (unsigned int)r->rootmode,
			(unsigned int)r->uid, (unsigned int)r->gid);
}

/* mount(2), and the historical retry for kernels without subtypes */
static int try_mount(const struct mount_req *r, struct mount_done *d,
		     const char *target, const char *data)
{
	if (mount(d->source, target, d->type, mount_flags(r), data) == 0)
		return 0;
	if (errno != ENODEV || !r->o->subtype)
		return -errno;
	snprintf(d->type, sizeof(d->type), "%s", mount_base_type(r));
	if (r->o->blkdev && r->o->fsname)
		snprintf(d->source, sizeof(d->source), "%s", r->o->fsname);
	else
		snprintf(d->source, sizeof(d->source), "%s#%s", r->o->subtype,
			 r->o->fsname ? r->o->fsname : "");
	return mount(d->source, target, d->type, mount_flags(r), data) ? -errno : 0;
}

int legacy_mount(const struct mount_req *r, struct mount_done *d,
		 struct mount_err *e)
{
	long page = sysconf(_SC_PAGESIZE);
	char data[8192], target[64];
	int n;

	d->mntfd = -1;
	n = build_data(r, data, sizeof(data));
	if (n < 0 || n > page - 1 || (size_t)n >= sizeof(data)) {
		mount_err_set(e, "mount", "mount options too long");
		return -EINVAL;
	}
	snprintf(target, sizeof(target), "/proc/self/fd/%d", r->pinfd);
	if (r->o->subtype)
		snprintf(d->type, sizeof(d->type), "%s.%s", mount_base_type(r), r->o->subtype);
	else
		snprintf(d->type, sizeof(d->type), "%s", mount_base_type(r));
	snprintf(d->source, sizeof(d->source), "%s", mount_source(r));
	/*
	 * No guard hook here: mount(2) creates and attaches in one call, so
	 * ending the process on a vanished library could leave the mount.
	 * Kernels that need this backend have no sync INIT, so mount(2)
	 * cannot wait for the daemon; where it can (a forced legacy backend
	 * on a new kernel, in --sync-init mode), the caller's time limit ends
	 * the wait.  The attach hook therefore comes before all of it.
	 */
	n = r->attach ? r->attach(r->attach_arg, true) : 0;
	if (n) {
		mount_err_set(e, "attach", "refused before the mount was attached");
		return n;
	}
	n = try_mount(r, d, target, data);
	if (r->attach)
		r->attach(r->attach_arg, false);
	if (n)
		mount_err_set(e, "mount", NULL);
	return n;
}
