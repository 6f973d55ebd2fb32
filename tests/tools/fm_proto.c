/*
 * fm_proto.c - the library side of the fusermount3 comm-socket protocol.
 */
#define _GNU_SOURCE
#include "fm_proto.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define COMMFD_VAR "_FUSE_COMMFD="

extern char **environ;

void helper_init(struct helper *h)
{
	h->pid = -1;
	h->sock = -1;
}

/* environ without any _FUSE_COMMFD, plus _FUSE_COMMFD=fd; NULL on ENOMEM */
static char **make_env(int fd, char **var)
{
	size_t n = 0, i, j = 0;
	char **env;

	while (environ[n])
		n++;
	env = calloc(n + 2, sizeof(*env));
	if (!env || asprintf(var, COMMFD_VAR "%d", fd) < 0) {
		free(env);
		return NULL;
	}
	for (i = 0; i < n; i++) {
		if (strncmp(environ[i], COMMFD_VAR, strlen(COMMFD_VAR)))
			env[j++] = environ[i];
	}
	env[j] = *var;
	return env;
}

/* fa: file actions for the child, or NULL */
static int spawn(pid_t *pid, const char *path, const char *const argv[],
		 char **env, const posix_spawn_file_actions_t *fa)
{
	posix_spawnattr_t attr;
	sigset_t none;
	int rc;

	sigemptyset(&none);
	rc = posix_spawnattr_init(&attr);
	if (rc)
		return rc;
	rc = posix_spawnattr_setsigmask(&attr, &none);
	if (!rc)
		rc = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
	if (!rc && strchr(path, '/'))
		rc = posix_spawn(pid, path, fa, &attr,
				 (char *const *)argv, env);
	else if (!rc)
		rc = posix_spawnp(pid, path, fa, &attr,
				  (char *const *)argv, env);
	posix_spawnattr_destroy(&attr);
	return rc;
}

int helper_spawn(struct helper *h, const char *path,
		 const char *const argv[])
{
	int sv[2], rc;
	char *var = NULL;
	char **env;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return errno;
	/* our end must not leak into the helper; its end must */
	if (fcntl(sv[0], F_SETFD, FD_CLOEXEC) < 0) {
		rc = errno;
		goto out;
	}
	env = make_env(sv[1], &var);
	if (!env) {
		rc = ENOMEM;
		goto out;
	}
	rc = spawn(&h->pid, path, argv, env, NULL);
	free(env);
	free(var);
out:
	close(sv[1]);
	if (rc)
		close(sv[0]);
	else
		h->sock = sv[0];
	return rc;
}

/* The single SCM_RIGHTS fd in msg, or -1. */
static int fd_from_msg(struct msghdr *msg)
{
	struct cmsghdr *c = CMSG_FIRSTHDR(msg);
	int fd;

	if (msg->msg_flags & MSG_CTRUNC)
		fprintf(stderr, "fmclient: control message truncated\n");
	if (!c) {
		fprintf(stderr, "fmclient: helper sent no file descriptor\n");
		return -1;
	}
	if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
	    c->cmsg_len != CMSG_LEN(sizeof(int))) {
		fprintf(stderr, "fmclient: unexpected control message "
			"(level %d type %d)\n", c->cmsg_level, c->cmsg_type);
		return -1;
	}
	memcpy(&fd, CMSG_DATA(c), sizeof(fd));
	return fd;
}

int helper_recv_fd(struct helper *h, int *fd)
{
	char byte;
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = ctl.buf,
		.msg_controllen = sizeof(ctl.buf),
	};
	ssize_t n;

	do
		n = recvmsg(h->sock, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		perror("fmclient: recvmsg");
		return -1;
	}
	if (n == 0)
		return 0;
	*fd = fd_from_msg(&msg);
	return *fd < 0 ? -1 : 1;
}

int helper_send_proceed(struct helper *h)
{
	const char byte = 0;
	ssize_t n;

	do
		n = send(h->sock, &byte, 1, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n == 1 ? 0 : errno;
}

int helper_recv_status(struct helper *h, int32_t *status)
{
	char buf[sizeof(*status)];
	size_t got = 0;
	ssize_t n;

	while (got < sizeof(buf)) {
		n = recv(h->sock, buf + got, sizeof(buf) - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			perror("fmclient: receiving status");
			return -1;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	if (got == sizeof(buf))
		memcpy(status, buf, sizeof(buf));
	return (int)got;
}

int helper_wait_eof(struct helper *h)
{
	char buf[64];
	ssize_t n;

	for (;;) {
		n = recv(h->sock, buf, sizeof(buf), 0);
		if (n == 0)
			return 0;
		if (n < 0 && errno != EINTR) {
			perror("fmclient: waiting for EOF");
			return -1;
		}
		if (n > 0)
			fprintf(stderr, "fmclient: ignoring %zd unexpected "
				"bytes from the helper\n", n);
	}
}

void helper_close(struct helper *h)
{
	if (h->sock >= 0)
		close(h->sock);
	h->sock = -1;
}

int helper_reap(struct helper *h, int nohang, int *wstatus)
{
	pid_t p;

	if (h->pid <= 0)
		return -1;
	do
		p = waitpid(h->pid, wstatus, nohang ? WNOHANG : 0);
	while (p < 0 && errno == EINTR);
	if (p < 0) {
		perror("fmclient: waitpid");
		h->pid = -1;
		return -1;
	}
	if (p == 0)
		return 0;
	h->pid = -1;
	return 1;
}

/* Everything readable from fd until EOF, NUL-terminated; 0 or errno. */
static int read_all(int fd, char **out, size_t *len)
{
	size_t cap = 1024, n = 0;
	char *buf = malloc(cap), *bigger;
	ssize_t r;

	while (buf) {
		if (n + 1 == cap) {
			bigger = realloc(buf, cap * 2);
			if (!bigger)
				break;
			buf = bigger;
			cap *= 2;
		}
		r = read(fd, buf + n, cap - n - 1);
		if (r == 0) {
			buf[n] = '\0';
			*out = buf;
			*len = n;
			return 0;
		}
		if (r < 0 && errno != EINTR) {
			r = errno;
			free(buf);
			return (int)r;
		}
		if (r > 0)
			n += (size_t)r;
	}
	free(buf);
	return ENOMEM;
}

/* path with stdout on the write end of p */
static int spawn_to_pipe(pid_t *pid, const char *path,
			 const char *const argv[], int p[2])
{
	posix_spawn_file_actions_t fa;
	int rc = posix_spawn_file_actions_init(&fa);

	if (rc)
		return rc;
	rc = posix_spawn_file_actions_adddup2(&fa, p[1], STDOUT_FILENO);
	if (!rc)
		rc = spawn(pid, path, argv, environ, &fa);
	posix_spawn_file_actions_destroy(&fa);
	return rc;
}

int helper_capture(const char *path, const char *const argv[], char **out,
		   size_t *len, int *wstatus)
{
	struct helper h;
	int p[2], rc;

	helper_init(&h);
	if (pipe2(p, O_CLOEXEC) < 0)
		return errno;
	rc = spawn_to_pipe(&h.pid, path, argv, p);
	close(p[1]);
	if (!rc)
		rc = read_all(p[0], out, len);
	close(p[0]);
	if (h.pid > 0 && helper_reap(&h, 0, wstatus) != 1 && !rc) {
		free(*out);
		rc = ECHILD;
	}
	return rc;
}
