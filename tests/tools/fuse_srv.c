/*
 * fuse_srv.c - a minimal read-only FUSE server for the fusermount3 tests.
 *
 * Speaks the kernel protocol directly (<linux/fuse.h>, 7.38); no libfuse.
 * Requests are handled one at a time in a single thread, so FUSE_INTERRUPT
 * never has anything to interrupt and is ignored.
 */
#define _GNU_SOURCE
#include "fuse_srv.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

/* FUSE_MIN_READ_BUFFER is enough for the headers; add room for max_write. */
#define SRV_MAX_WRITE (128 * 1024)
#define SRV_BUFSIZE (SRV_MAX_WRITE + 4096)
#define HELLO_ID 2
#define HELLO_NAME "hello"
#define TTL_SEC 1

enum kind { K_NONE, K_DIR, K_FILE };

/* One request as read from /dev/fuse. */
struct req {
	struct fuse_in_header h;
	const char *arg;	/* body after the header */
	size_t len;		/* its length */
};

static const struct {
	uint64_t ino;
	unsigned type;
	const char *name;
} dir_ents[] = {
	{ FUSE_ROOT_ID, DT_DIR, "." },
	{ FUSE_ROOT_ID, DT_DIR, ".." },
	{ HELLO_ID, DT_REG, HELLO_NAME },
};

static enum kind node_kind(const struct srv *s, uint64_t id)
{
	if (id == FUSE_ROOT_ID)
		return s->conf.root_file ? K_FILE : K_DIR;
	if (id == HELLO_ID && !s->conf.root_file)
		return K_FILE;
	return K_NONE;
}

/* Copy the request body into a fixed struct, zero-filling a short body. */
static void get_arg(const struct req *q, void *dst, size_t size)
{
	memset(dst, 0, size);
	memcpy(dst, q->arg, q->len < size ? q->len : size);
}

static int reply(struct srv *s, const struct req *q, int error,
		 const void *data, size_t len)
{
	struct fuse_out_header out = {
		.len = (uint32_t)(sizeof(out) + len),
		.error = error,
		.unique = q->h.unique,
	};
	struct iovec iov[2] = {
		{ .iov_base = &out, .iov_len = sizeof(out) },
		{ .iov_base = (void *)data, .iov_len = len },
	};

	if (writev(s->fd, iov, len ? 2 : 1) >= 0)
		return SRV_RUNNING;
	if (errno == ENOENT)	/* request was interrupted meanwhile */
		return SRV_RUNNING;
	if (errno == ENODEV || errno == ECONNABORTED)	/* connection ended */
		return SRV_UNMOUNTED;
	fprintf(stderr, "fmclient: server: reply to opcode %u: %s\n",
		q->h.opcode, strerror(errno));
	return SRV_FAILED;
}

static int reply_err(struct srv *s, const struct req *q, int err)
{
	return reply(s, q, -err, NULL, 0);
}

static void fill_attr(const struct srv *s, uint64_t id, struct fuse_attr *a)
{
	memset(a, 0, sizeof(*a));
	a->ino = id;
	a->uid = s->uid;
	a->gid = s->gid;
	a->atime = a->mtime = a->ctime = (uint64_t)s->t0;
	a->blksize = 4096;
	if (node_kind(s, id) == K_DIR) {
		a->mode = S_IFDIR | (s->conf.dir_mode ? (unsigned int)s->conf.dir_mode : 0755);
		a->nlink = 2;
		a->size = 4096;
		a->blocks = 8;
	} else {
		a->mode = S_IFREG | 0644;
		a->nlink = 1;
		a->size = s->content_len;
		a->blocks = (s->content_len + 511) / 512;
	}
}

/* Sleep ms milliseconds; returns 0 early if srv_stop() was called. */
static int sleep_ms(struct srv *s, int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000,
			       .tv_nsec = (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0) {
		if (errno != EINTR || atomic_load(&s->stop))
			return 0;
	}
	return 1;
}

static int op_init(struct srv *s, const struct req *q)
{
	struct fuse_init_in in;
	struct fuse_init_out out;

	get_arg(q, &in, sizeof(in));
	atomic_store(&s->got_init, 1);
	if (s->conf.init_delay_ms > 0 && !sleep_ms(s, s->conf.init_delay_ms))
		return SRV_STOPPED;
	if (s->conf.init_error > 0)
		return reply_err(s, q, s->conf.init_error);
	if (in.major != FUSE_KERNEL_VERSION)
		return reply_err(s, q, EPROTO);
	memset(&out, 0, sizeof(out));
	out.major = FUSE_KERNEL_VERSION;
	out.minor = in.minor < FUSE_KERNEL_MINOR_VERSION ?
		    in.minor : FUSE_KERNEL_MINOR_VERSION;
	out.max_readahead = in.max_readahead;
	out.max_write = SRV_MAX_WRITE;
	out.max_background = 16;
	out.congestion_threshold = 12;
	out.time_gran = 1;
	return reply(s, q, 0, &out, sizeof(out));
}

static int op_getattr(struct srv *s, const struct req *q)
{
	struct fuse_attr_out out;

	if (node_kind(s, q->h.nodeid) == K_NONE)
		return reply_err(s, q, ENOENT);
	memset(&out, 0, sizeof(out));
	out.attr_valid = TTL_SEC;
	fill_attr(s, q->h.nodeid, &out.attr);
	return reply(s, q, 0, &out, sizeof(out));
}

static int op_lookup(struct srv *s, const struct req *q)
{
	struct fuse_entry_out out;

	if (node_kind(s, q->h.nodeid) != K_DIR)
		return reply_err(s, q, ENOTDIR);
	if (s->conf.stall_lookup && memchr(q->arg, '\0', q->len) &&
	    strcmp(q->arg, s->conf.stall_lookup) == 0) {
		fprintf(stderr, "fmclient: server: LOOKUP %s stalled\n", q->arg);
		return SRV_RUNNING;	/* pending until the connection ends */
	}
	if (memchr(q->arg, '\0', q->len) && s->conf.stall_on &&
	    strcmp(q->arg, s->conf.stall_on) == 0) {
		/* from now on the server reads requests and answers none:
		 * like a network filesystem whose peer went away */
		atomic_store(&s->stalled, 1);
		fprintf(stderr, "fmclient: server: stalled\n");
		return SRV_RUNNING;
	}
	if (!memchr(q->arg, '\0', q->len) || strcmp(q->arg, HELLO_NAME))
		return reply_err(s, q, ENOENT);
	memset(&out, 0, sizeof(out));
	out.nodeid = HELLO_ID;
	out.generation = 1;
	out.entry_valid = s->conf.stall_lookup_root ? 0 : TTL_SEC;
	out.attr_valid = TTL_SEC;
	fill_attr(s, HELLO_ID, &out.attr);
	return reply(s, q, 0, &out, sizeof(out));
}

static int reply_open(struct srv *s, const struct req *q)
{
	struct fuse_open_out out;

	memset(&out, 0, sizeof(out));
	return reply(s, q, 0, &out, sizeof(out));
}

static int op_opendir(struct srv *s, const struct req *q)
{
	enum kind k = node_kind(s, q->h.nodeid);

	if (k != K_DIR)
		return reply_err(s, q, k == K_NONE ? ENOENT : ENOTDIR);
	return reply_open(s, q);
}

static int op_open(struct srv *s, const struct req *q)
{
	struct fuse_open_in in;
	enum kind k = node_kind(s, q->h.nodeid);

	get_arg(q, &in, sizeof(in));
	if (k != K_FILE)
		return reply_err(s, q, k == K_NONE ? ENOENT : EISDIR);
	if ((in.flags & O_ACCMODE) != O_RDONLY)
		return reply_err(s, q, EACCES);
	return reply_open(s, q);
}

static int op_read(struct srv *s, const struct req *q)
{
	struct fuse_read_in in;
	size_t n = 0;

	get_arg(q, &in, sizeof(in));
	if (node_kind(s, q->h.nodeid) != K_FILE)
		return reply_err(s, q, EISDIR);
	if (in.offset < s->content_len) {
		n = s->content_len - (size_t)in.offset;
		if (n > in.size)
			n = in.size;
	}
	return reply(s, q, 0, s->conf.content + (n ? in.offset : 0), n);
}

/* Append one fuse_dirent to buf; returns its size, or 0 if it won't fit. */
static size_t put_dirent(char *buf, size_t room, size_t idx)
{
	size_t nlen = strlen(dir_ents[idx].name);
	size_t rec = FUSE_DIRENT_ALIGN(FUSE_NAME_OFFSET + nlen);
	struct fuse_dirent d = {
		.ino = dir_ents[idx].ino,
		.off = idx + 1,		/* offset of the next entry */
		.namelen = (uint32_t)nlen,
		.type = dir_ents[idx].type,
	};

	if (rec > room)
		return 0;
	memset(buf, 0, rec);
	memcpy(buf, &d, FUSE_NAME_OFFSET);
	memcpy(buf + FUSE_NAME_OFFSET, dir_ents[idx].name, nlen);
	return rec;
}

static int op_readdir(struct srv *s, const struct req *q)
{
	struct fuse_read_in in;
	char out[256];
	size_t room, used = 0, idx, rec;

	get_arg(q, &in, sizeof(in));
	if (node_kind(s, q->h.nodeid) != K_DIR)
		return reply_err(s, q, ENOTDIR);
	room = in.size < sizeof(out) ? in.size : sizeof(out);
	for (idx = in.offset; idx < sizeof(dir_ents) / sizeof(dir_ents[0]);
	     idx++) {
		rec = put_dirent(out + used, room - used, idx);
		if (!rec)
			break;
		used += rec;
	}
	return reply(s, q, 0, out, used);
}

static int op_statfs(struct srv *s, const struct req *q)
{
	struct fuse_statfs_out out;

	memset(&out, 0, sizeof(out));
	out.st.bsize = 4096;
	out.st.frsize = 4096;
	out.st.namelen = 255;
	out.st.files = 2;
	return reply(s, q, 0, &out, sizeof(out));
}

static int op_destroy(struct srv *s, const struct req *q)
{
	int rc = reply(s, q, 0, NULL, 0);

	return rc == SRV_RUNNING ? SRV_DESTROYED : rc;
}

/* --stall-open: the request stays unanswered (until the connection ends);
 * "stalled=open" or "stalled=opendir" on stdout tells the test. */
static int stall(const struct req *q)
{
	printf("stalled=%s\n", q->h.opcode == FUSE_OPENDIR ? "opendir" :
	       q->h.opcode == FUSE_READ ? "read" :
	       q->h.opcode == FUSE_ACCESS ? "access" :
	       q->h.opcode == FUSE_LOOKUP ? "lookup" : "open");
	fflush(stdout);
	return SRV_RUNNING;
}

/* Is the real uid of the requesting process 0?  (The helper's locked
 * unmount child: real and saved uid 0, effective and fs uid the caller's,
 * so the request header's uid does not tell.) */
static int from_real_root(const struct req *q)
{
	char path[64], line[256];
	unsigned int ruid = 1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%u/status", q->h.pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Uid: %u", &ruid) == 1)
			break;
	fclose(f);
	return ruid == 0;
}

static int dispatch(struct srv *s, const struct req *q)
{
	if (s->conf.stall_access_root && q->h.opcode == FUSE_ACCESS &&
	    from_real_root(q))
		return stall(q);
	if (s->conf.stall_lookup_root && q->h.opcode == FUSE_LOOKUP &&
	    from_real_root(q))
		return stall(q);
	if (s->conf.stall_open &&
	    (q->h.opcode == FUSE_OPEN || q->h.opcode == FUSE_OPENDIR))
		return stall(q);
	if (s->conf.stall_read && q->h.opcode == FUSE_READ)
		return stall(q);
	switch (q->h.opcode) {
	case FUSE_INIT:
		return op_init(s, q);
	case FUSE_GETATTR:
		return op_getattr(s, q);
	case FUSE_LOOKUP:
		return op_lookup(s, q);
	case FUSE_OPENDIR:
		return op_opendir(s, q);
	case FUSE_READDIR:
		return op_readdir(s, q);
	case FUSE_OPEN:
		return op_open(s, q);
	case FUSE_READ:
		return op_read(s, q);
	case FUSE_STATFS:
		return op_statfs(s, q);
	case FUSE_RELEASE:
	case FUSE_RELEASEDIR:
	case FUSE_FLUSH:
	case FUSE_ACCESS:
		return reply(s, q, 0, NULL, 0);
	case FUSE_FORGET:
	case FUSE_BATCH_FORGET:
	case FUSE_INTERRUPT:
		return SRV_RUNNING;	/* these get no reply */
	case FUSE_DESTROY:
		return op_destroy(s, q);
	default:	/* includes GETXATTR, LISTXATTR */
		return reply_err(s, q, ENOSYS);
	}
}

static int handle(struct srv *s, size_t n)
{
	struct req q;

	if (n < sizeof(q.h)) {
		fprintf(stderr, "fmclient: server: short request (%zu)\n", n);
		return SRV_FAILED;
	}
	memcpy(&q.h, s->buf, sizeof(q.h));
	q.arg = s->buf + sizeof(q.h);
	q.len = n - sizeof(q.h);
	if (s->conf.verbose)
		fprintf(stderr, "fmclient: server: opcode %u unique %llu "
			"nodeid %llu len %zu\n", q.h.opcode,
			(unsigned long long)q.h.unique,
			(unsigned long long)q.h.nodeid, n);
	if (atomic_load(&s->stalled))
		return SRV_RUNNING;	/* read, never answered */
	return dispatch(s, &q);
}

/* A reattached server: the connection is initialised already; ask the
 * kernel for every request the old server read but did not answer. */
static int resend(struct srv *s)
{
	struct fuse_out_header out = { .len = sizeof(out),
				       .error = SRV_NOTIFY_RESEND };

	atomic_store(&s->got_init, 1);
	if (write(s->fd, &out, sizeof(out)) != (ssize_t)sizeof(out)) {
		fprintf(stderr, "fmclient: server: FUSE_NOTIFY_RESEND: %s\n",
			strerror(errno));
		return SRV_FAILED;
	}
	printf("resent\n");
	fflush(stdout);
	return SRV_RUNNING;
}

static enum srv_end serve_loop(struct srv *s)
{
	ssize_t n;
	int rc;

	if (s->conf.resend && resend(s) != SRV_RUNNING)
		return SRV_FAILED;
	for (;;) {
		if (atomic_load(&s->stop))
			return SRV_STOPPED;
		n = read(s->fd, s->buf, s->bufsize);
		if (n < 0) {
			/* ENOENT: the request was interrupted before we got it */
			if (errno == EINTR || errno == EAGAIN || errno == ENOENT)
				continue;
			/* ENODEV: unmounted; ECONNABORTED: aborted, e.g.
			 * because the mounter died during FUSE_INIT */
			if (errno == ENODEV || errno == ECONNABORTED)
				return SRV_UNMOUNTED;
			fprintf(stderr, "fmclient: server: read: %s\n",
				strerror(errno));
			return SRV_FAILED;
		}
		rc = handle(s, (size_t)n);
		if (rc != SRV_RUNNING)
			return (enum srv_end)rc;
	}
}

static void *srv_thread(void *arg)
{
	struct srv *s = arg;
	char c = 'S';

	atomic_store(&s->end, serve_loop(s));
	if (s->notify_fd >= 0 && write(s->notify_fd, &c, 1) < 0)
		perror("fmclient: server: notify");
	return NULL;
}

static void on_wakeup(int sig)
{
	(void)sig;	/* only there to make a blocked read() fail with EINTR */
}

/* SIGUSR1 without SA_RESTART: a sync-init read() ignores O_NONBLOCK. */
static int install_wakeup(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_wakeup;
	sigemptyset(&sa.sa_mask);
	return sigaction(SIGUSR1, &sa, NULL) < 0 ? errno : 0;
}

static void srv_init(struct srv *s, int fd, const struct srv_conf *conf,
		     int notify_fd)
{
	memset(s, 0, sizeof(*s));
	s->conf = *conf;
	s->fd = fd;
	s->notify_fd = notify_fd;
	s->uid = getuid();
	s->gid = getgid();
	s->t0 = time(NULL);
	s->content_len = strlen(conf->content);
	s->bufsize = SRV_BUFSIZE;
	atomic_init(&s->stop, 0);
	atomic_init(&s->end, SRV_RUNNING);
	atomic_init(&s->got_init, 0);
	atomic_init(&s->stalled, 0);
}

int srv_start(struct srv *s, int fd, const struct srv_conf *conf,
	      int notify_fd)
{
	int fl, rc;

	srv_init(s, fd, conf, notify_fd);
	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0)
		return errno;
	rc = install_wakeup();
	if (rc)
		return rc;
	s->buf = malloc(s->bufsize);
	if (!s->buf)
		return ENOMEM;
	rc = pthread_create(&s->thread, NULL, srv_thread, s);
	if (rc) {
		free(s->buf);
		s->buf = NULL;
		return rc;
	}
	s->started = 1;
	return 0;
}

enum srv_end srv_join(struct srv *s)
{
	if (!s->started)
		return (enum srv_end)atomic_load(&s->end);
	pthread_join(s->thread, NULL);
	s->started = 0;
	free(s->buf);
	s->buf = NULL;
	return (enum srv_end)atomic_load(&s->end);
}

enum srv_end srv_stop(struct srv *s)
{
	struct timespec tick = { .tv_sec = 0, .tv_nsec = 10 * 1000000L };

	if (!s->started)
		return (enum srv_end)atomic_load(&s->end);
	atomic_store(&s->stop, 1);
	/* Repeat: a signal sent just before read() blocks would be lost. */
	while (atomic_load(&s->end) == SRV_RUNNING) {
		pthread_kill(s->thread, SIGUSR1);
		nanosleep(&tick, NULL);
	}
	return srv_join(s);
}

const char *srv_end_name(enum srv_end end)
{
	switch (end) {
	case SRV_RUNNING:
		return "running";
	case SRV_UNMOUNTED:
		return "unmount";
	case SRV_DESTROYED:
		return "destroy";
	case SRV_STOPPED:
		return "stopped";
	case SRV_FAILED:
		return "error";
	}
	return "unknown";
}
