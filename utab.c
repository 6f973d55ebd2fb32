// SPDX-License-Identifier: GPL-2.0-or-later
/* utab.c - the libmount utab record of a mount; see include/utab.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lm.h"
#include "lockfile.h"
#include "mounts.h"
#include "privs.h"
#include "utab.h"

bool utab_present(void)
{
	struct stat st;

	return lstat(FM_UTAB, &st) == 0 && S_ISREG(st.st_mode);
}

/* ------------------------------------------------------------ libmount */

/*
 * libmount is loaded (lm.h) only in the child that does the work, never
 * in the helper itself.  If it cannot be loaded, no change is made and no
 * line counts as a user's record (nothing is pruned).
 */

/* One change through libmount, under its lock: add fs, or drop the last
 * record whose target is umount_target. */
static int update_one(struct libmnt_fs *fs, const char *umount_target)
{
	struct libmnt_update *upd;
	int rc = lm_load();

	if (rc)
		return rc;
	upd = lm.mnt_new_update();
	if (!upd)
		return -ENOMEM;
	rc = lm.mnt_update_set_fs(upd, 0, umount_target, fs);
	if (rc == 0)
		rc = lm.mnt_update_table(upd, NULL);
	else if (rc == 1)	/* nothing for utab in it */
		rc = 0;
	lm.mnt_free_update(upd);
	return rc < 0 ? rc : 0;
}

/* What utab_add records: target is the job's. */
struct utab_new {
	const char *source, *type, *opts;
};

/* Adds the record of target (in the child: libmount's objects are made
 * here, after it is loaded). */
static int update_add(const struct utab_new *a, const char *target)
{
	struct libmnt_fs *fs;
	int rc = lm_load();

	if (rc)
		return rc;
	fs = lm.mnt_new_fs();
	rc = -ENOMEM;
	if (fs && !lm.mnt_fs_set_source(fs, a->source) && !lm.mnt_fs_set_target(fs, target) &&
	    !lm.mnt_fs_set_fstype(fs, a->type) && !lm.mnt_fs_set_options(fs, a->opts))
		rc = update_one(fs, NULL);
	lm.mnt_unref_fs(fs);
	return rc;
}

/* -------------------------------------------------------- the records */

/*
 * libmount 2.38 parses utab only for itself: mnt_new_table_from_file()
 * reads it as an fstab, mnt_table_parse_mtab() keeps only the records
 * that match a live mount, and mnt_update takes one target.  Finding the
 * stale records therefore reads the file here, and nothing more: the
 * TARGET=, SRC=, ROOT= and OPTS= of each line, decoded as libmount
 * encodes them (\ooo), first occurrence winning as in libmount's parser.
 * A line with anything unexpected (an unknown or repeated key, an ID= that
 * is no number) counts as another tool's record: never removed, and it
 * shields the older records of its target.  Every change goes through
 * libmount (mnt_update), under libmount's lock.
 */
struct recs {
	struct utab_rec *v;
	size_t n, cap;
};

/* A value up to the next space or tab, \ooo decoded; *end after it. */
static char *decode(const char *s, const char **end)
{
	size_t n = strcspn(s, " \t");
	char *out = malloc(n + 1), *o = out;

	*end = s + n;
	if (!out)
		return NULL;
	while (s < *end) {
		if (s[0] == '\\' && *end - s >= 4 && s[1] >= '0' && s[1] <= '7' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*o++ = (char)(64 * (s[1] - '0') + 8 * (s[2] - '0') + (s[3] - '0'));
			s += 4;
		} else {
			*o++ = *s++;
		}
	}
	*o = '\0';
	return out;
}

static const char *const utab_keys[] = {
	"ID=", "SRC=", "TARGET=", "ROOT=", "BINDSRC=", "OPTS=", "ATTRS=",
};
#define N_KEYS (sizeof(utab_keys) / sizeof(utab_keys[0]))

/* libmount compares targets ignoring repeated and trailing slashes. */
void utab_normalize(char *path)
{
	char *o = path;

	for (const char *p = path; *p; p++)
		if (!(p[0] == '/' && (p[1] == '/' || (p[1] == '\0' && o > path))))
			*o++ = *p;
	*o = '\0';
}

/* libmount refuses a line whose ID= is not a number. */
static bool good_id(const char *v)
{
	return !v || (*v && strspn(v, "0123456789") == strlen(v));
}

/* A user's record (user=NAME): 1 yes, 0 no.  Without "user=" anywhere in
 * it there is none, and libmount need not be loaded to say so: a -u whose
 * utab holds no record of a user (another tool's, or none) never maps it.
 * -ELIBACC when libmount, which would say, cannot be loaded: the caller
 * then knows no record (a -u says its record stays, as for any utab
 * failure, instead of finding none). */
static int user_opts(const char *opts)
{
	char *v = NULL;
	size_t n = 0;
	int e;

	if (!opts || !strstr(opts, "user="))
		return 0;
	e = lm_load();
	if (e)
		return e;
	return lm.mnt_optstr_get_option(opts, "user", &v, &n) == 0 && n > 0;
}

void utab_rec_free(struct utab_rec *r)
{
	free(r->target);
	free(r->source);
	free(r->root);
}

/* One line: 1 and *r when it names a target, 0 when not, -errno. */
int utab_scan_line(const char *p, struct utab_rec *r)
{
	char *val[N_KEYS] = { NULL };
	bool odd = false;
	int e = 0, u;

	for (p += strspn(p, " "); *p && !e; p += strspn(p, " ")) {
		const char *end = NULL;
		size_t k;

		for (k = 0; k < N_KEYS; k++)
			if (!strncmp(p, utab_keys[k], strlen(utab_keys[k])))
				break;
		odd |= k == N_KEYS || val[k];
		if (k < N_KEYS && !val[k]) {
			val[k] = decode(p + strlen(utab_keys[k]), &end);
			e = val[k] ? 0 : -ENOMEM;
		}
		p = end ? end : p + strcspn(p, " ");
	}
	odd |= !good_id(val[0]);
	r->target = val[2];
	r->source = val[1];
	r->root = val[3];
	u = odd ? 0 : user_opts(val[5]);
	r->user = u > 0;
	if (u < 0 && !e)
		e = u;
	free(val[0]);
	free(val[4]);
	free(val[5]);
	free(val[6]);
	if (!e && r->target) {
		utab_normalize(r->target);
		return 1;
	}
	utab_rec_free(r);
	return e;
}

static void recs_free(struct recs *s)
{
	for (size_t i = 0; i < s->n; i++)
		utab_rec_free(&s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static int recs_push(struct recs *s, const struct utab_rec *r)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 32;
		struct utab_rec *v = realloc(s->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = *r;
	return 0;
}

/* Lines as libmount's parser takes them: blank and # lines skipped. */
static int recs_read(struct recs *s)
{
	int fd = open(FM_UTAB, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	FILE *f = fd >= 0 ? fdopen(fd, "r") : NULL;
	char *line = NULL;
	size_t size = 0;
	ssize_t len;
	int e = 0;

	memset(s, 0, sizeof(*s));
	if (!f) {
		e = -errno;
		if (fd >= 0)
			close(fd);
		return e == -ENOENT ? 0 : e;
	}
	while (!e && (len = getline(&line, &size, f)) >= 0) {
		const char *p = line + strspn(line, " \t");
		struct utab_rec r;

		if (len > 0 && line[len - 1] == '\n')
			line[len - 1] = '\0';
		if (*p == '\0' || *p == '#')
			continue;
		e = utab_scan_line(p, &r);
		if (e == 1 && (e = recs_push(s, &r)) != 0)
			utab_rec_free(&r);
	}
	if (!e && ferror(f))
		e = -EIO;
	free(line);
	fclose(f);
	if (e)
		recs_free(s);
	return e;
}

/* ------------------------------------------------------------ pruning */

/*
 * A record describes a mount when libmount would merge the two: same
 * target, root and source (mnt_table_parse_mtab: newest record first,
 * each mount taken once).  Mounts are those of the helper's own mount
 * namespace, as the kernel lists them: no path is walked, so no FUSE
 * filesystem, hung or not, is asked anything.  A record that describes
 * no mount is stale.  libmount removes the last record of a target, so a
 * target's stale records go newest first, and only as long as the last
 * one is stale and a user's: a live record, or another tool's, shields
 * the ones before it (they go when it has gone).
 */
struct job {
	const struct utab_new *add;	/* record to add, or NULL */
	const struct mnt_ref *ref;	/* the mount it describes */
	const char *target;		/* what the job is about */
	int dirfd;			/* -u: the directory target is in, or -1 */
	const char *last;		/* ... and its name there */
	bool any;			/* root's -u: its target's records need no user= */
	bool early;			/* add: say UTAB_PENDING once it is ordered */
};

struct pruner {
	char *mine;			/* the job's target, normalized */
	struct recs recs;
	size_t *order;			/* record indices by (target, place) */
	bool *live;			/* per record: it describes a mount */
	struct mnt_list mounts;
	bool *taken;			/* per mount: described by a record */
	int left;			/* removals still allowed */
	struct timespec until;		/* none begins after this */
};

static int by_target(const void *a, const void *b, void *arg)
{
	const struct utab_rec *v = arg;
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	int c = strcmp(v[i].target, v[j].target);

	return c ? c : (i > j) - (i < j);
}

static bool in_time(const struct pruner *p)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec < p->until.tv_sec ||
	       (now.tv_sec == p->until.tv_sec && now.tv_nsec < p->until.tv_nsec);
}

/* Is libmount's lock free right now?  Pruning never waits for it: any
 * user can hold it, and the next helper prunes just as well. */
static bool lm_lock_free(void)
{
	int fd = open(FM_UTAB ".lock", O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	bool free_now;

	if (fd < 0)
		return errno == ENOENT;
	free_now = flock(fd, LOCK_EX | LOCK_NB) == 0;
	close(fd);
	return free_now;
}

/* Sources as libmount compares them; when in doubt, the same (kept). */
static bool same_source(const char *a, const char *b)
{
	char *x, *y;
	bool same;

	if (strcmp(a, b) == 0)
		return true;
	x = strdup(a);
	y = strdup(b);
	if (!x || !y) {
		same = true;
	} else {
		utab_normalize(x);
		utab_normalize(y);
		same = strcmp(x, y) == 0;
	}
	free(x);
	free(y);
	return same;
}

/* Marks which records of one target's run describe one of its mounts;
 * pending: the new mount, whose record is not written yet, is not one. */
static void match_run(struct pruner *p, const size_t *run, size_t n,
		      const struct mnt_ref *pending)
{
	size_t first, m = mounts_list_at(&p->mounts, p->recs.v[run[0]].target, &first);

	for (size_t k = first; k < first + m; k++)
		p->taken[k] = pending && mounts_list_is(&p->mounts.v[k], pending);
	for (size_t i = n; i-- > 0;) {
		const struct utab_rec *r = &p->recs.v[run[i]];

		p->live[run[i]] = false;
		for (size_t k = first; k < first + m && r->source && r->root; k++) {
			const struct mnt_entry *e = &p->mounts.v[k];

			if (!p->taken[k] && strcmp(e->root, r->root) == 0 &&
			    same_source(e->source, r->source)) {
				p->taken[k] = p->live[run[i]] = true;
				break;
			}
		}
	}
}

/* Removes the stale records at the end of run[0..n) (file order), as
 * long as they are users' (or any, for root's own target).  gated: not
 * the job's own target, which is always done in full. */
static int trim(struct pruner *p, const size_t *run, size_t n, bool any, bool gated)
{
	while (n > 0) {
		const struct utab_rec *last = &p->recs.v[run[n - 1]];
		int e;

		if (p->live[run[n - 1]] || (!any && !last->user))
			break;		/* it shields the ones before it */
		if (gated && (p->left <= 0 || !in_time(p) || !lm_lock_free()))
			break;		/* the next helper goes on */
		e = update_one(NULL, last->target);
		if (e)
			return e;
		p->left -= gated;
		n--;
	}
	return 0;
}

/* The run of records of one target starting at order[*i]; *i moves on. */
static size_t next_run(const struct pruner *p, size_t *i)
{
	size_t start = *i;

	while (*i < p->recs.n && strcmp(p->recs.v[p->order[*i]].target,
					 p->recs.v[p->order[start]].target) == 0)
		(*i)++;
	return *i - start;
}

static bool run_has_user(const struct pruner *p, const size_t *run, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p->recs.v[run[i]].user)
			return true;
	return false;
}

/* Either the job's own target (jobs_part) or every other one. */
static int prune(struct pruner *p, const struct job *j, bool jobs_part)
{
	size_t i = 0;
	int e = 0;

	while (!e && p->order && i < p->recs.n) {
		const size_t *run = p->order + i;
		size_t n = next_run(p, &i);
		bool own = strcmp(p->recs.v[run[0]].target, p->mine) == 0;

		if (own != jobs_part || (!run_has_user(p, run, n) && !(own && j->any)))
			continue;
		match_run(p, run, n, own && j->add ? j->ref : NULL);
		e = trim(p, run, n, own && j->any, !own);
	}
	return e;
}

/* Are there users' records of other targets to look at? */
static bool others_to_check(const struct pruner *p)
{
	for (size_t i = 0; i < p->recs.n; i++)
		if (p->recs.v[i].user && strcmp(p->recs.v[i].target, p->mine) != 0)
			return true;
	return false;
}

/* A mount of the chain on the job's target: the new mount, or (-u)
 * what its directory shows at its name now, the mount below the path if
 * nothing is left on it.  One name looked up in a pinned directory, after
 * utab was read: every live mount with a record in it is visible.  From
 * the dcache alone: a lookup may ask the directory's filesystem, a user's
 * FUSE server, which could keep this child, all uids 0 and holding the
 * helpers' lock of every user, for good (no signal ends a request the
 * server has read).  Not cached (or before Linux 5.12): the whole list. */
static bool job_stack(const struct job *j, struct mnt_ref *from)
{
	struct open_how how = {
		.flags = O_PATH | O_NOFOLLOW | O_CLOEXEC,
		.resolve = RESOLVE_CACHED | RESOLVE_NO_MAGICLINKS,
	};
	bool ok;
	int fd;

	if (j->add) {
		*from = *j->ref;
		return true;
	}
	if (j->dirfd < 0)
		return false;
	fd = (int)syscall(SYS_openat2, j->dirfd, j->last, &how, sizeof(how));
	if (fd < 0)
		return false;
	ok = mounts_id_at(fd, "", from) == 0;
	close(fd);
	return ok;
}

/* Every mount of the namespace costs a statmount (about 1 us): when only
 * the job's own target matters, only the mounts stacked on it are read. */
static int load_mounts(struct pruner *p, const struct job *j)
{
	struct mnt_ref from;

	if (!others_to_check(p) && job_stack(j, &from) &&
	    mounts_list_stack(&from, p->mine, j->add != NULL, &p->mounts) == 0)
		return 0;
	return mounts_list(&p->mounts);
}

static bool any_user(const struct recs *s)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].user)
			return true;
	return false;
}

static void pruner_free(struct pruner *p)
{
	recs_free(&p->recs);
	free(p->order);
	free(p->live);
	mounts_list_free(&p->mounts);
	free(p->taken);
	p->order = NULL;
	p->live = p->taken = NULL;
}

static void deadline(struct timespec *t, long ms)
{
	long ns;

	clock_gettime(CLOCK_MONOTONIC, t);
	ns = t->tv_nsec + ms % 1000 * 1000000L;
	t->tv_sec += ms / 1000 + ns / 1000000000L;
	t->tv_nsec = ns % 1000000000L;
}

/* Reads utab and the mounts; on error, nothing (no record may look stale). */
static int pruner_init(struct pruner *p, const struct job *j)
{
	int e;

	memset(p, 0, sizeof(*p));
	p->left = FM_UTAB_PRUNE_MAX;
	deadline(&p->until, FM_UTAB_TIMEOUT_MS / 2);
	p->mine = strdup(j->target);
	if (!p->mine)
		return -ENOMEM;
	utab_normalize(p->mine);
	e = recs_read(&p->recs);
	if (e || p->recs.n == 0 || (!any_user(&p->recs) && !j->any))
		return e;	/* nothing that could be pruned */
	p->order = malloc(p->recs.n * sizeof(*p->order));
	p->live = calloc(p->recs.n, sizeof(*p->live));
	e = p->order && p->live ? load_mounts(p, j) : -ENOMEM;
	if (!e && p->mounts.n) {
		p->taken = calloc(p->mounts.n, sizeof(*p->taken));
		e = p->taken ? 0 : -ENOMEM;
	}
	if (e) {
		pruner_free(p);
		return e;
	}
	for (size_t i = 0; i < p->recs.n; i++)
		p->order[i] = i;
	qsort_r(p->order, p->recs.n, sizeof(*p->order), by_target, p->recs.v);
	return 0;
}

/* --------------------------------------------------- leftover copies */

/*
 * libmount writes utab as a new copy, utab.XXXXXX (mkostemp), renamed over
 * it, all under its lock.  A writer killed in between (a child of ours at
 * its time limit: a user who holds libmount's lock until just before that
 * can time it) leaves the copy behind, root's, in /run for good.  With
 * libmount's lock taken here (never waited for) no writer is in between,
 * so every such copy is a leftover: a few go with each job.
 */
static bool is_copy(int dfd, const char *name)
{
	static const char alnum[] = "abcdefghijklmnopqrstuvwxyz"
				    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	const char *base = strrchr(FM_UTAB, '/') + 1;
	size_t n = strlen(base);
	struct stat st;

	return strncmp(name, base, n) == 0 && name[n] == '.' &&
	       strlen(name + n + 1) == 6 && strspn(name + n + 1, alnum) == 6 &&
	       fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	       S_ISREG(st.st_mode) && st.st_uid == 0 && st.st_nlink == 1;
}

static void sweep_copies(const struct pruner *p)
{
	int lfd, n = 0;
	DIR *d = NULL;
	struct dirent *e;

	if (!in_time(p))
		return;
	lfd = open(FM_UTAB ".lock", O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	if (lfd < 0)
		return;
	if (flock(lfd, LOCK_EX | LOCK_NB) == 0)
		d = opendir(FM_UTAB_DIR);
	while (d && n < FM_UTAB_PRUNE_MAX && (e = readdir(d)))
		if (is_copy(dirfd(d), e->d_name) && unlinkat(dirfd(d), e->d_name, 0) == 0)
			n++;
	if (d)
		closedir(d);
	close(lfd);		/* and libmount's lock with it */
}

/* ------------------------------------------------------------ the job */

/* The helpers' own lock (lockfile.h): from reading utab to the last
 * change, no other helper changes it, so a record added meanwhile is never
 * taken for a stale one.  The wait ends with the child (FM_UTAB_TIMEOUT_MS). */
static int lock_helpers(void)
{
	struct flock l = { .l_type = F_WRLCK, .l_whence = SEEK_SET,
			   .l_start = FM_LOCK_UTAB_OFF, .l_len = 1 };
	int fd = lock_open(FM_LOCK_FILE);

	if (fd < 0)
		return fd;
	while (fcntl(fd, F_OFD_SETLKW, &l) == -1)
		if (errno != EINTR) {
			int e = -errno;

			close(fd);
			return e;
		}
	return fd;
}

/* The mount is still where the record will say it is. */
static int still_at(const struct mnt_ref *ref, const char *target)
{
	struct mnt_info mi;
	int e = mounts_info(ref, &mi);

	if (e)
		return e == -ENOENT ? -ESTALE : e;
	e = strcmp(mi.target, target) ? -ESTALE : 0;
	mounts_info_free(&mi);
	return e;
}

/* The job's own change.  Without the model of utab and the mounts (an
 * error reading either), a record is still added, but nothing removed.
 * An added record is checked once more after it is written: libmount
 * takes its own lock (which any user can hold) only after the look
 * before, so the mount may have moved in between (its parent renamed);
 * a record naming a place the mount is not goes again (the last of its
 * target: ours, byte 1 is held) and the add is refused. */
static int job_main(const struct job *j, struct pruner *p, int model)
{
	int e = j->add ? still_at(j->ref, j->target) : 0;

	if (!e && !model)
		e = prune(p, j, true);
	if (!e && model && !j->add)
		e = model;
	if (!e && j->add)
		e = update_add(j->add, j->target);
	if (!e && j->add && (e = still_at(j->ref, j->target)) != 0)
		(void)update_one(NULL, j->target);
	return e;
}

#define UTAB_PENDING 1	/* a child's first word: the record is on its way */

static void report(int fd, int rc)
{
	if (fd < 0)
		return;		/* said UTAB_PENDING already: nobody listens */
	if (write(fd, &rc, sizeof(rc)) != (ssize_t)sizeof(rc))
		_exit(EIO);
	close(fd);
}

/*
 * An early add: with the helpers' lock held (byte 1), the mount still
 * where the record will say, and libmount's own lock free right now, the
 * helper is told UTAB_PENDING and goes on (sends the fd) while this child
 * loads libmount and writes the record.  Whatever changes utab next waits
 * for byte 1, so a -u right after the mount finds the record, or (the
 * mount gone before it was written) finds that none was written.  With
 * libmount's lock taken by someone, or resource limits that could make
 * libmount fail, the helper waits for the result as before (and warns).
 * -1 when the helper was told, else resfd.
 */
/* The caller's resource limits, which the child inherits, leave libmount
 * room (a file size limit makes its write fail, a small one on fds or
 * memory its loading): else the helper waits, and warns as before. */
static bool limits_usual(void)
{
	struct rlimit f, n, as, d;

	return !getrlimit(RLIMIT_FSIZE, &f) && f.rlim_cur == RLIM_INFINITY &&
	       !getrlimit(RLIMIT_NOFILE, &n) && n.rlim_cur >= 64 &&
	       !getrlimit(RLIMIT_AS, &as) && as.rlim_cur == RLIM_INFINITY &&
	       !getrlimit(RLIMIT_DATA, &d) && d.rlim_cur == RLIM_INFINITY;
}

static int tell_pending(const struct job *j, int resfd, int *rc)
{
	int v = UTAB_PENDING;

	if (!j->add || !j->early)
		return resfd;
	*rc = still_at(j->ref, j->target);
	if (*rc || !lm_lock_free() || !limits_usual())
		return resfd;
	if (write(resfd, &v, sizeof(v)) != (ssize_t)sizeof(v))
		_exit(EIO);
	close(resfd);
	/* from here on only the next utab change waits for it: the helper
	 * and the library it answers go first on a CPU they share with it.
	 * Not nice 19: on a machine loaded by dozens of ordinary tasks its
	 * share could leave it short of its 1.5 s (a record lost unsaid);
	 * at 10 it still needs only a fraction of that there. */
	setpriority(PRIO_PROCESS, 0, 10);
	return -1;
}

/* In the child: the job's own change, its result reported at once, then
 * the other targets' stale records while time allows. */
static int job_run(const struct job *j, int resfd)
{
	struct pruner p;
	int lk = lock_helpers(), model = 0, rc = lk < 0 ? lk : 0;

	/* empty until pruner_init(): an early add refused by tell_pending
	 * (the mount moved) reaches the pruning below with nothing read */
	memset(&p, 0, sizeof(p));
	if (!rc)
		resfd = tell_pending(j, resfd, &rc);
	if (!rc) {
		model = pruner_init(&p, j);
		rc = job_main(j, &p, model);
	}
	report(resfd, rc);
	if (lk >= 0 && !model)
		prune(&p, j, false);
	if (lk >= 0)
		sweep_copies(&p);
	if (lk >= 0) {
		pruner_free(&p);
		free(p.mine);
	}
	return rc;
}

/* ----------------------------------------------------------- the child */

/* The child's exit: 0, or -errno from its exit status. */
static int child_status(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR)
			return -errno;
	if (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL)
		return -ETIMEDOUT;	/* its own timer, or our kill */
	if (!WIFEXITED(st))
		return -EINTR;
	return -WEXITSTATUS(st);
}

/* Waits at most timeout_ms for the child to end: 1 ended, 0 not yet. */
static int child_ended(pid_t pid, int timeout_ms)
{
	const struct timespec step = { 0, 1000 * 1000 };
	int pfd = (int)syscall(SYS_pidfd_open, pid, 0), r;
	struct pollfd p = { .fd = pfd, .events = POLLIN };

	if (pfd >= 0) {		/* Linux 5.3+: sleep until it ends */
		while ((r = poll(&p, 1, timeout_ms)) == -1 && errno == EINTR)
			;
		close(pfd);
		return r != 0;
	}
	for (; timeout_ms > 0; timeout_ms--) {	/* older kernels: look each ms */
		siginfo_t si = { 0 };

		if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) == -1 &&
		    errno != EINTR)
			return 1;	/* child_status() says what went wrong */
		if (si.si_pid == pid)
			return 1;
		nanosleep(&step, NULL);
	}
	return 0;
}

/* In the child: nothing of the caller's stays open (no /dev/fuse fd, no
 * socket, not its stdio: 0-2 are /dev/null), but the result pipe (fd 3)
 * and the job's directory (fd 4). */
static int keep_fds(int resfd, struct job *j)
{
	int dir = j->dirfd >= 0 ? fcntl(j->dirfd, F_DUPFD_CLOEXEC, 5) : -1, null;

	if (dup2(resfd, 3) != 3)
		_exit(EBADF);
	j->dirfd = dir >= 0 && dup2(dir, 4) == 4 ? 4 : -1;
	null = open("/dev/null", O_RDWR | O_CLOEXEC | O_NOCTTY);	/* 4 or 5+ */
	for (int fd = 0; fd < 3 && null > 3; fd++)
		dup2(null, fd);
	close_range(5, ~0U, 0);
	return 3;
}

/* What the child reported about its job, if it got that far. */
static bool child_result(int fd, int *rc)
{
	int v;
	ssize_t n;

	while ((n = read(fd, &v, sizeof(v))) == -1 && errno == EINTR)
		;
	if (n != (ssize_t)sizeof(v))
		return false;
	*rc = v;
	return true;
}

/* Waits at most timeout_ms for the child's first word: 1 there (or the
 * pipe closed: it ended), 0 not yet. */
static int child_said(int fd, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int r;

	while ((r = poll(&p, 1, timeout_ms)) == -1 && errno == EINTR)
		;
	return r != 0;
}

/*
 * The child's own bound: SIGKILL after FM_UTAB_TIMEOUT_MS from a POSIX
 * timer, which no blocked signal mask stops (libmount blocks them all
 * while it waits for its lock).  It is what ends a record's child that
 * goes on alone after the helper has gone; otherwise the helper's kill
 * comes at the same time.
 */
static int bound_child(void)
{
	struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGKILL };
	struct itimerspec its = { .it_value = { FM_UTAB_TIMEOUT_MS / 1000,
						(FM_UTAB_TIMEOUT_MS % 1000) * 1000000L } };
	timer_t t;

	if (timer_create(CLOCK_MONOTONIC, &ev, &t) || timer_settime(t, 0, &its, NULL))
		return -ETIME;	/* unbounded: do nothing */
	return 0;
}

static pid_t pending;	/* the record's child that went on alone, or 0 */

/* Ends the child pid (already killed, or ending within timeout_ms). */
static int child_reap(pid_t pid, int fd, int timeout_ms)
{
	bool killed = !child_ended(pid, timeout_ms);
	int rc;

	if (killed)
		kill(pid, SIGKILL);
	rc = child_status(pid);
	if (!child_result(fd, &rc) && killed)
		rc = -ETIMEDOUT;	/* killed before it could tell */
	return rc;
}

/* The helper's side of a job whose child runs: its result (an early add:
 * 0 once the child said UTAB_PENDING); closes res. */
static int await_job(pid_t pid, int res, bool early)
{
	int rc, first;

	if (!early) {
		rc = child_reap(pid, res, FM_UTAB_TIMEOUT_MS);
	} else if (!child_said(res, FM_UTAB_TIMEOUT_MS)) {
		rc = child_reap(pid, res, 0);	/* time is up */
	} else if (!child_result(res, &first)) {
		rc = child_status(pid);	/* it ended without a word */
	} else if (first == UTAB_PENDING) {
		pending = pid;
		rc = 0;
	} else {
		child_status(pid);	/* its own timer bounds the pruning */
		rc = first;
	}
	close(res);
	return rc;
}

/*
 * libmount waits for the utab lock without a limit and with every signal
 * blocked, and any user can hold that lock: the lock file is world-
 * readable and flock(2) needs only a read-only fd.  So the work runs in
 * a child that is killed after FM_UTAB_TIMEOUT_MS.  A missing utab record
 * is only a warning (and the next helper's pruning heals a stale one); a
 * helper stuck for good after mounting (or holding the caller's fresh
 * mount with its fd never sent) is not.  The child is out of the caller's
 * reach (all uids 0), so the caller cannot stop it while it holds a lock.
 * It reports the job's own result through a pipe as soon as it has it;
 * the pruning after that only runs while half the time is left, so the
 * kill meets it, if ever, waiting for a lock, not halfway through a write.
 */
static int run_job(struct job *j)
{
	int fds[2], rc;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0) {
		rc = -errno;
		close(fds[0]);
		close(fds[1]);
		return rc;
	}
	if (pid == 0) {
		/* out of the caller's terminal: ^C, ^Z (SIGINT, SIGTSTP) typed
		 * there reach its foreground process group and session without
		 * any permission check, uids or not */
		setsid();
		close(fds[0]);
		if (bound_child())
			_exit(ETIME);
		privs_unreachable();	/* best effort: the wait is bounded */
		rc = job_run(j, keep_fds(fds[1], j));
		_exit(rc >= 0 ? 0 : (rc < -255 ? 255 : -rc));
	}
	close(fds[1]);
	return await_job(pid, fds[0], j->early);
}

int utab_remove_here(int dirfd, const char *last, const char *target,
		     bool any, int resfd)
{
	struct job j = { .target = target, .dirfd = dirfd, .last = last,
			 .any = any };
	int rc = bound_child();

	if (!rc)
		rc = privs_unreachable();
	if (rc) {
		report(resfd, rc);
		return rc;
	}
	return job_run(&j, keep_fds(resfd, &j));
}

void utab_settle(void)
{
	if (!pending)
		return;
	if (!child_ended(pending, FM_UTAB_TIMEOUT_MS))
		kill(pending, SIGKILL);
	child_status(pending);
	pending = 0;
}

/* ------------------------------------------------------------ the API */

int utab_add(const struct mnt_ref *ref, const char *source, const char *target,
	     const char *type, const char *opts)
{
	struct utab_new a = { source, type, opts };
	struct job j = { .add = &a, .ref = ref, .target = target, .dirfd = -1,
			 .early = true };
	return run_job(&j);
}

int utab_remove_at(int dirfd, const char *last, const char *target)
{
	struct job j = { .target = target, .dirfd = dirfd, .last = last,
			 .any = getuid() == 0 };

	return run_job(&j);
}

int utab_remove(const char *target)
{
	return utab_remove_at(-1, NULL, target);
}
