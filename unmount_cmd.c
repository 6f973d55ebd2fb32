// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * unmount_cmd.c - -u, -z and --abort as commands (unmount_cmd.h): the
 * unmount itself is unmount.c's; here is what the caller is told of it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "finish.h"
#include "fusectl.h"
#include "lockfile.h"
#include "prepare.h"
#include "unmount.h"
#include "unmount_cmd.h"
#include "utab.h"

static int unmount_failed(enum um_status st, int err, const struct mpath *p,
			  bool q, const struct notes *out)
{
	/* q (-q): not told, but logged */
	switch (st) {
	case UM_OK:
	case UM_BEFORE:		/* said by the command */
		break;
	case UM_PARENT:
		note(out, "failed to chdir to %s: %s", p->parent, strerror(err));
		break;
	case UM_UMOUNT:
		note_q(out, q, "failed to unmount %s: %s", p->abs, strerror(err));
		break;
	case UM_NOT_FOUND:
	case UM_ALIVE:
		note_q(out, q, "entry for %s not found in /etc/mtab", p->abs);
		break;
	case UM_LOCK:
		if (err == ETIMEDOUT)
			note_q(out, q, "failed to unmount %s: timed out waiting for %s",
			       p->abs, FM_LOCK_FILE);
		else
			note_q(out, q, "failed to unmount %s: cannot open %s: %s",
			       p->abs, FM_LOCK_FILE, strerror(err));
		break;
	case UM_NO_PROC:
		note_q(out, q, "failed to unmount %s: /proc is not mounted", p->abs);
		break;
	}
	return st == UM_OK ? 0 : -(err ? err : EIO);
}

/* After unmount_run(): what the caller is told, and the exit status. */
static int unmount_said(enum um_status st, int err, struct um_req *q,
			const struct mpath *p, bool quiet, const struct notes *out)
{
	/* the unmount is done: a record left behind is only a warning */
	if (st == UM_OK && q->utab_err && !quiet)
		note(out, UTAB_KEPT_MSG, q->target, FM_UTAB, strerror(-q->utab_err));
	free(q->target);
	q->target = NULL;
	return st == UM_OK ? 0 : unmount_failed(st, err, p, quiet, out);
}

int unmount_cmd(const struct privs *pv, const struct mpath *p, bool lazy,
		bool quiet, const struct notes *out)
{
	struct um_req q = { .pv = pv, .abs = p->abs, .parent = p->parent,
			    .last = p->last, .lazy = lazy, .pfd = -1 };
	enum um_status st;
	int err = 0;

	alarm(FM_PREPARE_TIMEOUT);	/* the parent may sit on a hung fs */
	st = unmount_run(&q, &err);
	note_decided(out, st == UM_OK ? 0 : -EIO);
	return unmount_said(st, err, &q, p, quiet, out);
}

/*
 * --abort: the mount is taken and checked exactly as -u -z takes it (the
 * caller's own FUSE mount, through its own fd, by mount ID); with that
 * checked mount, its connection is aborted through fusectl, then that
 * very mount is detached through its fd and its utab record removed.
 * Nothing here waits for the mount's server: the checks ask the kernel
 * only (statx without a sync, statmount), and a lazy detach sends no
 * request.
 */
int unmount_cmd_abort(const struct privs *pv, const struct mpath *p,
		      bool quiet, const struct notes *out)
{
	struct um_req q = { .pv = pv, .abs = p->abs, .parent = p->parent,
			    .last = p->last, .lazy = true, .pfd = -1,
			    .before = fusectl_abort };
	enum um_status st;
	int err = 0;

	if (!pv->can_mount) {	/* not installed privileged */
		note(out, "failed to abort the connection of %s: %s", p->abs,
		     strerror(EPERM));
		return -EPERM;
	}
	alarm(FM_PREPARE_TIMEOUT);
	st = unmount_run(&q, &err);
	note_decided(out, st == UM_OK ? 0 : -EIO);
	if (st == UM_BEFORE && err == EINVAL)
		note(out, "%s is not a FUSE mount", p->abs);
	else if (st == UM_BEFORE)
		note(out, "failed to abort the connection of %s: %s", p->abs,
		     strerror(err));
	return unmount_said(st, err, &q, p, quiet, out);
}
