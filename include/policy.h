/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * policy.h - fuse.conf parsing, mount option validation and the
 * mountpoint rules.  Everything here is a pure function of its inputs:
 * no getuid(), no stat(), no printing, no exit().  The caller gathers
 * the facts (ids, struct stat, statfs type, counts) and formats the
 * verdicts.
 */
#ifndef FM_POLICY_H
#define FM_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/types.h>

#define FM_MOUNT_MAX_DEFAULT 1000
#define FM_CONF_LINE_MAX 256	/* buffer size; a line may hold 254 chars */
#define FM_OPTS_MAX 4095	/* longest -o string accepted */
#define FM_VALUE_MAX 255	/* longest value fsconfig(2) accepts */

struct fuse_conf {
	bool user_allow_other;
	int mount_max;		/* -1: unlimited */
};

enum conf_diag {
	CONF_LINE_TOO_LONG,
	CONF_NO_FINAL_NEWLINE,
	CONF_BAD_MOUNT_MAX,
	CONF_UNKNOWN_KEY,
};

/* Called once per diagnostic; @text is the offending line or value. */
typedef void (*conf_diag_fn)(void *arg, enum conf_diag d, int line,
			     const char *text);

void conf_defaults(struct fuse_conf *c);
/* Returns 0, or -EIO when the stream reported a read error. */
int conf_parse(FILE *f, struct fuse_conf *c, conf_diag_fn diag, void *arg);

/* Parsed -o string.  Strings are owned and freed by opts_free(). */
struct mount_opts {
	unsigned long flags;		/* MS_* bits, NOSUID|NODEV preset */
	char *fsname;			/* unescaped; NULL if not given */
	char *subtype;			/* unescaped; NULL if not given */
	char *max_read;			/* decimal digits, or NULL */
	char *blksize;			/* decimal digits, or NULL */
	char *x_opts;			/* "x-a,x-b" for utab, or NULL */
	bool allow_other;
	bool default_permissions;
	bool blkdev;
	bool auto_unmount;
};

enum opt_status {
	OPT_OK = 0,
	OPT_UNKNOWN,		/* not on the allowlist */
	OPT_NEED_ALLOW_OTHER,	/* allow_other/allow_root not permitted */
	OPT_BLKDEV,		/* blkdev is privileged */
	OPT_TOO_LONG,		/* whole string over FM_OPTS_MAX */
	OPT_BAD_VALUE,		/* empty, too long, or control characters */
	OPT_NOMEM,
};

struct opt_error {
	enum opt_status status;
	const char *opt;	/* offending option, points into the input */
	size_t len;
};

struct opt_ctx {
	bool root;		/* caller's real uid is 0 */
	bool may_allow_other;	/* policy decided allow_other is fine */
	void (*unsafe)(void *arg, const char *opt);	/* suid/dev ignored */
	void *arg;
};

int opts_parse(const char *s, const struct opt_ctx *ctx,
	       struct mount_opts *o, struct opt_error *err);
void opts_free(struct mount_opts *o);

/* Mountpoint verdicts, checked on the pinned inode. */
enum mp_status {
	MP_OK = 0,
	MP_NOT_OWNER,		/* sticky directory owned by someone else */
	MP_NO_WRITE,		/* caller may not write the directory/file */
	MP_BAD_TYPE,		/* neither directory nor regular file */
	MP_FSTYPE,		/* filesystem type not on the allowlist */
};

struct mp_facts {
	uid_t uid;		/* caller's real uid */
	mode_t mode;		/* st_mode of the pinned mountpoint */
	uid_t owner;		/* st_uid of the pinned mountpoint */
	bool writable;		/* access check as the caller */
	unsigned long fs_type;	/* statfs f_type of the mountpoint */
};

enum mp_status policy_mountpoint(const struct mp_facts *f);
bool policy_fstype_allowed(unsigned long fs_type);
/* Human name of a filesystem magic, or NULL when unknown. */
const char *policy_fstype_name(unsigned long fs_type);
bool policy_mount_max_reached(const struct fuse_conf *c, long count);

#endif
