// SPDX-License-Identifier: GPL-2.0-or-later
/* proto.c - bytes on the comm socket; see include/proto.h. */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>

#include "proto.h"

int proto_parse_fd(const char *s, long *fd)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end != '\0' || v < 0 || v > INT_MAX)
		return -EINVAL;
	*fd = v;
	return 0;
}

int proto_check_fd(int fd)
{
	struct stat st;

	if (fstat(fd, &st) == -1)
		return -errno;
	return S_ISSOCK(st.st_mode) ? 0 : -ENOTSOCK;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits for events (POLLIN, POLLOUT) until the deadline; 0, -ETIMEDOUT
 * or -errno. */
static int wait_for(int sock, short events, long long deadline)
{
	struct pollfd p = { .fd = sock, .events = events };

	for (;;) {
		long long left = deadline - now_ms();
		int r;

		if (left <= 0)
			return -ETIMEDOUT;
		r = poll(&p, 1, left > INT_MAX ? INT_MAX : (int)left);
		if (r > 0)
			return 0;
		if (r == 0)
			return -ETIMEDOUT;
		if (errno != EINTR)
			return -errno;
	}
}

/* sendmsg, waiting for room at most FM_SEND_TIMEOUT_MS: bytes sent or
 * -errno (-ETIMEDOUT). */
static ssize_t send_bounded(int sock, const struct msghdr *msg)
{
	long long deadline = now_ms() + FM_SEND_TIMEOUT_MS;
	ssize_t r;
	int e;

	for (;;) {
		r = sendmsg(sock, msg, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (r >= 0)
			return r;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return -errno;
		e = wait_for(sock, POLLOUT, deadline);
		if (e)
			return e;
	}
}

int proto_send_fd(int sock, int fd)
{
	char byte = 0;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf),
	};
	struct cmsghdr *c;
	ssize_t r;

	memset(&ctl, 0, sizeof(ctl));
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	r = send_bounded(sock, &msg);
	if (r < 0)
		return (int)r;
	return r == 1 ? 0 : -EIO;
}

int proto_wait_proceed(int sock, int timeout_sec)
{
	long long deadline = now_ms() + (long long)timeout_sec * 1000;
	char byte;
	ssize_t r;
	int e;

	for (;;) {
		e = wait_for(sock, POLLIN, deadline);
		if (e)
			return e;
		r = recv(sock, &byte, 1, MSG_DONTWAIT);
		if (r == 1)
			return 0;
		if (r == 0)
			return -ECONNRESET;
		if (errno != EINTR && errno != EAGAIN)
			return -errno;
	}
}

int proto_send_status(int sock, int32_t status)
{
	struct iovec iov = { .iov_base = &status, .iov_len = sizeof(status) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t r = send_bounded(sock, &msg);

	if (r < 0)
		return (int)r;
	return r == (ssize_t)sizeof(status) ? 0 : -EIO;
}

void proto_wait_eof(int sock)
{
	char buf[16];
	ssize_t r;

	for (;;) {
		r = recv(sock, buf, sizeof(buf), 0);
		if (r == 0 || (r == -1 && errno != EINTR))
			return;
	}
}
