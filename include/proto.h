/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * proto.h - the _FUSE_COMMFD socket between the library and the helper.
 *
 *   classic      helper -> lib: 1 byte 0x00 + SCM_RIGHTS(/dev/fuse), after
 *                the mount; nothing else.
 *   --sync-init  helper -> lib: the same, before the mount;
 *                lib -> helper: 1 byte "proceed" (any value);
 *                helper -> lib: int32 status, host order, 0 or -errno.
 *   auto-unmount lib keeps its end open; EOF means the daemon is gone.
 *
 * Every send uses MSG_NOSIGNAL and every wait is bounded by the caller's
 * timeout, so a vanished peer can neither kill nor park the helper.  A
 * send waits at most FM_SEND_TIMEOUT_MS for room: whoever keeps a copy of
 * the helper's end can fill its send buffer (-ETIMEDOUT then).
 */
#ifndef FM_PROTO_H
#define FM_PROTO_H

#include <stdint.h>

#define FM_PROCEED_TIMEOUT_SEC 300
#define FM_SEND_TIMEOUT_MS 5000	/* a library waiting in recv takes at once */

/* Parses the fd number like strtol(3) base 10; -EINVAL when malformed. */
int proto_parse_fd(const char *s, long *fd);
/* 0 for a socket, -ENOTSOCK otherwise, -errno when fstat fails. */
int proto_check_fd(int fd);
int proto_send_fd(int sock, int fd);
/* 0, -ECONNRESET on EOF, -ETIMEDOUT, or -errno. */
int proto_wait_proceed(int sock, int timeout_sec);
int proto_send_status(int sock, int32_t status);
/* Blocks until the peer closes its end (or an error); never times out. */
void proto_wait_eof(int sock);

#endif
