// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * watch.c - the auto_unmount watcher and the reattach wait (watch.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "prepare.h"
#include "privs.h"
#include "proto.h"
#include "reattach.h"
#include "unmount.h"
#include "utab.h"
#include "watch.h"

/* Keeps fds[i] as fd 3 + i (close-on-exec), for the n given; every other
 * fd above 2 is closed. */
static int keep_only(const int *fds, int n)
{
	int tmp[WATCH_MAX - WATCH_SOCK];

	for (int i = 0; i < n; i++) {
		tmp[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, WATCH_SOCK + n);
		if (tmp[i] < 0)
			return -1;
	}
	for (int i = 0; i < n; i++)
		if (dup3(tmp[i], WATCH_SOCK + i, O_CLOEXEC) != WATCH_SOCK + i)
			return -1;
	close_range((unsigned int)(WATCH_SOCK + n), ~0U, 0);
	return 0;
}

/*
 * The watcher outlives the daemon's start: it holds nothing but the
 * socket and the mountpoint's parent directory (O_PATH,
 * opened before the mount: renaming or moving it cannot hide the mount),
 * with reattach also the /dev/fuse fd and its listening socket, ignores
 * the terminal's signals, and writes nowhere.  It holds no fd of the mount
 * itself, which would make a plain -u of it fail as busy.
 */
static int detach(const int *fds, int n)
{
	int null;
	sigset_t all;

	if (keep_only(fds, n))
		return -1;
	null = open("/dev/null", O_RDWR);
	if (null < 0)
		return -1;
	dup2(null, 0);
	dup2(null, 1);
	dup2(null, 2);
	if (null > 2)
		close(null);
	setsid();
	if (chdir("/") != 0)
		return -1;
	sigfillset(&all);
	sigdelset(&all, SIGALRM);
	sigprocmask(SIG_BLOCK, &all, NULL);
	return 0;
}

/*
 * The watcher with reattach: a small state machine.
 *   ATTACHED  a server holds WATCH_SOCK's peer; a reattach request is
 *             refused (EBUSY); EOF on WATCH_SOCK -> ORPHANED.
 *   ORPHANED  the server is gone, the connection is kept (WATCH_DEV), so
 *             requests wait; a checked request gets WATCH_DEV, and the
 *             socket it brought becomes WATCH_SOCK -> ATTACHED; the grace
 *             period ends -> GONE.
 *   GONE      WATCH_DEV is closed (with no server left that aborts the
 *             connection) and the mount is removed as auto_unmount does.
 * Every wait is a poll with a timeout or on fds only; nothing blocks.
 */
enum wstate { W_ATTACHED, W_ORPHANED, W_GONE };

struct watcher {
	uid_t owner;
	const struct mnt_ref *ref;
	int grace_ms;
	enum wstate st;
	long long deadline;	/* ORPHANED: CLOCK_MONOTONIC ms */
	int mark;		/* ORPHANED: the waiting name, or -1 */
};

/* Leaving ORPHANED drops the waiting name that --list looks for. */
static void set_state(struct watcher *w, enum wstate st)
{
	if (w->mark >= 0)
		close(w->mark);
	w->mark = st == W_ORPHANED ? reattach_mark_waiting(w->ref) : -1;
	w->st = st;
}

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Reads what WATCH_SOCK has; true once the server's end is closed. */
static bool server_gone(void)
{
	char buf[64];
	ssize_t r = recv(WATCH_SOCK, buf, sizeof(buf), MSG_DONTWAIT);

	return r == 0 || (r == -1 && errno != EINTR && errno != EAGAIN);
}

static void take_request(struct watcher *w)
{
	int comm, conn = reattach_accept(WATCH_LISTEN, w->owner, w->ref, &comm);

	if (conn < 0)
		return;
	if (w->st != W_ORPHANED) {
		reattach_reply(conn, -EBUSY, -1);
	} else if (reattach_reply(conn, 0, WATCH_DEV) == 0 &&
		   dup3(comm, WATCH_SOCK, O_CLOEXEC) == WATCH_SOCK) {
		set_state(w, W_ATTACHED);
	}
	close(comm);
	close(conn);
}

/* ATTACHED polls the listening socket and the server's socket; ORPHANED
 * the listening socket and the kept fd (for POLLERR only: the connection
 * ended, e.g. by -u; waiting requests must not wake us) until the end of
 * the grace period. */
static void watch_step(struct watcher *w)
{
	struct pollfd p[2] = { { .fd = WATCH_LISTEN, .events = POLLIN },
			       { .fd = WATCH_SOCK, .events = POLLIN } };
	int timeout = -1;

	if (w->st == W_ORPHANED) {
		long long left = w->deadline - mono_ms();

		if (left <= 0) {
			set_state(w, W_GONE);
			return;
		}
		timeout = left > INT_MAX ? INT_MAX : (int)left;
		p[1].fd = WATCH_DEV;
		p[1].events = 0;
	}
	if (poll(p, 2, timeout) <= 0)
		return;		/* EINTR, or the deadline: looked at above */
	if (w->st == W_ORPHANED && p[1].revents) {
		set_state(w, W_GONE);
		return;
	}
	if (p[1].revents && server_gone()) {
		set_state(w, W_ORPHANED);
		w->deadline = mono_ms() + w->grace_ms;
	}
	if (p[0].revents)
		take_request(w);
}

static void keep_connection(const struct privs *pv, const struct mnt_ref *ref,
			    unsigned int grace)
{
	struct watcher w = { .owner = pv->uid, .ref = ref,
			     .grace_ms = (int)grace * 1000, .st = W_ATTACHED,
			     .mark = -1 };

	while (w.st != W_GONE)
		watch_step(&w);
	close(WATCH_LISTEN);
	close(WATCH_DEV);	/* aborts the connection: no server holds it */
}

int watch_keep(const struct privs *pv, const struct mpath *p, const int *fds,
	       int n, const struct mnt_ref *ref, unsigned int grace)
{
	struct um_req q = { .pv = pv, .abs = p->abs, .parent = p->parent,
			    .last = p->last, .lazy = true, .expect = ref,
			    .pfd = WATCH_PARENT };
	int err;

	if (detach(fds, n))
		return -1;
	utab_settle();		/* the record's child, if it went on alone */
	privs_unload();		/* where it was loaded (root, file caps) */
	malloc_trim(0);
	if (grace)
		keep_connection(pv, ref, grace);
	else
		proto_wait_eof(WATCH_SOCK);
	log_set_action("auto-unmount");
	if (unmount_if_dead(&q, &err) == UM_OK)
		log_ok();
	log_set_action(NULL);	/* a live or foreign mount stays: no line */
	free(q.target);
	return 0;
}

/* ------------------------------------------------------------ commands */

struct verdict watch_find(const struct privs *pv, const struct mpath *p,
			  int *pfd, struct mnt_ref *ref)
{
	struct um_req q = { .pv = pv, .abs = p->abs, .parent = p->parent,
			    .last = p->last, .lazy = true, .pfd = -1 };
	enum um_status st;
	int err = 0;

	alarm(FM_PREPARE_TIMEOUT);
	st = unmount_find(&q, ref, &err);
	free(q.target);
	if (st != UM_OK)
		return verdict_refuse(err ? err : ENOENT, 0,
				      "%s is not a FUSE mount of the caller", p->abs);
	alarm(0);
	*pfd = q.pfd;
	return VERDICT_GO;
}

/*
 * --reattach: the caller's own mount, found as -u finds it; its watcher
 * hands over the kept /dev/fuse fd, which goes to the caller's socket as a
 * mount's fd does.  The watcher watches the caller's socket from then on.
 */
struct verdict watch_reattach(const struct privs *pv, const struct mpath *p,
			      int sock)
{
	struct mnt_ref ref;
	int pfd, dev, e;
	struct verdict v = watch_find(pv, p, &pfd, &ref);

	if (v.kind)
		return v;
	close(pfd);
	e = reattach_request(pv, &ref, sock, &dev);
	if (e == -ENOENT)
		return verdict_refuse(ENOENT, 0, "%s was not mounted with reattach",
				      p->abs);
	if (e == -EBUSY)
		return verdict_refuse(EBUSY, 0, "%s has a server attached", p->abs);
	if (e)
		return verdict_refuse(-e, 0, "failed to reattach %s: %s", p->abs,
				      strerror(-e));
	e = proto_send_fd(sock, dev);
	if (e)
		return verdict_refuse(-e, 0, "sending file descriptor: %s", strerror(-e));
	close(dev);
	return VERDICT_GO;
}
