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

/*
 * Keys beyond the reference's user_allow_other and mount_max.  They are
 * honoured only when the file is root-owned and not writable by group or
 * others (the caller checks that: conf.new_key_line tells whether any was
 * used), and a malformed one denies every non-root mount (conf.bad_line).
 */
#define FM_CONF_LIST_MAX 32	/* entries per repeatable key */

struct conf_entry {
	char value[FM_CONF_LINE_MAX];	/* as written: path template or name */
	int line;
};

/* What goes to syslog (the log key); see log.h. */
enum conf_log {
	CONF_LOG_ALL = 0,	/* every mount, unmount and refusal (default) */
	CONF_LOG_REFUSALS,	/* refusals and failures only */
	CONF_LOG_OFF,		/* nothing */
};

struct fuse_conf {
	bool user_allow_other;
	int allow_other_line;		/* 0: not set */
	int mount_max;		/* -1: unlimited */
	int mount_max_line;
	int user_mount_max;	/* per caller; -1: unlimited */
	int user_mount_max_line;
	struct conf_entry mount_dir[FM_CONF_LIST_MAX];
	size_t n_mount_dir;
	struct conf_entry group[FM_CONF_LIST_MAX];	/* allow_other_group */
	size_t n_group;
	unsigned long extra_fs[FM_CONF_LIST_MAX];	/* mountpoint_fs */
	int extra_fs_line[FM_CONF_LIST_MAX];
	size_t n_extra_fs;
	enum conf_log log;	/* log */
	int log_line;
	int reattach_grace_max;	/* seconds, 0: no reattach; -1: no cap */
	int reattach_grace_max_line;
	int new_key_line;	/* first line using a new key; 0: none */
	int bad_line;		/* first malformed new-key line; 0: none */
	const char *bad_why;	/* what is wrong with it (static text) */
};

enum conf_diag {
	CONF_LINE_TOO_LONG,
	CONF_NO_FINAL_NEWLINE,
	CONF_BAD_MOUNT_MAX,
	CONF_UNKNOWN_KEY,
	CONF_BAD_NEW_KEY,	/* malformed new-key line: fails closed */
};

/* Called once per diagnostic; @text is the offending line or value
 * (for CONF_BAD_NEW_KEY: what is wrong with it). */
typedef void (*conf_diag_fn)(void *arg, enum conf_diag d, int line,
			     const char *text);

void conf_defaults(struct fuse_conf *c);
/* Returns 0, or -EIO when the stream reported a read error. */
int conf_parse(FILE *f, struct fuse_conf *c, conf_diag_fn diag, void *arg);

/* What $USER, $UID and $HOME stand for in a mount_dir template. */
struct user_facts {
	const char *name;
	uid_t uid;
	const char *home;
};

/*
 * Expands a mount_dir template into out (size n).  0, or -EINVAL when the
 * template names another variable, an expansion is unusable (a user name
 * with '/', a relative home), or the result is not a clean absolute path
 * (no empty, "." or ".." component); -ENAMETOOLONG when it does not fit.
 */
int conf_expand(const char *tmpl, const struct user_facts *u, char *out,
		size_t n);
/* Whether the file holding the conf may carry the new keys. */
bool conf_file_trusted(uid_t owner, mode_t mode);
/* Line of the allow_other_group entry that lets the caller use
 * allow_other, or 0.  member[i]: whether the caller belongs to group[i]. */
int policy_group_allow_other(const struct fuse_conf *c, const bool *member);
bool policy_user_max_reached(const struct fuse_conf *c, long mine);

/* The end of the -o option starting at p (a comma or the NUL): the one
 * tokenizer, so that a backslash-escaped comma in fsname=/subtype= never
 * ends an option, wherever options are split. */
const char *opts_token_end(const char *p);

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
	unsigned int reattach_grace;	/* reattach[=SECONDS]: 0 = off */
	bool reattach_default;		/* bare "reattach": no number given */
};

#define FM_REATTACH_GRACE_DEFAULT 30	/* seconds, for a bare "reattach" */
#define FM_REATTACH_GRACE_MAX 3600

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
	const struct fuse_conf *conf;	/* for mountpoint_fs; may be NULL */
	const char *fs_name;	/* the kernel's name of that type, or NULL:
				 * tells devtmpfs from tmpfs (same magic) */
};

enum mp_status policy_mountpoint(const struct mp_facts *f);
bool policy_fstype_allowed(unsigned long fs_type);
/* Magic of a filesystem name an admin may allow (mountpoint_fs), or 0:
 * unknown names and those with "magic" files (proc, sysfs, ...). */
unsigned long policy_fstype_by_name(const char *name);
/* Human name of a filesystem magic, or NULL when unknown. */
const char *policy_fstype_name(unsigned long fs_type);
bool policy_mount_max_reached(const struct fuse_conf *c, long count);

/*
 * reattach_grace_max, for a non-root caller: a grace period above the cap
 * is refused, except for a bare "reattach" (no number asked), whose
 * default is lowered to the cap; a cap of 0 refuses reattach.
 */
enum grace_verdict {
	GRACE_OK,	/* o->reattach_grace may have been lowered */
	GRACE_OFF,	/* reattach_grace_max = 0 */
	GRACE_OVER,	/* reattach=N with N above the cap */
};

enum grace_verdict policy_reattach_grace(const struct fuse_conf *c,
					 struct mount_opts *o);

/*
 * The count at attach time, under the limits lock: FUSE mounts in the
 * namespace (all, and the caller's) and attaches in flight (all, and the
 * caller's), which other helpers have counted and are about to make.
 */
struct limit_counts {
	long mounts, mine;
	long in_flight, mine_in_flight;
};

enum limit_verdict {
	LIMIT_OK,		/* below both limits, counting the flight */
	LIMIT_MOUNT_MAX,	/* mount_max reached by mounts alone */
	LIMIT_USER_MAX,		/* user_mount_max reached by mounts alone */
	LIMIT_WAIT_MOUNT_MAX,	/* reached only with the attaches in flight: */
	LIMIT_WAIT_USER_MAX,	/*   they may fail, so look again soon */
};

enum limit_verdict policy_limits(const struct fuse_conf *c,
				 const struct limit_counts *n);

#endif
