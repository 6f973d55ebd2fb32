/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * guard.h - the --sync-init peer watch.
 *
 * In --sync-init mode the kernel's FUSE_INIT waits inside CMD_CREATE for
 * the library's server.  If the library goes away meanwhile nobody will
 * answer, so a guard thread watches the socket while (and only while) the
 * mount is not yet attached, and ends the helper (after saying so through
 * the notes and logging the failure): nothing is left behind.
 */
#ifndef FM_GUARD_H
#define FM_GUARD_H

#include <stdbool.h>

#include "verdict.h"

/* Starts the thread on sock; without one, the alarm still bounds the wait. */
void guard_start(int sock, const struct notes *out);
/* The backends' blocking hook (mount.h): false: do not start the blocking
 * call, the library is gone.  A no-op without a guard. */
bool guard_hook(bool begin);
/* Ends the thread: uid changes later must not meet a second thread
 * (glibc aborts when one cannot follow a setresuid()). */
void guard_end(void);
/* The library closed its socket before the guard was armed. */
bool guard_peer_gone(void);

#endif
