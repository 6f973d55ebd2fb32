/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * log.h - a syslog record of every decision taken for a caller who is not
 * root: each mount, unmount, abort and refusal, as su, sudo and doas do.
 *
 * One line per decision, LOG_AUTHPRIV, tag "fusermount3" with the pid:
 *
 *   ACTION RESULT: user=NAME uid=N mountpoint=PATH options=NAME,...
 *       [conf=/etc/fuse.conf:LINE] [reason=MESSAGE]
 *
 * ACTION is mount, unmount, auto-unmount or abort; RESULT is ok,
 * refused (a check said no; nothing was done) or failed.  Option values are never logged, only
 * their names.  Every untrusted byte is escaped (esc.h): no newline or
 * control character reaches the line, so nobody can forge one.
 *
 * Sending never blocks and never fails a command: one datagram on a
 * non-blocking socket to /dev/log, dropped when nobody listens, the
 * listener's queue is full, or /dev/log is a stream socket.  Where
 * /dev/log is not a socket at all, nothing is prepared for the line.
 */
#ifndef FM_LOG_H
#define FM_LOG_H

#include <stdbool.h>
#include <sys/types.h>

#include "policy.h"

#ifndef FM_LOG_SOCKET
#define FM_LOG_SOCKET "/dev/log"
#endif

/* Who acts; nothing is logged for root.  read_level is asked for the
 * fuse.conf log setting the first time a line is due, unless
 * log_set_level() came first. */
void log_begin(uid_t uid, bool root, enum conf_log (*read_level)(void));
void log_set_level(enum conf_log level);
/* The decision about to be taken; NULL: none worth a line (--check,
 * --list).  Starts a new decision: one line each. */
void log_set_action(const char *action);
void log_set_mountpoint(const char *path);
void log_set_options(const char *opts);	/* the raw -o string */
/* The last message said to the caller (or not, with -q): the reason
 * given if the decision ends in failure. */
void log_note(const char *text);
/* The caller's user name, where a step looked it up anyway: the line
 * then needs no lookup of its own. */
void log_set_user_name(const char *name);

void log_refused(const char *reason, const char *conf, int line);
void log_ok(void);
void log_failed(void);
/* At exit: ok (status 0) or failed, unless the decision was logged. */
void log_end(int status);

#endif
