// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * privs.c - see include/privs.h for the model.
 *
 * The capability sets are held here (cs) and applied with one raw
 * capset(2): built from what this file knows, never read back from the
 * process.  libcap-ng is loaded only to ask the process what it holds,
 * when a root caller, a file-capability install or one without any
 * privilege does not hold everything this file wants to keep (in
 * libcap-ng 0.8 capng_get_caps_process() reads /proc/PID/status twice,
 * so nothing else asks).  The bounding set is left as it is: see
 * privs_reduce().
 */
#include <cap-ng.h>
#include <dlfcn.h>
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "privs.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/*
 * The sets are this file's own (cs below) and applied with one raw
 * capset(2) each: which capabilities a process holds is known here, so no
 * library state is needed to say it.  libcap-ng is loaded, with dlopen(),
 * only where the process must be asked what it holds: a root caller, a
 * file-capability install or one without any privilege whose first capset
 * is refused (reduce_in_place).  Loading it cost every mount and -u about
 * 58 us (mapping, relocation, its constructor's read of
 * /proc/sys/kernel/cap_last_cap and four prctl probes).  Each pointer has
 * the type of the prototype in <cap-ng.h>, so calls are type-checked as if
 * linked.
 */
#define CN_SONAME "libcap-ng.so.0"
#define CN_FUNCS(X)							\
	X(capng_get_caps_process) X(capng_have_capability)
#define CN_MEMBER(f) __typeof__(&f) f;
static struct {
	CN_FUNCS(CN_MEMBER)
} cn;
#undef CN_MEMBER
static void *cn_handle;

#define CN_RESOLVE(f)							\
	if (ok && !(*(void **)&cn.f = dlsym(h, #f)))			\
		ok = false;

/* 0 once libcap-ng is there; -EPERM when it cannot be loaded. */
static int cn_load(void)
{
	void *h;
	bool ok;

	if (cn_handle)
		return 0;
	h = dlopen(CN_SONAME, RTLD_NOW | RTLD_LOCAL);
	ok = h != NULL;
	CN_FUNCS(CN_RESOLVE)
	if (!ok) {
		if (h)
			dlclose(h);
		memset(&cn, 0, sizeof(cn));
		return -EPERM;
	}
	cn_handle = h;
	return 0;
}

void privs_unload(void)
{
	if (!cn_handle)
		return;
	dlclose(cn_handle);
	cn_handle = NULL;
	memset(&cn, 0, sizeof(cn));
}

/* The effective and permitted sets this file means the process to hold
 * (inheritable: none); what cs_apply() makes them. */
static struct {
	uint64_t eff, perm;
} cs;

#define CS_EFF 1
#define CS_PERM 2
#define BIT(c) (UINT64_C(1) << (unsigned int)(c))

static void cs_add(int which, int cap)
{
	if (which & CS_EFF)
		cs.eff |= BIT(cap);
	if (which & CS_PERM)
		cs.perm |= BIT(cap);
}

/* One capset(2) of cs: 0, or -EPERM when refused (nothing changed). */
static int cs_apply(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];

	memset(d, 0, sizeof(d));
	d[0].effective = (uint32_t)cs.eff;
	d[1].effective = (uint32_t)(cs.eff >> 32);
	d[0].permitted = (uint32_t)cs.perm;
	d[1].permitted = (uint32_t)(cs.perm >> 32);
	return syscall(SYS_capset, &h, d) ? -EPERM : 0;
}

/* Kept effective for a root caller so it can reach any path, as root. */
static const int root_base[] = { CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH };
static const int needed[] = { CAP_SYS_ADMIN, CAP_SETUID, CAP_SETGID };

/* What privs_reduce() left: the permitted set is kept[] (and root_base
 * when base_effective), the effective set root_base or nothing. */
static bool kept[N(needed)];
static bool base_effective;

static void add_all(int which, const int *caps, size_t n)
{
	for (size_t i = 0; i < n; i++)
		cs_add(which, caps[i]);
}

static void keep_all(bool yes)
{
	for (size_t i = 0; i < N(needed); i++)
		kept[i] = yes;
}

static bool is_kept(int cap)
{
	for (size_t i = 0; i < N(needed); i++)
		if (needed[i] == cap)
			return kept[i];
	return false;
}

/* cs := the reduced sets, nothing raised (not applied). */
static void load_reduced(void)
{
	cs.eff = cs.perm = 0;
	for (size_t i = 0; i < N(needed); i++)
		if (kept[i])
			cs_add(CS_PERM, needed[i]);
	if (base_effective)
		add_all(CS_PERM | CS_EFF, root_base, N(root_base));
}

static int apply_reduced(void)
{
	load_reduced();
	return cs_apply();
}

/*
 * setuid root, caller not root: narrow the capability sets while still
 * root, then become the caller with KEEPCAPS so the permitted set
 * survives the uid change, and apply the reduced sets once more (the
 * kernel empties the effective set at that change, but not with a
 * SECBIT_NO_SETUID_FIXUP a privileged parent may have left): from here
 * on cs is what the process holds.  capng_change_id() is not
 * used: it would drop CAP_SETUID/CAP_SETGID, which the utab update needs.
 */
static int reduce_setuid(const struct privs *p)
{
	cs.eff = cs.perm = 0;
	add_all(CS_PERM, needed, N(needed));
	cs_add(CS_EFF, CAP_SETUID);
	cs_add(CS_EFF, CAP_SETGID);
	if (cs_apply())
		return -EPERM;
	if (prctl(PR_SET_KEEPCAPS, 1) || setresgid(p->gid, p->gid, p->gid) ||
	    setresuid(p->uid, p->uid, p->uid) || prctl(PR_SET_KEEPCAPS, 0))
		return -errno;
	keep_all(true);
	return apply_reduced();
}

/*
 * Root caller, file capabilities, or no privilege at all: keep what is
 * held of `needed` (and the root base for root).  Usually that is all of
 * it, and the first capset says so; only when it is refused does
 * libcap-ng read what the process holds (capng_get_caps_process), to
 * keep just that.
 */
static int reduce_in_place(const struct privs *p)
{
	base_effective = p->root;
	keep_all(true);
	if (apply_reduced() == 0)
		return 0;
	if (cn_load() || cn.capng_get_caps_process())
		return -EPERM;
	for (size_t i = 0; i < N(needed); i++)
		kept[i] = cn.capng_have_capability(CAPNG_PERMITTED, (unsigned int)needed[i]) == 1;
	return apply_reduced();
}

/*
 * The bounding set is not emptied (it used to be, with one
 * PR_CAPBSET_DROP per capability: 42 calls in every process): it only
 * ever bounds what an execve() can give, and after NO_NEW_PRIVS, set here
 * before anything else runs and inherited by every child, no execve can
 * give anything: set-user-ID bits and file capabilities are ignored, and
 * the permitted set after it is at most the one before.  Nothing else
 * reads the bounding set but a capset() of the inheritable set, which
 * also only matters at an execve.  (The helper executes nothing anyway.)
 */
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
	p->can_mount = is_kept(CAP_SYS_ADMIN);
	p->can_fsroot = p->root || (is_kept(CAP_SETUID) && is_kept(CAP_SETGID));
	return privs_verify(p);
}

int privs_raise(int cap)
{
	if (cap < 0 || cap > 63)
		return -EPERM;
	cs_add(CS_EFF, cap);
	return cs_apply();
}

/* CAP_SETUID and CAP_SETGID with one capset(2): refused, it changed
 * nothing (tests/ATTACKS.md T21 fails it) */
static int raise_setid(void)
{
	cs_add(CS_EFF, CAP_SETUID);
	cs_add(CS_EFF, CAP_SETGID);
	return cs_apply();
}

void privs_lower(void)
{
	for (size_t i = 0; i < N(needed); i++)
		cs.eff &= ~BIT(needed[i]);
	if (cs_apply())
		abort();	/* cannot happen: dropping never needs a right */
}

/*
 * Effective (hence filesystem) ids 0, with no capability effective:
 * libmount checks utab with eaccess(3), and the files it creates must
 * belong to root.  Nothing but the utab update runs in between.  The
 * ids are not read back: setresgid/setresuid returning 0 set them, and
 * one that did not leaves the caller's ids, which can only make the
 * root-only file access that follows fail.
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
	if (e)
		privs_fsroot_end(p);
	return e;
}

/* Every uid and gid exactly uid/gid.  The filesystem ids need no look:
 * every setresuid/setresgid sets them to the effective ones, and nothing
 * here sets them otherwise. */
static bool ids_are(uid_t uid, gid_t gid)
{
	uid_t r, e, s;
	gid_t rg, eg, sg;

	return !getresuid(&r, &e, &s) && r == uid && e == uid && s == uid &&
	       !getresgid(&rg, &eg, &sg) && rg == gid && eg == gid && sg == gid;
}

/*
 * Back to the caller's effective ids.  No capability is needed for that
 * (they are the real ids), so none is raised: the effective set stays as
 * privs_fsroot_begin() left it, empty.  KEEPCAPS so that leaving euid 0
 * does not empty the permitted set.  The ids are read back: this is the
 * check that the helper never goes on with a root identity.
 */
void privs_fsroot_end(const struct privs *p)
{
	if (p->root)
		return;
	if (prctl(PR_SET_KEEPCAPS, 1) ||
	    setresgid((gid_t)-1, p->gid, (gid_t)-1) ||
	    setresuid((uid_t)-1, p->uid, (uid_t)-1) || prctl(PR_SET_KEEPCAPS, 0))
		abort();
	if (cs.eff)
		privs_lower();	/* only if something raised one meanwhile */
	if (!ids_are(p->uid, p->gid))
		abort();	/* never continue with any root identity */
}

/* Nothing is read: the child holds what the parent held, the reduced
 * sets (cs is inherited with the memory; it is set again all the same,
 * nothing raised). */
int privs_forked(void)
{
	load_reduced();
	return 0;
}

/*
 * For the short-lived utab child only, in fsroot mode (euid 0): real and
 * saved uid 0 as well, so the caller can no longer stop it (SIGSTOP) or
 * signal it while it holds libmount's utab lock.  Its capabilities stay
 * as they are: the reduced sets, which is what privs_fsroot_begin() left
 * (libcap-ng resets its state in a forked child; it is set again from
 * kept[], not read from /proc).  0 or -errno.
 */
int privs_unreachable(void)
{
	int e = 0;

	if (geteuid() != 0)
		return -EPERM;
	if (getuid() == 0)
		return 0;
	if (privs_forked())
		return -EPERM;
	if (privs_raise(CAP_SETUID) || setresuid(0, 0, 0))
		e = -EPERM;
	privs_lower();
	return e;
}

int privs_out_of_reach(const struct privs *p)
{
	uid_t r, e, s;
	int err = 0;

	if (p->root)
		return 0;
	/* the effective uid stays non-zero: no capability set changes */
	if (privs_raise(CAP_SETUID) || setresuid(0, p->uid, 0))
		err = -EPERM;
	privs_lower();
	if (!err && (getresuid(&r, &e, &s) || r != 0 || e != p->uid || s != 0))
		err = -EPERM;
	return err;
}

/*
 * The in-process holder of the unmount lock (unmount.c): real and saved
 * uid 0, effective uid the caller's (every lookup is still made with the
 * caller's rights), and filesystem ids 0 until privs_hold_fs_end(), for
 * opening root's lock file.  One capset raises CAP_SETUID and CAP_SETGID,
 * one lowers them: setfsuid(0) is then allowed by the real uid 0 already,
 * setfsgid(0) by CAP_SETGID.  No capability of the fs set is permitted,
 * so fsuid 0 makes none effective.  0 or -EPERM (then nothing is held:
 * privs_hold_end() puts back what was changed).  Nothing for root.
 */
static int raise_both(void)
{
	cs_add(CS_EFF, CAP_SETUID);
	cs_add(CS_EFF, CAP_SETGID);
	return cs_apply();
}

int privs_hold_begin(const struct privs *p)
{
	uid_t r, e, s;
	int err = 0;

	if (p->root)
		return 0;
	if (raise_both() || setresuid(0, p->uid, 0))
		err = -EPERM;
	if (!err) {
		setfsuid(0);
		setfsgid(0);
	}
	privs_lower();
	if (!err && (getresuid(&r, &e, &s) || r != 0 || e != p->uid || s != 0))
		err = -EPERM;
	return err;
}

/* Filesystem ids 0 alone, for opening root's lock file: one capset up,
 * setfsuid(0), setfsgid(0), one capset down.  Nothing checks that they
 * took: with the caller's fs ids the open of the root-only file fails. */
int privs_fsid_root(const struct privs *p)
{
	int err = 0;

	if (p->root)
		return 0;
	if (raise_both())
		err = -EPERM;
	else {
		setfsuid(0);
		setfsgid(0);
	}
	privs_lower();
	return err;
}

/* The caller's filesystem ids again (its effective ids: no right needed). */
void privs_hold_fs_end(const struct privs *p)
{
	if (p->root)
		return;
	setfsuid(p->uid);
	setfsgid(p->gid);
	if ((uid_t)setfsuid((uid_t)-1) != p->uid || (gid_t)setfsgid((gid_t)-1) != p->gid)
		abort();	/* never continue with root's file identity */
}

/* The caller's uids again, once the lock is let go (KEEPCAPS: leaving
 * the real and saved uid 0 would empty the permitted set). */
void privs_hold_end(const struct privs *p)
{
	if (p->root)
		return;
	uid_t r, e, s;

	if (prctl(PR_SET_KEEPCAPS, 1) || privs_raise(CAP_SETUID) ||
	    setresuid(p->uid, p->uid, p->uid) || prctl(PR_SET_KEEPCAPS, 0))
		abort();
	privs_lower();
	/* the fsuid follows the euid; the fsgid is back (privs_hold_fs_end) */
	if (getresuid(&r, &e, &s) || r != p->uid || e != p->uid || s != p->uid)
		abort();	/* never continue with any root identity */
}

/*
 * Every capability set emptied (but the bounding set), with one capset(2)
 * of its own: dropping needs no state and no right, and libcap-ng is not
 * loaded for answers that keep nothing.
 */
static int drop_everything(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];

	memset(d, 0, sizeof(d));
	return syscall(SYS_capset, &h, d) ? -EPERM : 0;
}

/*
 * For answers that need nothing (--help, --version, --features), before
 * privs_reduce(): the caller's real ids everywhere, no capability.  A root
 * caller is left as it is.  Only ever drops; 0 or -errno.
 */
int privs_drop_to_caller(void)
{
	uid_t uid = getuid();
	gid_t gid = getgid();

	if (uid == 0)
		return 0;
	if (setresgid(gid, gid, gid) || setresuid(uid, uid, uid))
		return -errno;
	return drop_everything();
}

/*
 * For a forked child that only probes a mount: exactly uid/gid, no
 * supplementary groups, no capability in any set but the bounding one.
 * Needs CAP_SETUID and CAP_SETGID (a root caller's helper).  libcap-ng's
 * state is set from what privs_reduce() kept, not read (privs_forked),
 * and the empty sets are applied last: a capset that succeeds leaves
 * exactly those.  0 or -errno.
 */
int privs_become(uid_t uid, gid_t gid)
{
	int e = 0;

	if (privs_forked() || privs_raise(CAP_SETUID) || privs_raise(CAP_SETGID))
		return -EPERM;
	if (setgroups(0, NULL) || setresgid(gid, gid, gid) ||
	    setresuid(uid, uid, uid))
		e = -errno;
	keep_all(false);
	base_effective = false;
	if (apply_reduced())
		return -EPERM;
	if (!e && (!ids_are(uid, gid) || getgroups(0, NULL) != 0))
		e = -EPERM;
	return e;
}

int privs_drop_all(void)
{
	keep_all(false);
	return apply_reduced();
}

/*
 * Every uid and gid the caller's, read back.  The "can root be regained"
 * probes (setuid(0), seteuid(0)) are not made any more: without a
 * capability effective (the capset just made says so), they succeed
 * exactly when a real, effective or saved uid is 0, which this has
 * just read.
 */
int privs_verify(const struct privs *p)
{
	if (p->root)
		return 0;
	return ids_are(p->uid, p->gid) ? 0 : -EPERM;
}
