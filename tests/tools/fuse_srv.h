/*
 * fuse_srv.h - a minimal read-only FUSE server for the fusermount3 tests.
 *
 * The file system has a root directory holding one regular file "hello"
 * (or, with root_file, a root inode that is itself a regular file).  The
 * server runs in its own thread and reads requests from a /dev/fuse fd.
 */
#ifndef FUSE_SRV_H
#define FUSE_SRV_H

#include <linux/fuse.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/types.h>
#include <time.h>

/* Linux 6.18 (protocol 7.45); the 6.1 uapi header (7.38) lacks it. */
#ifndef FUSE_DEV_IOC_SYNC_INIT
#define FUSE_DEV_IOC_SYNC_INIT _IO(FUSE_DEV_IOC_MAGIC, 3)
#endif
_Static_assert(FUSE_DEV_IOC_SYNC_INIT == 0xe503, "FUSE_DEV_IOC_SYNC_INIT");

/* Linux 6.9 (protocol 7.40); the 6.1 uapi header lacks it. */
#define SRV_NOTIFY_RESEND 7

struct srv_conf {
	const char *content;	/* data of "hello", or of the root file */
	int root_file;		/* serve the root inode as a regular file */
	int init_delay_ms;	/* sleep this long before answering FUSE_INIT */
	int init_error;		/* > 0: answer FUSE_INIT with -init_error */
	int verbose;		/* log every request to stderr */
	const char *stall_lookup; /* never answer a LOOKUP of this name */
	int stall_open;		/* never answer OPEN/OPENDIR; print stalled= */
	const char *stall_on;	/* LOOKUP of this name in the root is never
				 * answered, nor is any request after it */
	int stall_read;		/* never answer READ; print stalled=read */
	int stall_access_root;	/* never answer ACCESS from a process whose
				 * real uid is 0; print stalled=access */
	int dir_mode;		/* permission bits of the root directory (0:
				 * 0755) */
	int stall_lookup_root;	/* entries valid for 0 s; never answer LOOKUP
				 * from a process whose real uid is 0; print
				 * stalled=lookup */
	int resend;		/* reattached: no INIT; FUSE_NOTIFY_RESEND first */
};

/* Why the server thread ended. */
enum srv_end {
	SRV_RUNNING = 0,	/* not ended yet */
	SRV_UNMOUNTED,		/* read() gave ENODEV: unmounted or aborted */
	SRV_DESTROYED,		/* FUSE_DESTROY answered */
	SRV_STOPPED,		/* srv_stop() was called */
	SRV_FAILED,		/* unexpected error (printed to stderr) */
};

struct srv {
	struct srv_conf conf;
	int fd;			/* /dev/fuse; not owned */
	int notify_fd;		/* one byte 'S' is written here at the end */
	uid_t uid;
	gid_t gid;
	time_t t0;
	size_t content_len;
	char *buf;
	size_t bufsize;
	pthread_t thread;
	int started;		/* thread created and not yet joined */
	atomic_int stop;
	atomic_int end;		/* enum srv_end */
	atomic_int got_init;
	atomic_int stalled;	/* stall_on was looked up: answer nothing */
};

/* Start the server thread on fd; returns 0 or a positive errno. */
int srv_start(struct srv *s, int fd, const struct srv_conf *conf,
	      int notify_fd);
/* Ask the thread to end, interrupting a blocked read(), and join it. */
enum srv_end srv_stop(struct srv *s);
/* Wait for the thread to end by itself. */
enum srv_end srv_join(struct srv *s);
const char *srv_end_name(enum srv_end end);

#endif
