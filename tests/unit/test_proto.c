// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_proto.c - proto.c on real socketpairs: fd parsing and checking,
 * the 1-byte + SCM_RIGHTS send, the bounded proceed wait, the status word.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "proto.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* state: int[2] socketpair, created and closed around each test */
static int pair_setup(void **state)
{
	int *sv = malloc(2 * sizeof(int));

	if (!sv || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1) {
		free(sv);
		return -1;
	}
	*state = sv;
	return 0;
}

static int pair_teardown(void **state)
{
	int *sv = *state;

	if (sv[0] >= 0)
		close(sv[0]);
	if (sv[1] >= 0)
		close(sv[1]);
	free(sv);
	return 0;
}

static void close_end(int *sv, int i)
{
	assert_int_equal(close(sv[i]), 0);
	sv[i] = -1;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ======================================================== proto_parse_fd */

static void test_parse_fd(void **state)
{
	static const struct {
		const char *in;
		int rc;
		long fd;
	} rows[] = {
		{ "3", 0, 3 },
		{ "0", 0, 0 },
		{ "2147483647", 0, 2147483647L },
		{ " 5", 0, 5 },		/* leading blank: strtol accepts it */
		{ "+5", 0, 5 },		/* so is a sign */
		{ "007", 0, 7 },	/* base 10, not octal */
		{ "", -EINVAL, 0 },
		{ " ", -EINVAL, 0 },
		{ "abc", -EINVAL, 0 },
		{ "3x", -EINVAL, 0 },
		{ "3 ", -EINVAL, 0 },
		{ "0x3", -EINVAL, 0 },
		{ "-1", -EINVAL, 0 },
		{ "-0", 0, 0 },
		{ "2147483648", -EINVAL, 0 },
		{ "99999999999999999999", -EINVAL, 0 },	/* ERANGE */
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
		long fd = -42;
		int rc = proto_parse_fd(rows[i].in, &fd);

		if (rc != rows[i].rc)
			fail_msg("\"%s\": rc %d, want %d", rows[i].in, rc, rows[i].rc);
		if (rc == 0 && fd != rows[i].fd)
			fail_msg("\"%s\": fd %ld, want %ld", rows[i].in, fd, rows[i].fd);
		if (rc != 0 && fd != -42)
			fail_msg("\"%s\": failed but wrote fd %ld", rows[i].in, fd);
	}
}

/* ======================================================== proto_check_fd */

static void test_check_fd_socket(void **state)
{
	int *sv = *state;

	assert_int_equal(proto_check_fd(sv[0]), 0);
	assert_int_equal(proto_check_fd(sv[1]), 0);
}

static void test_check_fd_pipe(void **state)
{
	int p[2];

	(void)state;
	assert_int_equal(pipe(p), 0);
	assert_int_equal(proto_check_fd(p[0]), -ENOTSOCK);
	assert_int_equal(proto_check_fd(p[1]), -ENOTSOCK);
	close(p[0]);
	close(p[1]);
}

static void test_check_fd_regular_file(void **state)
{
	FILE *f = tmpfile();

	(void)state;
	assert_non_null(f);
	assert_int_equal(proto_check_fd(fileno(f)), -ENOTSOCK);
	fclose(f);
}

static void test_check_fd_closed(void **state)
{
	int p[2];

	(void)state;
	assert_int_equal(pipe(p), 0);
	close(p[0]);
	close(p[1]);
	assert_int_equal(proto_check_fd(p[0]), -EBADF);
	assert_int_equal(proto_check_fd(-1), -EBADF);
}

/* ========================================================= proto_send_fd */

/* Receives 1 data byte and at most one SCM_RIGHTS fd (-1 if none). */
static ssize_t recv_fd(int sock, char *byte, int *fd)
{
	struct iovec iov = { .iov_base = byte, .iov_len = 1 };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int) * 4)];
	} ctl;
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf),
	};
	struct cmsghdr *c;
	ssize_t r;

	*fd = -1;
	r = recvmsg(sock, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	if (r < 0)
		return r;
	assert_false(msg.msg_flags & (MSG_CTRUNC | MSG_TRUNC));
	for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		assert_int_equal(c->cmsg_level, SOL_SOCKET);
		assert_int_equal(c->cmsg_type, SCM_RIGHTS);
		assert_int_equal(c->cmsg_len, CMSG_LEN(sizeof(int)));
		assert_int_equal(*fd, -1);	/* exactly one fd */
		memcpy(fd, CMSG_DATA(c), sizeof(int));
	}
	return r;
}

static void test_send_fd(void **state)
{
	int *sv = *state;
	FILE *f = tmpfile();
	struct stat a, b;
	char byte = 'x', extra;
	int got;

	assert_non_null(f);
	assert_int_equal(proto_send_fd(sv[0], fileno(f)), 0);

	assert_int_equal(recv_fd(sv[1], &byte, &got), 1);
	assert_int_equal(byte, 0x00);
	assert_true(got >= 0);
	assert_int_not_equal(got, fileno(f));	/* a new descriptor ... */
	assert_int_equal(fstat(fileno(f), &a), 0);
	assert_int_equal(fstat(got, &b), 0);
	assert_int_equal(a.st_dev, b.st_dev);	/* ... for the same file */
	assert_int_equal(a.st_ino, b.st_ino);

	/* exactly one byte was sent */
	assert_int_equal(recv(sv[1], &extra, 1, MSG_DONTWAIT), -1);
	assert_int_equal(errno, EAGAIN);
	close(got);
	fclose(f);
}

static void test_send_fd_pipe_is_usable(void **state)
{
	int *sv = *state;
	int p[2], got;
	char byte, buf[4] = { 0 };

	/* a pipe: what is written to ours is read from theirs */
	assert_int_equal(pipe(p), 0);
	assert_int_equal(proto_send_fd(sv[1], p[0]), 0);
	assert_int_equal(recv_fd(sv[0], &byte, &got), 1);
	assert_int_equal(write(p[1], "abc", 3), 3);
	assert_int_equal(read(got, buf, 3), 3);
	assert_string_equal(buf, "abc");
	close(got);
	close(p[0]);
	close(p[1]);
}

static void test_send_fd_bad_fd(void **state)
{
	int *sv = *state;
	int p[2];

	assert_int_equal(pipe(p), 0);
	close(p[0]);
	close(p[1]);
	assert_int_equal(proto_send_fd(sv[0], p[0]), -EBADF);
	assert_int_equal(proto_send_fd(p[0], 0), -EBADF);
}

/*
 * Sending to a closed peer must fail with -EPIPE, not kill us with
 * SIGPIPE.  Done in a child with SIGPIPE at its default action, so a
 * missing MSG_NOSIGNAL shows up as a failed test, not a dead runner.
 */
static void check_no_sigpipe(int which)
{
	int sv[2], status;
	pid_t pid;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	close(sv[1]);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int rc;

		signal(SIGPIPE, SIG_DFL);
		rc = which == 0 ? proto_send_fd(sv[0], 0)
				: proto_send_status(sv[0], -5);
		_exit(rc == -EPIPE ? 0 : 1);
	}
	close(sv[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status))
		fail_msg("%s killed the process with signal %d",
			 which == 0 ? "proto_send_fd" : "proto_send_status",
			 WTERMSIG(status));
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) != 0)
		fail_msg("%s to a closed peer did not return -EPIPE",
			 which == 0 ? "proto_send_fd" : "proto_send_status");
}

static void test_send_fd_closed_peer(void **state)
{
	(void)state;
	check_no_sigpipe(0);
}

static void test_send_status_closed_peer(void **state)
{
	(void)state;
	check_no_sigpipe(1);
}

/* In this process too: the call returns -EPIPE with SIGPIPE at default. */
static void test_send_fd_closed_peer_inline(void **state)
{
	int *sv = *state;
	void (*old)(int) = signal(SIGPIPE, SIG_DFL);

	close_end(sv, 1);
	assert_int_equal(proto_send_fd(sv[0], 0), -EPIPE);
	signal(SIGPIPE, old);
}

/* ==================================================== proto_wait_proceed */

static void test_wait_proceed_byte(void **state)
{
	int *sv = *state;
	char extra;

	assert_int_equal(send(sv[1], "\x7f", 1, 0), 1);	/* any value */
	assert_int_equal(proto_wait_proceed(sv[0], 1), 0);
	/* one byte consumed, nothing more */
	assert_int_equal(recv(sv[0], &extra, 1, MSG_DONTWAIT), -1);
	assert_int_equal(errno, EAGAIN);
}

static void test_wait_proceed_consumes_one_byte(void **state)
{
	int *sv = *state;
	char rest;

	assert_int_equal(send(sv[1], "ab", 2, 0), 2);
	assert_int_equal(proto_wait_proceed(sv[0], 1), 0);
	assert_int_equal(recv(sv[0], &rest, 1, MSG_DONTWAIT), 1);
	assert_int_equal(rest, 'b');
}

static void test_wait_proceed_late_byte(void **state)
{
	int *sv = *state;
	pid_t pid = fork();
	int status;

	assert_true(pid >= 0);
	if (pid == 0) {
		struct timespec d = { 0, 200 * 1000 * 1000 };

		nanosleep(&d, NULL);
		_exit(send(sv[1], "", 1, 0) == 1 ? 0 : 1);
	}
	assert_int_equal(proto_wait_proceed(sv[0], 5), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void test_wait_proceed_peer_closed(void **state)
{
	int *sv = *state;
	long long t0 = now_ms();

	close_end(sv, 1);
	assert_int_equal(proto_wait_proceed(sv[0], 5), -ECONNRESET);
	assert_true(now_ms() - t0 < 1000);	/* at once, not at the timeout */
}

static void test_wait_proceed_timeout(void **state)
{
	int *sv = *state;
	long long t0 = now_ms(), dt;

	assert_int_equal(proto_wait_proceed(sv[0], 1), -ETIMEDOUT);
	dt = now_ms() - t0;
	if (dt < 900 || dt > 3000)
		fail_msg("timeout of 1 s took %lld ms", dt);
}

static void test_wait_proceed_zero_timeout(void **state)
{
	int *sv = *state;

	assert_int_equal(proto_wait_proceed(sv[0], 0), -ETIMEDOUT);
}

static void test_wait_proceed_bad_fd(void **state)
{
	int *sv = *state;
	int fd = sv[0];

	close_end(sv, 0);
	/* poll reports POLLNVAL as ready; recv then says EBADF */
	assert_int_equal(proto_wait_proceed(fd, 1), -EBADF);
}

/* ===================================================== proto_send_status */

static void test_send_status(void **state)
{
	static const int32_t values[] = { 0, -EPERM, -EINVAL, -ENODEV, INT32_MIN,
					  INT32_MAX };
	int *sv = *state;

	for (size_t i = 0; i < ARRAY_LEN(values); i++) {
		unsigned char buf[8];
		int32_t got;
		char extra;

		assert_int_equal(proto_send_status(sv[0], values[i]), 0);
		assert_int_equal(recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT), 4);
		memcpy(&got, buf, sizeof(got));		/* host byte order */
		assert_int_equal(got, values[i]);
		assert_int_equal(recv(sv[1], &extra, 1, MSG_DONTWAIT), -1);
		assert_int_equal(errno, EAGAIN);
	}
}

/* ======================================================== proto_wait_eof */

static void test_wait_eof(void **state)
{
	int *sv = *state;

	/* data before the EOF is skipped */
	assert_int_equal(send(sv[1], "0123456789abcdefXYZ", 19, 0), 19);
	close_end(sv, 1);
	proto_wait_eof(sv[0]);
	assert_int_equal(recv(sv[0], &(char){ 0 }, 1, MSG_DONTWAIT), 0);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, pair_setup, pair_teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_fd),
		T(test_check_fd_socket),
		cmocka_unit_test(test_check_fd_pipe),
		cmocka_unit_test(test_check_fd_regular_file),
		cmocka_unit_test(test_check_fd_closed),
		T(test_send_fd),
		T(test_send_fd_pipe_is_usable),
		T(test_send_fd_bad_fd),
		cmocka_unit_test(test_send_fd_closed_peer),
		T(test_send_fd_closed_peer_inline),
		T(test_wait_proceed_byte),
		T(test_wait_proceed_consumes_one_byte),
		T(test_wait_proceed_late_byte),
		T(test_wait_proceed_peer_closed),
		T(test_wait_proceed_timeout),
		T(test_wait_proceed_zero_timeout),
		T(test_wait_proceed_bad_fd),
		T(test_send_status),
		cmocka_unit_test(test_send_status_closed_peer),
		T(test_wait_eof),
	};
#undef T

	return cmocka_run_group_tests_name("proto", tests, NULL, NULL);
}
