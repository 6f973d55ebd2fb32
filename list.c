// SPDX-License-Identifier: GPL-2.0-or-later
/* list.c - see include/list.h. */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "esc.h"
#include "list.h"
#include "reattach.h"

#ifndef STATX_MNT_ID
#define STATX_MNT_ID 0x1000U
#endif
#ifndef STATX_MNT_ID_UNIQUE
#define STATX_MNT_ID_UNIQUE 0x4000U
#endif

/* ------------------------------------------------------------ collect */

struct collect {
	const struct privs *pv;
	struct list *l;
	size_t cap;
	int err;
};

static int take(struct list_entry *e, const struct fuse_mount *m)
{
	memset(e, 0, sizeof(*e));
	e->ref = m->ref;
	e->target = strdup(m->target);
	e->source = strdup(m->source);
	if (asprintf(&e->type, "%s%s%s", m->type, *m->subtype ? "." : "",
		     m->subtype) < 0)
		e->type = NULL;
	e->has_uid = m->has_user_id;
	e->uid = m->user_id;
	e->has_gid = m->has_group_id;
	e->gid = m->group_id;
	e->allow_other = m->allow_other;
	return e->target && e->source && e->type ? 0 : -ENOMEM;
}

static int add_entry(void *arg, const struct fuse_mount *m)
{
	struct collect *c = arg;
	struct list *l = c->l;

	if (!c->pv->root && (!m->has_user_id || m->user_id != c->pv->uid))
		return 0;
	if (l->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;
		struct list_entry *v = reallocarray(l->v, cap, sizeof(*v));

		if (!v) {
			c->err = -ENOMEM;
			return 1;
		}
		l->v = v;
		c->cap = cap;
	}
	c->err = take(&l->v[l->n++], m);
	return c->err ? 1 : 0;
}

int list_collect(const struct privs *pv, struct list *l)
{
	struct collect c = { pv, l, 0, 0 };
	int e;

	memset(l, 0, sizeof(*l));
	e = mounts_each_fuse(add_entry, &c);
	if (e > 0)
		e = c.err;
	if (e)
		list_free(l);
	return e;
}

void list_free(struct list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].target);
		free(l->v[i].type);
		free(l->v[i].source);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* -------------------------------------------------- probe (the child) */

/* Is fd on the mount ref?  Asks for the mount ID only, without a sync:
 * FUSE sends its server nothing for that. */
static bool same_mount(int fd, const struct mnt_ref *ref)
{
	unsigned int want = ref->unique ? STATX_MNT_ID_UNIQUE : STATX_MNT_ID;
	struct statx sx;

	if (statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT |
		  AT_STATX_DONT_SYNC, want, &sx))
		return false;
	return (sx.stx_mask & want) && sx.stx_mnt_id == ref->id;
}

/* The listed mount's root: by its path (the kernel's, so without
 * symbolic links), then checked by mount ID before any use.  -1 if the
 * path now leads elsewhere (moved, covered by another mount). */
static int open_root(const struct list_entry *e)
{
	struct open_how how = {
		.flags = O_PATH | O_NOFOLLOW | O_CLOEXEC,
		.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	int fd = (int)syscall(SYS_openat2, AT_FDCWD, e->target, &how, sizeof(how));

	if (fd < 0 && errno == ENOSYS)
		fd = open(e->target, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0 && !same_mount(fd, &e->ref)) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* As the caller without capabilities; root becomes the mount's owner,
 * the only one besides allow_other users that FUSE lets ask at all. */
static enum list_state probe(const struct privs *pv, const struct list_entry *e)
{
	struct statfs sfs;
	int fd;

	if (pv->root ? (!e->has_uid || !e->has_gid || privs_become(e->uid, e->gid))
		     : privs_drop_all() != 0)
		return LS_UNKNOWN;
	/* otherwise FUSE answers statfs itself, without asking the server */
	if (!e->allow_other && (!e->has_uid || getuid() != e->uid ||
				!e->has_gid || getgid() != e->gid))
		return LS_UNKNOWN;
	fd = open_root(e);
	if (fd < 0)
		return LS_UNKNOWN;
	if (fstatfs(fd, &sfs) == 0)
		return LS_ALIVE;
	switch (errno) {
	case ENOTCONN:
	case ECONNABORTED:
		return LS_DEAD;
	case EINTR:
	case ENOMEM:
	case EACCES:
		return LS_UNKNOWN;
	default:
		return LS_ALIVE;	/* the server answered with an error */
	}
}

/* Holds nothing of the caller's but its answer pipe: a child stuck in
 * a server keeps no terminal or pipe of the caller open. */
static void __attribute__((noreturn))
child(const struct privs *pv, const struct list_entry *e, int wfd, int nullfd)
{
	unsigned char st;

	if (nullfd < 0 || dup2(nullfd, 0) < 0 || dup2(nullfd, 1) < 0 ||
	    dup2(nullfd, 2) < 0 || (wfd != 3 && dup2(wfd, 3) < 0))
		_exit(1);
	close_range(4, ~0U, 0);
	st = (unsigned char)probe(pv, e);
	if (write(3, &st, 1) != 1)
		_exit(1);
	_exit(0);
}

/* ------------------------------------------------- probe (the parent) */

struct run {
	pid_t pid;
	int fd;		/* read end of the child's pipe */
	size_t idx;
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int start(const struct privs *pv, struct list *l, size_t i,
		 struct run *r, int nullfd)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC))
		return -1;
	r->pid = fork();
	if (r->pid == 0) {
		close(p[0]);
		child(pv, &l->v[i], p[1], nullfd);
	}
	close(p[1]);
	if (r->pid < 0) {
		close(p[0]);
		return -1;
	}
	r->fd = p[0];
	r->idx = i;
	return 0;
}

/* A child stuck in a request its server has read cannot die before the
 * server answers or the connection is aborted: it is left behind. */
static void finish(struct list *l, const struct run *r, bool answered)
{
	unsigned char st = LS_UNKNOWN;

	if (!answered) {
		kill(r->pid, SIGKILL);
		st = LS_HUNG;
	} else if (read(r->fd, &st, 1) != 1 || st > LS_HUNG) {
		st = LS_UNKNOWN;	/* ended without an answer */
	}
	l->v[r->idx].state = (enum list_state)st;
	close(r->fd);
	waitpid(r->pid, NULL, WNOHANG);
}

/* Waits for answers until the deadline; false when time is up. */
static bool collect_answers(struct list *l, struct run *run, size_t *active,
			    long long deadline)
{
	struct pollfd pfd[FM_LIST_PARALLEL];
	long long left = deadline - now_ms();

	if (left <= 0)
		return false;
	for (size_t i = 0; i < *active; i++)
		pfd[i] = (struct pollfd){ .fd = run[i].fd, .events = POLLIN };
	if (poll(pfd, *active, (int)left) < 0 && errno != EINTR)
		return false;
	for (size_t i = *active; i-- > 0; ) {
		if (!pfd[i].revents)
			continue;
		finish(l, &run[i], true);
		run[i] = run[--*active];	/* the last one was looked at */
	}
	return true;
}

/* The path column of a /proc/net/unix line is its last field; abstract
 * names are shown with '@' for their leading NUL. */
static bool line_names(const char *line, const char *name)
{
	const char *sp = strrchr(line, ' ');

	return sp && sp[1] == '@' && strcmp(sp + 2, name) == 0;
}

/* A mount that does not answer while its watcher holds the waiting name
 * (reattach.h) is waiting for its server: one read of /proc/net/unix. */
static void mark_waiting(struct list *l)
{
	FILE *f = fopen("/proc/net/unix", "re");
	char *line = NULL, name[64];
	size_t cap = 0;
	ssize_t n;

	if (!f)
		return;
	while ((n = getline(&line, &cap, f)) > 0) {
		if (line[n - 1] == '\n')
			line[n - 1] = '\0';
		for (size_t i = 0; i < l->n; i++)
			if (l->v[i].state == LS_HUNG &&
			    reattach_wait_name(&l->v[i].ref, name, sizeof(name)) > 0 &&
			    line_names(line, name))
				l->v[i].state = LS_WAITING;
	}
	free(line);
	fclose(f);
}

void list_probe(const struct privs *pv, struct list *l, int timeout_ms)
{
	struct run run[FM_LIST_PARALLEL];
	long long deadline = now_ms() + timeout_ms;
	size_t next = 0, active = 0;
	int nullfd = open("/dev/null", O_RDWR | O_CLOEXEC);

	for (;;) {
		for (; active < FM_LIST_PARALLEL && next < l->n; next++) {
			l->v[next].state = LS_UNKNOWN;
			if (start(pv, l, next, &run[active], nullfd) == 0)
				active++;
		}
		if (active == 0 || !collect_answers(l, run, &active, deadline))
			break;
	}
	for (size_t i = 0; i < active; i++)
		finish(l, &run[i], false);
	for (; next < l->n; next++)
		l->v[next].state = LS_UNKNOWN;	/* no time left to ask */
	if (nullfd >= 0)
		close(nullfd);
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	mark_waiting(l);
}

/* -------------------------------------------------------------- print */

const char *list_state_name(enum list_state s)
{
	switch (s) {
	case LS_ALIVE: return "alive";
	case LS_DEAD: return "dead";
	case LS_HUNG: return "not answering";
	case LS_WAITING: return "waiting for server";
	case LS_UNKNOWN: break;
	}
	return "unknown";
}

/* The owner's name, or NULL. */
static const char *owner_name(const struct list_entry *e)
{
	const struct passwd *pw = e->has_uid ? getpwuid(e->uid) : NULL;

	return pw && pw->pw_name ? pw->pw_name : NULL;
}

static int put_esc(FILE *out, const char *s, enum esc_mode m)
{
	char *x = esc_dup(s, m);

	if (!x)
		return -ENOMEM;
	fputs(x, out);
	free(x);
	return 0;
}

/* MOUNTPOINT TYPE SOURCE ID OWNER STATE; the state is last, as it may
 * hold spaces ("not answering", "waiting for server"). */
static int print_line(FILE *out, const struct list_entry *e)
{
	const char *name = owner_name(e);
	int r = put_esc(out, e->target, ESC_FIELD);

	fputc(' ', out);
	r = r ? r : put_esc(out, e->type, ESC_FIELD);
	fputc(' ', out);
	r = r ? r : put_esc(out, *e->source ? e->source : "none", ESC_FIELD);
	fprintf(out, " %llu ", (unsigned long long)e->ref.id);
	if (name)
		r = r ? r : put_esc(out, name, ESC_FIELD);
	else if (e->has_uid)
		fprintf(out, "%lu", (unsigned long)e->uid);
	else
		fputc('-', out);
	fprintf(out, " %s\n", list_state_name(e->state));
	return r;
}

static int json_str(FILE *out, const char *key, const char *s)
{
	fprintf(out, "\"%s\": ", key);
	if (!s) {
		fputs("null", out);
		return 0;
	}
	fputc('"', out);
	if (put_esc(out, s, ESC_JSON))
		return -ENOMEM;
	fputc('"', out);
	return 0;
}

static int print_json(FILE *out, const struct list_entry *e, bool last)
{
	int r;

	fputc('{', out);
	r = json_str(out, "mountpoint", e->target);
	fputs(", ", out);
	r = r ? r : json_str(out, "type", e->type);
	fputs(", ", out);
	r = r ? r : json_str(out, "source", e->source);
	fprintf(out, ", \"id\": %llu, \"uid\": ", (unsigned long long)e->ref.id);
	if (e->has_uid)
		fprintf(out, "%lu, ", (unsigned long)e->uid);
	else
		fputs("null, ", out);
	r = r ? r : json_str(out, "owner", owner_name(e));
	fputs(", ", out);
	r = r ? r : json_str(out, "state", list_state_name(e->state));
	fprintf(out, "}%s\n", last ? "" : ",");
	return r;
}

int list_print(FILE *out, const struct list *l, bool json)
{
	int r = 0;

	if (json)
		fputs("{\"mounts\": [\n", out);
	for (size_t i = 0; i < l->n && !r; i++)
		r = json ? print_json(out, &l->v[i], i + 1 == l->n)
			 : print_line(out, &l->v[i]);
	if (json)
		fputs("]}\n", out);
	if (!r && (fflush(out) || ferror(out)))
		r = errno ? -errno : -EIO;
	return r;
}
