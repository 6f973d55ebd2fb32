// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fmbench - the measuring half of `make bench` (bench/bench.sh prepares a
 * private mount namespace and calls this as root).
 *
 * Every sample is taken here with CLOCK_MONOTONIC around fork ... reap, so
 * the shell's own cost never enters a number.  The variants of one row run
 * interleaved, in an order rotated every iteration, so a slow period of the
 * machine hits all of them alike; each result is a median.  Besides wall
 * time the CPU time (user + system, from wait4's rusage, which the kernel
 * accounts precisely) of the measured processes is recorded.
 *
 * Usage: fmbench --ours PATH --pkg PATH --client PATH --uid N --gid N
 *                --stub-libc PATH --stub-capng PATH --stub-linked PATH
 *                --stub-static PATH
 *                --dir DIR [--iters N]
 *                [--many-iters N] [--counts a,b,c] [--mem-runs N]
 *                [--start-iters N] [--timeout SEC]
 * DIR must hold "mnt" (owned by the user) and "many" (root's, empty);
 * /run/mount/utab must exist (one row is measured without it).
 * Prints a Markdown table on stdout; progress and errors on stderr.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define OP_TIMEOUT_MS 10000	/* any single step */
#define MAX_VARIANTS 6
#define MAX_COUNTS 8

/* ------------------------------------------------------------ config */

struct cfg {
	const char *ours, *pkg, *client, *dir, *stub_libc, *stub_capng, *stub_linked;
	const char *stub_static;
	uid_t uid;
	gid_t gid;
	int iters, many_iters, mem_runs, start_iters, timeout;
	bool quick;		/* --quick: cycles and --version only */
	const char *alt[2];	/* --alt: more helpers, in --quick */
	int nalt;
	long counts[MAX_COUNTS];
	int ncounts;
	char mnt[4096], many[4096], log[4096];
};

static struct cfg C = {
	.iters = 300, .many_iters = 150, .mem_runs = 5, .start_iters = 400,
	.timeout = 240, .counts = { 0, 1000, 10000 }, .ncounts = 3,
};

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("fmbench: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void on_alarm(int sig)
{
	static const char m[] = "fmbench: overall time limit reached\n";

	(void)sig;
	if (write(2, m, sizeof(m) - 1) < 0)
		_exit(124);
	_exit(124);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static uint64_t ru_cpu_ns(const struct rusage *ru)
{
	return ((uint64_t)ru->ru_utime.tv_sec + (uint64_t)ru->ru_stime.tv_sec) *
		       1000000000ULL +
	       ((uint64_t)ru->ru_utime.tv_usec + (uint64_t)ru->ru_stime.tv_usec) *
		       1000ULL;
}

/* ----------------------------------------------------------- samples */

struct samples {
	uint64_t *v;
	int n, cap;
};

static void add(struct samples *s, uint64_t x)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->v = realloc(s->v, (size_t)s->cap * sizeof(*s->v));
		if (!s->v)
			die("out of memory");
	}
	s->v[s->n++] = x;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Median (mean of the two middle values for an even count). */
static double median(struct samples *s)
{
	if (s->n == 0)
		return 0;
	qsort(s->v, (size_t)s->n, sizeof(*s->v), cmp_u64);
	if (s->n % 2)
		return (double)s->v[s->n / 2];
	return ((double)s->v[s->n / 2 - 1] + (double)s->v[s->n / 2]) / 2;
}

/* ------------------------------------------------------------ processes */

struct proc {
	pid_t pid;
	int pidfd;
	int out;		/* read end of its stdout, or -1 */
	char buf[4096];		/* what it printed so far */
	size_t len;
};

enum who { AS_ROOT, AS_USER };

/* execve's prototype predates const; it does not write the vectors */
static char *const *unconst(const char *const *v)
{
	union { const char *const *c; char *const *m; } u = { .c = v };

	return u.m;
}

static int pidfd_open_(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

/* fork + exec argv; stdout to a pipe (capture) or /dev/null; stderr to the log. */
static void start(struct proc *p, enum who who, bool capture, const char *const argv[])
{
	static const char *const envp[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin",
				      "HOME=/", "LC_ALL=C", NULL };
	int pipefd[2] = { -1, -1 };

	memset(p, 0, sizeof(*p));
	p->out = -1;
	if (capture && pipe2(pipefd, O_CLOEXEC))
		die("pipe: %s", strerror(errno));
	p->pid = fork();
	if (p->pid < 0)
		die("fork: %s", strerror(errno));
	if (p->pid == 0) {
		int null = open("/dev/null", O_RDWR);
		int log = open(C.log, O_WRONLY | O_APPEND | O_CREAT, 0644);
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGALRM, SIG_DFL);
		dup2(null, 0);
		dup2(capture ? pipefd[1] : null, 1);
		dup2(log >= 0 ? log : null, 2);
		if (who == AS_USER &&
		    (setgroups(1, &C.gid) || setresgid(C.gid, C.gid, C.gid) ||
		     setresuid(C.uid, C.uid, C.uid)))
			_exit(126);
		close_range(3, ~0U, 0);
		execve(argv[0], unconst(argv), unconst(envp));
		_exit(127);
	}
	if (capture) {
		close(pipefd[1]);
		p->out = pipefd[0];
	}
	p->pidfd = pidfd_open_(p->pid);
	if (p->pidfd < 0)
		die("pidfd_open: %s", strerror(errno));
}

/* Reads what is there; false at EOF. */
static bool read_some(struct proc *p)
{
	ssize_t n;

	if (p->len + 1 >= sizeof(p->buf))
		p->len = 0;	/* only recent lines matter */
	n = read(p->out, p->buf + p->len, sizeof(p->buf) - 1 - p->len);
	if (n <= 0)
		return false;
	p->len += (size_t)n;
	p->buf[p->len] = '\0';
	return true;
}

static bool has_line(const struct proc *p, const char *line)
{
	size_t n = strlen(line);
	const char *s = p->buf;

	while ((s = strstr(s, line)) != NULL) {
		if ((s == p->buf || s[-1] == '\n') && s[n] == '\n')
			return true;
		s += n;
	}
	return false;
}

/* Waits (bounded) until p prints the line; false on EOF or timeout. */
static bool wait_line(struct proc *p, const char *line)
{
	uint64_t end = now_ns() + OP_TIMEOUT_MS * 1000000ULL;

	while (!has_line(p, line)) {
		struct pollfd pf = { .fd = p->out, .events = POLLIN };
		uint64_t t = now_ns();

		if (t >= end)
			return false;
		if (poll(&pf, 1, (int)((end - t) / 1000000ULL) + 1) < 0 && errno != EINTR)
			return false;
		if (pf.revents && !read_some(p))
			return has_line(p, line);
	}
	return true;
}

/* Bounded reap; returns the wait status, rusage in *ru.  Kills on timeout. */
static int reap(struct proc *p, struct rusage *ru, const char *what)
{
	struct pollfd pf = { .fd = p->pidfd, .events = POLLIN };
	struct rusage dummy;
	int st = 0;

	if (poll(&pf, 1, OP_TIMEOUT_MS) <= 0) {
		kill(p->pid, SIGKILL);
		waitpid(p->pid, &st, 0);
		die("%s (pid %d) did not exit within %d ms; see %s", what,
		    (int)p->pid, OP_TIMEOUT_MS, C.log);
	}
	if (wait4(p->pid, &st, 0, ru ? ru : &dummy) != p->pid)
		die("wait4 %s: %s", what, strerror(errno));
	close(p->pidfd);
	if (p->out >= 0) {
		while (read_some(p))
			;
		close(p->out);
	}
	return st;
}

static void expect_ok(int st, const char *what)
{
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		die("%s failed (wait status %#x); see %s", what, (unsigned)st, C.log);
}

/* ------------------------------------------------------------ variants */

enum kind { K_CLASSIC, K_SYNC, K_DIRECT, K_DIRECT_SYNC };

struct variant {
	const char *name;
	const char *helper;	/* NULL for the floor */
	enum kind kind;
};

static void client_argv(const struct variant *v, const char *mopts, const char **a)
{
	int i = 0;

	a[i++] = C.client;
	if (v->helper) {
		a[i++] = "--helper";
		a[i++] = v->helper;
	}
	a[i++] = "--mode";
	a[i++] = v->kind == K_CLASSIC ? "classic" : v->kind == K_SYNC ? "sync-init" : "direct";
	if (v->kind == K_SYNC || v->kind == K_DIRECT_SYNC)
		a[i++] = "--sync-ioctl";
	a[i++] = "-o";
	a[i++] = mopts;
	a[i++] = "--timeout";
	a[i++] = "20";
	a[i++] = C.mnt;
	a[i] = NULL;
}

#define MOPTS "fsname=fmbench,subtype=fmbench"

/* Mounts through the variant; returns the running client (serving). */
static void mount_start(const struct variant *v, const char *mopts, struct proc *cl)
{
	const char *argv[16];

	client_argv(v, mopts, argv);
	start(cl, v->helper ? AS_USER : AS_ROOT, true, argv);
	if (!wait_line(cl, "mounted")) {
		kill(cl->pid, SIGKILL);
		reap(cl, NULL, "fmclient");
		die("%s: no mount (client said: %.300s); see %s", v->name, cl->buf, C.log);
	}
}

/* `helper -u MNT` as the user, or umount2 for the floor; wall ns, CPU ns. */
static void unmount(const struct variant *v, uint64_t *wall, uint64_t *cpu)
{
	uint64_t t0 = now_ns();

	if (v->helper) {
		const char *argv[] = { v->helper, "-u", C.mnt, NULL };
		struct proc u;
		struct rusage ru;

		start(&u, AS_USER, false, argv);
		expect_ok(reap(&u, &ru, "fusermount3 -u"), "fusermount3 -u");
		*wall = now_ns() - t0;
		*cpu = ru_cpu_ns(&ru);
	} else {
		struct rusage r0, r1;

		getrusage(RUSAGE_SELF, &r0);
		if (umount2(C.mnt, 0))
			die("umount2 %s: %s", C.mnt, strerror(errno));
		getrusage(RUSAGE_SELF, &r1);
		*wall = now_ns() - t0;
		*cpu = ru_cpu_ns(&r1) - ru_cpu_ns(&r0);
	}
}

/* The client ends by itself once its filesystem is unmounted. */
static uint64_t client_end(struct proc *cl, const struct variant *v)
{
	struct rusage ru;
	int st = reap(cl, &ru, "fmclient");

	if (!has_line(cl, "served-until=unmount"))
		die("%s: client did not see the unmount (said: %.300s)", v->name, cl->buf);
	expect_ok(st, "fmclient");
	return ru_cpu_ns(&ru);
}

/* ------------------------------------------------------------ rows */

struct row {
	struct samples wall[MAX_VARIANTS], cpu[MAX_VARIANTS], maxrss[MAX_VARIANTS];
	struct samples mwall_m[MAX_VARIANTS], mwall_u[MAX_VARIANTS];	/* --quick */
	double mwall[MAX_VARIANTS], mcpu[MAX_VARIANTS], mmaxrss[MAX_VARIANTS];
};

static void row_done(struct row *r)
{
	for (int i = 0; i < MAX_VARIANTS; i++) {
		r->mwall[i] = median(&r->wall[i]);
		r->mcpu[i] = median(&r->cpu[i]);
		r->mmaxrss[i] = median(&r->maxrss[i]);
		free(r->wall[i].v);
		free(r->cpu[i].v);
		free(r->maxrss[i].v);
	}
}

static void progress(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void progress(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fflush(stderr);
}

/* Whole cycle: spawn client ... mounted ... unmount ... client gone. */
static void bench_cycles(const struct variant *vs, int nv, struct row *r,
			 const char *label)
{
	progress("cycles%s: %d x %d variants ", label, C.iters, nv);
	for (int i = 0; i < C.iters; i++) {
		for (int k = 0; k < nv; k++) {
			const struct variant *v = &vs[(i + k) % nv];
			int idx = (int)(v - vs);
			uint64_t t0 = now_ns(), uw, ucpu, ccpu;
			struct proc cl;

			mount_start(v, MOPTS, &cl);
			add(&r->mwall_m[idx], now_ns() - t0);
			unmount(v, &uw, &ucpu);
			add(&r->mwall_u[idx], uw);
			ccpu = client_end(&cl, v);
			add(&r->wall[idx], now_ns() - t0);
			add(&r->cpu[idx], ccpu + ucpu);
		}
		if (i % 50 == 49)
			progress(".");
	}
	progress(" done\n");
}

/*
 * One mount namespace per count of unrelated mounts, all alive at once, so
 * the counts can be measured interleaved (setns before each round) and a
 * slow spell of the machine cannot land on one count only.  Count 0 is our
 * own namespace; the others are held by a child that dies with us.
 */
static int ns_fd[MAX_COUNTS];
static pid_t ns_holder[MAX_COUNTS];

static void mount_crowd(long n)
{
	char path[4200];

	for (long i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%ld", C.many, i);
		if (mkdir(path, 0755) && errno != EEXIST)
			_exit(1);
		if (mount("fmbench-unrelated", path, "tmpfs", MS_NOSUID | MS_NODEV,
			  "size=4k,mode=0755"))
			_exit(2);
	}
}

static void make_namespaces(void)
{
	for (int c = 0; c < C.ncounts; c++) {
		int ready[2];
		char b, path[64];
		struct pollfd pf;

		ns_holder[c] = -1;
		if (C.counts[c] == 0) {
			ns_fd[c] = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
			if (ns_fd[c] < 0)
				die("/proc/self/ns/mnt: %s", strerror(errno));
			continue;
		}
		if (pipe2(ready, O_CLOEXEC))
			die("pipe: %s", strerror(errno));
		ns_holder[c] = fork();
		if (ns_holder[c] < 0)
			die("fork: %s", strerror(errno));
		if (ns_holder[c] == 0) {
			if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() == 1 ||
			    unshare(CLONE_NEWNS) ||
			    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
				_exit(3);
			mount_crowd(C.counts[c]);
			if (write(ready[1], "r", 1) != 1)
				_exit(4);
			for (;;)
				pause();
		}
		close(ready[1]);
		pf = (struct pollfd){ .fd = ready[0], .events = POLLIN };
		if (poll(&pf, 1, 60000) != 1 || read(ready[0], &b, 1) != 1)
			die("could not set up %ld unrelated mounts", C.counts[c]);
		close(ready[0]);
		snprintf(path, sizeof(path), "/proc/%d/ns/mnt", (int)ns_holder[c]);
		ns_fd[c] = open(path, O_RDONLY | O_CLOEXEC);
		if (ns_fd[c] < 0)
			die("%s: %s", path, strerror(errno));
		progress("namespace with %ld unrelated mounts ready\n", C.counts[c]);
	}
}

static void enter_namespace(int c)
{
	if (setns(ns_fd[c], CLONE_NEWNS))
		die("setns: %s", strerror(errno));
}

static void drop_namespaces(void)
{
	enter_namespace(0);	/* count 0 is ours */
	for (int c = 0; c < C.ncounts; c++) {
		close(ns_fd[c]);
		if (ns_holder[c] > 0) {
			kill(ns_holder[c], SIGKILL);
			waitpid(ns_holder[c], NULL, 0);
		}
	}
}

/* Mount (spawn ... "mounted") and `-u` timed apart; counts and variants
 * interleaved, both orders rotating. */
static void bench_many(const struct variant *vs, int nv, struct row *mnt,
		       struct row *um)
{
	progress("unrelated mounts:");
	for (int c = 0; c < C.ncounts; c++)
		progress(" %ld", C.counts[c]);
	progress(" interleaved, %d x %d variants ", C.many_iters, nv);
	for (int i = 0; i < C.many_iters; i++) {
		for (int j = 0; j < C.ncounts; j++) {
			int c = (i + j) % C.ncounts;

			enter_namespace(c);
			for (int k = 0; k < nv; k++) {
				const struct variant *v = &vs[(i + k) % nv];
				int idx = (int)(v - vs);
				uint64_t t0 = now_ns(), tm, uw, ucpu, ccpu;
				struct proc cl;

				mount_start(v, MOPTS, &cl);
				tm = now_ns() - t0;
				unmount(v, &uw, &ucpu);
				ccpu = client_end(&cl, v);
				add(&mnt[c].wall[idx], tm);
				add(&mnt[c].cpu[idx], ccpu);	/* client + helper */
				add(&um[c].wall[idx], uw);
				add(&um[c].cpu[idx], ucpu);
			}
		}
		if (i % 25 == 24)
			progress(".");
	}
	progress(" done\n");
}

/* The (only) child of parent; -1 if none (yet). */
static pid_t child_of(pid_t parent)
{
	char path[64];
	long pid = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)parent, (int)parent);
	f = fopen(path, "re");
	if (!f)
		die("%s: %s (CONFIG_PROC_CHILDREN needed)", path, strerror(errno));
	if (fscanf(f, "%ld", &pid) != 1)
		pid = -1;
	fclose(f);
	return (pid_t)pid;
}

/* kB of "Key:" in /proc/pid/<file>, or -1 */
static long proc_kb(pid_t pid, const char *file, const char *key)
{
	char path[64], line[256];
	size_t n = strlen(key);
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, key, n) == 0 && line[n] == ':') {
			v = strtol(line + n + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

/* "S" (sleeping) state of pid: the watcher waits for EOF */
static bool sleeping(pid_t pid)
{
	char path[64], buf[512], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p && p[1] == ' ' && p[2] == 'S';
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* Reap whatever was reparented to us (we are a subreaper). */
static void reap_orphans(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

struct memrow {
	struct samples rss[MAX_VARIANTS], hwm[MAX_VARIANTS], anon[MAX_VARIANTS];
	double mrss[MAX_VARIANTS], mhwm[MAX_VARIANTS], manon[MAX_VARIANTS];
};

static void bench_memory(const struct variant *vs, int nv, struct memrow *m)
{
	progress("auto_unmount watcher memory: %d x %d variants ", C.mem_runs, nv);
	for (int i = 0; i < C.mem_runs; i++) {
		for (int k = 0; k < nv; k++) {
			const struct variant *v = &vs[(i + k) % nv];
			int idx = (int)(v - vs);
			uint64_t uw, ucpu;
			struct proc cl;
			pid_t w = -1;
			int tries;

			mount_start(v, "auto_unmount," MOPTS, &cl);
			/* the watcher is the helper itself, still the client's child */
			for (tries = 0; tries < 100; tries++) {
				w = child_of(cl.pid);
				if (w > 0 && sleeping(w))
					break;
				sleep_ms(20);
			}
			if (w <= 0)
				die("%s: no auto_unmount watcher found", v->name);
			sleep_ms(200);	/* let it settle in its wait */
			add(&m->rss[idx], (uint64_t)proc_kb(w, "status", "VmRSS"));
			add(&m->hwm[idx], (uint64_t)proc_kb(w, "status", "VmHWM"));
			add(&m->anon[idx], (uint64_t)proc_kb(w, "status", "RssAnon"));
			unmount(v, &uw, &ucpu);
			client_end(&cl, v);
			/* the watcher sees EOF and leaves; it was reparented to us */
			for (tries = 0; tries < 250 && kill(w, 0) == 0; tries++) {
				reap_orphans();
				sleep_ms(20);
			}
			if (kill(w, 0) == 0)
				die("%s: watcher %d still there 5 s after the unmount",
				    v->name, (int)w);
		}
		progress(".");
	}
	for (int i = 0; i < nv; i++) {
		m->mrss[i] = median(&m->rss[i]);
		m->mhwm[i] = median(&m->hwm[i]);
		m->manon[i] = median(&m->anon[i]);
	}
	progress(" done\n");
}

static void bench_version(const struct variant *vs, int nv, struct row *r)
{
	progress("--version: %d x %d variants ", C.start_iters, nv);
	for (int i = 0; i < C.start_iters; i++) {
		for (int k = 0; k < nv; k++) {
			const struct variant *v = &vs[(i + k) % nv];
			int idx = (int)(v - vs);
			const char *argv[] = { v->helper, "--version", NULL };
			uint64_t t0 = now_ns();
			struct rusage ru;
			struct proc p;

			start(&p, AS_USER, false, argv);
			expect_ok(reap(&p, &ru, "--version"), "--version");
			add(&r->wall[idx], now_ns() - t0);
			add(&r->cpu[idx], ru_cpu_ns(&ru));
			add(&r->maxrss[idx], (uint64_t)ru.ru_maxrss);
		}
		if (i % 100 == 99)
			progress(".");
	}
	progress(" done\n");
}

/* ------------------------------------------------------------ table */

static int failures;

static const char *verdict(bool ok)
{
	if (!ok)
		failures++;
	return ok ? "met" : "**missed**";
}

static void fmt_us(char *b, size_t n, double ns)
{
	if (ns >= 1e6)
		snprintf(b, n, "%.2f ms", ns / 1e6);
	else
		snprintf(b, n, "%.0f µs", ns / 1e3);
}

/* | what | ours | packaged | floor | ours/packaged | ours/floor | targets | */
static void line(const char *what, double ours, double pkg, double floor_,
		 const char *targets, const char *met)
{
	char a[32], b[32], c[32], r1[32] = "—", r2[32] = "—";

	fmt_us(a, sizeof(a), ours);
	if (pkg > 0)
		fmt_us(b, sizeof(b), pkg);
	else
		snprintf(b, sizeof(b), "n/a");
	if (floor_ > 0)
		fmt_us(c, sizeof(c), floor_);
	else
		snprintf(c, sizeof(c), "—");
	if (pkg > 0)
		snprintf(r1, sizeof(r1), "%.2f", ours / pkg);
	if (floor_ > 0)
		snprintf(r2, sizeof(r2), "%.2f", ours / floor_);
	printf("| %s | %s | %s | %s | %s | %s | %s | %s |\n", what, a, b, c, r1,
	       r2, targets, met);
}

static void parse_counts(const char *s)
{
	char *end;

	C.ncounts = 0;
	do {
		if (C.ncounts == MAX_COUNTS)
			die("too many --counts");
		C.counts[C.ncounts] = strtol(s, &end, 10);
		if (end == s || C.counts[C.ncounts] < 0 ||
		    (C.ncounts && C.counts[C.ncounts] < C.counts[C.ncounts - 1]))
			die("--counts: ascending non-negative numbers");
		C.ncounts++;
		s = end + (*end == ',');
	} while (*end);
}

static int num(const char *s, int min)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end || v < min || v > 1000000)
		die("bad number '%s'", s);
	return (int)v;
}

static void parse(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "ours", required_argument, NULL, 'O' },
		{ "pkg", required_argument, NULL, 'P' },
		{ "client", required_argument, NULL, 'c' },
		{ "uid", required_argument, NULL, 'u' },
		{ "gid", required_argument, NULL, 'g' },
		{ "dir", required_argument, NULL, 'd' },
		{ "iters", required_argument, NULL, 'i' },
		{ "many-iters", required_argument, NULL, 'm' },
		{ "counts", required_argument, NULL, 'n' },
		{ "mem-runs", required_argument, NULL, 'r' },
		{ "start-iters", required_argument, NULL, 's' },
		{ "timeout", required_argument, NULL, 't' },
		{ "stub-libc", required_argument, NULL, 'L' },
		{ "stub-capng", required_argument, NULL, 'C' },
		{ "stub-linked", required_argument, NULL, 'S' },
		{ "stub-static", required_argument, NULL, 'T' },
		{ "quick", no_argument, NULL, 'Q' },
		{ "alt", required_argument, NULL, 'A' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (ch) {
		case 'O': C.ours = optarg; break;
		case 'P': C.pkg = optarg; break;
		case 'c': C.client = optarg; break;
		case 'u': C.uid = (uid_t)num(optarg, 1); break;
		case 'g': C.gid = (gid_t)num(optarg, 1); break;
		case 'd': C.dir = optarg; break;
		case 'i': C.iters = num(optarg, 1); break;
		case 'm': C.many_iters = num(optarg, 1); break;
		case 'n': parse_counts(optarg); break;
		case 'r': C.mem_runs = num(optarg, 1); break;
		case 's': C.start_iters = num(optarg, 1); break;
		case 't': C.timeout = num(optarg, 1); break;
		case 'L': C.stub_libc = optarg; break;
		case 'C': C.stub_capng = optarg; break;
		case 'S': C.stub_linked = optarg; break;
		case 'T': C.stub_static = optarg; break;
		case 'Q': C.quick = true; break;
		case 'A':
			if (C.nalt == 2)
				die("at most two --alt");
			C.alt[C.nalt++] = optarg;
			break;
		default: exit(2);
		}
	}
	if (!C.ours || !C.pkg || !C.client || !C.dir || !C.uid || !C.gid ||
	    !C.stub_libc || !C.stub_capng || !C.stub_linked || !C.stub_static)
		die("need --ours --pkg --client --uid --gid --dir --stub-libc --stub-capng --stub-linked "
		    "--stub-static");
	snprintf(C.mnt, sizeof(C.mnt), "%s/mnt", C.dir);
	snprintf(C.many, sizeof(C.many), "%s/many", C.dir);
	snprintf(C.log, sizeof(C.log), "%s/bench.log", C.dir);
}

/* utab present (the default here) or moved aside, in this namespace only */
static void utab_set(bool present)
{
	if (rename(present ? "/run/mount/utab.off" : "/run/mount/utab",
		   present ? "/run/mount/utab" : "/run/mount/utab.off"))
		die("moving /run/mount/utab: %s", strerror(errno));
}

static void fmt_kib(char *b, size_t n, double kib)
{
	snprintf(b, n, "%.0f KiB", kib);
}

static void ratio_row(const char *what, double ours, double pkg, const char *unit)
{
	char a[32], b[32];

	if (strcmp(unit, "KiB") == 0) {
		fmt_kib(a, sizeof(a), ours);
		fmt_kib(b, sizeof(b), pkg);
	} else {
		fmt_us(a, sizeof(a), ours);
		fmt_us(b, sizeof(b), pkg);
	}
	printf("| %s | %s | %s | — | %.2f | — | ≤ 1.0 × packaged | %s |\n", what, a, b,
	       ours / pkg, verdict(ours <= pkg));
}


/* --quick: the cycle (with and without utab, split into mount and -u) and
 * --version of ours, the packaged helper and up to two --alt builds,
 * interleaved; a short table for comparing builds while working. */
static void quick_print(const char *what, struct samples *s, int nv, double unit)
{
	double m[MAX_VARIANTS];

	for (int i = 0; i < nv; i++)
		m[i] = median(&s[i]);
	printf("| %s |", what);
	for (int i = 0; i < nv; i++)
		printf(" %.0f (%.2f) |", m[i] / unit, m[1] > 0 ? m[i] / m[1] : 0);
	printf("\n");
}

static int quick_main(void)
{
	struct variant vs[2 + 2];
	static struct row cyc, nou, ver;
	int nv = 2;

	vs[0] = (struct variant){ "ours", C.ours, K_CLASSIC };
	vs[1] = (struct variant){ "packaged", C.pkg, K_CLASSIC };
	for (int i = 0; i < C.nalt; i++)
		vs[nv++] = (struct variant){ C.alt[i], C.alt[i], K_CLASSIC };
	bench_cycles(vs, nv, &cyc, "");
	utab_set(false);
	bench_cycles(vs, nv, &nou, " without utab");
	utab_set(true);
	bench_version(vs, nv, &ver);
	printf("| median µs (ratio to packaged) |");
	for (int i = 0; i < nv; i++)
		printf(" %s |", vs[i].name);
	printf("\n|---|");
	for (int i = 0; i < nv; i++)
		printf("---:|");
	printf("\n");
	quick_print("cycle, utab", cyc.wall, nv, 1000.0);
	quick_print("… its mount", cyc.mwall_m, nv, 1000.0);
	quick_print("… its -u", cyc.mwall_u, nv, 1000.0);
	quick_print("cycle, no utab", nou.wall, nv, 1000.0);
	quick_print("… its mount", nou.mwall_m, nv, 1000.0);
	quick_print("… its -u", nou.mwall_u, nv, 1000.0);
	quick_print("--version", ver.wall, nv, 1000.0);
	quick_print("--version peak RSS, KiB", ver.maxrss, nv, 1.0);
	return 0;
}

int main(int argc, char **argv)
{
	enum { OC, PC, FC, OS, FS };	/* cycle variants */
	enum { O, P, SL, SC, SO, SS };	/* ours, packaged, stubs */
	struct variant cyc[] = {
		[OC] = { "ours classic", NULL, K_CLASSIC },
		[PC] = { "packaged classic", NULL, K_CLASSIC },
		[FC] = { "floor", NULL, K_DIRECT },
		[OS] = { "ours sync-init", NULL, K_SYNC },
		[FS] = { "floor sync-init", NULL, K_DIRECT_SYNC },
	};
	struct variant two[6];
	static struct row cycles, noutab, mnt[MAX_COUNTS], um[MAX_COUNTS], ver;
	static struct memrow mem;
	char what[200], t[160], a[32], b[32], f[32], d[32];
	double stub_libc, stub_min, lower, growth;
	int c, last;

	parse(argc, argv);
	if (geteuid() != 0)
		die("must run as root (bench/bench.sh sets everything up)");
	signal(SIGALRM, on_alarm);
	alarm((unsigned)C.timeout);
	if (prctl(PR_SET_CHILD_SUBREAPER, 1))
		die("PR_SET_CHILD_SUBREAPER: %s", strerror(errno));
	cyc[OC].helper = cyc[OS].helper = C.ours;
	cyc[PC].helper = C.pkg;
	two[O] = (struct variant){ "ours", C.ours, K_CLASSIC };
	two[P] = (struct variant){ "packaged", C.pkg, K_CLASSIC };
	two[SL] = (struct variant){ "stub, libc only", C.stub_libc, K_CLASSIC };
	two[SC] = (struct variant){ "stub, linked with libcap-ng", C.stub_capng, K_CLASSIC };
	two[SO] = (struct variant){ "stub, linked with libmount", C.stub_linked, K_CLASSIC };
	two[SS] = (struct variant){ "stub, static PIE", C.stub_static, K_CLASSIC };
	if (C.quick)
		return quick_main();

	/* first everything that wants a plain namespace, then the crowds */
	bench_cycles(cyc, 5, &cycles, "");
	row_done(&cycles);
	utab_set(false);
	bench_cycles(cyc, 3, &noutab, " without utab");
	row_done(&noutab);
	utab_set(true);
	bench_memory(two, 2, &mem);
	bench_version(two, 6, &ver);
	row_done(&ver);
	if (C.counts[0] != 0)
		die("--counts must start with 0");
	make_namespaces();
	bench_many(two, 2, mnt, um);
	drop_namespaces();
	for (c = 0; c < C.ncounts; c++) {
		row_done(&mnt[c]);
		row_done(&um[c]);
	}
	last = C.ncounts - 1;

	/* ---- wall-time table */
	printf("## Results\n\n");
	printf("| measurement (median) | ours | packaged 3.14 | raw floor | ours/packaged | ours/floor | target | result |\n");
	printf("|---|---:|---:|---:|---:|---:|---|---|\n");
	snprintf(what, sizeof(what), "mount+unmount cycle, classic, `/run/mount/utab` present: ours records each mount (%d cycles)",
		 C.iters);
	line(what, cycles.mwall[OC], cycles.mwall[PC], cycles.mwall[FC],
	     "≤ 1.0 × packaged", verdict(cycles.mwall[OC] <= cycles.mwall[PC]));
	snprintf(what, sizeof(what), "mount+unmount cycle, classic, no `/run/mount/utab` (%d cycles)",
		 C.iters);
	line(what, noutab.mwall[OC], noutab.mwall[PC], noutab.mwall[FC],
	     "≤ 1.0 × packaged", verdict(noutab.mwall[OC] <= noutab.mwall[PC]));
	snprintf(what, sizeof(what), "mount+unmount cycle, `--sync-init` (%d cycles; floor: direct with the sync-init ioctl)",
		 C.iters);
	line(what, cycles.mwall[OS], 0, cycles.mwall[FS],
	     "≤ 1.5 × floor (packaged 3.14 has no `--sync-init`: n/a)",
	     verdict(cycles.mwall[OS] <= 1.5 * cycles.mwall[FS]));
	for (c = 0; c < C.ncounts; c++) {
		bool ok = um[c].mwall[O] <= um[c].mwall[P];

		if (c > 0) {
			ok = ok && um[c].mwall[O] <= 1.2 * um[0].mwall[O];
			snprintf(t, sizeof(t), "≤ 1.0 × packaged; ≤ 1.2 × ours at %ld: %.2f",
				 C.counts[0], um[c].mwall[O] / um[0].mwall[O]);
		} else {
			snprintf(t, sizeof(t), "≤ 1.0 × packaged");
		}
		snprintf(what, sizeof(what), "`fusermount3 -u`, %ld unrelated mounts (%d runs)",
			 C.counts[c], C.many_iters);
		line(what, um[c].mwall[O], um[c].mwall[P], 0, t, verdict(ok));
	}
	for (c = 0; c < C.ncounts; c++) {
		snprintf(t, sizeof(t), "≤ 1.0 × packaged (ours here / ours at %ld: %.2f)",
			 C.counts[0], mnt[c].mwall[O] / mnt[0].mwall[O]);
		snprintf(what, sizeof(what), "mount, `mount_max` set, %ld unrelated mounts (%d runs)",
			 C.counts[c], C.many_iters);
		line(what, mnt[c].mwall[O], mnt[c].mwall[P], 0, t,
		     verdict(mnt[c].mwall[O] <= mnt[c].mwall[P]));
	}
	snprintf(what, sizeof(what), "`fusermount3 --version`, fork to reap (%d runs)", C.start_iters);
	ratio_row(what, ver.mwall[O], ver.mwall[P], "µs");
	snprintf(what, sizeof(what), "`fusermount3 --version`, peak RSS (wait4 `ru_maxrss`, %d runs)",
		 C.start_iters);
	ratio_row(what, ver.mmaxrss[O], ver.mmaxrss[P], "KiB");

	printf("\n| auto_unmount watcher, waiting (median of %d) | ours | packaged 3.14 | ours/packaged | target | result |\n",
	       C.mem_runs);
	printf("|---|---:|---:|---:|---|---|\n");
	printf("| VmRSS | %.0f KiB | %.0f KiB | %.2f | ≤ 1.0 | %s |\n", mem.mrss[O],
	       mem.mrss[P], mem.mrss[O] / mem.mrss[P], verdict(mem.mrss[O] <= mem.mrss[P]));
	printf("| VmHWM (peak of the whole helper run) | %.0f KiB | %.0f KiB | %.2f | ≤ 1.0 | %s |\n",
	       mem.mhwm[O], mem.mhwm[P], mem.mhwm[O] / mem.mhwm[P],
	       verdict(mem.mhwm[O] <= mem.mhwm[P]));
	printf("| RssAnon (private part of VmRSS) | %.0f KiB | %.0f KiB | %.2f | — | info |\n",
	       mem.manon[O], mem.manon[P], mem.manon[O] / mem.manon[P]);

	/* ---- context: what a process costs here at all */
	printf("\n### Context: the price of a process on this machine\n\n");
	printf("Empty programs (tests/bench/stub.c) started exactly like the helpers (setuid root, "
	       "as the user, stdout to /dev/null), interleaved with the `--version` runs above.\n\n");
	printf("| `--version` of (median of %d) | wall | CPU | peak RSS |\n", C.start_iters);
	printf("|---|---:|---:|---:|\n");
	{
		static const char *const names[] = {
			[O] = "ours (links libc only; libcap-ng and libmount are loaded where used)",
			[P] = "packaged 3.14 (links libc only)",
			[SS] = "empty program, static PIE",
			[SL] = "empty program, libc only",
			[SC] = "empty program linked with libcap-ng, as ours was",
			[SO] = "empty program linked with libmount (→ libblkid, libselinux, libpcre2), as ours was",
		};
		static const int order[] = { SS, SL, P, SC, O, SO };

		for (size_t i = 0; i < 6; i++) {
			int k = order[i];

			fmt_us(a, sizeof(a), ver.mwall[k]);
			fmt_us(b, sizeof(b), ver.mcpu[k]);
			fmt_kib(f, sizeof(f), ver.mmaxrss[k]);
			printf("| %s | %s | %s | %s |\n", names[k], a, b, f);
		}
	}
	stub_libc = ver.mwall[SL];
	stub_min = ver.mwall[SS] < stub_libc ? ver.mwall[SS] : stub_libc;
	lower = cycles.mwall[FC] + 2 * stub_min;
	fmt_us(a, sizeof(a), stub_libc - ver.mwall[SS]);
	printf("\n* Dynamic linking itself (`ld.so` finding, mapping and relocating `libc.so.6`) "
	       "costs %s and %.0f KiB of peak RSS per start (libc-only stub − static-PIE stub): "
	       "what a static PIE would save (measured and rejected: README).\n",
	       a, ver.mmaxrss[SL] - ver.mmaxrss[SS]);
	fmt_us(a, sizeof(a), ver.mwall[SO] - stub_libc);
	printf("* Linking libmount would cost **%s** and %.0f KiB of peak RSS per start "
	       "(linked − libc-only stub).\n", a, ver.mmaxrss[SO] - ver.mmaxrss[SL]);
	fmt_us(a, sizeof(a), ver.mwall[SC] - stub_libc);
	fmt_us(b, sizeof(b), ver.mwall[O] - stub_libc);
	printf("* Linking libcap-ng would cost %s and %.0f KiB of peak RSS per start (its stub − "
	       "libc-only stub: one more object to map and relocate, and its constructor "
	       "reads `/proc/sys/kernel/cap_last_cap`); ours, which loads it only where it "
	       "sets capabilities, is %s and %.0f KiB above the libc-only stub: a bigger "
	       "binary (more symbols bound at start, `-z now`) and its start-up checks.\n",
	       a, ver.mmaxrss[SC] - ver.mmaxrss[SL], b, ver.mmaxrss[O] - ver.mmaxrss[SL]);
	fmt_us(a, sizeof(a), cycles.mwall[OC] - noutab.mwall[OC]);
	fmt_us(b, sizeof(b), cycles.mwall[PC] - noutab.mwall[PC]);
	printf("* Keeping `/run/mount/utab` costs ours %s per cycle (with − without utab; "
	       "the same difference for the packaged helper, which writes no utab, is the "
	       "run's noise: %s): two records (add at the mount, remove at `-u`), each in a "
	       "child that loads libmount and its three libraries and takes libmount's "
	       "lock; the mount's is written after the fd is sent, but still takes CPU "
	       "time the cycle shares.\n", a, b);
	fmt_us(a, sizeof(a), cycles.mwall[FC]);
	fmt_us(b, sizeof(b), 2 * stub_min);
	fmt_us(f, sizeof(f), lower);
	printf("* The floor cycle starts one process (the client); a helper cycle starts three "
	       "(client, helper, `helper -u`).  Two starts of even the cheapest empty setuid "
	       "program (static PIE or libc only) cost %s, so no helper that is a separate "
	       "program can go below "
	       "floor + %s = %s = **%.2f × floor** here; the packaged helper measures "
	       "%.2f × floor.\n", b, b, f, lower / cycles.mwall[FC],
	       cycles.mwall[PC] / cycles.mwall[FC]);
	fmt_us(a, sizeof(a), um[0].mwall[O] - um[0].mwall[P]);
	fmt_us(b, sizeof(b), um[last].mwall[P] - um[0].mwall[P]);
	fmt_us(f, sizeof(f), mnt[last].mwall[O] - mnt[0].mwall[O]);
	fmt_us(d, sizeof(d), mnt[last].mwall[P] - mnt[0].mwall[P]);
	growth = 100 * (um[last].mwall[O] / um[0].mwall[O] - 1);
	if (growth > -0.5 && growth < 0.5)
		growth = 0;	/* no "-0%" */
	printf("* `-u`: ours − packaged at %ld mounts = %s (a child holds the unmount lock, then removes the utab record); from %ld to %ld mounts "
	       "the packaged helper grows by %s (it reads the whole mount table), ours by "
	       "%.0f%% (it looks at the one mount only).\n",
	       C.counts[0], a, C.counts[0], C.counts[last], b, growth);
	if (C.counts[last] > 0) {
		int first_ok = -1;

		for (c = C.ncounts - 1; c >= 0 && mnt[c].mwall[O] <= mnt[c].mwall[P]; c--)
			first_ok = c;
		if (first_ok >= 0)
			snprintf(t, sizeof(t), "ours is ≤ packaged from %ld mounts on",
				 C.counts[first_ok]);
		else
			snprintf(t, sizeof(t), "ours stays above packaged by its utab record");
		printf("* A mount with `mount_max` must count the FUSE mounts, and the kernel "
		       "has no per-type count: one `statmount` per mount (superblock magic only, "
		       "no strings) is the cheapest way there is.  From %ld to %ld mounts that "
		       "grows ours by %s (%.2f µs per mount) and the packaged one by %s "
		       "(%.2f µs per mount, parsing the mount table), so this row cannot stay "
		       "flat; %s.\n",
		       C.counts[0], C.counts[last], f,
		       (mnt[last].mwall[O] - mnt[0].mwall[O]) / 1e3 / (double)C.counts[last], d,
		       (mnt[last].mwall[P] - mnt[0].mwall[P]) / 1e3 / (double)C.counts[last], t);
	}

	/* ---- CPU time */
	printf("\n| CPU time, user+system (median) | ours | packaged 3.14 | raw floor | ours/packaged | ours/floor |\n");
	printf("|---|---:|---:|---:|---:|---:|\n");
	fmt_us(a, sizeof(a), cycles.mcpu[OC]);
	fmt_us(b, sizeof(b), cycles.mcpu[PC]);
	fmt_us(f, sizeof(f), cycles.mcpu[FC]);
	printf("| cycle, classic, utab present (client + helpers) | %s | %s | %s | %.2f | %.2f |\n", a, b, f,
	       cycles.mcpu[OC] / cycles.mcpu[PC], cycles.mcpu[OC] / cycles.mcpu[FC]);
	fmt_us(a, sizeof(a), noutab.mcpu[OC]);
	fmt_us(b, sizeof(b), noutab.mcpu[PC]);
	fmt_us(f, sizeof(f), noutab.mcpu[FC]);
	printf("| cycle, classic, no utab (client + helpers) | %s | %s | %s | %.2f | %.2f |\n", a, b, f,
	       noutab.mcpu[OC] / noutab.mcpu[PC], noutab.mcpu[OC] / noutab.mcpu[FC]);
	fmt_us(a, sizeof(a), cycles.mcpu[OS]);
	fmt_us(f, sizeof(f), cycles.mcpu[FS]);
	printf("| cycle, `--sync-init` (client + helpers) | %s | n/a | %s | — | %.2f |\n", a, f,
	       cycles.mcpu[OS] / cycles.mcpu[FS]);
	for (c = 0; c < C.ncounts; c++) {
		fmt_us(a, sizeof(a), um[c].mcpu[O]);
		fmt_us(b, sizeof(b), um[c].mcpu[P]);
		printf("| `-u` process, %ld unrelated mounts | %s | %s | — | %.2f | — |\n",
		       C.counts[c], a, b, um[c].mcpu[O] / um[c].mcpu[P]);
	}
	for (c = 0; c < C.ncounts; c++) {
		fmt_us(a, sizeof(a), mnt[c].mcpu[O]);
		fmt_us(b, sizeof(b), mnt[c].mcpu[P]);
		printf("| mount (client + helper), %ld unrelated mounts | %s | %s | — | %.2f | — |\n",
		       C.counts[c], a, b, mnt[c].mcpu[O] / mnt[c].mcpu[P]);
	}
	fmt_us(a, sizeof(a), ver.mcpu[O]);
	fmt_us(b, sizeof(b), ver.mcpu[P]);
	printf("| `--version` process | %s | %s | — | %.2f | — |\n", a, b,
	       ver.mcpu[O] / ver.mcpu[P]);

	printf("\nTargets missed: %d (the notes under *Context* give the measured reasons)\n",
	       failures);
	return failures ? 3 : 0;
}
