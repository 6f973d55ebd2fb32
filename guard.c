// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * guard.c - the --sync-init peer watch (guard.h): a thread polls the
 * library's socket for POLLRDHUP and, if armed, ends the process.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#include "guard.h"
#include "log.h"

enum { GUARD_ARMED, GUARD_IDLE, GUARD_FIRED, GUARD_PEER_GONE };
static atomic_int guard_state = GUARD_IDLE;
static int guard_sock = -1;
static int guard_stop[2] = { -1, -1 };
static pthread_t guard_thread;
static const struct notes *guard_out;

static void *guard_main(void *arg)
{
	struct pollfd p[2] = {
		{ .fd = guard_sock, .events = POLLRDHUP },
		{ .fd = guard_stop[0], .events = POLLIN },
	};
	int armed = GUARD_ARMED, idle = GUARD_IDLE;

	(void)arg;
	while (poll(p, 2, -1) == -1 && errno == EINTR)
		;
	if (!p[0].revents)
		return NULL;	/* told to stop */
	if (atomic_compare_exchange_strong(&guard_state, &armed, GUARD_FIRED)) {
		note(guard_out, "connection closed while the filesystem was starting");
		log_failed();
		_exit(EXIT_FAILURE);
	}
	/* not armed yet: the next arming attempt learns the peer is gone */
	atomic_compare_exchange_strong(&guard_state, &idle, GUARD_PEER_GONE);
	return NULL;
}

/* The guard fired and is ending the process: nothing more may happen. */
static void __attribute__((noreturn)) wait_for_guard(void)
{
	for (;;)
		pause();
}

void guard_end(void)
{
	char b = 0;

	if (guard_sock < 0)
		return;
	if (atomic_load(&guard_state) == GUARD_FIRED)
		wait_for_guard();
	if (write(guard_stop[1], &b, 1) == 1)
		pthread_join(guard_thread, NULL);
	close(guard_stop[0]);
	close(guard_stop[1]);
	guard_sock = -1;
}

bool guard_hook(bool begin)
{
	int expect = begin ? GUARD_IDLE : GUARD_ARMED;

	if (guard_sock < 0)
		return true;
	if (atomic_compare_exchange_strong(&guard_state, &expect,
					   begin ? GUARD_ARMED : GUARD_IDLE))
		return true;
	if (expect == GUARD_PEER_GONE)
		return false;
	wait_for_guard();
}

void guard_start(int sock, const struct notes *out)
{
	if (pipe2(guard_stop, O_CLOEXEC))
		return;		/* the alarm still bounds the wait */
	guard_out = out;
	guard_sock = sock;
	if (pthread_create(&guard_thread, NULL, guard_main, NULL) != 0) {
		close(guard_stop[0]);
		close(guard_stop[1]);
		guard_sock = -1;
	}
}

bool guard_peer_gone(void)
{
	return atomic_load(&guard_state) == GUARD_PEER_GONE;
}
