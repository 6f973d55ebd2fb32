// SPDX-License-Identifier: GPL-2.0-or-later
/* unmount.c - see include/unmount.h. */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lockfile.h"
#include "unmount.h"
#include "utab.h"

#ifndef UMOUNT_NOFOLLOW
#define UMOUNT_NOFOLLOW 0x8
#endif
#ifndef PROC_SUPER_MAGIC
#define PROC_SUPER_MAGIC 0x9fa0
#endif

#define FM_ALIVE_CHECK_SEC 10	/* the watcher: finding the mount, probing it */
#define FM_LOCK_HOLD_SEC 2	/* the locked child, holding the lock: the look
				 * at what is on the mount, and umount2 */

/* How a locked unmount ended, besides 0 and an errno of umount2. */
enum {
	UMC_GONE = 250,		/* not the checked mount any more */
	UMC_LOCK_TIMEOUT,	/* the lock was not had in time */
	UMC_SETUP,		/* the child could not open the lock file or put
				 * itself out of reach */
	UMC_KILLED,		/* its time ran out (SIGALRM) */
	UMC_CHILD = 1000,	/* act_here: go the child's way after all
				 * (never an exit status) */
};

/* What is to be removed: the checked mount, and where it was found. */
struct um_act {
	int pfd;		/* the opened parent directory, or -1 */
	const char *last;	/* the name in it */
	int mfd;		/* the mount itself (O_PATH) */
	struct mnt_ref ref;	/* the checked mount */
	uid_t owner;		/* ... its user_id= (FUSE), else 0: whose
				 * unmount byte of the lock guards it */
};

/* SIGALRM with its default action ends the process, also in a wait for
 * a FUSE server (which a caught signal would not end). */
static void bound(unsigned int sec)
{
	sigset_t alrm;

	signal(SIGALRM, SIG_DFL);
	sigemptyset(&alrm);
	sigaddset(&alrm, SIGALRM);
	sigprocmask(SIG_UNBLOCK, &alrm, NULL);
	alarm(sec);
}

/* --------------------------------------------------------- the checks */

/* Is mfd, opened as `last` in pfd, the root of a mount the caller may
 * remove?  Its kernel path goes to q->target. */
static enum um_status check_fd(struct um_req *q, int pfd, int mfd,
			       struct mnt_ref *ref, uid_t *owner)
{
	struct mnt_ref parent;
	struct mnt_info mi;
	bool ok;
	int e;

	if (mounts_id_at(mfd, "", ref) || mounts_id_at(pfd, "", &parent))
		return UM_NOT_FOUND;
	if (ref->id == parent.id)	/* not a mountpoint at all */
		return UM_NOT_FOUND;
	if (q->expect && ref->id != q->expect->id)
		return UM_NOT_FOUND;
	e = mounts_info(ref, &mi);
	if (e && !q->pv->root)
		return UM_NOT_FOUND;
	ok = q->pv->root ||
	     (mounts_is_fuse(&mi) && mi.has_user_id && mi.user_id == q->pv->uid);
	*owner = !e && mounts_is_fuse(&mi) && mi.has_user_id ? mi.user_id : 0;
	if (ok && !e) {
		free(q->target);
		q->target = mi.target;
		mi.target = NULL;
	}
	mounts_info_free(&mi);
	return ok ? UM_OK : UM_NOT_FOUND;
}

/* Takes the mount at pfd/last once (a->mfd) and checks it; the fd is
 * let go again unless the mount is the one to remove. */
static enum um_status take_mount(struct um_req *q, int pfd,
				 struct um_act *a)
{
	enum um_status st;

	a->pfd = pfd;
	a->last = q->last;
	a->ref.id = 0;
	a->ref.unique = false;
	a->owner = 0;
	a->mfd = openat(pfd, q->last, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (a->mfd < 0)
		return UM_NOT_FOUND;
	st = check_fd(q, pfd, a->mfd, &a->ref, &a->owner);
	if (st != UM_OK) {
		close(a->mfd);
		a->mfd = -1;
	}
	return st;
}

/*
 * Is nothing mounted on the root of the checked mount (a->ref)?  0, or
 * -EBUSY, or -errno.  umount2 of /proc/self/fd/N does not remove the mount
 * N is open on but the top of what is stacked on that mount's root (the
 * kernel follows the mounts on the last component of an unmount, after
 * /proc's link too): someone else's mount, or, once that is gone, what
 * another user's -u checked.  A child that reads as below the mount may
 * be on its root (renames above it, out and back), so every mount below
 * must be the owner's FUSE mount (mounts_on_root).  What cannot be told
 * (no statmount's unique IDs before Linux 6.8, the mount gone) is left
 * to umount2, as before; any other failure to tell is a refusal.
 */
static int nothing_on_top(const struct um_act *a)
{
	int r = mounts_on_root(&a->ref, a->owner);

	/* no statmount IDs (before Linux 6.8), the mount gone: umount2
	 * decides, as before; any other error (a mount point longer than
	 * statmount's buffer, which a rename above the mount can make it;
	 * no memory) is refused, as is -EAGAIN */
	if (r == -ENOSYS || r == -ENOENT)
		return 0;
	return r ? -EBUSY : 0;
}

/* ----------------------------------------------------------- the lock */

/*
 * Whether an unmount takes the unmount lock; 0, or -errno when it must
 * and cannot.  Only an install that can give the lock to a child out of
 * the caller's reach takes it (one with CAP_SETUID, which that needs, and
 * root's file identity, which opening the lock file needs); an install
 * with CAP_SYS_ADMIN alone goes without.  So does root where the file
 * cannot be opened (in a user namespace, say): root can do all this
 * itself anyway.
 */
static int lock_wanted(const struct privs *pv, bool *wanted)
{
	int fd = -EPERM, e;

	*wanted = false;
	if (!pv->can_fsroot)
		return 0;
	e = privs_fsid_root(pv);
	if (!e)
		fd = lock_open(FM_LOCK_FILE);
	privs_hold_fs_end(pv);
	if (fd >= 0)
		close(fd);
	*wanted = fd >= 0;
	return pv->root ? 0 : e ? e : fd < 0 ? fd : 0;
}

/* In the child: the lock file, opened by the child itself, so that no
 * other descriptor of that open file can keep its lock once the child is
 * gone; then real and saved uid 0.  The fd, or -errno. */
static int child_setup(const struct privs *pv)
{
	int fd = -EPERM;

	if (privs_forked())
		return -EPERM;
	if (!privs_fsid_root(pv))
		fd = lock_open(FM_LOCK_FILE);
	privs_hold_fs_end(pv);
	if (fd >= 0 && privs_out_of_reach(pv)) {
		close(fd);
		fd = -EPERM;
	}
	return fd;
}

/* ------------------------------------------------------- the unmount */

/* umount2 of the checked mount, through its fd.  0, or umount2's errno
 * or a UMC_ code. */
static int umount_act(const struct um_act *a)
{
	char path[64];
	int r, e;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", a->mfd);
	if (privs_raise(CAP_SYS_ADMIN)) {
		privs_lower();
		return EPERM;
	}
	r = umount2(path, MNT_DETACH);
	e = r ? errno : 0;
	privs_lower();
	/* EINVAL through the fd: that mount is no longer attached */
	return e == EINVAL ? UMC_GONE : e;
}

/* The locked part: the lock (lockfd -1: no lock), the look at what is on
 * the checked mount, then umount2, with the lock held from that look on. */
static int act_locked_timed(const struct um_act *a, int lockfd)
{
	int e;

	if (lockfd >= 0) {
		/* bounded from before the take: a holder frozen right after
		 * it (the cgroup v2 freezer of a subtree delegated to the
		 * caller reaches uid 0 too) ends by SIGALRM */
		bound(FM_LOCK_TIMEOUT_MS / 1000 + FM_LOCK_HOLD_SEC);
		e = lock_take(lockfd, lock_unmount_off(a->owner), 1,
			      lock_deadline(FM_LOCK_TIMEOUT_MS));
		if (e)
			return e == -ETIMEDOUT ? UMC_LOCK_TIMEOUT : -e;
	}
	bound(FM_LOCK_HOLD_SEC);
	if (nothing_on_top(a))
		return UMC_GONE;
	return umount_act(a);
}

/* ... leaving the caller's own bound as it was (it also runs in the
 * helper itself, whose -u and --abort are bounded as a whole).  The byte
 * is let go under the lock's own bound, before that (longer, or in the
 * child no) bound comes back: a holder frozen in between would keep it. */
static int act_locked(const struct um_act *a, int lockfd)
{
	unsigned int outer = alarm(0);
	int code = act_locked_timed(a, lockfd);

	if (lockfd >= 0)
		lock_release(lockfd, lock_unmount_off(a->owner), 1);
	alarm(outer);
	return code;
}

/* The utab record to remove once the mount is gone, by the locked
 * child itself (one child for both: issue 13). */
struct um_utab {
	const char *target;	/* the mount's kernel path */
	bool any;		/* a root caller's: no user= needed */
	int res[2];		/* the child's words: "unmounted", its result */
	bool done;		/* the child got to it */
	int err;		/* ... and its result, 0 or -errno */
};

static bool read_word(int fd, int *v)
{
	ssize_t n;

	while ((n = read(fd, v, sizeof(*v))) == -1 && errno == EINTR)
		;
	return n == (ssize_t)sizeof(*v);
}

/*
 * In the child, the mount removed and the unmount lock let go: its
 * record, as root's file identity, bounded by a timer of its own
 * (FM_UTAB_TIMEOUT_MS from here; the 2 s of the lock are over).  The
 * helper is told first that the mount is gone, whatever happens next.
 */
static void child_forget(const struct um_act *a, const struct privs *pv,
			 const struct um_utab *u)
{
	int zero = 0, e;

	if (write(u->res[1], &zero, sizeof(zero)) != (ssize_t)sizeof(zero))
		_exit(0);	/* the helper removes the record itself */
	e = privs_fsroot_begin(pv);
	if (e && write(u->res[1], &e, sizeof(e)) != (ssize_t)sizeof(e))
		_exit(EIO);
	if (!e)
		utab_remove_here(a->pfd, a->last, u->target, u->any, u->res[1]);
	_exit(0);
}

static int child_main(const struct um_act *a, const struct privs *pv,
		      const struct um_utab *u)
{
	int fd, code;

	/* out of the caller's session: ^Z or ^C typed on the caller's
	 * terminal goes to its foreground group with no permission check */
	(void)setsid();
	fd = child_setup(pv);
	if (fd < 0)
		return UMC_SETUP;
	code = act_locked(a, fd);
	close(fd);		/* the lock byte is let go */
	if (code == 0 && u)
		child_forget(a, pv, u);
	return code;
}

/* What the child said: once it has unmounted, the unmount's verdict is
 * 0 however it ended, and the record's result is its second word. */
static int child_words(struct um_utab *u, int code, bool killed)
{
	int w;

	close(u->res[1]);
	if (read_word(u->res[0], &w)) {
		code = 0;
		u->done = true;
		if (!read_word(u->res[0], &u->err))
			u->err = killed ? -ETIMEDOUT : -EIO;
	}
	close(u->res[0]);
	return code;
}

/* The locked part in a child the caller cannot stop, and (u) the utab
 * record after it; -errno when there is no child (the codes of
 * act_locked are never negative). */
static int act_in_child(const struct um_act *a, const struct privs *pv,
			struct um_utab *u)
{
	pid_t pid;
	int st, code;

	if (u && pipe2(u->res, O_CLOEXEC))
		u = NULL;	/* the helper removes the record itself */
	pid = fork();
	if (pid == 0)
		_exit(child_main(a, pv, u));
	if (pid < 0) {	/* RLIMIT_NPROC, say: no child, nothing done */
		code = -errno;
		if (u) {
			close(u->res[0]);
			close(u->res[1]);
		}
		return code;
	}
	/* the child ends by itself: its own alarms and timer bound it */
	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR) {
			st = 0;
			break;
		}
	code = WIFEXITED(st) ? WEXITSTATUS(st) : UMC_KILLED;
	return u ? child_words(u, code, WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL) : code;
}

/* ------------------------------------- the locked part in the helper */

/*
 * Which records of utab the unmount would have to remove (act_here):
 * none to look for (no utab: utab_wanted), a user's (user=), any of its
 * target (a root caller's).
 */
enum um_rec { REC_NONE, REC_USER, REC_ANY };

#define FM_UTAB_PEEK_MAX 65536	/* a larger utab: the child reads it */

/*
 * Has utab no record the unmount would remove?  Read under byte 1 of the
 * lock file (lockfile.h), so that a mount's record still on its way (its
 * child holds byte 1 from before the mount was handed over) is seen.  A
 * user's record has "user=" in it (utab.c, user_opts); a root caller's -u
 * removes any record of its target, so any record counts.  In doubt
 * (byte 1 held too long, utab unreadable or large): no, the child decides.
 */
static bool utab_reads_none(enum um_rec want)
{
	static char buf[FM_UTAB_PEEK_MAX + 1];
	ssize_t n = -1;
	int fd;

	fd = open(FM_UTAB, O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, buf, sizeof(buf));
		close(fd);
	} else if (errno == ENOENT) {
		n = 0;
	}
	if (n < 0 || n > FM_UTAB_PEEK_MAX || memchr(buf, '\0', (size_t)n))
		return false;
	buf[n] = '\0';
	return !strstr(buf, want == REC_ANY ? "=" : "user=");
}

static bool utab_has_none(int lockfd, enum um_rec want)
{
	bool none;

	if (lock_take(lockfd, FM_LOCK_UTAB_OFF, 1, lock_deadline(FM_UTAB_TIMEOUT_MS)))
		return false;
	none = utab_reads_none(want);
	lock_release(lockfd, FM_LOCK_UTAB_OFF, 1);
	return none;
}

/*
 * After the helper's own unmount: is there a record to remove after all?
 * Byte 1 was let go before umount2, and a mount's record child that took
 * it in between (the mount attached just before the look, its child not
 * yet at byte 1) wrote its record for the mount just removed; or utab
 * appeared meanwhile.  Read under byte 1 again: a child that takes it
 * after this finds its mount gone and writes nothing.
 */
static bool record_after(int lockfd, const struct privs *pv)
{
	return utab_present() && !utab_has_none(lockfd, pv->root ? REC_ANY : REC_USER);
}

/* Signals a process may get with no permission check, from the caller's
 * terminal: blocked while the helper holds the lock, delivered after. */
static void tty_signals(sigset_t *s)
{
	sigemptyset(s);
	sigaddset(s, SIGINT);
	sigaddset(s, SIGQUIT);
	sigaddset(s, SIGTSTP);
	sigaddset(s, SIGTTIN);
	sigaddset(s, SIGTTOU);
	sigaddset(s, SIGHUP);
}

/*
 * The locked part in the helper itself, with no child: the same lock,
 * look and umount2 as the child's (act_locked).  Before the lock, out of
 * the caller's reach: real and saved uid 0 (the caller's kill, SIGSTOP
 * included, fails with EPERM from then on) and the terminal's signals
 * blocked (the kernel sends them to the foreground group unchecked; the
 * helper may lead its group, so it cannot setsid); a stop signal sent
 * before is taken at the return of that setresuid, before the lock file
 * is even opened.  Afterwards: the lock let go, then the caller's ids,
 * then the signals (a ^Z typed meanwhile stops the helper now, holding
 * nothing).  The code of act_locked; UMC_CHILD when only the child can do
 * it (a utab record to remove); -errno when the lock file cannot be
 * opened (*lock false: a root caller, who goes without).
 */
static int act_here(const struct um_act *a, const struct privs *pv,
		    enum um_rec want, bool *lock, bool *rec)
{
	sigset_t tty, old;
	int fd, setup, code = UMC_CHILD;

	*lock = true;
	if (rec)
		*rec = false;
	tty_signals(&tty);
	sigprocmask(SIG_BLOCK, &tty, &old);
	setup = privs_hold_begin(pv);
	fd = setup ? -1 : lock_open(FM_LOCK_FILE);
	privs_hold_fs_end(pv);
	if (setup) {
		code = UMC_SETUP;	/* as the child's, which could not */
	} else if (fd < 0 && pv->root) {
		*lock = false;
		code = fd;
	} else if (fd < 0) {
		code = fd;
	} else if (want == REC_NONE || utab_has_none(fd, want)) {
		code = act_locked(a, fd);
		if (code == 0 && rec)
			*rec = record_after(fd, pv);
	}
	if (fd >= 0)
		close(fd);	/* the lock is let go */
	privs_hold_end(pv);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return code;
}

static bool proc_usable(void)
{
	struct statfs s;

	return statfs("/proc", &s) == 0 && s.f_type == PROC_SUPER_MAGIC;
}

/* Is the checked mount still in this namespace? */
static bool still_mounted(const struct mnt_ref *ref)
{
	struct mnt_info mi;
	int e = mounts_info(ref, &mi);

	mounts_info_free(&mi);
	return e != -ENOENT;
}

static enum um_status verdict(int code, const struct um_act *a, int *err)
{
	if (code < 0) {		/* the locked child could not be made */
		*err = -code;
		return UM_UMOUNT;
	}
	switch (code) {
	case 0:
		return UM_OK;
	case UMC_GONE:
		return UM_NOT_FOUND;
	case UMC_LOCK_TIMEOUT:
		*err = ETIMEDOUT;
		return UM_LOCK;
	case UMC_SETUP:
		*err = EPERM;
		return UM_UMOUNT;
	case UMC_KILLED:	/* before, or just after, the unmount */
		if (!still_mounted(&a->ref))
			return UM_OK;
		*err = ETIMEDOUT;
		return UM_UMOUNT;
	default:
		*err = code;
		return UM_UMOUNT;
	}
}

/* Is there a utab record to remove once the mount is gone? */
static bool utab_wanted(const struct um_req *q)
{
	/* no CAP_SETUID/CAP_SETGID: nothing was recorded either */
	return q->target && q->pv->can_fsroot && utab_present();
}

/* Removes the record of the mount just removed, by its kernel path
 * (where the unmount's child did not). */
static void forget_in_utab(struct um_req *q, const struct um_act *a)
{
	int e;

	q->utab_err = 0;
	if (!utab_wanted(q))
		return;
	e = privs_fsroot_begin(q->pv);
	if (!e) {
		e = utab_remove_at(a->pfd, a->last, q->target);
		privs_fsroot_end(q->pv);
	}
	q->utab_err = e;
}

/* The unmount, locked in a child where the lock can be had. */
static int act(const struct um_act *a, const struct privs *pv, bool lock,
	       struct um_utab *u)
{
	return lock ? act_in_child(a, pv, u) : act_locked(a, -1);
}

static enum um_status remove_mount(struct um_req *q, struct um_act *a,
				   int *err)
{
	struct um_utab u = { .target = NULL };
	enum um_status st;
	enum um_rec want;
	bool lock, rec;
	int e;

	if (!proc_usable())
		return UM_NO_PROC;
	q->utab_err = 0;
	want = !utab_wanted(q) ? REC_NONE : q->pv->root ? REC_ANY : REC_USER;
	/* a record seen at once (read without byte 1): the child's way */
	if (q->pv->can_fsroot && (want == REC_NONE || utab_reads_none(want))) {
		e = act_here(a, q->pv, want, &lock, &rec);
		if (e < 0 && lock) {	/* the lock file cannot be opened */
			*err = -e;
			return UM_LOCK;
		}
		if (e < 0)		/* root, without the lock */
			e = act_locked(a, -1);
		if (e != UMC_CHILD) {
			st = verdict(e, a, err);
			if (st == UM_OK && rec)	/* written after the look */
				forget_in_utab(q, a);
			return st;
		}
	}
	e = lock_wanted(q->pv, &lock);
	if (e) {
		*err = -e;
		return UM_LOCK;
	}
	if (want != REC_NONE) {
		u.target = q->target;
		u.any = want == REC_ANY;
	}
	st = verdict(act(a, q->pv, lock, u.target ? &u : NULL), a, err);
	if (st == UM_OK && u.done)
		q->utab_err = u.err;
	else if (st == UM_OK)
		forget_in_utab(q, a);
	return st;
}

/* ------------------------------------------------------ entry points */

static int open_parent(const struct um_req *q, int *err)
{
	int pfd = open(q->parent, O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (pfd < 0)
		*err = errno;
	return pfd;
}

/* Not installed privileged: the kernel decides, on the name itself. */
static enum um_status plain_umount(const struct um_req *q, int *err)
{
	if (umount2(q->abs, UMOUNT_NOFOLLOW | (q->lazy ? MNT_DETACH : 0)) == 0)
		return UM_OK;
	*err = errno;
	return UM_UMOUNT;
}

enum um_status unmount_run(struct um_req *q, int *err)
{
	struct um_act a;
	enum um_status st;
	int pfd;

	*err = 0;
	if (!q->pv->can_mount)
		return plain_umount(q, err);
	/* By name, no look before umount2 is worth anything: the caller can
	 * rename a directory that is a mount point here from a mount
	 * namespace of its own where it is not one (the kernel checks only
	 * the renamer's), and the mounts on it go with it; so another mount
	 * can be at the name by the time umount2 looks it up (t_identity.sh,
	 * test_id_rename_exchange_unmount).  Every unmount goes through the
	 * checked mount's fd, detached as -z does (q->lazy counts only in
	 * plain_umount): one still in use is detached, no longer refused as
	 * busy. */
	pfd = open_parent(q, err);
	if (pfd < 0)
		return UM_PARENT;
	st = take_mount(q, pfd, &a);
	if (st == UM_OK && q->before && (*err = -q->before(q->pv, &a.ref)) != 0)
		st = UM_BEFORE;
	if (st == UM_OK)
		st = remove_mount(q, &a, err);
	if (a.mfd >= 0)
		close(a.mfd);
	close(pfd);
	return st;
}

enum um_status unmount_find(struct um_req *q, struct mnt_ref *ref, int *err)
{
	struct um_act a;
	enum um_status st;

	*err = 0;
	q->pfd = open_parent(q, err);
	if (q->pfd < 0)
		return UM_PARENT;
	st = take_mount(q, q->pfd, &a);
	if (a.mfd >= 0)
		close(a.mfd);
	*ref = a.ref;
	if (st != UM_OK) {
		close(q->pfd);
		q->pfd = -1;
	}
	return st;
}

/*
 * A dead FUSE filesystem answers ENOTCONN at once.  A live one answers
 * the open; a hung one would block it.  The open goes through the fd of
 * the checked mount (/proc/self/fd/N), never through a name.  A caught
 * signal would not end that wait (FUSE turns it into a killable one), so
 * the alarm keeps its default action: the watcher dies, leaving the live
 * mount alone.
 */
static bool fs_is_dead(int mfd)
{
	char path[64];
	int fd, e;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", mfd);
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	e = errno;
	if (fd >= 0) {
		close(fd);
		return false;
	}
	/* ECONNABORTED: the daemon's fd was still closing when we asked */
	return e == ENOTCONN || e == ECONNABORTED;
}

enum um_status unmount_if_dead(struct um_req *q, int *err)
{
	struct um_act a;
	enum um_status st;

	*err = 0;
	bound(FM_ALIVE_CHECK_SEC);	/* the parent may be a hung filesystem */
	st = take_mount(q, q->pfd, &a);
	if (st == UM_OK && !fs_is_dead(a.mfd))
		st = UM_ALIVE;
	alarm(0);
	if (st == UM_OK)
		st = remove_mount(q, &a, err);
	if (a.mfd >= 0)
		close(a.mfd);
	return st;
}

int unmount_detach_fd(const struct privs *pv, int fd)
{
	/* a mount this helper just made: user_id= is the caller's uid */
	struct um_act a = { .pfd = -1, .last = NULL, .mfd = fd,
			    .owner = pv->uid };
	int code, err = 0;
	bool lock;

	if (!proc_usable())
		return -ENOENT;
	if (mounts_id_at(fd, "", &a.ref))
		a.ref.id = 0;
	/* the mount must not stay: without the lock if it cannot be had */
	code = pv->can_fsroot ? act_here(&a, pv, REC_NONE, &lock, NULL) : UMC_CHILD;
	if (code == UMC_CHILD) {
		if (lock_wanted(pv, &lock))
			lock = false;
		code = act(&a, pv, lock, NULL);
	}
	/* no lock, no child (RLIMIT_NPROC of the caller, say): detach all
	 * the same, by the fd, as the caller */
	if (code == UMC_LOCK_TIMEOUT || code == UMC_SETUP || code < 0)
		code = act_locked(&a, -1);
	switch (verdict(code, &a, &err)) {
	case UM_OK:
		return 0;
	case UM_NOT_FOUND:
		return -EINVAL;
	default:
		return -err;
	}
}
