/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * list.h - "fusermount3 --list": the caller's FUSE mounts (root: all of
 * them) as the kernel reports them, and whether each server answers.
 *
 * The liveness probe never hangs the listing: each mount is probed in a
 * child process of its own (the caller's identity, no capability; for
 * root, the mount owner's), which reaches the mount's root by its path,
 * checks by mount ID that it reached the listed mount before anything is
 * sent to the server, and then asks the server one question (statfs).
 * Children that have not answered when the listing's time is up are
 * killed and abandoned: a FUSE request the server has read cannot be
 * interrupted, so such a child may linger until the server answers or
 * the connection is aborted; the listing does not wait for it.
 */
#ifndef FM_LIST_H
#define FM_LIST_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "mounts.h"
#include "privs.h"

#define FM_LIST_PROBE_MS 1000	/* for the whole listing */
#define FM_LIST_PARALLEL 32	/* probes at once */

enum list_state {
	LS_UNKNOWN,	/* not asked: no access, moved, covered, no resources */
	LS_ALIVE,	/* the server answered */
	LS_DEAD,	/* the kernel answered ENOTCONN: the server is gone */
	LS_HUNG,	/* no answer in time: "not answering" */
	LS_WAITING,	/* LS_HUNG, and its reattach watcher waits for a
			 * server: "waiting for server" (reattach.h) */
};

struct list_entry {
	struct mnt_ref ref;
	char *target, *type, *source;	/* type with subtype: fuse.sshfs */
	bool has_uid, has_gid, allow_other;
	uid_t uid;
	gid_t gid;
	enum list_state state;
};

struct list {
	struct list_entry *v;
	size_t n;
};

/* The caller's FUSE mounts, or every one for root.  0 or -errno. */
int list_collect(const struct privs *pv, struct list *l);
/* Sets every entry's state within about timeout_ms. */
void list_probe(const struct privs *pv, struct list *l, int timeout_ms);
/* One line per mount, or a JSON document; 0 or -errno (write error). */
int list_print(FILE *out, const struct list *l, bool json);
void list_free(struct list *l);
const char *list_state_name(enum list_state s);

#endif
