// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_log.c - log.c: the lines it sends, and when it sends none.
 *
 * log.c is built with FM_LOG_SOCKET "fm-test-log.sock", a relative path:
 * each test binds a datagram socket there in a fresh temp dir (its cwd)
 * and reads what arrived.  No root, no syslog daemon.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "log.h"

struct sink {
	char dir[64];
	int fd;
};

static int sink_setup(void **state)
{
	struct sink *s = calloc(1, sizeof(*s));
	struct sockaddr_un a = { .sun_family = AF_UNIX };

	assert_non_null(s);
	snprintf(s->dir, sizeof(s->dir), "/tmp/fm-test-log.XXXXXX");
	assert_non_null(mkdtemp(s->dir));
	assert_int_equal(chdir(s->dir), 0);
	s->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(s->fd >= 0);
	strcpy(a.sun_path, FM_LOG_SOCKET);
	assert_int_equal(bind(s->fd, (struct sockaddr *)&a, sizeof(a)), 0);
	*state = s;
	return 0;
}

static int sink_teardown(void **state)
{
	struct sink *s = *state;

	close(s->fd);
	unlink(FM_LOG_SOCKET);
	assert_int_equal(chdir("/"), 0);
	rmdir(s->dir);
	free(s);
	return 0;
}

/* The next datagram, NUL-terminated, or NULL when none is waiting. */
static char *next_line(struct sink *s)
{
	static char buf[8192];
	ssize_t n = recv(s->fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);

	if (n < 0) {
		assert_int_equal(errno, EAGAIN);
		return NULL;
	}
	buf[n] = '\0';
	assert_int_equal((size_t)n, strlen(buf));	/* no NUL inside */
	for (ssize_t i = 0; i < n; i++)
		if ((unsigned char)buf[i] < 0x20 || buf[i] == 0x7f)
			fail_msg("control byte %#x in \"%s\"", buf[i], buf);
	return buf;
}

/* The part after "fusermount3[PID]: ". */
static const char *body(const char *line)
{
	const char *p = strstr(line, "fusermount3[");

	assert_non_null(p);
	p = strstr(p, "]: ");
	assert_non_null(p);
	return p + 3;
}

static void expect_body(struct sink *s, const char *want)
{
	char *l = next_line(s);

	if (!l)
		fail_msg("no line; want \"%s\"", want);
	if (strcmp(body(l), want) != 0)
		fail_msg("got  \"%s\"\nwant \"%s\"", body(l), want);
}

static void expect_nothing(struct sink *s)
{
	char *l = next_line(s);

	if (l)
		fail_msg("unexpected line \"%s\"", l);
}

static void test_header(void **state)
{
	struct sink *s = *state;
	char want[64];
	char *l;

	log_begin(4245, false, NULL);
	log_set_action("unmount");
	log_ok();
	l = next_line(s);
	assert_non_null(l);
	/* <LOG_AUTHPRIV|LOG_INFO>fusermount3[pid]: */
	snprintf(want, sizeof(want), "<86>fusermount3[%d]: unmount ok: ", (int)getpid());
	assert_memory_equal(l, want, strlen(want));
	log_begin(4245, false, NULL);
	log_set_action("mount");
	log_refused("no", NULL, 0);
	l = next_line(s);
	assert_memory_equal(l, "<85>", 4);	/* LOG_NOTICE */
}

/* Option names only: never a value, not even behind an escaped comma. */
static void test_option_names(void **state)
{
	struct sink *s = *state;
	char *l;

	log_begin(4242, false, NULL);
	log_set_action("mount");
	log_set_mountpoint("/m");
	log_set_options("fsname=se\\,cret=1,allow_other,,x-pass=hunter2,"
			"subtype=s\\,password=2,rw,=naked,max_read=99");
	log_ok();
	expect_body(s, "mount ok: user=? uid=4242 mountpoint=/m options=fsname,"
		    "allow_other,x-pass,subtype,rw,max_read");
	log_begin(4242, false, NULL);
	log_set_action("mount");
	log_set_options("");
	log_ok();
	expect_body(s, "mount ok: user=? uid=4242 options=-");
	log_begin(4242, false, NULL);
	log_set_action("mount");
	log_set_options("a b\nc=secret,\xff=x");
	log_ok();
	l = next_line(s);
	assert_non_null(l);
	assert_null(strstr(l, "secret"));
	assert_string_equal(body(l), "mount ok: user=? uid=4242 options=a\\040b\\012c,\\377");
}

/* A message quoting an option shows its name, never its value. */
static void test_reason_redacted(void **state)
{
	struct sink *s = *state;

	log_begin(4242, false, NULL);
	log_set_action("mount");
	log_set_options("rw,password=hunter2,fsname=a\\,b,x-k=");
	log_refused("unknown option 'password=hunter2'", NULL, 0);
	expect_body(s, "mount refused: user=? uid=4242 options=rw,password,fsname,x-k "
		    "reason=unknown option 'password=*******'");
	log_set_action("mount");
	log_refused("invalid value in option 'fsname=a\\,b'", NULL, 0);
	expect_body(s, "mount refused: user=? uid=4242 options=rw,password,fsname,x-k "
		    "reason=invalid value in option 'fsname=****'");
}

/* A refusal: the message, and the line that decided it, escaped. */
static void test_refusal(void **state)
{
	struct sink *s = *state;

	log_begin(4242, false, NULL);
	log_set_action("mount");
	log_set_mountpoint("/home/u/a b\nfusermount3[1]: mount ok: user=root");
	log_refused("mountpoint /home/u/a b\nfusermount3[1]: x is not within a "
		    "mount_dir of /etc/fuse.conf", "/etc/fuse.conf", 7);
	expect_body(s, "mount refused: user=? uid=4242 mountpoint=/home/u/a\\040b"
		    "\\012fusermount3[1]:\\040mount\\040ok:\\040user=root "
		    "conf=/etc/fuse.conf:7 reason=mountpoint /home/u/a b\\012"
		    "fusermount3[1]: x is not within a mount_dir of /etc/fuse.conf");
	expect_nothing(s);
}

/* One line per decision; log_end says ok or failed with the last note. */
static void test_one_line_each(void **state)
{
	struct sink *s = *state;

	log_begin(4243, false, NULL);
	log_set_action("unmount");
	log_set_mountpoint("/m");
	log_note("first");
	log_note("entry for /m not found in /etc/mtab");
	log_end(1);
	log_end(1);
	log_ok();
	expect_body(s, "unmount failed: user=? uid=4243 mountpoint=/m "
		    "reason=entry for /m not found in /etc/mtab");
	expect_nothing(s);
	log_set_action("auto-unmount");	/* a new decision */
	log_ok();
	expect_body(s, "auto-unmount ok: user=? uid=4243 mountpoint=/m");
	log_set_action(NULL);		/* --check, --list: none */
	log_refused("x", NULL, 0);
	log_end(0);
	expect_nothing(s);
}

static void test_root_not_logged(void **state)
{
	struct sink *s = *state;

	log_begin(0, true, NULL);
	log_set_action("mount");
	log_refused("no", "/etc/fuse.conf", 1);
	log_set_action("unmount");
	log_ok();
	expect_nothing(s);
}

static int level_calls;
static enum conf_log level_to_give;

static enum conf_log give_level(void)
{
	level_calls++;
	return level_to_give;
}

/* The level is asked for once, only when a line is due. */
static void test_levels(void **state)
{
	struct sink *s = *state;

	level_calls = 0;
	level_to_give = CONF_LOG_REFUSALS;
	log_begin(4244, false, give_level);
	log_set_action("mount");
	assert_int_equal(level_calls, 0);
	log_ok();
	assert_int_equal(level_calls, 1);
	expect_nothing(s);
	log_set_action("unmount");
	log_refused("r", NULL, 0);
	log_set_action("unmount");
	log_end(1);
	assert_int_equal(level_calls, 1);
	expect_body(s, "unmount refused: user=? uid=4244 reason=r");
	expect_body(s, "unmount failed: user=? uid=4244 reason=");

	level_to_give = CONF_LOG_OFF;
	log_begin(4244, false, give_level);
	log_set_action("mount");
	log_refused("r", NULL, 0);
	log_set_action("unmount");
	log_end(1);
	expect_nothing(s);

	/* a level set before (fuse.conf read by the mount) is not asked for */
	level_calls = 0;
	log_begin(4244, false, give_level);
	log_set_level(CONF_LOG_ALL);
	log_set_action("mount");
	log_ok();
	assert_int_equal(level_calls, 0);
	expect_body(s, "mount ok: user=? uid=4244");
}

/* Without a socket at the log's path (none, or a regular file there),
 * nothing is prepared for a line: the level is not asked for (fuse.conf
 * is not read), and nothing fails; the socket back, the line is sent. */
static void test_no_socket_nothing_read(void **state)
{
	struct sink *s = *state;
	int fd;

	close(s->fd);
	s->fd = -1;
	unlink(FM_LOG_SOCKET);
	level_calls = 0;
	level_to_give = CONF_LOG_ALL;
	log_begin(4244, false, give_level);
	log_set_action("unmount");
	log_end(0);
	assert_int_equal(level_calls, 0);
	fd = open(FM_LOG_SOCKET, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	close(fd);
	log_set_action("unmount");
	log_end(1);
	assert_int_equal(level_calls, 0);
	unlink(FM_LOG_SOCKET);
	s->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);	/* a listener again */
	assert_true(s->fd >= 0);
	{
		struct sockaddr_un a = { .sun_family = AF_UNIX };

		strcpy(a.sun_path, FM_LOG_SOCKET);
		assert_int_equal(bind(s->fd, (struct sockaddr *)&a, sizeof(a)), 0);
	}
	log_set_action("unmount");
	log_ok();
	assert_int_equal(level_calls, 1);
	expect_body(s, "unmount ok: user=? uid=4244");
}

/* A user name another step looked up is the one in the line. */
static void test_known_name(void **state)
{
	struct sink *s = *state;

	log_begin(4244, false, NULL);
	log_set_user_name("alice");
	log_set_action("mount");
	log_set_mountpoint("/m");
	log_ok();
	expect_body(s, "mount ok: user=alice uid=4244 mountpoint=/m");
	log_begin(4244, false, NULL);	/* a new run knows no name */
	log_set_action("mount");
	log_ok();
	expect_body(s, "mount ok: user=? uid=4244");
}

/* A line never exceeds one datagram of 4096 bytes, and is cut whole. */
static void test_long_line(void **state)
{
	struct sink *s = *state;
	char *big = malloc(6000);
	char *l;

	assert_non_null(big);
	memset(big, '\n', 5999);
	big[5999] = '\0';
	log_begin(4244, false, NULL);
	log_set_action("mount");
	log_set_mountpoint(big);
	log_refused(big, NULL, 0);
	l = next_line(s);
	assert_non_null(l);
	assert_true(strlen(l) <= 4095);
	assert_true(strlen(l) > 4000);
	assert_null(strstr(l, "reason="));	/* the path took all the room */
	assert_int_equal(strlen(strstr(l, "mountpoint=")) % 4, 3);
	free(big);
}

/* Nobody listening, or a full queue: nothing blocks, nothing fails. */
static void test_no_listener(void **state)
{
	struct sink *s = *state;
	int n = 0;

	close(s->fd);
	unlink(FM_LOG_SOCKET);
	log_begin(4244, false, NULL);
	log_set_action("mount");
	errno = 1234;
	log_ok();
	assert_int_equal(errno, 1234);	/* errno is left alone */
	s->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(s->fd >= 0);
	{
		struct sockaddr_un a = { .sun_family = AF_UNIX };

		strcpy(a.sun_path, FM_LOG_SOCKET);
		assert_int_equal(bind(s->fd, (struct sockaddr *)&a, sizeof(a)), 0);
	}
	for (int i = 0; i < 2000; i++) {	/* far beyond the queue */
		log_set_action("mount");
		log_ok();
	}
	while (next_line(s))
		n++;
	assert_true(n > 0 && n < 2000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_header, sink_setup, sink_teardown),
		cmocka_unit_test_setup_teardown(test_option_names, sink_setup, sink_teardown),
		cmocka_unit_test_setup_teardown(test_refusal, sink_setup, sink_teardown),
		cmocka_unit_test_setup_teardown(test_reason_redacted, sink_setup, sink_teardown),
		cmocka_unit_test_setup_teardown(test_one_line_each, sink_setup, sink_teardown),
		cmocka_unit_test_setup_teardown(test_root_not_logged, sink_setup, sink_teardown),
		cmocka_unit_test_setup_teardown(test_levels, sink_setup, sink_teardown),
		cmocka_unit_test_setup_teardown(test_long_line, sink_setup, sink_teardown),
		cmocka_unit_test_setup_teardown(test_no_listener, sink_setup, sink_teardown),
		cmocka_unit_test_setup_teardown(test_no_socket_nothing_read, sink_setup, sink_teardown),
		cmocka_unit_test_setup_teardown(test_known_name, sink_setup, sink_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
