// SPDX-License-Identifier: GPL-2.0-or-later
/* utab.c - the libmount utab record of a mount; see include/utab.h. */
#include <errno.h>
#include <libmount.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "privs.h"
#include "utab.h"

bool utab_present(void)
{
	struct stat st;

	return lstat(FM_UTAB, &st) == 0 && S_ISREG(st.st_mode);
}

static int utab_apply_now(struct libmnt_fs *fs, const char *umount_target)
{
	struct libmnt_update *upd = mnt_new_update();
	int rc;

	if (!upd)
		return -ENOMEM;
	rc = mnt_update_set_fs(upd, 0, umount_target, fs);
	if (rc == 0)
		rc = mnt_update_table(upd, NULL);
	else if (rc == 1)	/* nothing for utab in it */
		rc = 0;
	mnt_free_update(upd);
	return rc < 0 ? rc : 0;
}

/* The child's result: 0, or -errno from its exit status. */
static int child_status(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR)
			return -errno;
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

/*
 * libmount waits for the utab lock without a limit and with every signal
 * blocked, and any user can hold that lock: the lock file is world-
 * readable and flock(2) needs only a read-only fd.  So the update runs in
 * a child that is killed when it takes too long.  A missing utab record
 * is only a warning; a helper stuck for good after mounting (or holding
 * the caller's fresh mount with its fd never sent) is not.  The child
 * itself is out of the caller's reach (all uids 0), so the caller cannot
 * stop it while it holds the lock, and the kill can only ever hit it
 * while it waits for the lock: no half-written temporary file is left.
 */
static int utab_apply(struct libmnt_fs *fs, const char *umount_target)
{
	pid_t pid = fork();
	int rc;

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		privs_unreachable();	/* best effort: the wait is bounded */
		rc = utab_apply_now(fs, umount_target);
		_exit(rc >= 0 ? 0 : (rc < -255 ? 255 : -rc));
	}
	if (child_ended(pid, FM_UTAB_TIMEOUT_MS))
		return child_status(pid);
	kill(pid, SIGKILL);
	child_status(pid);
	return -ETIMEDOUT;
}

int utab_add(const char *source, const char *target, const char *type,
	     const char *opts)
{
	struct libmnt_fs *fs = mnt_new_fs();
	int rc = -ENOMEM;

	if (fs && !mnt_fs_set_source(fs, source) && !mnt_fs_set_target(fs, target) &&
	    !mnt_fs_set_fstype(fs, type) && !mnt_fs_set_options(fs, opts))
		rc = utab_apply(fs, NULL);
	mnt_unref_fs(fs);
	return rc;
}

int utab_remove(const char *target)
{
	return utab_apply(NULL, target);
}
