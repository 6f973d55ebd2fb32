// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fusermount.c - the setuid helper's main: start-up hardening, argv,
 * environment, mode dispatch.  The only file that prints diagnostics and
 * chooses exit codes; the modules return negative errno values or
 * verdicts (verdict.h) and speak through the notes given to them.
 *
 * Flow of a mount (see README "Design"), each step in one file:
 *   harden -> parse argv (--help, --version, --features answer here, as
 *   the caller) -> harden_more -> privs_reduce (run as the caller) ->
 *   resolve path
 *   (mctx.c) -> prepare.c: may this user mount here? (device, fuse.conf,
 *   mount_max, pin and check the mountpoint, mount_dir, every option)
 *   -> finish.c: classic: finish, send fd
 *                --sync-init: send fd, wait proceed, finish, send status
 *      finish = mount onto the pinned fd (mountmax.c's attach slot,
 *      guard.c's peer watch), verify it, record it in utab
 *   -> watch.c: the auto_unmount watcher.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

#include "finish.h"
#include "list.h"
#include "log.h"
#include "mctx.h"
#include "prepare.h"
#include "privs.h"
#include "proto.h"
#include "unmount_cmd.h"
#include "verdict.h"
#include "watch.h"

#ifndef FM_VERSION
#define FM_VERSION "3.19.0"
#endif

#define FM_EXIT_TIMEOUT 5	/* seconds; from a decision to the exit */

static volatile sig_atomic_t decided_status;
static bool decided_armed;	/* finishing() ran */

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

	/* said again with the same outcome (-u: the command, then main):
	 * the bound set the first time runs on, as nothing re-arms the
	 * alarm once an outcome is decided */
	if (decided_armed && decided_status == status)
		return;
	decided_armed = true;
	decided_status = status;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	left = alarm(FM_EXIT_TIMEOUT);
	if (left && left < FM_EXIT_TIMEOUT)
		alarm(left);
}

static const char *progname = "fusermount3";

/* "progname: text" or, for --check's verdict, "deny: text" */
static void put(FILE *f, bool deny, const char *text)
{
	if (deny)
		fputs("deny: ", f);
	else
		fprintf(f, "%s: ", progname);
	fputs(text, f);
	fputc('\n', f);
}

/*
 * Every message reaches the caller here: the notes the phases say on the
 * way, told to the caller (unless quiet) and kept as the log's reason
 * (log.h); the bare ones as they are, unlogged.
 */
static void say(void *arg, enum note_how how, const char *text)
{
	(void)arg;
	if (how == NOTE_BARE) {
		fprintf(stderr, "%s\n", text);
		return;
	}
	if (how == NOTE_TOLD)
		put(stderr, false, text);
	log_note(text);
}

/* a phase's outcome is decided: the rest is bounded (finishing) */
static void decided(void *arg, int err)
{
	(void)arg;
	finishing(err ? EXIT_FAILURE : EXIT_SUCCESS);
}

static const struct notes out = { .say = say, .decided = decided };

#define msg(...) note(&out, __VA_ARGS__)

/*
 * --check prints its verdict on stdout: "deny: <the message a mount would
 * print>" and the fuse.conf line that decided it, or "allow: ...".
 */
static bool checking;
/* prepare.c found that the caller may not read it: no line numbers */
static const bool *conf_hidden;

/* The line of fuse.conf behind a verdict, unless the caller may not read
 * the file: then only that the file decided it. */
static void print_decided(int line)
{
	if (line && conf_hidden && *conf_hidden)
		printf("decided by %s\n", FUSE_CONF);
	else if (line)
		printf("decided by %s line %d\n", FUSE_CONF, line);
}

/*
 * The one place a verdict ends the command: V_GO returns; a refusal is
 * said (with --check as "deny: " on stdout, with the deciding line),
 * logged as refused with its line, and exits 1; a failure is said as a
 * note and exits 1.
 */
static void verdict_end(struct verdict v)
{
	if (v.kind == V_GO)
		return;
	if (v.kind == V_FAILED) {
		msg("%s", v.text);
		exit(EXIT_FAILURE);
	}
	finishing(EXIT_FAILURE);
	put(checking ? stdout : stderr, checking, v.text);
	if (checking)
		print_decided(v.line);
	/* the line is for the admin reading the log, even if hidden above */
	log_refused(v.text, FUSE_CONF, v.line);
	exit(EXIT_FAILURE);
}

/* A refusal of this file's own (argv, the environment): no errno, no line */
static void __attribute__((noreturn, format(printf, 1, 2)))
refuse(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verdict_end((struct verdict){ .kind = V_REFUSED,
				      .text = verdict_vformat(fmt, ap) });
	va_end(ap);
	exit(EXIT_FAILURE);
}

#define die(...) refuse(__VA_ARGS__)

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

/*
 * fds 0-2 open, before anything is opened.  glibc does it itself for a
 * set-user-ID or file-capability start (AT_SECURE), before main, in the
 * dynamic loader or the static start-up (its check_fds.c: /dev/null or
 * /dev/full opened in their place, verified by device number, or no
 * start at all); a run without AT_SECURE (root's, say) is checked here.
 */
static void std_fds_open(void)
{
#ifdef __GLIBC__
	if (getauxval(AT_SECURE))
		return;
#endif
	for (int fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) == -1 &&
		    open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY) != fd)
			_exit(EXIT_FAILURE);
}

/*
 * fds 0-2 open, and what an answer or a refusal of the command line
 * needs, before anything is written: a write to a closed pipe or past
 * RLIMIT_FSIZE fails instead of killing, and SIGALRM is deliverable (a
 * refusal is bounded by finishing(), which sets its own handler).
 */
static void harden(void)
{
	sigset_t s;

	std_fds_open();
	signal(SIGPIPE, SIG_IGN);
	/* RLIMIT_FSIZE must make a write fail, not kill us between the
	 * mount and the fd send (a dead orphan mount) */
	signal(SIGXFSZ, SIG_IGN);
	sigemptyset(&s);
	sigaddset(&s, SIGALRM);
	sigprocmask(SIG_UNBLOCK, &s, NULL);
}

/* The rest of the known state, once the command line said there is more
 * to do than an answer (--help, --version, --features fork nothing,
 * create nothing and set no alarm), before anything is opened. */
static void harden_more(void)
{
	signal(SIGCHLD, SIG_DFL);	/* the utab child must be waitable */
	signal(SIGALRM, SIG_DFL);	/* the time limits rely on it */
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

/* ------------------------------------------- the library's socket: mount,
 * --auto-unmount, --reattach */

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

/* --auto-unmount: the watcher alone, for a mount made elsewhere */
static int cmd_auto_unmount(const struct privs *pv, const struct mpath *p,
			    const struct args *a, const struct env *env)
{
	struct mnt_ref ref;
	int fds[2];	/* WATCH_SOCK, WATCH_PARENT */

	fds[0] = comm_fd(a, env);
	verdict_end(watch_find(pv, p, &fds[1], &ref));
	return watch_keep(pv, p, fds, 2, &ref, 0) ? EXIT_FAILURE : EXIT_SUCCESS;
}

static int cmd_reattach(const struct privs *pv, const struct mpath *p,
			const struct args *a, const struct env *env)
{
	verdict_end(watch_reattach(pv, p, comm_fd(a, env)));
	log_ok();
	privs_drop_all();
	return EXIT_SUCCESS;
}

/* ---------------------------------------------------------------- mount */

static int cmd_mount(struct mctx *c, const struct args *a, const struct env *env)
{
	c->cfd = comm_fd(a, env);
	verdict_end(prepare(c));
	if (a->sync_init)
		return finish_sync_init(c) ? EXIT_FAILURE : EXIT_SUCCESS;
	return finish_classic(c) ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* --check: every prepare step as the caller, without any privilege. */
static int cmd_check(struct mctx *c)
{
	checking = true;
	/* may need root's file access: see prepare.c, peek_unreadable_conf */
	verdict_end(prepare_conf(c));
	if (privs_drop_all())
		die("failed to drop privileges");
	verdict_end(prepare(c));
	printf("allow: %s\n", c->path.abs);
	print_decided(c->mount_dir_line);
	if (c->o.allow_other)
		print_decided(c->allow_other_line);
	if (c->o.reattach_grace && !c->pv->root)
		print_decided(c->conf.reattach_grace_max_line);
	return EXIT_SUCCESS;
}

/* Does the command set its own alarm before anything can wait (a mount:
 * comm_fd's fstat, then prepare(); -u, --abort: unmount_cmd*())? */
static bool rebounds_at_once(const struct args *a)
{
	if (a->check || a->reattach || a->auto_unmount_only)
		return false;
	return true;	/* a mount, -u, --abort */
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

	mctx_init(&c);
	conf_hidden = &c.conf_hidden;
	harden();
	if (argc > 0 && argv[0])
		progname = argv[0];
	env_take(&env);		/* first: getopt reads POSIXLY_CORRECT */
	/* before privs_reduce(): --help etc. end here, as the caller, and a
	 * bad command line is refused before any capability work */
	parse_args(argc, argv, &a);
	harden_more();
	e = privs_reduce(&pv);
	if (e)
		die("failed to drop privileges: %s", strerror(-e));
	log_begin(pv.uid, pv.root, prepare_log_level);
	log_args(&a);
	if (a.list) {
		env_free(&env);
		return cmd_list(&pv, a.json);
	}
	if (!*a.mnt)
		die("invalid mountpoint ''");
	/* realpath(3) of the parent may meet a hung filesystem too; a mount,
	 * -u and --abort set their own bound right away (prepare(),
	 * unmount_cmd*()), which replaces this one: it is left running */
	alarm(FM_PREPARE_TIMEOUT);
	e = mpath_resolve(a.mnt, &c.path);
	if (!rebounds_at_once(&a))
		alarm(0);
	if (e)
		die("bad mount point %s: %s", a.mnt, strerror(-e));
	log_set_mountpoint(c.path.abs);
	c.pv = &pv;
	c.out = &out;
	c.opts = a.opts;
	c.device = env.device;
	c.backend = env.backend;
	if (a.check)
		e = cmd_check(&c);
	else if (a.reattach)
		e = cmd_reattach(&pv, &c.path, &a, &env);
	else if (a.abort)
		e = unmount_cmd_abort(&pv, &c.path, a.quiet, &out) ? EXIT_FAILURE : EXIT_SUCCESS;
	else if (a.auto_unmount_only)
		e = cmd_auto_unmount(&pv, &c.path, &a, &env);
	else if (a.unmount)
		e = unmount_cmd(&pv, &c.path, a.lazy, a.quiet, &out) ? EXIT_FAILURE
								       : EXIT_SUCCESS;
	else
		e = cmd_mount(&c, &a, &env);
	finishing(e);
	log_end(e);
	mctx_free(&c);
	env_free(&env);
	return e;
}
