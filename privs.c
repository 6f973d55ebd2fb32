// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * privs.c - see include/privs.h for the model.
 *
 * The capability sets are set with capset(2) directly: three 64-bit masks
 * are all there is to it, and a library for them cost every start a
 * shared object to load, a read of /proc/sys/kernel/cap_last_cap and five
 * reads of /proc/self/status (libcap-ng re-reads the sets from there).
 * What we set is what we know: the masks below are the state, read back
 * with capget(2) only once, after the identity change.
 */
#include <errno.h>
#include <linux/capability.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/fsuid.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "privs.h"

#define BIT(c) (UINT64_C(1) << (c))

/* Kept effective for a root caller so it can reach any path, as root. */
static const uint64_t root_base = BIT(CAP_DAC_OVERRIDE) | BIT(CAP_DAC_READ_SEARCH);
static const uint64_t needed = BIT(CAP_SYS_ADMIN) | BIT(CAP_SETUID) | BIT(CAP_SETGID);

struct capsets {
	uint64_t eff, prm;	/* inheritable: always empty */
};

static struct capsets cur;	/* as last set (or read) */
static uint64_t base;		/* effective outside any raise: 0 or root_base */

static int caps_get(struct capsets *s)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return -errno;
	s->eff = d[0].effective | (uint64_t)d[1].effective << 32;
	s->prm = d[0].permitted | (uint64_t)d[1].permitted << 32;
	return 0;
}

/* Sets effective and permitted, inheritable empty (so ambient too). */
static int caps_set(const struct capsets *s)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2] = {
		{ (uint32_t)s->eff, (uint32_t)s->prm, 0 },
		{ (uint32_t)(s->eff >> 32), (uint32_t)(s->prm >> 32), 0 },
	};

	if (syscall(SYS_capset, &h, d))
		return -errno;
	cur = *s;
	return 0;
}

/* Empties the bounding set (needs CAP_SETPCAP): one prctl per capability
 * the kernel knows, up to the first it does not (EINVAL). */
static int clear_bounding(void)
{
	for (unsigned long cap = 0; cap < 64; cap++)
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0))
			return errno == EINVAL && cap > CAP_SETFCAP ? 0 : -errno;
	return 0;
}

/*
 * setuid root, caller not root: narrow the capability sets and clear the
 * bounding set while still root, then become the caller with KEEPCAPS so
 * the permitted set survives the uid change (the kernel empties the
 * effective set).  CAP_SETUID/CAP_SETGID stay permitted: the utab update
 * needs them.
 */
static int reduce_setuid(const struct privs *p)
{
	struct capsets s = { BIT(CAP_SETUID) | BIT(CAP_SETGID), needed };
	int e = clear_bounding();

	if (!e)
		e = caps_set(&s);
	if (e)
		return -EPERM;
	if (prctl(PR_SET_KEEPCAPS, 1) || setresgid(p->gid, p->gid, p->gid) ||
	    setresuid(p->uid, p->uid, p->uid) || prctl(PR_SET_KEEPCAPS, 0))
		return -errno;
	return 0;
}

/* root caller, or file capabilities: keep what is held of `needed`. */
static int reduce_in_place(const struct privs *p)
{
	struct capsets s;

	if (caps_get(&s))
		return -EPERM;
	if ((s.eff & BIT(CAP_SETPCAP)) && clear_bounding())
		return -EPERM;
	s.prm &= needed;
	s.eff = 0;
	if (p->root) {
		s.prm |= root_base;
		s.eff = base = root_base;
	}
	return caps_set(&s) ? -EPERM : 0;
}

int privs_reduce(struct privs *p)
{
	int e;

	p->uid = getuid();
	p->gid = getgid();
	p->root = p->uid == 0;
	if (!p->root && geteuid() == 0)
		e = reduce_setuid(p);
	else
		e = reduce_in_place(p);
	if (e)
		return e;
	if (prctl(PR_SET_DUMPABLE, 0) || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -errno;
	if (caps_get(&cur))	/* what the identity change left */
		return -EPERM;
	p->can_mount = cur.prm & BIT(CAP_SYS_ADMIN);
	p->can_fsroot = p->root ||
		((cur.prm & BIT(CAP_SETUID)) && (cur.prm & BIT(CAP_SETGID)));
	return privs_verify(p);
}

int privs_raise(int cap)
{
	struct capsets s = { cur.eff | BIT(cap), cur.prm };

	return caps_set(&s) ? -EPERM : 0;
}

/* CAP_SETUID, then CAP_SETGID: one capset(2) each, so that a failure of
 * either leaves a known state (tests/ATTACKS.md T21 fails each in turn) */
static int raise_setid(void)
{
	return privs_raise(CAP_SETUID) || privs_raise(CAP_SETGID) ? -EPERM : 0;
}

void privs_lower(void)
{
	struct capsets s = { base, cur.prm };

	if (caps_set(&s))
		abort();	/* cannot happen: dropping never needs a right */
}

/*
 * Effective (hence filesystem) ids 0, with no capability effective:
 * libmount checks utab with eaccess(3), and the files it creates must
 * belong to root.  Nothing but the utab update runs in between.
 */
int privs_fsroot_begin(const struct privs *p)
{
	int e = 0;

	if (p->root)
		return 0;
	if (!p->can_fsroot)
		return -EPERM;
	if (raise_setid()) {
		privs_lower();
		return -EPERM;	/* nothing changed (all dropped: --check) */
	}
	if (setresgid((gid_t)-1, 0, (gid_t)-1) || setresuid((uid_t)-1, 0, (uid_t)-1))
		e = -EPERM;
	privs_lower();	/* euid 0 made the permitted set effective */
	if (!e && (geteuid() != 0 || getegid() != 0))
		e = -EPERM;
	if (e)
		privs_fsroot_end(p);
	return e;
}

static bool ids_are(uid_t uid, gid_t gid)
{
	uid_t r, e, s;
	gid_t rg, eg, sg;

	return !getresuid(&r, &e, &s) && r == uid && e == uid && s == uid &&
	       !getresgid(&rg, &eg, &sg) && rg == gid && eg == gid && sg == gid &&
	       (uid_t)setfsuid((uid_t)-1) == uid && (gid_t)setfsgid((gid_t)-1) == gid;
}

void privs_fsroot_end(const struct privs *p)
{
	if (p->root)
		return;
	/* gid first, while CAP_SETGID is usable; KEEPCAPS so that leaving
	 * euid 0 does not empty the permitted set */
	if (prctl(PR_SET_KEEPCAPS, 1) || raise_setid() ||
	    setresgid((gid_t)-1, p->gid, (gid_t)-1) ||
	    setresuid((uid_t)-1, p->uid, (uid_t)-1) || prctl(PR_SET_KEEPCAPS, 0))
		abort();
	privs_lower();
	if (!ids_are(p->uid, p->gid))
		abort();	/* never continue with any root identity */
}

/*
 * For the short-lived utab child only, in fsroot mode (euid 0): real and
 * saved uid 0 as well, so the caller can no longer stop it (SIGSTOP) or
 * signal it while it holds libmount's utab lock.  Its capabilities stay
 * as they are (the child inherits the parent's masks with its memory).
 * 0 or -errno.
 */
int privs_unreachable(void)
{
	int e = 0;

	if (geteuid() != 0)
		return -EPERM;
	if (getuid() == 0)
		return 0;
	if (privs_raise(CAP_SETUID) || setresuid(0, 0, 0))
		e = -EPERM;
	privs_lower();
	return e;
}

/*
 * For answers that need nothing (--help, --version, --features), before
 * privs_reduce(): the caller's real ids everywhere, no capability.  A root
 * caller is left as it is.  Only ever drops; 0 or -errno.
 */
int privs_drop_to_caller(void)
{
	static const struct capsets none = { 0, 0 };
	uid_t uid = getuid();
	gid_t gid = getgid();

	if (uid == 0)
		return 0;
	if (setresgid(gid, gid, gid) || setresuid(uid, uid, uid))
		return -errno;
	return caps_set(&none) ? -EPERM : 0;	/* file capabilities survive the above */
}

int privs_drop_all(void)
{
	struct capsets s = { base, base };

	return caps_set(&s) ? -EPERM : 0;
}

int privs_verify(const struct privs *p)
{
	if (p->root)
		return 0;
	if (!ids_are(p->uid, p->gid))
		return -EPERM;
	if (setuid(0) == 0 || seteuid(0) == 0)
		return -EPERM;	/* root could be regained: refuse to go on */
	return 0;
}
