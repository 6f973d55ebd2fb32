/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * unmount.h - "fusermount3 -u" and the auto_unmount watcher.
 *
 * Only the caller's own FUSE mount is ever touched, and only the very
 * mount that was checked:
 *
 * - The mount is taken once: an O_PATH|O_NOFOLLOW fd of the name `last`
 *   in the opened parent directory (so neither a symlink nor a renamed
 *   parent can redirect it).  Every check is made on that fd: its mount
 *   ID (statx), that it is a mount point at all, and, for a caller who is
 *   not root, that it is FUSE with the kernel's user_id= equal to the
 *   caller's uid (statmount; libmount's parse of mountinfo before 6.8).
 * - A lazy unmount (-u -z, the watcher, undoing a fresh mount: that one
 *   without the lock if the lock or its child cannot be had, e.g. under
 *   the caller's RLIMIT_NPROC, since the mount must not stay) detaches
 *   through that fd: umount2("/proc/self/fd/N", MNT_DETACH) acts on
 *   that mount wherever it is, or fails (EINVAL) once it is no longer
 *   attached; whatever is mounted underneath is never touched.  But the
 *   kernel follows the mounts on an unmount's last component, after
 *   /proc's link too: with anything mounted on the checked mount's root
 *   it removes the top of that stack instead (someone else's mount, and
 *   then, for another user's -u of that one, what is under it).  So the
 *   locked child refuses a lazy unmount (as "not found") while anything
 *   is mounted on the checked mount (statmount; not checked before Linux
 *   6.8; t_identity.sh, test_id_lock_stack_detach_on_top).
 *   (This one umount2 necessarily follows the /proc magic link: with
 *   UMOUNT_NOFOLLOW the kernel would look at the link itself and refuse.
 *   Without /proc the helper refuses rather than use the name.)
 * - Every unmount of a privileged helper is lazy (unmount_run): by name
 *   no look before umount2 is worth anything, since the caller can
 *   rename a directory that is a mount point here from a mount namespace
 *   of its own where it is not one (the kernel checks only the renamer's
 *   namespace; the mounts follow the directory), and so put another
 *   mount at the name between the look and umount2's own lookup
 *   (t_identity.sh, test_id_rename_exchange_unmount: root's tmpfs was
 *   removed).  A filesystem in use is detached, not refused as busy.
 * - Every unmount the helper makes holds one exclusive lock (a byte of
 *   /run/fusermount3.lock per owner of the mount: 2^33 + its user_id=, 0
 *   for a mount that is not FUSE; see lockfile.h) from its look at what
 *   is on the checked mount through umount2, so no other helper unmount
 *   removes the checked mount, or anything on it, in between: only its
 *   owner's helpers and root's can, all of them under that byte (a lazy
 *   unmount of a mount under it could take it along, but is refused
 *   while anything is on that mount, see above).  The lock is held by a
 *   process whose real and saved uids are 0 (the caller cannot stop it),
 *   out of reach of the caller's terminal, which opened the lock file
 *   itself (its lock ends with it), and it is bounded: 5 s to get it
 *   (then the unmount is refused) and 2 s from then through umount2 (the
 *   child dies by SIGALRM, which ends a task in a frozen cgroup v2 and a
 *   wait for a FUSE request the server has not read yet, but not one it
 *   has read).  No moment of holding the byte is without that alarm: it
 *   is set before the take (5 + 2 s), and the byte is let go before the
 *   caller's own bound (or, in the child, none) comes back.  The caller can freeze the
 *   holder at any system call (the cgroup v2 freezer of a subtree
 *   delegated to it moves and freezes processes of any uid, and thawing
 *   and freezing again steps it; t_identity.sh, id_lock_holder_frozen).  Once
 *   umount2 succeeded and the lock is let go, the same child removes the
 *   mount's utab record (utab_remove_here: root's file identity, all
 *   uids 0, its own 1.5 s SIGKILL timer) and reports "unmounted" and the
 *   record's result to the helper through a pipe.  The
 *   liveness probe of the watcher and every ordinary lookup happen
 *   outside it.  (That is the child's way; the helper's own below.)
 * - That process is the helper itself (act_here) when there is no utab
 *   record to remove (no utab, or none with user= in it, read under
 *   byte 1 of the lock file, and read so again after its umount2: a
 *   mount's record written in between, by a child that took byte 1
 *   after the look, is then removed the child's way; a root caller: no
 *   record at all).  It blocks SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU
 *   and SIGHUP (the terminal sends them to its foreground group with no
 *   permission check, and the helper may lead its group: no setsid);
 *   then setresuid(0, caller, 0).
 *   A SIGSTOP (or any signal) the caller sent while it still could is
 *   pending by the time that setresuid returns and is taken on that
 *   return to user space, before the lock file is opened: the helper
 *   stops holding nothing.  Only a sender whose permission check ran
 *   before the uid change and whose signal is queued after it (the
 *   kernel checks and queues under RCU, not under the target's lock)
 *   could still stop it holding the lock, for the same instant the
 *   child's own uid change has; its 2 s SIGALRM ends a stopped holder.
 *   Then the lock file, with fsuid/fsgid 0 just for the open (one
 *   capset up, one down; fsuid 0 allowed by the real uid 0 already),
 *   the look at what is on the checked mount, umount2; the lock let go,
 *   the caller's uids (PR_SET_KEEPCAPS, so the permitted set stays) and
 *   signal mask come back: a ^Z or ^C typed meanwhile takes effect
 *   then, and messages, the log record (its SCM credentials: the
 *   caller's uid again) and the exit status are as before.  The utab
 *   removal with libmount, which can wait for a server, stays a child's.
 * - The watcher pins the mountpoint's parent directory before it starts
 *   waiting (a renamed parent cannot hide the mount) and, once the daemon
 *   is gone, takes the mount from it as above, probes it through that fd
 *   (open of /proc/self/fd/N; 10 s for finding and probing, else the
 *   watcher dies and leaves the mount) and detaches it through that fd.
 *   While it waits it holds nothing of the mount: an O_PATH fd would make
 *   the user's own plain -u fail as busy.
 *
 * What remains, and why it is acceptable:
 * - Mounts are not made under the lock: a mount put on the checked
 *   mount between the look at what is on it and umount2 is what umount2
 *   then detaches instead (the kernel follows the mounts on the last
 *   component, see above).
 * - Where the caller holds CAP_SYS_ADMIN over the mount namespace (its
 *   own user namespace) it can call umount2 itself, without the lock, and
 *   the setuid bit is not honoured there: the helper has no more power
 *   than the caller.  The helper's unmounts stay exact (by fd).
 * - Installed with CAP_SYS_ADMIN alone (no CAP_SETUID/CAP_SETGID), the
 *   helper can neither open the root-only lock file nor make the child
 *   unreachable: it unmounts without the lock (the checks and the by-fd
 *   detach are unchanged).  So does a root caller who cannot open the
 *   lock file (root inside a user namespace).
 */
#ifndef FM_UNMOUNT_H
#define FM_UNMOUNT_H

#include <stdbool.h>

#include "mounts.h"
#include "privs.h"

enum um_status {
	UM_OK,
	UM_NOT_FOUND,	/* not a FUSE mount of the caller (or not ours), or
			 * no longer the mount that was checked */
	UM_PARENT,	/* the parent directory cannot be opened */
	UM_UMOUNT,	/* umount2() failed */
	UM_ALIVE,	/* watcher: the filesystem still answers */
	UM_LOCK,	/* the unmount lock: not opened (err), or not had
			 * within its time (err ETIMEDOUT) */
	UM_NO_PROC,	/* no /proc: a lazy unmount cannot go by identity */
	UM_BEFORE,	/* q->before refused (err its errno); nothing done */
};

struct um_req {
	const struct privs *pv;
	const char *abs;		/* resolved mountpoint, for messages */
	const char *parent;		/* resolved parent directory */
	const char *last;		/* last component, not resolved */
	bool lazy;			/* -z; counts only where the helper
					 * is not installed privileged: every
					 * privileged unmount is lazy */
	const struct mnt_ref *expect;	/* only this very mount, or NULL */
	int pfd;			/* the opened parent (watcher), or -1 */
	/* unmount_run: called with the checked mount, before it is removed
	 * (--abort: fusectl_abort); 0 or -errno, which stops the unmount */
	int (*before)(const struct privs *pv, const struct mnt_ref *ref);
	/* results */
	char *target;			/* the mount's path as the kernel gave
					 * it before the unmount (malloc'ed) */
	int utab_err;			/* 0, or -errno: its utab record could
					 * not be removed */
};

/* Returns a status; *err holds the errno for UM_PARENT, UM_UMOUNT,
 * UM_LOCK and UM_BEFORE.  The caller frees q->target. */
enum um_status unmount_run(struct um_req *q, int *err);
/* Watcher: unmounts q->expect, found in q->pfd, only if its filesystem
 * is dead. */
enum um_status unmount_if_dead(struct um_req *q, int *err);
/* Finds the mount at q's path that the caller may unmount; on UM_OK the
 * opened parent directory stays in q->pfd, for the watcher. */
enum um_status unmount_find(struct um_req *q, struct mnt_ref *ref,
			    int *err);
/* Lazily detaches the mount open as fd (a mount the helper just made),
 * under the unmount lock when it can be had: 0 or -errno. */
int unmount_detach_fd(const struct privs *pv, int fd);

#endif
