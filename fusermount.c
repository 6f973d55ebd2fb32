// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fusermount.c - the setuid helper's main: start-up hardening, argv,
 * mode dispatch.  The only file that prints diagnostics and chooses exit
 * codes; the modules return negative errno values or verdicts.
 *
 * Flow of a mount (see README "Design"):
 *   harden -> parse argv (--help, --version, --features answer here, as
 *   the caller) -> privs_reduce (run as the caller) -> resolve
 *   path -> prepare: device, fuse.conf, mount_max, pin and check the
 *   mountpoint, every option -> classic: finish, send fd
 *                            -> --sync-init: send fd, wait proceed,
 *                               finish, send status
 *   finish = mount onto the pinned fd, verify it, record it in utab.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/capability.h>
#include <malloc.h>
#include <poll.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "fusectl.h"
#include "list.h"
#include "lockfile.h"
#include "log.h"
#include "mount.h"
#include "mountdir.h"
#include "mounts.h"
#include "policy.h"
#include "privs.h"
#include "proto.h"
#include "reattach.h"
#include "unmount.h"
#include "utab.h"

#ifndef FUSE_CONF
#define FUSE_CONF "/etc/fuse.conf"
#endif
#ifndef FM_VERSION
#define FM_VERSION "3.19.0"
#endif
#define FM_PREPARE_TIMEOUT 60	/* seconds; a hung path lookup or stat */
#define FM_FINISH_TIMEOUT 30	/* seconds; a daemon that never INITs */
#define FM_EXIT_TIMEOUT 5	/* seconds; from a decision to the exit */

static volatile sig_atomic_t decided_status;

static void exit_decided(int sig)
{
	(void)sig;
	_exit(decided_status);
}

/*
 * The outcome is decided (status): what is left, the message, the log
 * record and the exit (with the sanitizers, their check at exit too),
 * gets FM_EXIT_TIMEOUT seconds, no longer than a bound already running;
 * then the helper ends with that status, not killed by SIGALRM.  Nothing
 * left waits for a FUSE server but a write to a stderr on FUSE, which no
 * signal ends once the server has read the request.
 */
static void finishing(int status)
{
	struct sigaction sa = { .sa_handler = exit_decided };
	unsigned int left;

	decided_status = status;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	left = alarm(FM_EXIT_TIMEOUT);
	if (left && left < FM_EXIT_TIMEOUT)
		alarm(left);
}

static const char *progname = "fusermount3";

/*
 * Every message is formatted here, once: said to the caller (unless
 * quiet) on f, after "progname: " or "deny: ", and returned for the log
 * (log.h; free it).  NULL without memory, the message still said.
 */
static char *__attribute__((format(printf, 4, 0)))
say(FILE *f, bool deny, bool quiet, const char *fmt, va_list ap)
{
	va_list again;
	char *text;

	va_copy(again, ap);
	if (vasprintf(&text, fmt, ap) < 0)
		text = NULL;
	if (!quiet) {
		if (deny)
			fputs("deny: ", f);
		else
			fprintf(f, "%s: ", progname);
		if (text)
			fputs(text, f);
		else
			vfprintf(f, fmt, again);
		fputc('\n', f);
	}
	va_end(again);
	return text;
}

/* quiet (-q): the caller is not told, the log still is */
static void __attribute__((format(printf, 2, 3)))
qmsg(bool quiet, const char *fmt, ...)
{
	va_list ap;
	char *text;

	va_start(ap, fmt);
	text = say(stderr, false, quiet, fmt, ap);
	va_end(ap);
	log_note(text);
	free(text);
}

#define msg(...) qmsg(false, __VA_ARGS__)

/*
 * --check prints its verdict on stdout: "deny: <the message a mount would
 * print>" and the fuse.conf line that decided it, or "allow: ...".
 */
static bool checking;
static int decided_line;	/* fuse.conf line behind the next refusal */
static bool conf_hidden;	/* the caller may not read it: no line numbers */

/* The line of fuse.conf behind a verdict, unless the caller may not read
 * the file: then only that the file decided it. */
static void print_decided(int line)
{
	if (line && conf_hidden)
		printf("decided by %s\n", FUSE_CONF);
	else if (line)
		printf("decided by %s line %d\n", FUSE_CONF, line);
}

static void __attribute__((noreturn, format(printf, 1, 2)))
refuse(const char *fmt, ...)
{
	va_list ap;
	char *text;

	finishing(EXIT_FAILURE);
	va_start(ap, fmt);
	text = say(checking ? stdout : stderr, checking, false, fmt, ap);
	va_end(ap);
	if (checking)
		print_decided(decided_line);
	/* the line is for the admin reading the log, even if hidden above */
	log_refused(text, FUSE_CONF, decided_line);
	exit(EXIT_FAILURE);
}

#define die(...) refuse(__VA_ARGS__)

/* The mount is gone, its utab record is not (the next helper's pruning
 * will remove it). */
#define UTAB_KEPT_MSG "failed to remove the record of %s from %s: %s"

/* ------------------------------------------------------------ start-up */

struct env {
	char *commfd;		/* _FUSE_COMMFD */
	char *device;		/* FUSE_KERN_DEVICE */
	char *backend;		/* FUSERMOUNT3_BACKEND, only when not AT_SECURE */
};

static char *env_copy(const char *name)
{
	const char *v = getenv(name);

	return v ? strdup(v) : NULL;
}

/* Takes the few variables we use; nothing else ever sees the caller's
 * environment (libmount's LIBMOUNT_* included). */
static void env_take(struct env *e)
{
	e->commfd = env_copy("_FUSE_COMMFD");
	e->device = env_copy("FUSE_KERN_DEVICE");
	e->backend = getauxval(AT_SECURE) ? NULL : env_copy("FUSERMOUNT3_BACKEND");
	clearenv();
}

/* fds 0-2 open, known signal state, before anything is opened. */
static void harden(void)
{
	sigset_t s;

	for (int fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) == -1 &&
		    open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY) != fd)
			_exit(EXIT_FAILURE);
	signal(SIGPIPE, SIG_IGN);
	/* RLIMIT_FSIZE must make a write fail, not kill us between the
	 * mount and the fd send (a dead orphan mount) */
	signal(SIGXFSZ, SIG_IGN);
	signal(SIGCHLD, SIG_DFL);	/* the utab child must be waitable */
	signal(SIGALRM, SIG_DFL);	/* the time limits rely on it */
	sigemptyset(&s);
	sigaddset(&s, SIGALRM);
	sigprocmask(SIG_UNBLOCK, &s, NULL);
	umask(033);
}

/* ---------------------------------------------------------------- argv */

struct args {
	bool unmount, lazy, quiet, auto_unmount_only, sync_init, check, reattach;
	bool list, json, abort;
	const char *opts;
	const char *commfd;
	const char *mnt;
};

/*
 * --help, --version and --features are answered while argv is parsed,
 * before anything else happens: libfuse asks --help and --features before
 * every unprivileged mount.  They need nothing, so they hold nothing: the
 * caller's ids, no capability; no fuse.conf, device or mountpoint.
 */
static void answer_as_caller(void)
{
	int e = privs_drop_to_caller();

	if (e)
		die("failed to drop privileges: %s", strerror(-e));
}

/* An answer that did not reach stdout is no success. */
static void __attribute__((noreturn)) answered(void)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		msg("failed to write to standard output: %s", strerror(errno));
		exit(EXIT_FAILURE);
	}
	exit(EXIT_SUCCESS);
}

static void __attribute__((noreturn)) usage(void)
{
	answer_as_caller();
	printf("%s: [options] mountpoint\n"
	       "Options:\n"
	       " -h\t\t    print help\n"
	       " -V\t\t    print version\n"
	       " -o opt[,opt...]    mount options\n"
	       " -u\t\t    unmount\n"
	       " -q\t\t    quiet\n"
	       " -z\t\t    lazy unmount\n"
	       " --features\t    print supported features in hexadecimal\n"
	       " --features=text    print supported feature names\n"
	       " --list [--json]    list your FUSE mounts and whether they answer\n"
	       " --abort\t    abort the connection of a hung mount, detach it\n",
	       progname);
	exit(EXIT_FAILURE);	/* as the reference: scripts may rely on it */
}

/* One write(2): no stdio buffer, no malloc, none of printf's code paged
 * in; libfuse runs `fusermount3 --version` before mounts. */
static void __attribute__((noreturn)) version(void)
{
	static const char v[] = "fusermount3 version: " FM_VERSION "\n";

	answer_as_caller();
	if (write(STDOUT_FILENO, v, sizeof(v) - 1) != (ssize_t)sizeof(v) - 1) {
		if (errno == 0)
			errno = EIO;	/* a short write */
		msg("failed to write to standard output: %s", strerror(errno));
		exit(EXIT_FAILURE);
	}
	exit(EXIT_SUCCESS);
}

/*
 * What libfuse (after 3.18) asks before it passes --sync-init: it does so
 * only with both bits.  Built without the new mount API the answer is 0,
 * as from libfuse's own helper built so (our --sync-init then works with
 * mount(2), but libfuse is told nothing it would not be told anyway).
 */
#define FM_FEATURE_NEW_MOUNT_API UINT64_C(0x1)
#define FM_FEATURE_SYNC_INIT UINT64_C(0x2)
#ifdef FM_NO_NEW_MOUNT_API
#define FM_FEATURES UINT64_C(0)
#else
#define FM_FEATURES (FM_FEATURE_NEW_MOUNT_API | FM_FEATURE_SYNC_INIT)
#endif

/* --features: 16 hex digits (the word, most significant byte first);
 * --features=text: the names of the bits set; any other value: usage */
static void __attribute__((noreturn)) features(const char *how)
{
	const uint64_t f = FM_FEATURES;
	bool api = f & FM_FEATURE_NEW_MOUNT_API, sync = f & FM_FEATURE_SYNC_INIT;

	if (how && strcmp(how, "text") != 0)
		usage();
	answer_as_caller();
	if (!how)
		printf("%016" PRIx64 "\n", f);
	else
		printf("%s%s%s\n", api ? "FUSERMOUNT_FEATURE_NEW_MOUNT_API" : "",
		       api && sync ? " " : "", sync ? "FUSERMOUNT_FEATURE_SYNC_INIT" : "");
	answered();
}

enum { OPT_AUTO_UNMOUNT = 256, OPT_COMM_FD, OPT_SYNC_INIT, OPT_CHECK, OPT_FEATURES,
       OPT_LIST, OPT_JSON, OPT_ABORT, OPT_REATTACH };

static const struct option long_opts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ "options", required_argument, NULL, 'o' },
	{ "unmount", no_argument, NULL, 'u' },
	{ "lazy", no_argument, NULL, 'z' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "auto-unmount", no_argument, NULL, OPT_AUTO_UNMOUNT },
	{ "comm-fd", required_argument, NULL, OPT_COMM_FD },
	{ "sync-init", no_argument, NULL, OPT_SYNC_INIT },
	{ "check", no_argument, NULL, OPT_CHECK },
	{ "features", optional_argument, NULL, OPT_FEATURES },
	{ "list", no_argument, NULL, OPT_LIST },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "abort", no_argument, NULL, OPT_ABORT },
	{ "reattach", no_argument, NULL, OPT_REATTACH },
	{ NULL, 0, NULL, 0 },
};

static void take_option(int ch, struct args *a)
{
	switch (ch) {
	case 'h': usage();
	case 'V': version();
	case OPT_FEATURES: features(optarg);
	case 'o': a->opts = optarg; break;
	case 'u': a->unmount = true; break;
	case 'z': a->lazy = true; break;
	case 'q': a->quiet = true; break;
	case OPT_AUTO_UNMOUNT: a->unmount = a->auto_unmount_only = true; break;
	case OPT_COMM_FD: a->commfd = optarg; break;
	case OPT_SYNC_INIT: a->sync_init = true; break;
	case OPT_CHECK: a->check = true; break;
	case OPT_LIST: a->list = true; break;
	case OPT_JSON: a->json = true; break;
	case OPT_ABORT: a->abort = true; break;
	case OPT_REATTACH: a->reattach = true; break;
	default: exit(EXIT_FAILURE);	/* getopt has said why */
	}
}

/* --list [--json] and --abort: true when the command line is complete. */
static bool operator_args(const struct args *a, int positional)
{
	if (a->json && !a->list)
		die("--json can only be used with --list");
	if (a->list && (a->unmount || a->check || a->abort))
		die("--list cannot be used with -u, --check or --abort");
	if (a->abort && (a->unmount || a->check))
		die("--abort cannot be used with -u or --check");
	if (a->list && positional > 0)
		die("--list takes no mountpoint");
	return a->list;
}

static void parse_args(int argc, char **argv, struct args *a)
{
	int ch;

	memset(a, 0, sizeof(*a));
	a->opts = "";
	if (argc < 1)
		die("missing mountpoint argument");
	while ((ch = getopt_long(argc, argv, "hVo:uzq", long_opts, NULL)) != -1)
		take_option(ch, a);
	if (a->lazy && !a->unmount)
		die("-z can only be used with -u");
	if (a->check && a->unmount)
		die("--check cannot be used with -u");
	if (a->reattach && (a->unmount || a->check || a->sync_init || *a->opts ||
			    a->list || a->json || a->abort))
		die("--reattach takes no other option");
	if (operator_args(a, argc - optind))
		return;
	if (optind >= argc)
		die("missing mountpoint argument");
	if (argc - optind > 1)
		die("extra arguments after the mountpoint");
	a->mnt = argv[optind];
}

/* ------------------------------------------------------------ operator */

/* What the log records of this run (log.h); nothing for --check or
 * --list, which change nothing. */
static void log_args(const struct args *a)
{
	if (a->check || a->list)
		log_set_action(NULL);
	else if (a->abort)
		log_set_action("abort");
	else if (a->reattach)
		log_set_action("reattach");
	else if (a->auto_unmount_only)
		log_set_action("auto-unmount");
	else if (a->unmount)
		log_set_action("unmount");
	else
		log_set_action("mount");
	if (!a->check && !a->unmount && !a->abort && !a->list && !a->reattach)
		log_set_options(a->opts);
	log_set_mountpoint(a->mnt);
}

/* --list: the caller's FUSE mounts, and whether their servers answer. */
static int cmd_list(const struct privs *pv, bool json)
{
	struct list l;
	int e;

	if (!pv->root && privs_drop_all())
		die("failed to drop privileges");
	e = list_collect(pv, &l);
	if (e)
		die("failed to list mounts: %s", strerror(-e));
	list_probe(pv, &l, FM_LIST_PROBE_MS);
	e = list_print(stdout, &l, json);
	list_free(&l);
	if (e)
		die("failed to write the list: %s", strerror(-e));
	return EXIT_SUCCESS;
}

/* ---------------------------------------------------------------- path */

struct mpath {
	char *abs, *parent, *last;
};

static void mpath_free(struct mpath *p)
{
	free(p->abs);
	free(p->parent);
	free(p->last);
}

static int split_resolved(const char *rp, const char *last, struct mpath *p)
{
	size_t n = strlen(rp);

	p->parent = strdup(rp);
	p->last = strdup(last);
	p->abs = malloc(n + strlen(last) + 2);
	if (!p->parent || !p->last || !p->abs)
		return -ENOMEM;
	sprintf(p->abs, "%s%s%s", rp, rp[n - 1] == '/' ? "" : "/", last);
	return 0;
}

/* Parent resolved with realpath(3) as the caller; the last component is
 * kept literally, so a symlink there stays a symlink. */
static int resolve(const char *orig, struct mpath *p)
{
	char *copy = strdup(orig), *slash, *rp;
	const char *last;
	size_t n;
	int e;

	if (!copy)
		return -ENOMEM;
	for (n = strlen(copy); n > 1 && copy[n - 1] == '/'; n--)
		copy[n - 1] = '\0';
	slash = strrchr(copy, '/');
	last = slash ? slash + 1 : copy;
	if (!strcmp(last, ".") || !strcmp(last, "..") || !strcmp(copy, "/")) {
		rp = realpath(copy, NULL);
		last = ".";
	} else if (slash) {
		*slash = '\0';
		rp = realpath(slash == copy ? "/" : copy, NULL);
	} else {
		rp = realpath(".", NULL);
	}
	e = rp ? split_resolved(rp, last, p) : -errno;
	free(rp);
	free(copy);
	return e;
}

/* ------------------------------------------------------------- unmount */

static int unmount_failed(enum um_status st, int err, const struct mpath *p,
			  const struct args *a)
{
	bool q = a->quiet;	/* -q: not told, but logged */

	switch (st) {
	case UM_OK:
	case UM_BEFORE:		/* said by the command */
		break;
	case UM_PARENT:
		msg("failed to chdir to %s: %s", p->parent, strerror(err));
		break;
	case UM_UMOUNT:
		qmsg(q, "failed to unmount %s: %s", p->abs, strerror(err));
		break;
	case UM_NOT_FOUND:
	case UM_ALIVE:
		qmsg(q, "entry for %s not found in /etc/mtab", p->abs);
		break;
	case UM_LOCK:
		if (err == ETIMEDOUT)
			qmsg(q, "failed to unmount %s: timed out waiting for %s", p->abs,
			     FM_LOCK_FILE);
		else
			qmsg(q, "failed to unmount %s: cannot open %s: %s", p->abs,
			     FM_LOCK_FILE, strerror(err));
		break;
	case UM_NO_PROC:
		qmsg(q, "failed to unmount %s: /proc is not mounted", p->abs);
		break;
	}
	return EXIT_FAILURE;
}

/* After unmount_run(): what the caller is told, and the exit status. */
static int unmount_said(enum um_status st, int err, struct um_req *q,
			const struct mpath *p, const struct args *a)
{
	/* the unmount is done: a record left behind is only a warning */
	if (st == UM_OK && q->utab_err && !a->quiet)
		msg(UTAB_KEPT_MSG, q->target, FM_UTAB, strerror(-q->utab_err));
	free(q->target);
	q->target = NULL;
	return st == UM_OK ? 0 : unmount_failed(st, err, p, a);
}

static int cmd_unmount(const struct privs *pv, const struct mpath *p,
		       const struct args *a)
{
	struct um_req q = { .pv = pv, .abs = p->abs, .parent = p->parent,
			    .last = p->last, .lazy = a->lazy, .pfd = -1 };
	enum um_status st;
	int err;

	alarm(FM_PREPARE_TIMEOUT);	/* the parent may sit on a hung fs */
	st = unmount_run(&q, &err);
	finishing(st == UM_OK ? EXIT_SUCCESS : EXIT_FAILURE);
	return unmount_said(st, err, &q, p, a);
}

/*
 * --abort: the mount is taken and checked exactly as -u -z takes it (the
 * caller's own FUSE mount, through its own fd, by mount ID); with that
 * checked mount, its connection is aborted through fusectl, then that
 * very mount is detached through its fd and its utab record removed.
 * Nothing here waits for the mount's server: the checks ask the kernel
 * only (statx without a sync, statmount), and a lazy detach sends no
 * request.
 */
static int cmd_abort(const struct privs *pv, const struct mpath *p,
		     const struct args *a)
{
	struct um_req q = { .pv = pv, .abs = p->abs, .parent = p->parent,
			    .last = p->last, .lazy = true, .pfd = -1,
			    .before = fusectl_abort };
	enum um_status st;
	int err;

	if (!pv->can_mount) {	/* not installed privileged */
		msg("failed to abort the connection of %s: %s", p->abs,
		    strerror(EPERM));
		return EXIT_FAILURE;
	}
	alarm(FM_PREPARE_TIMEOUT);
	st = unmount_run(&q, &err);
	finishing(st == UM_OK ? EXIT_SUCCESS : EXIT_FAILURE);
	if (st == UM_BEFORE && err == EINVAL)
		msg("%s is not a FUSE mount", p->abs);
	else if (st == UM_BEFORE)
		msg("failed to abort the connection of %s: %s", p->abs, strerror(err));
	return unmount_said(st, err, &q, p, a);
}

/* ------------------------------------------------------- mount: prepare */

/* The attach-time side of mount_max and user_mount_max (lockfile.h). */
struct limits {
	int fd;			/* the lock file, or -1 */
	off_t slot;		/* our attach slot while we hold one, or -1 */
	unsigned int mntns;
	bool said;		/* a refusal was reported already */
};

struct mctx {
	const struct privs *pv;
	const struct args *a;
	const struct env *env;
	struct mpath path;
	int cfd, devfd, parentfd, pinfd;
	int lsock;			/* reattach: the watcher's socket */
	const char *devname;
	mode_t rootmode;
	struct fuse_conf conf;
	bool conf_read;			/* --check reads it before dropping all */
	bool conf_trusted;
	struct dir_id allowed[FM_CONF_LIST_MAX];	/* mount_dir identities */
	int allowed_line[FM_CONF_LIST_MAX];
	size_t n_allowed;
	int mount_dir_line;		/* the mount_dir entry that matched */
	int allow_other_line;		/* what let the caller use allow_other */
	struct limits lim;		/* mount_max, user_mount_max at attach */
	struct mount_opts o;
	struct mount_done done;
	struct mnt_ref ref;		/* the new mount */
	char *target;			/* its mount point, as the kernel says */
	bool in_utab;
};

static int comm_fd(const struct args *a, const struct env *env)
{
	const char *s = a->commfd ? a->commfd : env->commfd;
	long fd;
	int e;

	if (!s)
		die("old style mounting not supported");
	if (proto_parse_fd(s, &fd))
		die("invalid _FUSE_COMMFD: %s", s);
	e = proto_check_fd((int)fd);
	if (e == -ENOTSOCK)
		die("file descriptor %li is not a socket, can't send fuse fd", fd);
	if (e)
		die("fstat of comm fd %li failed: %s", fd, strerror(-e));
	return (int)fd;
}

static const char *device_name(const struct env *env)
{
	const char *d = env->device;
	struct stat st;

	if (!d)
		return "/dev/fuse";
	if (strncmp(d, "/dev/", 5) != 0) {
		fprintf(stderr, "fuse: invalid device name from FUSE_KERN_DEVICE: "
			"%s (must start with /dev/)\n", d);
		return "/dev/fuse";
	}
	if (stat(d, &st) == 0 && !S_ISCHR(st.st_mode)) {
		fprintf(stderr, "fuse: invalid device from FUSE_KERN_DEVICE: %s "
			"(not a character device)\n", d);
		return "/dev/fuse";
	}
	return d;
}

static void open_device(struct mctx *c)
{
	c->devname = device_name(c->env);
	c->devfd = open(c->devname, O_RDWR | O_CLOEXEC);
	if (c->devfd >= 0)
		return;
	if (errno == ENODEV || errno == ENOENT)
		die("fuse device %s not found. Kernel module not loaded?", c->devname);
	die("failed to open %s: %s", c->devname, strerror(errno));
}

static void conf_diag(void *arg, enum conf_diag d, int line, const char *text)
{
	switch (d) {
	case CONF_LINE_TOO_LONG:
		msg("reading %s: line %i too long", FUSE_CONF, line);
		break;
	case CONF_NO_FINAL_NEWLINE:
		msg("reading %s: missing newline at end of file", FUSE_CONF);
		break;
	case CONF_BAD_MOUNT_MAX:
		msg("invalid mount_max = %s in %s at line %i", text, FUSE_CONF, line);
		break;
	case CONF_UNKNOWN_KEY:
		msg("unknown parameter in %s at line %i: '%s'", FUSE_CONF, line, text);
		break;
	case CONF_BAD_NEW_KEY:	/* non-root callers are refused with it later */
		if (arg)
			msg("%s line %i: %s (ignored)", FUSE_CONF, line, text);
		break;
	}
}

/* Parses an open fuse.conf; the file's owner and mode say whether the
 * new keys may be trusted. */
static void parse_conf_file(struct mctx *c, FILE *f, conf_diag_fn diag)
{
	struct stat st;
	int e;

	e = fstat(fileno(f), &st) ? -errno
				  : conf_parse(f, &c->conf, diag, c->pv->root ? c : NULL);
	fclose(f);
	if (e)
		die("reading %s: read failed", FUSE_CONF);
	c->conf_trusted = conf_file_trusted(st.st_uid, st.st_mode);
	log_set_level(c->conf_trusted ? c->conf.log : CONF_LOG_ALL);
}

static void quiet_diag(void *arg, enum conf_diag d, int line, const char *text)
{
	(void)arg, (void)d, (void)line, (void)text;
}

/* The log setting, for runs that do not read fuse.conf otherwise (-u):
 * read as the caller, without a word; only a trusted file may lower it. */
static enum conf_log conf_log_level(void)
{
	FILE *f = fopen(FUSE_CONF, "re");
	enum conf_log level = CONF_LOG_ALL;
	struct fuse_conf k;
	struct stat st;

	if (!f)
		return level;
	conf_defaults(&k);
	if (fstat(fileno(f), &st) == 0 && conf_parse(f, &k, quiet_diag, NULL) == 0 &&
	    conf_file_trusted(st.st_uid, st.st_mode))
		level = k.log;
	fclose(f);
	return level;
}

/*
 * The caller may not read fuse.conf.  The reference then goes on with the
 * defaults; we do too, unless the file sets policy keys, which we look for
 * with root's file access (the caller learns only that there are some).
 */
static void peek_unreadable_conf(struct mctx *c)
{
	FILE *f = NULL;

	if (c->pv->root)
		return;
	if (privs_fsroot_begin(c->pv) == 0) {
		f = fopen(FUSE_CONF, "re");
		privs_fsroot_end(c->pv);
	}
	if (!f)
		die("cannot read %s to learn its mount policy; non-root mounts "
		    "are refused", FUSE_CONF);
	conf_hidden = true;
	parse_conf_file(c, f, quiet_diag);
	if (c->conf.new_key_line) {
		decided_line = c->conf.new_key_line;
		die("%s is not readable by the caller but sets mount policy; "
		    "non-root mounts are refused", FUSE_CONF);
	}
	conf_defaults(&c->conf);
}

/* Opened as the caller.  Benign errors leave the defaults; others (EMFILE,
 * ENOMEM, ...) stop us, so no one can force the defaults on purpose. */
static void read_conf(struct mctx *c)
{
	FILE *f = fopen(FUSE_CONF, "re");
	int e;

	conf_defaults(&c->conf);
	if (!f) {
		e = errno;
		if (e == ENOENT)
			return;
		msg("failed to open %s: %s", FUSE_CONF, strerror(e));
		if (e == EACCES)
			peek_unreadable_conf(c);
		if (e == EACCES || e == ELOOP || e == ENAMETOOLONG ||
		    e == ENOTDIR || e == EOVERFLOW)
			return;
		exit(EXIT_FAILURE);
	}
	parse_conf_file(c, f, conf_diag);
}

/* Fail closed: a broken or untrusted policy refuses every non-root mount. */
static void check_conf(const struct mctx *c)
{
	const struct fuse_conf *k = &c->conf;

	if (c->pv->root)
		return;
	if (k->bad_line) {
		decided_line = k->bad_line;
		die("%s line %d: %s; non-root mounts are refused", FUSE_CONF,
		    k->bad_line, k->bad_why);
	}
	if (k->new_key_line && !c->conf_trusted) {
		decided_line = k->new_key_line;
		die("%s sets mount policy but is not owned by root or is writable "
		    "by group or others; non-root mounts are refused", FUSE_CONF);
	}
}

static long count_mounts(const struct mctx *c, long *mine)
{
	long total;
	int e = mounts_count_fuse(c->pv->uid, &total, mine);

	if (e)
		die("failed to list mounts: %s", strerror(-e));
	return total;
}

#define MAX_MSG "too many FUSE filesystems mounted; mount_max=N can be set in %s"
#define USER_MAX_MSG "too many FUSE filesystems mounted by this user; " \
	"user_mount_max=%d is set in %s"

static void user_max_reached(const struct mctx *c)
{
	decided_line = c->conf.user_mount_max_line;
	die(USER_MAX_MSG, c->conf.user_mount_max, FUSE_CONF);
}

/* Checked here without a lock for an early answer (nothing sent yet),
 * and again when the mount is attached (limits_attach). */
static void check_mount_max(const struct mctx *c)
{
	long total, mine;

	if (c->pv->root || (c->conf.mount_max < 0 && c->conf.user_mount_max < 0))
		return;
	total = count_mounts(c, &mine);
	if (policy_mount_max_reached(&c->conf, total)) {
		decided_line = c->conf.mount_max_line;
		die(MAX_MSG, FUSE_CONF);
	}
	if (policy_user_max_reached(&c->conf, mine))
		user_max_reached(c);
}

static void mountpoint_verdict(const struct mctx *c, enum mp_status st,
			       const struct mp_facts *f)
{
	const char *mnt = c->path.abs, *name = policy_fstype_name(f->fs_type);

	switch (st) {
	case MP_OK:
		return;
	case MP_NOT_OWNER:
		die("mountpoint %s not owned by user", mnt);
	case MP_NO_WRITE:
		if (S_ISREG(f->mode))	/* the reference's words: it opened it */
			die("failed to open %s: %s", mnt, strerror(EACCES));
		die("user has no write access to mountpoint %s", mnt);
	case MP_BAD_TYPE:
		die("mountpoint %s is not a directory or a regular file", mnt);
	case MP_FSTYPE:
		if (f->fs_name && *f->fs_name)
			name = f->fs_name;
		if (name)
			die("mounting over filesystem type %#010lx (%s) is forbidden",
			    f->fs_type, name);
		die("mounting over filesystem type %#010lx is forbidden", f->fs_type);
	}
}

static bool writable_by_caller(int fd)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	return access(path, W_OK) == 0;	/* real ids == the caller's */
}

/* The kernel's name for the filesystem type under fd ("" if unknown). */
static void fs_name_of(int fd, char *name, size_t n)
{
	struct mnt_ref r;
	struct mnt_info mi;

	if (mounts_id_at(fd, "", &r) || mounts_info(&r, &mi))
		return;
	snprintf(name, n, "%s", mi.fstype);
	mounts_info_free(&mi);
}

/* Opens the mountpoint O_PATH relative to its parent, without following
 * a symlink, and decides on that very inode: it is what we mount on. */
static void pin_mountpoint(struct mctx *c)
{
	int nofollow = c->pv->root ? 0 : O_NOFOLLOW;
	struct mp_facts f = { .uid = c->pv->uid, .conf = &c->conf };
	char name[sizeof(((struct mnt_info *)0)->fstype)] = "";
	struct statfs sfs;
	struct stat st;

	c->parentfd = open(c->path.parent, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (c->parentfd < 0)
		die("failed to access mountpoint %s: %s", c->path.abs, strerror(errno));
	c->pinfd = openat(c->parentfd, c->path.last, O_PATH | O_CLOEXEC | nofollow);
	if (c->pinfd < 0 || fstat(c->pinfd, &st) || fstatfs(c->pinfd, &sfs))
		die("failed to access mountpoint %s: %s", c->path.abs, strerror(errno));
	f.mode = st.st_mode;
	f.owner = st.st_uid;
	f.writable = writable_by_caller(c->pinfd);
	f.fs_type = (unsigned long)sfs.f_type;
	if (!c->pv->root)
		fs_name_of(c->pinfd, name, sizeof(name));
	f.fs_name = name;
	mountpoint_verdict(c, policy_mountpoint(&f), &f);
	c->rootmode = S_ISDIR(st.st_mode) ? S_IFDIR : S_IFREG;
}

/* ------------------------------------------------------ mount_dir */

/* The identities of the mount_dir entries that exist for this caller,
 * taken once before anything is mounted; an entry that does not expand
 * or open simply allows nothing. */
static void allowed_dirs(struct mctx *c)
{
	const struct passwd *pw = getpwuid(c->pv->uid);
	char *name = pw ? strdup(pw->pw_name) : NULL;
	char *home = pw ? strdup(pw->pw_dir) : NULL;
	struct user_facts u = { name, c->pv->uid, home };
	char path[PATH_MAX];
	size_t n = 0;

	for (size_t i = 0; i < c->conf.n_mount_dir; i++) {
		const struct conf_entry *d = &c->conf.mount_dir[i];

		if (conf_expand(d->value, &u, path, sizeof(path)) == 0 &&
		    mountdir_id(path, &c->allowed[n]) == 0)
			c->allowed_line[n++] = d->line;
	}
	free(name);
	free(home);
	c->n_allowed = n;
}

/* 0 (and which line allowed it), or -errno as mountdir_find says. */
static int within_mount_dir(struct mctx *c)
{
	int start = c->rootmode == S_IFDIR ? c->pinfd : c->parentfd, e;
	size_t which;

	if (c->pv->root || c->conf.n_mount_dir == 0)
		return 0;
	e = c->n_allowed ? mountdir_find(start, c->allowed, c->n_allowed,
					 c->pv->uid, &which) : -EACCES;
	c->mount_dir_line = e ? 0 : c->allowed_line[which];
	return e;
}

static void check_mount_dir(struct mctx *c)
{
	int e;

	if (!c->pv->root && c->conf.n_mount_dir)
		allowed_dirs(c);
	e = within_mount_dir(c);
	if (e == -EACCES || e == -EXDEV) {
		decided_line = c->conf.mount_dir[0].line;
		die("mountpoint %s is not within a mount_dir of %s%s", c->path.abs,
		    FUSE_CONF, e == -EXDEV ? " (the way up crosses another mount)" : "");
	}
	if (e)
		die("cannot tell whether mountpoint %s is within a mount_dir: %s",
		    c->path.abs, strerror(-e));
}

/* ------------------------------------------------------- allow_other */

static bool in_group(const char *name, gid_t gid)
{
	const struct group *g = getgrnam(name);
	gid_t *list;
	bool found = false;
	int n;

	if (!g || g->gr_gid == gid)
		return g != NULL;
	n = getgroups(0, NULL);
	list = n > 0 ? calloc((size_t)n, sizeof(*list)) : NULL;
	n = list ? getgroups(n, list) : 0;
	for (int i = 0; i < n && !found; i++)
		found = list[i] == g->gr_gid;
	free(list);
	return found;
}

/* user_allow_other, or an allow_other_group the caller belongs to. */
static bool may_allow_other(struct mctx *c)
{
	bool member[FM_CONF_LIST_MAX];

	if (c->conf.user_allow_other) {
		c->allow_other_line = c->conf.allow_other_line;
		return true;
	}
	for (size_t i = 0; i < c->conf.n_group; i++)
		member[i] = in_group(c->conf.group[i].value, c->pv->gid);
	c->allow_other_line = policy_group_allow_other(&c->conf, member);
	return c->allow_other_line != 0;
}

static void unsafe_option(void *arg, const char *opt)
{
	(void)arg;
	msg("unsafe option %s ignored", opt);
}

static void check_reattach(struct mctx *c)
{
	enum grace_verdict v;

	if (!c->o.reattach_grace)
		return;
	if (!c->o.auto_unmount)
		die("option reattach needs auto_unmount");
	if (!c->pv->can_fsroot)
		die("option reattach needs the helper to hold CAP_SETUID and CAP_SETGID");
	if (c->pv->root)
		return;
	v = policy_reattach_grace(&c->conf, &c->o);
	decided_line = c->conf.reattach_grace_max_line;
	if (v == GRACE_OFF)
		die("option reattach is not allowed: reattach_grace_max=0 is set in %s",
		    FUSE_CONF);
	if (v == GRACE_OVER)
		die("option reattach=%u is more than reattach_grace_max=%d set in %s",
		    c->o.reattach_grace, c->conf.reattach_grace_max, FUSE_CONF);
	decided_line = 0;
}

static void parse_options(struct mctx *c)
{
	struct opt_ctx ctx = {
		.root = c->pv->root,
		.may_allow_other = may_allow_other(c),
		.unsafe = unsafe_option,
	};
	struct opt_error e;
	int n;

	if (opts_parse(c->a->opts, &ctx, &c->o, &e) == 0) {
		check_reattach(c);
		return;
	}
	n = (int)e.len;
	switch (e.status) {
	case OPT_NEED_ALLOW_OTHER:
		die("option %.*s only allowed if 'user_allow_other' is set in %s",
		    n, e.opt, FUSE_CONF);
	case OPT_BLKDEV:
		die("option blkdev is privileged");
	case OPT_TOO_LONG:
		die("mount options too long");
	case OPT_BAD_VALUE:
		die("invalid value in option '%.*s'", n, e.opt);
	case OPT_NOMEM:
		die("failed to allocate memory");
	case OPT_UNKNOWN:
	case OPT_OK:
		break;
	}
	die("unknown option '%.*s'", n, e.opt);
}

#define X_OPTS_MSG "x- options too long (more than %d bytes) to record in %s"
#define TARGET_MSG "mountpoint %s too long (more than %d bytes) to record in %s"

/* What a user's utab record may hold (FM_UTAB_*_MAX): checked whether or
 * not utab exists, so that a mount does not work on one machine only. */
static void check_record_size(const struct mctx *c)
{
	if (c->pv->root)
		return;
	if (c->o.x_opts && strlen(c->o.x_opts) > FM_UTAB_X_OPTS_MAX)
		die(X_OPTS_MSG, FM_UTAB_X_OPTS_MAX, FM_UTAB);
	if (strlen(c->path.abs) > FM_UTAB_TARGET_MAX)
		die(TARGET_MSG, c->path.abs, FM_UTAB_TARGET_MAX, FM_UTAB);
}

/* Everything that can refuse a mount runs here, before anything is sent. */
static void prepare(struct mctx *c)
{
	alarm(FM_PREPARE_TIMEOUT);
	open_device(c);
	if (!c->conf_read)
		read_conf(c);
	check_conf(c);
	check_mount_max(c);
	pin_mountpoint(c);
	check_mount_dir(c);
	parse_options(c);
	check_record_size(c);
	alarm(0);
}

/* -------------------------------------------------------- mount: finish */

/*
 * In --sync-init mode the kernel's FUSE_INIT waits inside CMD_CREATE for
 * the library's server.  If the library goes away meanwhile nobody will
 * answer, so a guard thread watches the socket while (and only while) the
 * mount is not yet attached, and ends the helper: nothing is left behind.
 */
enum { GUARD_ARMED, GUARD_IDLE, GUARD_FIRED, GUARD_PEER_GONE };
static atomic_int guard_state = GUARD_IDLE;
static int guard_sock = -1;
static int guard_stop[2] = { -1, -1 };
static pthread_t guard_thread;

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
		msg("connection closed while the filesystem was starting");
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

/* Ends the thread: uid changes later must not meet a second thread
 * (glibc aborts when one cannot follow a setresuid()). */
static void guard_end(void)
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

/* false: do not start the blocking call, the library is gone */
static bool guard_hook(bool begin)
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

static void guard_start(int sock)
{
	if (pipe2(guard_stop, O_CLOEXEC))
		return;		/* the alarm still bounds the wait */
	guard_sock = sock;
	if (pthread_create(&guard_thread, NULL, guard_main, NULL) != 0) {
		close(guard_stop[0]);
		close(guard_stop[1]);
		guard_sock = -1;
	}
}

/* ------------------------------------------- mount_max, user_mount_max */

/*
 * Exact limits with any number of helpers at once (lockfile.h).  Just
 * before the mount is attached (after FUSE_INIT, see mount.h), a helper
 * takes an attach slot of /run/fusermount3.lock (a lock whose offset
 * says whose and in which mount namespace), and only then counts the
 * slots of the others and the FUSE mounts.  Of any two helpers the later to count sees the earlier's
 * slot (or, once attached, its mount), so the last one admitted has seen
 * all the others: the limits hold with no lock shared by all users, hence
 * none a caller could keep by stopping its own helper.  Over the limit by
 * mounts alone: refused; only with slots in flight (which may fail, or be
 * a mount counted twice for an instant): the slot is given back and the
 * count repeated, until FM_LOCK_TIMEOUT_MS.  The slot of an admitted
 * helper is held until move_mount or mount(2) returned; a byte per user
 * keeps one user's helpers to one undecided slot at a time.  Nothing is
 * held across a wait for the library or the daemon except the slot.  Root
 * takes no part, as in the reference.
 */
static bool limits_apply(const struct mctx *c)
{
	return !c->pv->root && (c->conf.mount_max >= 0 || c->conf.user_mount_max >= 0);
}

/* The lock could not be had (-ETIMEDOUT: not in time) or used. */
static void cannot_enforce(const struct mctx *c, int e)
{
	const char *name = c->conf.mount_max >= 0 ? "mount_max" : "user_mount_max";

	if (e == -ETIMEDOUT)
		msg("cannot enforce %s: timed out after %d seconds waiting for %s",
		    name, FM_LOCK_TIMEOUT_MS / 1000, FM_LOCK_FILE);
	else
		msg("cannot enforce %s: %s: %s", name, FM_LOCK_FILE, strerror(-e));
}

/*
 * Opens the lock file with root's file identity, before the guard thread
 * exists (uid changes must not meet a second thread).  Without
 * CAP_SETUID/CAP_SETGID (file capabilities with cap_sys_admin alone) there
 * is no lock: user_mount_max is then refused, mount_max counted without.
 */
static int limits_open(struct mctx *c)
{
	int e;

	if (!limits_apply(c))
		return 0;
	if (!c->pv->can_fsroot) {
		if (c->conf.user_mount_max < 0)
			return 0;
		msg("cannot enforce user_mount_max: %s: %s", FM_LOCK_FILE, strerror(EPERM));
		return -EPERM;
	}
	e = privs_fsroot_begin(c->pv);
	if (!e) {
		c->lim.fd = lock_open(FM_LOCK_FILE);
		e = c->lim.fd < 0 ? c->lim.fd : 0;
		privs_fsroot_end(c->pv);
	}
	if (!e)
		e = lock_mntns(&c->lim.mntns);
	if (e)
		cannot_enforce(c, e);
	return e;
}

static void limits_close(struct mctx *c)
{
	if (c->lim.fd >= 0)
		close(c->lim.fd);
	c->lim.fd = -1;
	c->lim.slot = -1;
}

/*
 * The slots of the others first, the mounts second: a helper gives its
 * slot back only after its mount is attached, so one that is not in the
 * slots any more is in the mounts (or counted twice, which only makes us
 * look again); the other order could miss it in between.
 */
static int limits_count(struct mctx *c, struct limit_counts *n)
{
	int e = 0;

	n->in_flight = n->mine_in_flight = 0;
	if (c->lim.fd >= 0)
		e = lock_slots_count(c->lim.fd, c->lim.mntns, c->pv->uid,
				     &n->in_flight, &n->mine_in_flight);
	if (e) {
		cannot_enforce(c, e);
		return e;
	}
	e = mounts_count_fuse(c->pv->uid, &n->mounts, &n->mine);
	if (e)
		msg("failed to list mounts: %s", strerror(-e));
	return e;
}

static int limits_refuse(struct mctx *c, enum limit_verdict v)
{
	if (v == LIMIT_MOUNT_MAX || v == LIMIT_WAIT_MOUNT_MAX) {
		msg(MAX_MSG, FUSE_CONF);
		return -ENOSPC;
	}
	msg(USER_MAX_MSG, c->conf.user_mount_max, FUSE_CONF);
	return -EDQUOT;
}

/* A slot, then the count: the slot kept and 0, or given back and 1 to
 * look again, or -errno after saying why.  Under the caller's byte. */
static int limits_slot_and_count(struct mctx *c, enum limit_verdict *v)
{
	struct limit_counts n;
	int e;

	c->lim.slot = lock_slot_take(c->lim.fd, c->lim.mntns, c->pv->uid);
	if (c->lim.slot < 0) {
		e = (int)c->lim.slot;
		cannot_enforce(c, e);
		return e;
	}
	e = limits_count(c, &n);
	*v = e ? LIMIT_OK : policy_limits(&c->conf, &n);
	if (!e && *v == LIMIT_OK)
		return 0;
	lock_slot_release(c->lim.fd, c->lim.slot);
	c->lim.slot = -1;
	if (e)
		return e;
	if (*v == LIMIT_MOUNT_MAX || *v == LIMIT_USER_MAX)
		return limits_refuse(c, *v);
	return 1;
}

static int limits_look(struct mctx *c, int64_t deadline, enum limit_verdict *v)
{
	off_t me = lock_user_off(c->pv->uid);
	int e = lock_take(c->lim.fd, me, 1, deadline);

	if (e) {
		cannot_enforce(c, e);
		return e;
	}
	e = limits_slot_and_count(c, v);
	lock_release(c->lim.fd, me, 1);
	return e;
}

static int limits_reserve(struct mctx *c)
{
	int64_t deadline = lock_deadline(FM_LOCK_TIMEOUT_MS);
	enum limit_verdict v = LIMIT_OK;
	struct limit_counts n;
	int e;

	if (c->lim.fd < 0) {	/* no lock to be had: count, nothing more */
		e = limits_count(c, &n);
		v = e ? LIMIT_OK : policy_limits(&c->conf, &n);
		return e ? e : v == LIMIT_OK ? 0 : limits_refuse(c, v);
	}
	while ((e = limits_look(c, deadline, &v)) == 1)
		if (!lock_pause(deadline))
			return limits_refuse(c, v);
	return e;
}

/* The backends' attach hook: a slot before the attach, none after it.
 * The count runs as the caller, with no capability effective. */
static int limits_attach(void *arg, bool begin)
{
	struct mctx *c = arg;
	int e;

	if (!limits_apply(c))
		return 0;
	if (!begin) {
		if (c->lim.slot >= 0)
			lock_slot_release(c->lim.fd, c->lim.slot);
		c->lim.slot = -1;
		return 0;
	}
	privs_lower();
	e = limits_reserve(c);
	c->lim.said = e != 0;
	if (c->pv->can_mount && privs_raise(CAP_SYS_ADMIN) && !e) {
		limits_attach(c, false);
		e = -EPERM;
	}
	return e;
}

static int run_backend(struct mctx *c, struct mount_err *e)
{
	struct mount_req r = {
		.devfd = c->devfd, .devname = c->devname, .pinfd = c->pinfd,
		.rootmode = c->rootmode, .uid = c->pv->uid, .gid = c->pv->gid,
		.root = c->pv->root, .o = &c->o, .blocking = guard_hook,
		.attach = limits_attach, .attach_arg = c,
	};
	const char *b = c->env->backend;
	int err = -ENOSYS;

	c->done.mntfd = -1;
	if (c->pv->can_mount)
		privs_raise(CAP_SYS_ADMIN);
	if (!b || strcmp(b, "legacy") != 0)
		err = fsmount_mount(&r, &c->done, e);
	if (err == -ENOSYS && !(b && strcmp(b, "fsmount") == 0))
		err = legacy_mount(&r, &c->done, e);
	privs_lower();
	return err;
}

/* The mount must be where we pinned it, FUSE, and the caller's. */
static int verify_mount(struct mctx *c)
{
	struct mnt_ref pin;
	struct mnt_info mi;
	int e;

	/* mount(2) gives no fd: take the new mount once, by its name in the
	 * pinned parent, and check (and later undo) it through that fd */
	if (c->done.mntfd < 0)
		c->done.mntfd = openat(c->parentfd, c->path.last,
				       O_PATH | O_NOFOLLOW | O_CLOEXEC);
	e = c->done.mntfd >= 0 ? mounts_id_at(c->done.mntfd, "", &c->ref) : -errno;
	if (!e)
		e = mounts_id_at(c->pinfd, "", &pin);
	if (!e)
		e = mounts_info(&c->ref, &mi);
	if (e)
		return e;
	if (mi.parent.id != pin.id || !mounts_is_fuse(&mi) ||
	    (!c->pv->root && (!mi.has_user_id || mi.user_id != c->pv->uid ||
			      !mi.nosuid || !mi.nodev)))
		e = -EPERM;
	c->target = mi.target;
	return e;
}

/* Through the new mount's own fd: exactly that mount (see unmount.h). */
static void undo_mount(struct mctx *c)
{
	int fd = c->done.mntfd >= 0 ? c->done.mntfd : c->pinfd;
	int e = unmount_detach_fd(c->pv, fd);

	if (e)
		msg("failed to undo the mount: %s", strerror(-e));
	if (!c->in_utab)
		return;
	e = privs_fsroot_begin(c->pv);
	if (!e) {
		e = utab_remove(c->target);
		privs_fsroot_end(c->pv);
	}
	if (e)
		msg(UTAB_KEPT_MSG, c->target, FM_UTAB, strerror(-e));
	c->in_utab = false;
}

static char *utab_options(const struct mctx *c)
{
	const struct passwd *pw = c->pv->root ? NULL : getpwuid(c->pv->uid);
	const char *x = c->o.x_opts;
	char *s = NULL;

	if (!c->pv->root && !pw)
		return NULL;
	if (asprintf(&s, "%s%s%s%s", pw ? "user=" : "", pw ? pw->pw_name : "",
		     pw && x ? "," : "", x ? x : "") < 0)
		return NULL;
	return s;
}

/*
 * Bookkeeping for mount(8) and friends: the record names the mount point
 * the kernel gives for the new mount's ID.  A failure to write it only
 * warns (the next helper's pruning heals what is left); a mount that is
 * no longer where the record would say is undone (-ESTALE).
 */
static int record_utab(struct mctx *c)
{
	char *opts;
	int e;

	/* file capabilities without CAP_SETUID/CAP_SETGID: no utab, as
	 * documented, and no warning on every mount */
	if (!utab_present() || !c->pv->can_fsroot)
		return 0;
	opts = utab_options(c);
	if (!opts || !*opts) {
		if (!opts)
			msg("could not determine username; not recorded in %s", FM_UTAB);
		free(opts);
		return 0;
	}
	e = privs_fsroot_begin(c->pv);
	if (!e) {
		e = utab_add(&c->ref, c->done.source, c->target, c->done.type, opts);
		privs_fsroot_end(c->pv);
	}
	free(opts);
	c->in_utab = !e;
	if (e == -ESTALE) {
		msg("mountpoint %s moved before the mount was recorded in %s; "
		    "mount undone", c->path.abs, FM_UTAB);
		undo_mount(c);
		return e;
	}
	if (e)
		msg("failed to record the mount in %s: %s", FM_UTAB, strerror(-e));
	return 0;
}

static void report_mount_error(int err, const struct mount_err *e)
{
	if (err == -ECONNRESET && guard_state == GUARD_PEER_GONE)
		msg("connection closed while the filesystem was starting");
	else if (e->detail[0] && strcmp(e->detail, "mount options too long") == 0)
		msg("%s", e->detail);
	else if (e->detail[0])
		msg("mount failed: %s (%s: %s)", strerror(-err), e->step, e->detail);
	else
		msg("mount failed: %s", strerror(-err));
}

/* A file's place is its directory: the new mount must still be what
 * the name in the checked directory leads to (a mounted file cannot be
 * renamed any more, so this holds from now on). */
static int file_still_there(const struct mctx *c)
{
	struct mnt_ref r;
	int e;

	if (c->rootmode == S_IFDIR)
		return 0;
	e = mounts_id_at(c->parentfd, c->path.last, &r);
	return e ? e : r.id == c->ref.id ? 0 : -EACCES;
}

/* After the mount: it is on the pinned inode; is that still allowed? */
static int recheck_mount_dir(struct mctx *c)
{
	int e = within_mount_dir(c);

	if (!e && !c->pv->root && c->conf.n_mount_dir)
		e = file_still_there(c);
	if (e)
		msg("mountpoint %s is no longer within a mount_dir of %s; "
		    "mount undone", c->path.abs, FUSE_CONF);
	return e ? -EPERM : 0;
}

/* The record will name the kernel's mount point of the new mount: within
 * the bound (a rename of a parent since prepare may have made it longer). */
static int check_target(const struct mctx *c)
{
	if (c->pv->root || strlen(c->target) <= FM_UTAB_TARGET_MAX)
		return 0;
	msg(TARGET_MSG "; mount undone", c->target, FM_UTAB_TARGET_MAX, FM_UTAB);
	return -ENAMETOOLONG;
}

static int mount_and_verify(struct mctx *c)
{
	struct mount_err e = { .step = "mount" };
	int err;

	alarm(FM_FINISH_TIMEOUT);
	err = run_backend(c, &e);
	alarm(0);
	guard_end();
	if (err) {
		if (!c->lim.said)
			report_mount_error(err, &e);
		return err;
	}
	err = verify_mount(c);
	if (err)
		msg("mount on %s failed verification: %s", c->path.abs,
		    strerror(-err));
	if (!err)
		err = recheck_mount_dir(c);
	if (!err)
		err = check_target(c);
	if (err)
		undo_mount(c);
	return err;
}

/* reattach: the watcher's socket exists before the server gets the
 * mount, so its first --reattach finds it. */
static int listen_for_reattach(struct mctx *c)
{
	if (!c->o.reattach_grace)
		return 0;
	c->lsock = reattach_listen(c->pv, &c->ref);
	if (c->lsock >= 0)
		return 0;
	msg("failed to listen for reattach of %s: %s", c->path.abs,
	    strerror(-c->lsock));
	undo_mount(c);
	return c->lsock;
}

/* 0, or -errno after saying why; no mount is left on failure.  With a
 * socket, the guard thread watches it while the mount is being made. */
static int finish(struct mctx *c, int guard_sock_fd)
{
	int err = limits_open(c);

	if (!err && guard_sock_fd >= 0)
		guard_start(guard_sock_fd);
	if (!err)
		err = mount_and_verify(c);
	limits_close(c);
	if (!err)
		err = listen_for_reattach(c);
	if (!err)
		err = record_utab(c);
	return err;
}

/* ------------------------------------------------------ auto_unmount */

/* The watcher's only fds; the last two only with reattach. */
enum { WATCH_SOCK = 3, WATCH_PARENT, WATCH_DEV, WATCH_LISTEN, WATCH_MAX };

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

/* fds: WATCH_SOCK, WATCH_PARENT[, WATCH_DEV, WATCH_LISTEN with grace] */
static int watch_keep(const struct privs *pv, const struct mpath *p,
		      const int *fds, int n, const struct mnt_ref *ref,
		      unsigned int grace)
{
	struct um_req q = { .pv = pv, .abs = p->abs, .parent = p->parent,
			    .last = p->last, .lazy = true, .expect = ref,
			    .pfd = WATCH_PARENT };
	int err;

	if (detach(fds, n))
		return EXIT_FAILURE;
	utab_settle();		/* the record's child, if it went on alone */
	privs_unload();		/* small while it waits: back when it unmounts */
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
	return EXIT_SUCCESS;
}

/* Waits for the daemon's end, then removes its mount if it is dead; pfd
 * is the mountpoint's parent, pinned before the mount was checked. */
static int watch(const struct privs *pv, const struct mpath *p, int sock,
		 int pfd, const struct mnt_ref *ref)
{
	const int fds[] = { sock, pfd };

	return watch_keep(pv, p, fds, 2, ref, 0);
}

static int cmd_auto_unmount(const struct privs *pv, const struct mpath *p,
			    const struct args *a, const struct env *env)
{
	struct um_req q = { .pv = pv, .abs = p->abs, .parent = p->parent,
			    .last = p->last, .lazy = true, .pfd = -1 };
	struct mnt_ref ref;
	int sock = comm_fd(a, env), err;

	alarm(FM_PREPARE_TIMEOUT);
	if (unmount_find(&q, &ref, &err) != UM_OK)
		die("%s is not a FUSE mount of the caller", p->abs);
	alarm(0);
	free(q.target);
	return watch(pv, p, sock, q.pfd, &ref);
}

/*
 * --reattach: the caller's own mount, found as -u finds it; its watcher
 * hands over the kept /dev/fuse fd, which goes to the caller's socket as a
 * mount's fd does.  The watcher watches the caller's socket from then on.
 */
static int cmd_reattach(const struct privs *pv, const struct mpath *p,
			const struct args *a, const struct env *env)
{
	struct um_req q = { .pv = pv, .abs = p->abs, .parent = p->parent,
			    .last = p->last, .lazy = true, .pfd = -1 };
	struct mnt_ref ref;
	int sock = comm_fd(a, env), dev, err, e;

	alarm(FM_PREPARE_TIMEOUT);
	if (unmount_find(&q, &ref, &err) != UM_OK)
		die("%s is not a FUSE mount of the caller", p->abs);
	alarm(0);
	close(q.pfd);
	free(q.target);
	e = reattach_request(pv, &ref, sock, &dev);
	if (e == -ENOENT)
		die("%s was not mounted with reattach", p->abs);
	if (e == -EBUSY)
		die("%s has a server attached", p->abs);
	if (e)
		die("failed to reattach %s: %s", p->abs, strerror(-e));
	e = proto_send_fd(sock, dev);
	if (e)
		die("sending file descriptor: %s", strerror(-e));
	close(dev);
	log_ok();
	privs_drop_all();
	return EXIT_SUCCESS;
}

/* ---------------------------------------------------------- protocols */

static void release(struct mctx *c)
{
	if (c->done.mntfd >= 0)
		close(c->done.mntfd);
	close(c->devfd);
	close(c->pinfd);
	if (c->parentfd >= 0)
		close(c->parentfd);
	c->done.mntfd = -1;
	c->parentfd = -1;
}

static int after_mount(struct mctx *c)
{
	int pfd = c->parentfd;

	c->parentfd = -1;	/* the watcher keeps it */
	log_ok();
	if (c->o.reattach_grace) {
		const int fds[] = { c->cfd, pfd, c->devfd, c->lsock };

		return watch_keep(c->pv, &c->path, fds, 4, &c->ref,
				  c->o.reattach_grace);
	}
	release(c);
	if (c->o.auto_unmount)
		return watch(c->pv, &c->path, c->cfd, pfd, &c->ref);
	close(pfd);
	privs_drop_all();
	return EXIT_SUCCESS;
}

static int send_fd_or_say(struct mctx *c)
{
	int e = proto_send_fd(c->cfd, c->devfd);

	if (e)
		fprintf(stderr, "sending file descriptor: %s\n", strerror(-e));
	return e;
}

static int cmd_mount_classic(struct mctx *c)
{
	prepare(c);
	if (finish(c, -1))
		return EXIT_FAILURE;
	if (send_fd_or_say(c)) {
		undo_mount(c);
		return EXIT_FAILURE;
	}
	return after_mount(c);
}

static int wait_proceed(struct mctx *c)
{
	int e = proto_wait_proceed(c->cfd, FM_PROCEED_TIMEOUT_SEC);

	if (e == -ECONNRESET)
		msg("connection closed while waiting for signal");
	else if (e == -ETIMEDOUT)
		msg("timed out after %i seconds waiting for signal",
		    FM_PROCEED_TIMEOUT_SEC);
	else if (e)
		msg("error receiving signal: %s", strerror(-e));
	if (e == -ETIMEDOUT)
		proto_send_status(c->cfd, -ETIMEDOUT);
	return e;
}

static int cmd_mount_sync_init(struct mctx *c)
{
	int err, e;

	prepare(c);
	if (send_fd_or_say(c) || wait_proceed(c))
		return EXIT_FAILURE;
	err = finish(c, c->cfd);
	if (err) {
		proto_send_status(c->cfd, err < 0 ? err : -EIO);
		return EXIT_FAILURE;
	}
	e = proto_send_status(c->cfd, 0);
	if (e) {
		msg("failed to send mount status: %s", strerror(-e));
		undo_mount(c);
		return EXIT_FAILURE;
	}
	return after_mount(c);
}

static int cmd_mount(struct mctx *c)
{
	c->cfd = comm_fd(c->a, c->env);
	return c->a->sync_init ? cmd_mount_sync_init(c) : cmd_mount_classic(c);
}

/* --check: every prepare step as the caller, without any privilege. */
static int cmd_check(struct mctx *c)
{
	checking = true;
	read_conf(c);	/* may need root's file access: see peek_unreadable_conf */
	c->conf_read = true;
	if (privs_drop_all())
		die("failed to drop privileges");
	prepare(c);
	printf("allow: %s\n", c->path.abs);
	print_decided(c->mount_dir_line);
	if (c->o.allow_other)
		print_decided(c->allow_other_line);
	if (c->o.reattach_grace && !c->pv->root)
		print_decided(c->conf.reattach_grace_max_line);
	return EXIT_SUCCESS;
}

static void mctx_free(struct mctx *c)
{
	mpath_free(&c->path);
	opts_free(&c->o);
	free(c->target);
}

static void env_free(struct env *e)
{
	free(e->commfd);
	free(e->device);
	free(e->backend);
}

/* ---------------------------------------------------------------- main */

int main(int argc, char **argv)
{
	struct env env;
	struct privs pv;
	struct args a;
	/* static: 19 KiB, mostly policy lists; on the stack its initialiser
	 * wrote (and so kept resident) all of it in every run, the watcher's
	 * included; in .bss only the pages used are ever touched */
	static struct mctx c;
	int e;

	c.cfd = c.devfd = c.parentfd = c.pinfd = c.lsock = -1;
	c.lim.fd = -1;
	c.lim.slot = -1;
	harden();
	if (argc > 0 && argv[0])
		progname = argv[0];
	env_take(&env);		/* first: getopt reads POSIXLY_CORRECT */
	/* before privs_reduce(): --help etc. end here, as the caller, and a
	 * bad command line is refused before any capability work */
	parse_args(argc, argv, &a);
	e = privs_reduce(&pv);
	if (e)
		die("failed to drop privileges: %s", strerror(-e));
	log_begin(pv.uid, pv.root, conf_log_level);
	log_args(&a);
	if (a.list) {
		env_free(&env);
		return cmd_list(&pv, a.json);
	}
	if (!*a.mnt)
		die("invalid mountpoint ''");
	/* realpath(3) of the parent may meet a hung filesystem too */
	alarm(FM_PREPARE_TIMEOUT);
	e = resolve(a.mnt, &c.path);
	alarm(0);
	if (e)
		die("bad mount point %s: %s", a.mnt, strerror(-e));
	log_set_mountpoint(c.path.abs);
	c.pv = &pv;
	c.a = &a;
	c.env = &env;
	if (a.check)
		e = cmd_check(&c);
	else if (a.reattach)
		e = cmd_reattach(&pv, &c.path, &a, &env);
	else if (a.abort)
		e = cmd_abort(&pv, &c.path, &a);
	else if (a.auto_unmount_only)
		e = cmd_auto_unmount(&pv, &c.path, &a, &env);
	else if (a.unmount)
		e = cmd_unmount(&pv, &c.path, &a);
	else
		e = cmd_mount(&c);
	finishing(e);
	log_end(e);
	mctx_free(&c);
	env_free(&env);
	return e;
}
