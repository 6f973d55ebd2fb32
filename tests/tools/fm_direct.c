/*
 * fm_direct.c - mount FUSE with the new mount API, without any helper.
 */
#define _GNU_SOURCE
#include "fm_direct.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

/* -o words that are per-mount attributes (or nothing) rather than fs params */
static const struct {
	const char *name;
	unsigned int attr;
	int sb_flag;		/* also pass it to fsconfig as a flag */
} attr_words[] = {
	{ "ro", MOUNT_ATTR_RDONLY, 1 },
	{ "noexec", MOUNT_ATTR_NOEXEC, 0 },
	{ "noatime", MOUNT_ATTR_NOATIME, 0 },
	{ "nodiratime", MOUNT_ATTR_NODIRATIME, 0 },
	{ "nosymfollow", MOUNT_ATTR_NOSYMFOLLOW, 0 },
	{ "nosuid", MOUNT_ATTR_NOSUID, 0 },
	{ "nodev", MOUNT_ATTR_NODEV, 0 },
	{ "rw", 0, 0 },
	{ "auto_unmount", 0, 0 },	/* handled by the caller */
};

/* Print what the kernel logged on the fs-context fd. */
static void drain_log(int fsfd)
{
	char line[512];
	ssize_t n;

	while ((n = read(fsfd, line, sizeof(line) - 1)) > 0) {
		line[n] = '\0';
		line[strcspn(line, "\n")] = '\0';
		fprintf(stderr, "fmclient: kernel: %s\n", line);
	}
}

static int config(int fsfd, unsigned int cmd, const char *key,
		  const char *val)
{
	if (fsconfig(fsfd, cmd, key, val, 0) == 0)
		return 0;
	fprintf(stderr, "fmclient: fsconfig %s%s%s: %s\n",
		key ? key : "CMD_CREATE",
		val ? "=" : "", val ? val : "", strerror(errno));
	drain_log(fsfd);
	return -1;
}

static int set_num(int fsfd, const char *key, int octal, unsigned long v)
{
	char buf[32];

	if (octal)
		snprintf(buf, sizeof(buf), "%lo", v);
	else
		snprintf(buf, sizeof(buf), "%lu", v);
	return config(fsfd, FSCONFIG_SET_STRING, key, buf);
}

static int apply_word(int fsfd, char *word, unsigned int *attrs)
{
	char *eq = strchr(word, '=');
	size_t i;

	for (i = 0; i < sizeof(attr_words) / sizeof(attr_words[0]); i++) {
		if (strcmp(word, attr_words[i].name))
			continue;
		*attrs |= attr_words[i].attr;
		if (!attr_words[i].sb_flag)
			return 0;
		return config(fsfd, FSCONFIG_SET_FLAG, word, NULL);
	}
	if (!eq)
		return config(fsfd, FSCONFIG_SET_FLAG, word, NULL);
	*eq = '\0';
	if (!strcmp(word, "fsname"))
		word = "source";
	return config(fsfd, FSCONFIG_SET_STRING, word, eq + 1);
}

static int apply_opts(int fsfd, const char *opts, unsigned int *attrs)
{
	char *copy = strdup(opts), *save = NULL, *word;
	int rc = 0;

	if (!copy) {
		perror("fmclient: strdup");
		return -1;
	}
	for (word = strtok_r(copy, ",", &save); word && !rc;
	     word = strtok_r(NULL, ",", &save))
		rc = apply_word(fsfd, word, attrs);
	free(copy);
	return rc;
}

static int configure(int fsfd, int fuse_fd, mode_t fmt, const char *opts,
		     unsigned int *attrs)
{
	if (set_num(fsfd, "fd", 0, (unsigned long)fuse_fd) ||
	    set_num(fsfd, "rootmode", 1, (unsigned long)fmt) ||
	    set_num(fsfd, "user_id", 0, (unsigned long)getuid()) ||
	    set_num(fsfd, "group_id", 0, (unsigned long)getgid()) ||
	    apply_opts(fsfd, opts, attrs))
		return -1;
	return config(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL);
}

int direct_mount(const char *mnt, const char *opts, int fuse_fd)
{
	unsigned int attrs = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;
	struct stat st;
	int fsfd, mfd = -1, rc = -1;

	if (stat(mnt, &st) < 0) {
		fprintf(stderr, "fmclient: %s: %s\n", mnt, strerror(errno));
		return -1;
	}
	fsfd = fsopen("fuse", FSOPEN_CLOEXEC);
	if (fsfd < 0) {
		perror("fmclient: fsopen fuse");
		return -1;
	}
	if (configure(fsfd, fuse_fd, st.st_mode & S_IFMT, opts, &attrs))
		goto out;
	mfd = fsmount(fsfd, FSMOUNT_CLOEXEC, attrs);
	if (mfd < 0) {
		perror("fmclient: fsmount");
		drain_log(fsfd);
		goto out;
	}
	rc = move_mount(mfd, "", AT_FDCWD, mnt, MOVE_MOUNT_F_EMPTY_PATH);
	if (rc < 0)
		fprintf(stderr, "fmclient: move_mount onto %s: %s\n", mnt,
			strerror(errno));
out:
	/* both fds pin the mount / superblock: close them at once */
	if (mfd >= 0)
		close(mfd);
	close(fsfd);
	return rc < 0 ? -1 : 0;
}
