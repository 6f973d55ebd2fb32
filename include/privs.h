/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * privs.h - least privilege: raw capset(2), libcap-ng (dlopen) only to
 * ask the process what it holds (privs.c).
 *
 * After privs_reduce() a setuid-root helper runs as the caller (real,
 * effective and saved uid/gid; supplementary groups kept) with only
 *   CAP_SYS_ADMIN               mount, umount
 *   CAP_SETUID, CAP_SETGID      fsuid 0 around the utab update, so the
 *                               files libmount writes stay root-owned
 * in the permitted set and nothing effective; NO_NEW_PRIVS is set (so
 * no execve could give anything: the bounding set is left as it is) and
 * the process is not dumpable.  A capability is made effective only
 * around the call that needs it.
 */
#ifndef FM_PRIVS_H
#define FM_PRIVS_H

#include <stdbool.h>
#include <sys/types.h>

struct privs {
	uid_t uid;		/* the caller's real ids */
	gid_t gid;
	bool root;		/* real uid 0: no user restrictions */
	bool can_mount;		/* CAP_SYS_ADMIN permitted */
	bool can_fsroot;	/* CAP_SETUID and CAP_SETGID permitted */
};

int privs_reduce(struct privs *p);
int privs_raise(int cap);
void privs_lower(void);
/* Filesystem identity root (fsuid/fsgid 0) for writing root's files. */
int privs_fsroot_begin(const struct privs *p);
void privs_fsroot_end(const struct privs *p);
/* In a child that only writes utab (fsroot mode): all uids 0, so the
 * caller cannot stop it while it holds the utab lock. */
int privs_unreachable(void);
/* First thing in a fork()ed child that goes on with privileges: sets
 * the sets again to what privs_reduce() left, nothing raised (read from
 * nothing: the child holds what its parent held).
 * 0 or -errno. */
int privs_forked(void);
/* For the child that holds the unmount lock: real and saved uid 0, so
 * the caller cannot stop or signal it; effective (hence filesystem) uid
 * still the caller's, so every lookup is still made with the caller's
 * rights.  Capabilities as before.  0 or -errno; nothing for root. */
int privs_out_of_reach(const struct privs *p);
/* For the helper that holds the unmount lock itself (unmount.c): real
 * and saved uid 0 (the caller can no longer signal it), effective uid the
 * caller's, filesystem ids 0 until privs_hold_fs_end() (to open the lock
 * file); privs_hold_end() gives the caller's ids back (aborts if it
 * cannot).  0 or -EPERM; nothing for root. */
int privs_hold_begin(const struct privs *p);
void privs_hold_fs_end(const struct privs *p);
/* Filesystem ids 0 only (no other id changes), to open root's lock file;
 * privs_hold_fs_end() gives the caller's back.  0 or -EPERM. */
int privs_fsid_root(const struct privs *p);
void privs_hold_end(const struct privs *p);
/* Before privs_reduce(), for answers that need nothing: a non-root caller's
 * real ids everywhere and no capability, for good; 0 or -errno. */
int privs_drop_to_caller(void);
/* In a forked child: become exactly uid/gid, without supplementary
 * groups or any capability; 0 or -errno. */
int privs_become(uid_t uid, gid_t gid);
/* Gives up every capability for good; 0 or -errno. */
int privs_drop_all(void);
/* Lets libcap-ng go (dlclose) before a long wait, where it was loaded. */
void privs_unload(void);
/* -EPERM unless every uid and gid is the caller's (read back). */
int privs_verify(const struct privs *p);

#endif
