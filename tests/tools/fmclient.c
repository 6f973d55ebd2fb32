/*
 * fmclient - plays the library side of the fusermount3 protocol plus a
 * minimal FUSE server, so tests can mount through the setuid helper
 * without libfuse and inject faults at each protocol step.
 * See README.md next to this file.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ctype.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fm_direct.h"
#include "fm_proto.h"
#include "fuse_srv.h"

#define DEFAULT_HELPER "/usr/bin/fusermount3"
#define EXIT_HELPER 1	/* helper failed; also: other failures */
#define EXIT_USAGE 2
#define EXIT_FAULT 3	/* the run was ended by an injected fault */
#define EXIT_PATH 4	/* the probe chose another path than --expect-path */
#define EXIT_TIMEOUT 124
#define LINGER_MS 2000	/* close-after-fd keeps running this long */

enum mode {
	MODE_CLASSIC, MODE_SYNC, MODE_AUTO, MODE_DIRECT, MODE_LIBFUSE,
	MODE_REATTACH, MODE_COUNT
};
static const char *const mode_names[MODE_COUNT] = {
	"classic", "sync-init", "auto-unmount", "direct", "libfuse", "reattach",
};

/* the helper's --features bits libfuse (after 3.18) needs for --sync-init */
#define FEATURE_NEW_MOUNT_API UINT64_C(0x1)
#define FEATURE_SYNC_INIT UINT64_C(0x2)
#define FEATURES_FOR_SYNC_INIT (FEATURE_NEW_MOUNT_API | FEATURE_SYNC_INIT)

enum path { PATH_ANY, PATH_CLASSIC, PATH_SYNC, PATH_COUNT };
static const char *const path_names[PATH_COUNT] = {
	"any", "classic", "sync-init",
};

enum fault {
	F_NONE, F_CLOSE_BEFORE_FD, F_DIE_BEFORE_FD, F_CLOSE_AFTER_FD,
	F_DIE_AFTER_FD, F_CLOSE_AFTER_PROCEED, F_DIE_AFTER_PROCEED,
	F_CLOSE_WHILE_WATCHING, F_NO_PROCEED, F_COUNT
};
static const char *const fault_names[F_COUNT] = {
	"none", "close-before-fd", "die-before-fd", "close-after-fd",
	"die-after-fd", "close-after-proceed", "die-after-proceed",
	"close-while-watching", "no-proceed",
};

struct opts {
	const char *helper;
	const char *mnt;
	const char *mopts;	/* -o, passed verbatim */
	const char *ready_file;
	enum mode mode;
	enum fault fault;
	int sync_ioctl;
	int no_fallback;	/* libfuse: no classic retry after sync-init */
	enum path expect_path;	/* libfuse: exit 4 if the probe chose otherwise */
	int timeout;
	struct srv_conf srv;
};

struct run {
	struct opts o;
	struct helper h;
	struct srv srv;
	int fuse_fd;
	int auto_unmount;	/* -o has auto_unmount: keep the socket */
	int wake[2];		/* server end / SIGTERM wake the main thread */
};

static int g_wake_wr = -1;

enum {
	OPT_HELPER = 256, OPT_MODE, OPT_SYNC_IOCTL, OPT_INIT_DELAY,
	OPT_INIT_ERROR, OPT_CONTENT, OPT_ROOT_FILE, OPT_FAULT, OPT_READY,
	OPT_TIMEOUT, OPT_VERBOSE, OPT_NO_FALLBACK, OPT_EXPECT_PATH,
	OPT_STALL_LOOKUP, OPT_STALL_OPEN, OPT_STALL_ON, OPT_STALL_READ,
	OPT_STALL_ACCESS_ROOT,
	OPT_STALL_LOOKUP_ROOT,
	OPT_DIR_MODE,
};

static const struct option long_opts[] = {
	{ "helper", required_argument, NULL, OPT_HELPER },
	{ "mode", required_argument, NULL, OPT_MODE },
	{ "sync-ioctl", no_argument, NULL, OPT_SYNC_IOCTL },
	{ "init-delay-ms", required_argument, NULL, OPT_INIT_DELAY },
	{ "init-error", required_argument, NULL, OPT_INIT_ERROR },
	{ "content", required_argument, NULL, OPT_CONTENT },
	{ "root-file", no_argument, NULL, OPT_ROOT_FILE },
	{ "fault", required_argument, NULL, OPT_FAULT },
	{ "ready-file", required_argument, NULL, OPT_READY },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "verbose", no_argument, NULL, OPT_VERBOSE },
	{ "stall-lookup", required_argument, NULL, OPT_STALL_LOOKUP },
	{ "no-fallback", no_argument, NULL, OPT_NO_FALLBACK },
	{ "expect-path", required_argument, NULL, OPT_EXPECT_PATH },
	{ "stall-open", no_argument, NULL, OPT_STALL_OPEN },
	{ "stall-on", required_argument, NULL, OPT_STALL_ON },
	{ "stall-read", no_argument, NULL, OPT_STALL_READ },
	{ "stall-access-root", no_argument, NULL, OPT_STALL_ACCESS_ROOT },
	{ "stall-lookup-root", no_argument, NULL, OPT_STALL_LOOKUP_ROOT },
	{ "dir-mode", required_argument, NULL, OPT_DIR_MODE },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* ---- output ---------------------------------------------------------- */

__attribute__((format(printf, 1, 2)))
static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: fmclient [options] MOUNTPOINT\n"
		"  --helper PATH        helper (default $FMCLIENT_HELPER or "
		DEFAULT_HELPER ")\n"
		"  --mode MODE          classic|sync-init|auto-unmount|direct|libfuse|\n"
		"                       reattach\n"
		"  -o OPTS              mount options, passed verbatim\n"
		"  --sync-ioctl         FUSE_DEV_IOC_SYNC_INIT on the fd\n"
		"  --init-delay-ms N    delay the FUSE_INIT answer\n"
		"  --init-error ERRNO   answer FUSE_INIT with -ERRNO\n"
		"  --content STR        content of /hello\n"
		"  --root-file          the root inode is a regular file\n"
		"  --fault STEP         inject a fault (see README.md)\n"
		"  --ready-file PATH    created once the mount is usable\n"
		"  --timeout SEC        hard limit for the whole run (30)\n"
		"  --verbose            log FUSE requests to stderr\n"
		"  --no-fallback        libfuse: no classic retry after a "
		"failed sync-init\n"
		"  --expect-path PATH   libfuse: exit 4 unless the probe "
		"chose PATH\n"
		"                       (classic|sync-init)\n"
		"  --stall-lookup NAME  never answer a LOOKUP of NAME\n"
		"  --stall-open         never answer OPEN/OPENDIR\n"
		"  --stall-on NAME      stop answering once NAME is looked up\n"
		"  --stall-read         never answer READ\n"
		"  --stall-access-root  never answer ACCESS from a process of "
		"real uid 0\n"
		"  --stall-lookup-root  entries valid 0 s; never answer LOOKUP "
		"from a process\n"
		"                       of real uid 0\n"
		"  --dir-mode MODE      permission bits of the root directory "
		"(octal, 0755)\n");
}

/* ---- signals --------------------------------------------------------- */

static void on_alarm(int sig)
{
	static const char msg[] = "fmclient: timeout\n";
	ssize_t n = write(STDERR_FILENO, msg, sizeof(msg) - 1);

	(void)sig;
	(void)n;
	_exit(EXIT_TIMEOUT);
}

/* Serving phase: wake the main thread ('T' = stop, 'C' = child exited). */
static void on_serve_signal(int sig)
{
	int saved = errno;
	char c = sig == SIGCHLD ? 'C' : 'T';
	ssize_t n = write(g_wake_wr, &c, 1);

	(void)n;	/* cannot fail: the pipe is never full or closed */
	errno = saved;
}

static int handle_signal(int sig, void (*fn)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
	sigemptyset(&sa.sa_mask);
	return sigaction(sig, &sa, NULL);
}

/* ---- options --------------------------------------------------------- */

static int parse_num(const char *s, long min, long max, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return -1;
	*out = (int)v;
	return 0;
}

static int parse_name(const char *s, const char *const names[], int n)
{
	int i;

	for (i = 0; i < n; i++) {
		if (!strcmp(s, names[i]))
			return i;
	}
	return -1;
}

static int has_option(const char *opts, const char *name)
{
	size_t len = strlen(name);
	const char *p = opts;

	while (p && *p) {
		if (!strncmp(p, name, len) && (p[len] == ',' || !p[len]))
			return 1;
		p = strchr(p, ',');
		if (p)
			p++;
	}
	return 0;
}

static int parse_one(struct opts *o, int c, const char *arg)
{
	int v;

	switch (c) {
	case 'o': o->mopts = arg; return 0;
	case OPT_HELPER: o->helper = arg; return 0;
	case OPT_SYNC_IOCTL: o->sync_ioctl = 1; return 0;
	case OPT_CONTENT: o->srv.content = arg; return 0;
	case OPT_ROOT_FILE: o->srv.root_file = 1; return 0;
	case OPT_READY: o->ready_file = arg; return 0;
	case OPT_VERBOSE: o->srv.verbose = 1; return 0;
	case OPT_STALL_LOOKUP: o->srv.stall_lookup = arg; return 0;
	case OPT_STALL_ON: o->srv.stall_on = arg; return 0;
	case OPT_NO_FALLBACK: o->no_fallback = 1; return 0;
	case OPT_EXPECT_PATH:
		v = parse_name(arg, path_names, PATH_COUNT);
		o->expect_path = (enum path)v;
		return v;
	case OPT_STALL_OPEN: o->srv.stall_open = 1; return 0;
	case OPT_STALL_READ: o->srv.stall_read = 1; return 0;
	case OPT_STALL_ACCESS_ROOT: o->srv.stall_access_root = 1; return 0;
	case OPT_STALL_LOOKUP_ROOT: o->srv.stall_lookup_root = 1; return 0;
	case OPT_DIR_MODE: {
		char *end;
		long m = strtol(arg, &end, 8);

		if (!*arg || *end || m < 1 || m > 07777)
			return -1;
		o->srv.dir_mode = (int)m;
		return 0;
	}
	case OPT_INIT_DELAY:
		return parse_num(arg, 0, 3600000, &o->srv.init_delay_ms);
	case OPT_INIT_ERROR:
		return parse_num(arg, 1, 4095, &o->srv.init_error);
	case OPT_TIMEOUT:
		return parse_num(arg, 1, INT_MAX, &o->timeout);
	case OPT_MODE:
		v = parse_name(arg, mode_names, MODE_COUNT);
		o->mode = (enum mode)v;
		return v;
	case OPT_FAULT:
		v = parse_name(arg, fault_names, F_COUNT);
		o->fault = (enum fault)v;
		return v;
	default:
		return -1;
	}
}

/* classic, sync-init, libfuse: a helper mounts and sends the fd */
static int helper_mounts(enum mode m)
{
	return m == MODE_CLASSIC || m == MODE_SYNC || m == MODE_LIBFUSE;
}

/* Which faults make sense in which mode; NULL if the combination is ok. */
static const char *check_combo(const struct opts *o)
{
	int sync = o->mode == MODE_SYNC;
	int watch = o->mode == MODE_AUTO ||
		    (helper_mounts(o->mode) && has_option(o->mopts, "auto_unmount"));

	if (o->sync_ioctl && o->mode == MODE_CLASSIC)
		return "--sync-ioctl needs a mode where the fd is not mounted yet";
	if ((o->no_fallback || o->expect_path != PATH_ANY) &&
	    o->mode != MODE_LIBFUSE)
		return "--no-fallback and --expect-path need --mode libfuse";
	switch (o->fault) {
	case F_NONE:
		return NULL;
	case F_CLOSE_WHILE_WATCHING:
		return watch ? NULL : "close-while-watching needs auto_unmount";
	case F_CLOSE_AFTER_PROCEED:
	case F_DIE_AFTER_PROCEED:
	case F_NO_PROCEED:
		return sync ? NULL : "this fault needs --mode sync-init";
	case F_DIE_BEFORE_FD:
		return o->mode != MODE_DIRECT ? NULL : "no helper in direct mode";
	default:
		return helper_mounts(o->mode) ? NULL :
		       "this fault needs --mode classic, sync-init or libfuse";
	}
}

static void set_defaults(struct opts *o)
{
	memset(o, 0, sizeof(*o));
	o->helper = getenv("FMCLIENT_HELPER");
	if (!o->helper || !*o->helper)
		o->helper = DEFAULT_HELPER;
	o->mopts = "";
	o->mode = MODE_CLASSIC;
	o->fault = F_NONE;
	o->expect_path = PATH_ANY;
	o->timeout = 30;
	o->srv.content = "hello world\n";
}

/* Returns -1 to go on, or the exit code. */
static int parse_args(struct opts *o, int argc, char **argv)
{
	const char *why;
	int c;

	set_defaults(o);
	while ((c = getopt_long(argc, argv, "o:h", long_opts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return 0;
		}
		if (parse_one(o, c, optarg) < 0) {
			if (c != '?')
				fprintf(stderr, "fmclient: bad value for "
					"option: %s\n", optarg);
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "fmclient: need exactly one MOUNTPOINT\n");
		usage(stderr);
		return EXIT_USAGE;
	}
	o->mnt = argv[optind];
	why = check_combo(o);
	if (why) {
		fprintf(stderr, "fmclient: %s\n", why);
		return EXIT_USAGE;
	}
	return -1;
}

/* ---- helper bookkeeping ---------------------------------------------- */

static void report_wait(int st)
{
	if (WIFEXITED(st))
		say("helper-exit=%d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		say("helper-signal=%d", WTERMSIG(st));
}

static void reap_helper(struct run *r)
{
	int st;

	if (helper_reap(&r->h, 0, &st) == 1)
		report_wait(st);
}

/* Poll for the helper's exit while staying alive for ms milliseconds. */
static void linger(struct run *r, int ms)
{
	struct timespec tick = { .tv_sec = 0, .tv_nsec = 20 * 1000000L };
	int st, i;

	for (i = 0; i < ms / 20; i++) {
		if (helper_reap(&r->h, 1, &st) == 1)
			report_wait(st);
		nanosleep(&tick, NULL);
	}
}

static int start_server(struct run *r)
{
	int rc = srv_start(&r->srv, r->fuse_fd, &r->o.srv, r->wake[1]);

	if (rc)
		fprintf(stderr, "fmclient: starting server: %s\n",
			strerror(rc));
	return rc ? EXIT_HELPER : 0;
}

/* Tear down after a helper failure: EOF to it, reap it, stop serving. */
static int helper_failed(struct run *r)
{
	helper_close(&r->h);
	reap_helper(r);	/* the server may still be needed meanwhile */
	srv_stop(&r->srv);
	return EXIT_HELPER;
}

static void die(enum fault f)
{
	say("fault=%s", fault_names[f]);
	_exit(EXIT_FAULT);
}

/* close-* and no-proceed: close our end, report the helper, exit 3. */
static int fault_end(struct run *r, int linger_ms)
{
	helper_close(&r->h);
	if (linger_ms)
		linger(r, linger_ms);
	else
		reap_helper(r);
	srv_stop(&r->srv);
	return EXIT_FAULT;
}

/* ---- protocol steps: each returns 0 to go on, else the exit code ----- */

static int spawn_helper(struct run *r, const char *const argv[])
{
	int rc = helper_spawn(&r->h, r->o.helper, argv);

	if (rc) {
		fprintf(stderr, "fmclient: spawning %s: %s\n", r->o.helper,
			strerror(rc));
		return EXIT_HELPER;
	}
	if (r->o.fault == F_DIE_BEFORE_FD)
		die(r->o.fault);
	if (r->o.fault == F_CLOSE_BEFORE_FD) {
		say("fault=%s", fault_names[r->o.fault]);
		return fault_end(r, 0);
	}
	return 0;
}

static int get_fuse_fd(struct run *r)
{
	int rc = helper_recv_fd(&r->h, &r->fuse_fd);

	if (rc == 0)
		say("helper-eof");
	if (rc < 0)
		say("helper-nofd");
	if (rc <= 0)
		return helper_failed(r);
	say("fd-received");
	if (r->o.fault == F_DIE_AFTER_FD)
		die(r->o.fault);
	if (r->o.fault == F_CLOSE_AFTER_FD) {
		say("fault=%s", fault_names[r->o.fault]);
		return fault_end(r, LINGER_MS);
	}
	return 0;
}

/* 1: sync init enabled, 0: unsupported (ENOTTY), -1: error */
static int sync_ioctl(int fd)
{
	if (ioctl(fd, FUSE_DEV_IOC_SYNC_INIT) == 0) {
		say("sync-ioctl=ok");
		return 1;
	}
	if (errno == ENOTTY) {
		say("sync-ioctl=unsupported");
		return 0;
	}
	say("sync-ioctl=failed");
	perror("fmclient: FUSE_DEV_IOC_SYNC_INIT");
	return -1;
}

static int recv_status(struct run *r)
{
	int32_t status;
	int n = helper_recv_status(&r->h, &status);

	if (n == (int)sizeof(status)) {
		say("status=%d", (int)status);
		return status ? helper_failed(r) : 0;
	}
	if (n > 0)
		fprintf(stderr, "fmclient: short status (%d bytes)\n", n);
	if (n >= 0)
		say("helper-eof");
	return helper_failed(r);
}

static int no_proceed(struct run *r)
{
	say("fault=%s", fault_names[r->o.fault]);
	if (helper_wait_eof(&r->h) == 0)
		say("helper-eof");
	return fault_end(r, 0);
}

static int proceed(struct run *r)
{
	int rc;

	if (r->o.fault == F_NO_PROCEED)
		return no_proceed(r);
	rc = helper_send_proceed(&r->h);
	if (rc) {
		fprintf(stderr, "fmclient: sending proceed: %s\n",
			strerror(rc));
		return helper_failed(r);
	}
	say("proceed-sent");
	if (r->o.fault == F_DIE_AFTER_PROCEED)
		die(r->o.fault);
	if (r->o.fault == F_CLOSE_AFTER_PROCEED) {
		say("fault=%s", fault_names[r->o.fault]);
		return fault_end(r, 0);
	}
	return recv_status(r);
}

/*
 * With sync init the server must run before the mount (which blocks until
 * FUSE_INIT is answered); without it an unbound fd only gives EPERM, so the
 * server starts once the helper reported success.
 */
static int sync_handshake(struct run *r)
{
	int early = 0, rc;

	if (r->o.sync_ioctl) {
		early = sync_ioctl(r->fuse_fd);
		if (early < 0)
			return helper_failed(r);
	}
	if (early && start_server(r))
		return helper_failed(r);
	rc = proceed(r);
	if (rc || early)
		return rc;
	return start_server(r) ? helper_failed(r) : 0;
}

/* Without auto_unmount the library closes its end and reaps the helper. */
static void finish_helper(struct run *r)
{
	if (r->auto_unmount)
		return;
	helper_close(&r->h);
	reap_helper(r);
}

/* ---- serving ---------------------------------------------------------- */

static int announce(struct run *r)
{
	int fd;

	say("mounted");
	if (!r->o.ready_file)
		return 0;
	fd = open(r->o.ready_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		  0644);
	if (fd < 0) {
		fprintf(stderr, "fmclient: %s: %s\n", r->o.ready_file,
			strerror(errno));
		return -1;
	}
	close(fd);
	return 0;
}

/* Next wake-up byte: 'S' server ended, 'T' SIGTERM/SIGINT, 'C' SIGCHLD. */
static char next_wakeup(struct run *r)
{
	char c = 'T';
	ssize_t n;

	do
		n = read(r->wake[0], &c, 1);
	while (n < 0 && errno == EINTR);
	return n == 1 ? c : 'T';
}

/*
 * Serve until the server ends or SIGTERM/SIGINT; returns the end reason.
 * A helper (auto_unmount watcher) that exits meanwhile is reported at once.
 */
static enum srv_end wait_end(struct run *r)
{
	int st;
	char c;

	while ((c = next_wakeup(r)) == 'C') {
		if (helper_reap(&r->h, 1, &st) == 1)
			report_wait(st);
	}
	if (c == 'S')
		return srv_join(&r->srv);
	srv_stop(&r->srv);
	return SRV_STOPPED;
}

/* From now on SIGTERM/SIGINT mean "stop serving, leave the mount". */
static void serve_signals(struct run *r)
{
	int st;

	if (handle_signal(SIGTERM, on_serve_signal) ||
	    handle_signal(SIGINT, on_serve_signal) ||
	    handle_signal(SIGCHLD, on_serve_signal))
		perror("fmclient: sigaction");
	/* the helper may have exited before SIGCHLD was caught */
	if (helper_reap(&r->h, 1, &st) == 1)
		report_wait(st);
}

static int serve(struct run *r)
{
	enum srv_end end;

	serve_signals(r);
	if (announce(r)) {
		srv_stop(&r->srv);
		return EXIT_HELPER;
	}
	if (r->o.fault == F_CLOSE_WHILE_WATCHING) {
		say("fault=%s", fault_names[r->o.fault]);
		helper_close(&r->h);
	}
	end = wait_end(r);
	if (end != SRV_STOPPED && r->h.sock < 0)
		reap_helper(r);
	say("served-until=%s", end == SRV_STOPPED ? "signal" :
	    srv_end_name(end));
	return end == SRV_FAILED ? EXIT_HELPER : 0;
}

/* ---- modes ------------------------------------------------------------ */

/* The helper mounts (classic) or is about to (sync-init); 0 once the fd
 * is ours and the server runs, else the exit code. */
static int mount_with_helper(struct run *r, int is_sync)
{
	const char *classic[] = { "fusermount3", "-o", r->o.mopts, "--",
				  r->o.mnt, NULL };
	const char *sync[] = { "fusermount3", "--sync-init", "-o", r->o.mopts,
			       "--", r->o.mnt, NULL };
	int rc;

	rc = spawn_helper(r, is_sync ? sync : classic);
	if (!rc)
		rc = get_fuse_fd(r);
	if (!rc)
		rc = is_sync ? sync_handshake(r) : start_server(r);
	return rc;
}

static int run_with_helper(struct run *r)
{
	int rc = mount_with_helper(r, r->o.mode == MODE_SYNC);

	if (rc)
		return rc;
	finish_helper(r);
	return serve(r);
}

/*
 * A restarted server: `fusermount3 --reattach -- MNT` sends the kept fd
 * as a mount does; the socket stays open (the watcher's sign of life),
 * the helper is reaped; the server asks for a resend, then serves.
 */
static int run_reattach(struct run *r)
{
	const char *argv[] = { "fusermount3", "--reattach", "--", r->o.mnt,
			       NULL };
	int rc;

	r->auto_unmount = 1;
	r->o.srv.resend = 1;
	rc = spawn_helper(r, argv);
	if (!rc)
		rc = get_fuse_fd(r);
	if (!rc)
		rc = start_server(r);
	if (rc)
		return rc;
	return serve(r);
}

/* ---- libfuse after 3.18: ask the helper, then mount ------------------ */

/* word as a whole word of text: between start/space and space/end */
static int has_word(const char *text, const char *word)
{
	size_t n = strlen(word);
	const char *p;

	for (p = strstr(text, word); p; p = strstr(p + 1, word)) {
		if ((p == text || isspace((unsigned char)p[-1])) &&
		    (!p[n] || isspace((unsigned char)p[n])))
			return 1;
	}
	return 0;
}

/* exactly 16 hex digits, then at most one newline; -1 otherwise */
static int parse_features(const char *out, size_t len, uint64_t *f)
{
	size_t i;

	if (len != 16 && !(len == 17 && out[16] == '\n'))
		return -1;
	for (i = 0; i < 16; i++) {
		if (!isxdigit((unsigned char)out[i]))
			return -1;
	}
	*f = strtoull(out, NULL, 16);	/* the digits are big-endian */
	return 0;
}

/* Run the helper with one argument; its stdout (*len bytes), or NULL. */
static char *probe_run(struct run *r, const char *arg, int want_exit0,
		       size_t *len)
{
	const char *argv[] = { "fusermount3", arg, NULL };
	char *out;
	int st;

	if (helper_capture(r->o.helper, argv, &out, len, &st))
		return NULL;
	if (WIFEXITED(st) && (!want_exit0 || WEXITSTATUS(st) == 0))
		return out;
	free(out);
	return NULL;
}

/*
 * libfuse's probe: `--help` (any exit status) must name --features as a
 * word; only then `--features` (exit 0, 16 hex digits).  0 means none.
 */
static uint64_t probe_features(struct run *r)
{
	uint64_t f = 0;
	size_t len;
	char *out = probe_run(r, "--help", 0, &len);
	int advertised = out && has_word(out, "--features");

	say("probe-help=%s", !out ? "failed" : advertised ? "advertised" : "silent");
	free(out);
	if (!advertised)
		return 0;
	out = probe_run(r, "--features", 1, &len);
	if (out && parse_features(out, len, &f) == 0)
		say("probe-features=%016" PRIx64, f);
	else
		say("probe-features=%s", out ? "invalid" : "failed");
	free(out);
	return f;
}

/* After a failed sync-init attempt: back to the start for a classic one. */
static void reset_for_retry(struct run *r)
{
	if (r->fuse_fd >= 0)
		close(r->fuse_fd);
	r->fuse_fd = -1;
	helper_init(&r->h);
	memset(&r->srv, 0, sizeof(r->srv));
}

/*
 * As libfuse after 3.18 for an unprivileged caller (its own fsopen was
 * refused): --sync-init only when the helper reports both features, the
 * sync-init ioctl only when the server wants it (--sync-ioctl), and on
 * any failure of that attempt a classic mount (unless --no-fallback).
 */
static int run_libfuse(struct run *r)
{
	int sync = (probe_features(r) & FEATURES_FOR_SYNC_INIT) ==
		   FEATURES_FOR_SYNC_INIT;
	enum path p = sync ? PATH_SYNC : PATH_CLASSIC;
	int rc;

	say("path=%s", path_names[p]);
	if (r->o.expect_path != PATH_ANY && r->o.expect_path != p) {
		fprintf(stderr, "fmclient: the probe chose %s, expected %s\n",
			path_names[p], path_names[r->o.expect_path]);
		return EXIT_PATH;
	}
	rc = mount_with_helper(r, sync);
	if (rc == EXIT_HELPER && sync && !r->o.no_fallback) {
		say("fallback=classic");
		reset_for_retry(r);
		rc = mount_with_helper(r, 0);
	}
	if (rc)
		return rc;
	finish_helper(r);
	return serve(r);
}

/* open, (sync ioctl), mount with the new API, and get the server going */
static int mount_direct(struct run *r)
{
	int early = 0;

	r->fuse_fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
	if (r->fuse_fd < 0) {
		perror("fmclient: /dev/fuse");
		return EXIT_HELPER;
	}
	if (r->o.sync_ioctl) {
		early = sync_ioctl(r->fuse_fd);
		if (early < 0)
			return EXIT_HELPER;
	}
	if (early && start_server(r))
		return EXIT_HELPER;
	if (direct_mount(r->o.mnt, r->o.mopts, r->fuse_fd) < 0) {
		srv_stop(&r->srv);
		return EXIT_HELPER;
	}
	if (!early && start_server(r)) {
		umount2(r->o.mnt, MNT_DETACH);
		return EXIT_HELPER;
	}
	return 0;
}

static int run_direct(struct run *r)
{
	int rc = mount_direct(r);

	return rc ? rc : serve(r);
}

/* Like a root daemon with auto_unmount: mount, then start the watcher. */
static int run_auto(struct run *r)
{
	const char *argv[] = { "fusermount3", "--auto-unmount", "--",
			       r->o.mnt, NULL };
	int rc = mount_direct(r);

	if (rc)
		return rc;
	r->auto_unmount = 1;
	rc = helper_spawn(&r->h, r->o.helper, argv);
	if (rc) {
		fprintf(stderr, "fmclient: spawning %s: %s\n", r->o.helper,
			strerror(rc));
		umount2(r->o.mnt, MNT_DETACH);
		srv_stop(&r->srv);
		return EXIT_HELPER;
	}
	if (r->o.fault == F_DIE_BEFORE_FD)
		die(r->o.fault);
	return serve(r);
}

static int setup(struct run *r)
{
	r->fuse_fd = -1;
	helper_init(&r->h);
	memset(&r->srv, 0, sizeof(r->srv));
	r->auto_unmount = has_option(r->o.mopts, "auto_unmount");
	if (pipe2(r->wake, O_CLOEXEC) < 0) {
		perror("fmclient: pipe");
		return -1;
	}
	g_wake_wr = r->wake[1];
	if (handle_signal(SIGALRM, on_alarm) < 0) {
		perror("fmclient: sigaction");
		return -1;
	}
	alarm((unsigned int)r->o.timeout);
	return 0;
}

int main(int argc, char **argv)
{
	static struct run r;
	int rc = parse_args(&r.o, argc, argv);

	if (rc >= 0)
		return rc;
	if (setup(&r) < 0)
		return EXIT_HELPER;
	switch (r.o.mode) {
	case MODE_DIRECT:
		return run_direct(&r);
	case MODE_AUTO:
		return run_auto(&r);
	case MODE_LIBFUSE:
		return run_libfuse(&r);
	case MODE_REATTACH:
		return run_reattach(&r);
	default:
		return run_with_helper(&r);
	}
}
