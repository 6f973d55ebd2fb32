/*
 * fm_proto.h - the library side of the fusermount3 comm-socket protocol:
 * spawning the helper with _FUSE_COMMFD, receiving the /dev/fuse fd,
 * the sync-init "proceed" byte and the int32 mount status.
 *
 * These functions print diagnostics to stderr but never to stdout and
 * never exit; the caller decides what a result means.
 */
#ifndef FM_PROTO_H
#define FM_PROTO_H

#include <stdint.h>
#include <sys/types.h>

struct helper {
	pid_t pid;	/* -1 when not running or already reaped */
	int sock;	/* our end of the comm socket, -1 once closed */
};

void helper_init(struct helper *h);
/*
 * Spawn path (PATH search if it has no '/') with argv and the inherited
 * environment plus _FUSE_COMMFD=<its end of a new socketpair>.
 * Returns 0 or a positive errno.
 */
int helper_spawn(struct helper *h, const char *path,
		 const char *const argv[]);
/* 1: fd received; 0: EOF; -1: error or no fd attached (printed). */
int helper_recv_fd(struct helper *h, int *fd);
/* Send the one-byte sync-init "proceed"; 0 or a positive errno. */
int helper_send_proceed(struct helper *h);
/* Number of status bytes read (4 = complete), or -1 on error. */
int helper_recv_status(struct helper *h, int32_t *status);
/* Block until the helper closes its end; 0 on EOF, -1 on error. */
int helper_wait_eof(struct helper *h);
void helper_close(struct helper *h);
/*
 * Run path with argv (no comm socket, the inherited environment) and
 * collect all it writes to stdout (NUL-terminated, *out malloc'd; stderr
 * stays ours); then reap it.  Returns 0 (*wstatus set) or a positive errno.
 */
int helper_capture(const char *path, const char *const argv[], char **out,
		   size_t *len, int *wstatus);
/* waitpid: 1 reaped (*wstatus set), 0 still running (nohang), -1 error */
int helper_reap(struct helper *h, int nohang, int *wstatus);

#endif
