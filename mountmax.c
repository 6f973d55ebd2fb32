// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mountmax.c - mount_max and user_mount_max at attach time (mountmax.h).
 *
 * Exact limits with any number of helpers at once (lockfile.h).  Just
 * before the mount is attached (after FUSE_INIT, see mount.h), a helper
 * takes an attach slot of /run/fusermount3.lock (a lock whose offset
 * says whose and in which mount namespace), and only then counts the
 * slots of the others and the FUSE mounts.  Of any two helpers the later to count sees the earlier's
 * slot (or, once attached, its mount), so the last one admitted has seen
 * all the others: the limits hold with no lock shared by all users, hence
 * none a caller could keep by stopping its own helper.  Over the limit by
 * mounts alone: refused; only with slots in flight (which may fail, or be
 * a mount counted twice for an instant): the slot is given back and the
 * count repeated, until FM_LOCK_TIMEOUT_MS.  The slot of an admitted
 * helper is held until move_mount or mount(2) returned; a byte per user
 * keeps one user's helpers to one undecided slot at a time.  Nothing is
 * held across a wait for the library or the daemon except the slot.  Root
 * takes no part, as in the reference.
 */
#include <errno.h>
#include <linux/capability.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "lockfile.h"
#include "mountmax.h"
#include "mounts.h"
#include "policy.h"
#include "privs.h"

static bool limits_apply(const struct mctx *c)
{
	return !c->pv->root && (c->conf.mount_max >= 0 || c->conf.user_mount_max >= 0);
}

/* The lock could not be had (-ETIMEDOUT: not in time) or used. */
static void cannot_enforce(const struct mctx *c, int e)
{
	const char *name = c->conf.mount_max >= 0 ? "mount_max" : "user_mount_max";

	if (e == -ETIMEDOUT)
		note(c->out, "cannot enforce %s: timed out after %d seconds waiting for %s",
		     name, FM_LOCK_TIMEOUT_MS / 1000, FM_LOCK_FILE);
	else
		note(c->out, "cannot enforce %s: %s: %s", name, FM_LOCK_FILE, strerror(-e));
}

/*
 * Opens the lock file with root's file identity, before the guard thread
 * exists (uid changes must not meet a second thread).  Without
 * CAP_SETUID/CAP_SETGID (file capabilities with cap_sys_admin alone) there
 * is no lock: user_mount_max is then refused, mount_max counted without.
 */
int limits_open(struct mctx *c)
{
	int e;

	if (!limits_apply(c))
		return 0;
	if (!c->pv->can_fsroot) {
		if (c->conf.user_mount_max < 0)
			return 0;
		note(c->out, "cannot enforce user_mount_max: %s: %s", FM_LOCK_FILE,
		     strerror(EPERM));
		return -EPERM;
	}
	e = privs_fsroot_begin(c->pv);
	if (!e) {
		c->lim.fd = lock_open(FM_LOCK_FILE);
		e = c->lim.fd < 0 ? c->lim.fd : 0;
		privs_fsroot_end(c->pv);
	}
	if (!e)
		e = lock_mntns(&c->lim.mntns);
	if (e)
		cannot_enforce(c, e);
	return e;
}

void limits_close(struct mctx *c)
{
	if (c->lim.fd >= 0)
		close(c->lim.fd);
	c->lim.fd = -1;
	c->lim.slot = -1;
}

/*
 * With every mount of the namespace, of any type, taken for a FUSE mount
 * of the caller's (upper bounds of both counts): when even that keeps
 * every limit, so do the real counts (policy_limits only compares them
 * with "reached": fewer mounts never turn LIMIT_OK into a refusal or a
 * wait), and no mount needs to be looked at.  n then holds those bounds.
 */
static bool limits_kept_by_all(const struct mctx *c, struct limit_counts *n)
{
	struct limit_counts up = *n;
	long all;

	if (mounts_count_all(&all))
		return false;	/* counted one by one, which says why */
	up.mounts = up.mine = all;
	if (policy_limits(&c->conf, &up) != LIMIT_OK)
		return false;
	*n = up;
	return true;
}

/*
 * The slots of the others first, the mounts second: a helper gives its
 * slot back only after its mount is attached, so one that is not in the
 * slots any more is in the mounts (or counted twice, which only makes us
 * look again); the other order could miss it in between.
 */
static int limits_count(struct mctx *c, struct limit_counts *n)
{
	int e = 0;

	n->in_flight = n->mine_in_flight = 0;
	if (c->lim.fd >= 0)
		e = lock_slots_count(c->lim.fd, c->lim.mntns, c->pv->uid,
				     &n->in_flight, &n->mine_in_flight);
	if (e) {
		cannot_enforce(c, e);
		return e;
	}
	if (limits_kept_by_all(c, n))
		return 0;
	e = mounts_count_fuse(c->pv->uid, &n->mounts, &n->mine);
	if (e)
		note(c->out, "failed to list mounts: %s", strerror(-e));
	return e;
}

static int limits_refuse(struct mctx *c, enum limit_verdict v)
{
	if (v == LIMIT_MOUNT_MAX || v == LIMIT_WAIT_MOUNT_MAX) {
		note(c->out, MAX_MSG, FUSE_CONF);
		return -ENOSPC;
	}
	note(c->out, USER_MAX_MSG, c->conf.user_mount_max, FUSE_CONF);
	return -EDQUOT;
}

/* A slot, then the count: the slot kept and 0, or given back and 1 to
 * look again, or -errno after saying why.  Under the caller's byte. */
static int limits_slot_and_count(struct mctx *c, enum limit_verdict *v)
{
	struct limit_counts n;
	int e;

	c->lim.slot = lock_slot_take(c->lim.fd, c->lim.mntns, c->pv->uid);
	if (c->lim.slot < 0) {
		e = (int)c->lim.slot;
		cannot_enforce(c, e);
		return e;
	}
	e = limits_count(c, &n);
	*v = e ? LIMIT_OK : policy_limits(&c->conf, &n);
	if (!e && *v == LIMIT_OK)
		return 0;
	lock_slot_release(c->lim.fd, c->lim.slot);
	c->lim.slot = -1;
	if (e)
		return e;
	if (*v == LIMIT_MOUNT_MAX || *v == LIMIT_USER_MAX)
		return limits_refuse(c, *v);
	return 1;
}

static int limits_look(struct mctx *c, int64_t deadline, enum limit_verdict *v)
{
	off_t me = lock_user_off(c->pv->uid);
	int e = lock_take(c->lim.fd, me, 1, deadline);

	if (e) {
		cannot_enforce(c, e);
		return e;
	}
	e = limits_slot_and_count(c, v);
	lock_release(c->lim.fd, me, 1);
	return e;
}

static int limits_reserve(struct mctx *c)
{
	int64_t deadline = lock_deadline(FM_LOCK_TIMEOUT_MS);
	enum limit_verdict v = LIMIT_OK;
	struct limit_counts n;
	int e;

	if (c->lim.fd < 0) {	/* no lock to be had: count, nothing more */
		e = limits_count(c, &n);
		v = e ? LIMIT_OK : policy_limits(&c->conf, &n);
		return e ? e : v == LIMIT_OK ? 0 : limits_refuse(c, v);
	}
	while ((e = limits_look(c, deadline, &v)) == 1)
		if (!lock_pause(deadline))
			return limits_refuse(c, v);
	return e;
}

/* A slot before the attach, none after it.  The count runs as the
 * caller, with no capability effective. */
int limits_attach(void *arg, bool begin)
{
	struct mctx *c = arg;
	int e;

	if (!limits_apply(c))
		return 0;
	if (!begin) {
		if (c->lim.slot >= 0)
			lock_slot_release(c->lim.fd, c->lim.slot);
		c->lim.slot = -1;
		return 0;
	}
	privs_lower();
	e = limits_reserve(c);
	c->lim.said = e != 0;
	if (c->pv->can_mount && privs_raise(CAP_SYS_ADMIN) && !e) {
		limits_attach(c, false);
		e = -EPERM;
	}
	return e;
}
