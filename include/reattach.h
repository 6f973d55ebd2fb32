/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * reattach.h - handing a kept FUSE connection to a restarted server.
 *
 * A mount made with "auto_unmount,reattach[=SECONDS]" has a watcher that
 * keeps a duplicate of its /dev/fuse fd.  The watcher listens on an
 * abstract unix socket named after the mount's ID:
 *     "\0fusermount3-reattach-<u|o><id in hex>"   (u: 64-bit unique ID)
 * and `fusermount3 --reattach MOUNTPOINT` connects to it after the same
 * checks as -u (the caller's own FUSE mount, found by identity).
 *
 *   helper -> watcher: struct reattach_req + SCM_RIGHTS(the helper's
 *                      _FUSE_COMMFD end: the new server's liveness)
 *   watcher -> helper: int32 status (0 or -errno) [+ SCM_RIGHTS(/dev/fuse)
 *                      when 0]
 *
 * Who may talk to whom: anyone in the network namespace can connect to an
 * abstract name, or bind it first.  Both ends therefore check the other's
 * credentials (SO_PEERCRED, taken at connect()/listen()): each side makes
 * that call with effective uid 0 (privs_fsroot_begin), which only a
 * process of root or the setuid helper can have, and refuses a peer whose
 * uid is not 0.  The watcher also checks that the request names its mount
 * ID and that the helper's caller is the mount's owner (or root).  So the
 * fd goes only to a helper that made the -u checks for the owner, and
 * from there to the owner's server.  Someone who binds the name first can
 * only make that mount unreattachable (its watcher then behaves as plain
 * auto_unmount); nobody but root can pose as a watcher.  Every exchange is
 * bounded (FM_REATTACH_IO_MS per step).
 *
 * While no server is attached, the watcher also holds a second abstract
 * socket, bound and never listening, named
 *     "\0fusermount3-reattach-wait-<u|o><id in hex>"
 * which `--list` looks for in /proc/net/unix to show "waiting for server"
 * for a mount that is not answering.  Anyone may bind that name too, so
 * it is a hint for the listing only; nothing is decided by it.
 */
#ifndef FM_REATTACH_H
#define FM_REATTACH_H

#include <stdint.h>
#include <sys/types.h>

#include "mounts.h"
#include "privs.h"

#define FM_REATTACH_IO_MS 2000

/* Watcher: a listening, non-blocking socket for ref; fd or -errno. */
int reattach_listen(const struct privs *pv, const struct mnt_ref *ref);
/* Watcher: takes one request from the listening socket.  Returns the
 * connection (reply with reattach_reply, then close it) and the new
 * server's liveness socket in *comm, or -errno (nothing to answer). */
int reattach_accept(int lsock, uid_t owner, const struct mnt_ref *ref,
		    int *comm);
/* Watcher: status 0 sends devfd with it; 0 or -errno. */
int reattach_reply(int conn, int32_t status, int devfd);
/* Helper: asks the watcher of ref for its fd: 0 and *devfd, or -errno:
 * -ENOENT no watcher keeps this mount (not mounted with reattach),
 * -EBUSY a server is attached, -EPERM the peer is not a watcher. */
int reattach_request(const struct privs *pv, const struct mnt_ref *ref,
		     int commfd, int *devfd);

/* The waiting name of ref, without its leading NUL: length or -errno. */
int reattach_wait_name(const struct mnt_ref *ref, char *buf, size_t n);
/* Watcher: binds the waiting name; the socket (close it once a server
 * is attached again) or -errno. */
int reattach_mark_waiting(const struct mnt_ref *ref);

#endif
