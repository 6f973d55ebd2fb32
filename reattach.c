// SPDX-License-Identifier: GPL-2.0-or-later
/* reattach.c - the watcher's kept connection and the --reattach channel;
 * see reattach.h. */
#include "reattach.h"
#include "proto.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define REQ_MAGIC "FMREATT1"

struct reattach_req {
	char magic[8];
	uint64_t id;
	uint32_t unique;	/* 1: id is the 64-bit unique mount ID */
	uint32_t uid;		/* the helper's caller */
};

static socklen_t sock_name(const struct mnt_ref *ref, struct sockaddr_un *a)
{
	int n;

	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	n = snprintf(a->sun_path + 1, sizeof(a->sun_path) - 1,
		     "fusermount3-reattach-%c%llx", ref->unique ? 'u' : 'o',
		     (unsigned long long)ref->id);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + (size_t)n);
}

int reattach_wait_name(const struct mnt_ref *ref, char *buf, size_t n)
{
	int r = snprintf(buf, n, "fusermount3-reattach-wait-%c%llx",
			 ref->unique ? 'u' : 'o', (unsigned long long)ref->id);

	return r < 0 || (size_t)r >= n ? -ENAMETOOLONG : r;
}

int reattach_mark_waiting(const struct mnt_ref *ref)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int n = reattach_wait_name(ref, a.sun_path + 1, sizeof(a.sun_path) - 1);
	int s;

	if (n < 0)
		return n;
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -errno;
	if (bind(s, (const struct sockaddr *)&a,
		 (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + (size_t)n))) {
		n = -errno;
		close(s);
		return n;
	}
	return s;
}

/* The peer made its connect() or listen() with effective uid 0. */
static int peer_is_root(int s)
{
	struct ucred c;
	socklen_t len = sizeof(c);

	if (getsockopt(s, SOL_SOCKET, SO_PEERCRED, &c, &len))
		return -errno;
	return c.uid == 0 ? 0 : -EPERM;
}

static int set_timeouts(int s)
{
	struct timeval tv = { .tv_sec = FM_REATTACH_IO_MS / 1000,
			      .tv_usec = (FM_REATTACH_IO_MS % 1000) * 1000 };

	if (setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)))
		return -errno;
	return 0;
}

/* Runs fn(s, addr) with effective uid 0 when the helper can have it. */
static int as_root(const struct privs *pv, int s, const struct sockaddr_un *a,
		   socklen_t len, bool listening)
{
	int e = privs_fsroot_begin(pv), r;

	if (e)
		return e;
	if (listening)
		r = bind(s, (const struct sockaddr *)a, len) || listen(s, 4);
	else
		r = connect(s, (const struct sockaddr *)a, len);
	e = r ? -errno : 0;
	privs_fsroot_end(pv);
	return e;
}

int reattach_listen(const struct privs *pv, const struct mnt_ref *ref)
{
	struct sockaddr_un a;
	socklen_t len = sock_name(ref, &a);
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0), e;

	if (s < 0)
		return -errno;
	e = as_root(pv, s, &a, len, true);
	if (e) {
		close(s);
		return e;
	}
	return s;
}

static int send_with_fd(int s, void *buf, size_t n, int fd)
{
	struct iovec iov = { .iov_base = buf, .iov_len = n };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t r;

	memset(&ctl, 0, sizeof(ctl));
	if (fd >= 0) {
		struct cmsghdr *c;

		m.msg_control = ctl.buf;
		m.msg_controllen = sizeof(ctl.buf);
		c = CMSG_FIRSTHDR(&m);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	do
		r = sendmsg(s, &m, MSG_NOSIGNAL);
	while (r == -1 && errno == EINTR);
	if (r == -1)
		return -errno;
	return (size_t)r == n ? 0 : -EIO;
}

/* Closes every fd a message carried; the first SCM_RIGHTS one is kept in
 * *fd when exactly one came. */
static void take_fds(struct msghdr *m, int *fd)
{
	int n = 0;

	*fd = -1;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR(m, c)) {
		size_t k;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < k; i++) {
			int x;

			memcpy(&x, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (n++ == 0)
				*fd = x;
			else
				close(x);
		}
	}
	if (n > 1 || (m->msg_flags & MSG_CTRUNC)) {
		if (*fd >= 0)
			close(*fd);
		*fd = -1;
	}
}

/* Exactly n bytes in one message, with at most one fd; 0 or -errno. */
static int recv_with_fd(int s, void *buf, size_t n, int *fd)
{
	struct iovec iov = { .iov_base = buf, .iov_len = n };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int) * 4)];
	} ctl;
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = ctl.buf,
			    .msg_controllen = sizeof(ctl.buf) };
	ssize_t r;

	do
		r = recvmsg(s, &m, MSG_CMSG_CLOEXEC | MSG_WAITALL);
	while (r == -1 && errno == EINTR);
	if (r == -1)
		return errno == EAGAIN ? -ETIMEDOUT : -errno;
	take_fds(&m, fd);
	if ((size_t)r != n) {
		if (*fd >= 0)
			close(*fd);
		*fd = -1;
		return -EPROTO;
	}
	return 0;
}

static int check_req(const struct reattach_req *q, uid_t owner,
		     const struct mnt_ref *ref)
{
	if (memcmp(q->magic, REQ_MAGIC, sizeof(q->magic)) != 0)
		return -EPROTO;
	if (q->id != ref->id || (q->unique != 0) != ref->unique)
		return -ESRCH;
	if (q->uid != owner && q->uid != 0)
		return -EPERM;
	return 0;
}

int reattach_accept(int lsock, uid_t owner, const struct mnt_ref *ref,
		    int *comm)
{
	struct reattach_req q;
	int c = accept4(lsock, NULL, NULL, SOCK_CLOEXEC), e;

	*comm = -1;
	if (c < 0)
		return -errno;
	e = peer_is_root(c);	/* nobody else gets even a wait */
	if (!e)
		e = set_timeouts(c);
	if (!e)
		e = recv_with_fd(c, &q, sizeof(q), comm);
	if (!e)
		e = check_req(&q, owner, ref);
	if (!e && *comm < 0)
		e = -EPROTO;
	if (!e && proto_check_fd(*comm))
		e = -ENOTSOCK;
	if (!e)
		return c;
	if (*comm >= 0)
		close(*comm);
	*comm = -1;
	close(c);
	return e;
}

int reattach_reply(int conn, int32_t status, int devfd)
{
	return send_with_fd(conn, &status, sizeof(status), status ? -1 : devfd);
}

int reattach_request(const struct privs *pv, const struct mnt_ref *ref,
		     int commfd, int *devfd)
{
	struct reattach_req q = { .magic = REQ_MAGIC, .id = ref->id,
				  .unique = ref->unique, .uid = pv->uid };
	struct sockaddr_un a;
	socklen_t len = sock_name(ref, &a);
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), e;
	int32_t status = -EIO;

	*devfd = -1;
	if (s < 0)
		return -errno;
	e = as_root(pv, s, &a, len, false);
	if (e == -ECONNREFUSED)
		e = -ENOENT;
	if (!e)
		e = peer_is_root(s);
	if (!e)
		e = set_timeouts(s);
	if (!e)
		e = send_with_fd(s, &q, sizeof(q), commfd);
	if (!e)
		e = recv_with_fd(s, &status, sizeof(status), devfd);
	close(s);
	if (!e && status)
		e = status < 0 ? status : -EPROTO;
	if (!e && *devfd < 0)
		e = -EPROTO;
	if (e && *devfd >= 0) {
		close(*devfd);
		*devfd = -1;
	}
	return e;
}
