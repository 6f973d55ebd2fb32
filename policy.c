// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * policy.c - what a caller may mount, decided from data alone.
 *
 * Rules this file MUST keep (each one prevents a known attack):
 *  1. Options are an allowlist.  Anything not named here is refused, so
 *     new kernel options never become reachable by accident.
 *  2. Backslash escapes are honoured only inside fsname= and subtype=;
 *     elsewhere a comma always ends an option (CVE-2018-10906: allow_other
 *     hidden behind an escaped comma).
 *  3. nosuid and nodev are preset for everybody; only root may clear them.
 *  4. fd=, rootmode=, user_id=, group_id= from the caller are dropped; the
 *     helper supplies its own.
 *  5. Values that end up in mount tables may not contain control
 *     characters (CVE-2005-3531: forged mtab lines).
 *  6. fuse.conf read errors are the caller's problem to act on: the parser
 *     reports them, it never silently falls back to defaults.
 *  7. Mountpoints: sticky directories only when owned by the caller, write
 *     access required, only directories and regular files, only on
 *     filesystems without "magic" files (procfs, sysfs: CVE-2016-1572).
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "policy.h"

#ifndef MS_NOSYMFOLLOW
#define MS_NOSYMFOLLOW 256
#endif

/* ---------------------------------------------------------------- conf */

void conf_defaults(struct fuse_conf *c)
{
	c->user_allow_other = false;
	c->mount_max = FM_MOUNT_MAX_DEFAULT;
}

enum line_kind { LINE_OK, LINE_EOF, LINE_TOO_LONG, LINE_NO_NEWLINE };

/* Reads one physical line into buf (NUL-terminated, newline removed). */
static enum line_kind read_line(FILE *f, char *buf, size_t size, size_t *len)
{
	size_t n = 0;
	bool overflow = false;
	int ch;

	while ((ch = getc(f)) != EOF && ch != '\n') {
		if (n + 2 < size)	/* room for this char, '\n' and NUL */
			buf[n++] = (char)ch;
		else
			overflow = true;
	}
	buf[n] = '\0';
	*len = n;
	if (ch == EOF)
		return (n == 0 && !overflow) ? LINE_EOF : LINE_NO_NEWLINE;
	return overflow ? LINE_TOO_LONG : LINE_OK;
}

static char *strip(char *s)
{
	char *hash = strchr(s, '#');
	size_t n;

	if (hash)
		*hash = '\0';
	n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	while (isspace((unsigned char)*s))
		s++;
	return s;
}

/* 1: valid value in *out; 0: not a mount_max line; -1: bad value. */
static int parse_mount_max(const char *s, long *out, const char **val)
{
	static const char key[] = "mount_max";
	char *end;

	if (strncmp(s, key, sizeof(key) - 1) != 0)
		return 0;
	s += sizeof(key) - 1;
	while (isspace((unsigned char)*s))
		s++;
	if (*s++ != '=')
		return 0;
	while (isspace((unsigned char)*s))
		s++;
	*val = s;
	errno = 0;
	*out = strtol(s, &end, 0);	/* like %i: decimal, 0x hex, 0 octal */
	if (end == s)
		return 0;
	if (errno == ERANGE || *out < -1 || *out > INT_MAX)
		return -1;
	return 1;	/* trailing text is ignored, as it always was */
}

static void conf_line(struct fuse_conf *c, char *raw, int line,
		      conf_diag_fn diag, void *arg)
{
	char *s = strip(raw);
	const char *val = NULL;
	long v;
	int r;

	if (*s == '\0')
		return;
	if (strcmp(s, "user_allow_other") == 0) {
		c->user_allow_other = true;
		return;
	}
	r = parse_mount_max(s, &v, &val);
	if (r > 0)
		c->mount_max = (int)v;
	else if (r < 0)
		diag(arg, CONF_BAD_MOUNT_MAX, line, val);
	else
		diag(arg, CONF_UNKNOWN_KEY, line, s);
}

int conf_parse(FILE *f, struct fuse_conf *c, conf_diag_fn diag, void *arg)
{
	char buf[FM_CONF_LINE_MAX];
	enum line_kind k;
	size_t len;
	int line = 0;

	while ((k = read_line(f, buf, sizeof(buf), &len)) != LINE_EOF) {
		line++;
		if (k == LINE_TOO_LONG) {
			diag(arg, CONF_LINE_TOO_LONG, line, NULL);
			continue;
		}
		if (k == LINE_NO_NEWLINE) {
			diag(arg, CONF_NO_FINAL_NEWLINE, line, NULL);
			break;
		}
		if (memchr(buf, '\0', len)) {	/* embedded NUL: never valid */
			diag(arg, CONF_UNKNOWN_KEY, line, buf);
			continue;
		}
		conf_line(c, buf, line, diag, arg);
	}
	return ferror(f) ? -EIO : 0;
}

/* ------------------------------------------------------------- options */

struct flag_word {
	const char *name;
	unsigned long bit;
	bool set;
	bool user_ok;	/* may a non-root caller use it? */
};

static const struct flag_word flag_words[] = {
	{ "rw",            MS_RDONLY,      false, true  },
	{ "ro",            MS_RDONLY,      true,  true  },
	{ "suid",          MS_NOSUID,      false, false },
	{ "nosuid",        MS_NOSUID,      true,  true  },
	{ "dev",           MS_NODEV,       false, false },
	{ "nodev",         MS_NODEV,       true,  true  },
	{ "exec",          MS_NOEXEC,      false, true  },
	{ "noexec",        MS_NOEXEC,      true,  true  },
	{ "async",         MS_SYNCHRONOUS, false, true  },
	{ "sync",          MS_SYNCHRONOUS, true,  true  },
	{ "noatime",       MS_NOATIME,     true,  true  },
	{ "nodiratime",    MS_NODIRATIME,  true,  true  },
	{ "norelatime",    MS_RELATIME,    false, true  },
	{ "nostrictatime", MS_STRICTATIME, false, true  },
	{ "symfollow",     MS_NOSYMFOLLOW, false, true  },
	{ "nosymfollow",   MS_NOSYMFOLLOW, true,  true  },
	{ "dirsync",       MS_DIRSYNC,     true,  true  },
};

/* Options the library may send that carry no meaning for us. */
static const char *const ignored_prefixes[] = {
	"fd=", "rootmode=", "user_id=", "group_id=",
};

struct token {
	const char *p;
	size_t len;
};

static bool tok_is(const struct token *t, const char *word)
{
	return strlen(word) == t->len && memcmp(t->p, word, t->len) == 0;
}

static bool tok_has_prefix(const struct token *t, const char *prefix)
{
	size_t n = strlen(prefix);

	return t->len >= n && memcmp(t->p, prefix, n) == 0;
}

static bool escapable(const char *p)
{
	return strncmp(p, "fsname=", 7) == 0 || strncmp(p, "subtype=", 8) == 0;
}

/* Finds the end of the option starting at p (rule 2). */
static const char *tok_end(const char *p)
{
	bool esc = escapable(p);

	while (*p && *p != ',') {
		if (esc && p[0] == '\\' && p[1] != '\0')
			p++;
		p++;
	}
	return p;
}

static bool has_ctrl(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return true;
	return false;
}

/* Copies the value after the '=' of t, removing backslash escapes. */
static char *unescape_value(const struct token *t, size_t keylen)
{
	const char *s = t->p + keylen, *end = t->p + t->len;
	char *out = malloc(t->len + 1), *d = out;

	if (!out)
		return NULL;
	for (; s < end; s++) {
		if (*s == '\\' && s + 1 < end)
			s++;
		*d++ = *s;
	}
	*d = '\0';
	return out;
}

static bool valid_name_value(const char *v, bool is_type)
{
	size_t n = strlen(v);

	if (n == 0 || n > FM_VALUE_MAX || has_ctrl(v, n))
		return false;
	/* the type field of mount tables has no escaping for these */
	return !is_type || strpbrk(v, " ,\\") == NULL;
}

static bool valid_number(const struct token *t, size_t keylen)
{
	size_t n = t->len - keylen;

	if (n == 0 || n > 10)
		return false;
	for (size_t i = keylen; i < t->len; i++)
		if (!isdigit((unsigned char)t->p[i]))
			return false;
	return true;
}

static enum opt_status set_string(char **dst, const struct token *t,
				  size_t keylen, bool unescape, bool is_type)
{
	char *v = unescape ? unescape_value(t, keylen)
			   : strndup(t->p + keylen, t->len - keylen);

	if (!v)
		return OPT_NOMEM;
	if (unescape && !valid_name_value(v, is_type)) {
		free(v);
		return OPT_BAD_VALUE;
	}
	free(*dst);	/* the last occurrence wins */
	*dst = v;
	return OPT_OK;
}

static enum opt_status append_x(struct mount_opts *o, const struct token *t)
{
	size_t old = o->x_opts ? strlen(o->x_opts) : 0;
	char *n;

	if (has_ctrl(t->p, t->len))
		return OPT_BAD_VALUE;
	n = realloc(o->x_opts, old + t->len + 2);
	if (!n)
		return OPT_NOMEM;
	if (old)
		n[old++] = ',';
	memcpy(n + old, t->p, t->len);
	n[old + t->len] = '\0';
	o->x_opts = n;
	return OPT_OK;
}

static int flag_word(const struct token *t, const struct opt_ctx *ctx,
		     struct mount_opts *o)
{
	for (size_t i = 0; i < sizeof(flag_words) / sizeof(flag_words[0]); i++) {
		const struct flag_word *w = &flag_words[i];

		if (!tok_is(t, w->name))
			continue;
		if (!ctx->root && !w->user_ok) {
			if (ctx->unsafe)
				ctx->unsafe(ctx->arg, w->name);
			return 1;
		}
		if (w->set)
			o->flags |= w->bit;
		else
			o->flags &= ~w->bit;
		return 1;
	}
	return 0;
}

static bool ignored(const struct token *t)
{
	if (tok_is(t, "nonempty"))
		return true;
	for (size_t i = 0; i < sizeof(ignored_prefixes) / sizeof(ignored_prefixes[0]); i++)
		if (tok_has_prefix(t, ignored_prefixes[i]))
			return true;
	return false;
}

static enum opt_status value_opt(const struct token *t, struct mount_opts *o)
{
	if (tok_has_prefix(t, "fsname="))
		return set_string(&o->fsname, t, 7, true, false);
	if (tok_has_prefix(t, "subtype="))
		return set_string(&o->subtype, t, 8, true, true);
	if (tok_has_prefix(t, "max_read="))
		return valid_number(t, 9) ? set_string(&o->max_read, t, 9, false, false)
					  : OPT_BAD_VALUE;
	if (tok_has_prefix(t, "blksize="))
		return valid_number(t, 8) ? set_string(&o->blksize, t, 8, false, false)
					  : OPT_BAD_VALUE;
	return OPT_UNKNOWN;
}

static enum opt_status one_option(const struct token *t,
				  const struct opt_ctx *ctx,
				  struct mount_opts *o)
{
	if (tok_has_prefix(t, "x-"))
		return append_x(o, t);
	if (ignored(t) || flag_word(t, ctx, o))
		return OPT_OK;
	if (tok_is(t, "allow_other") || tok_is(t, "allow_root")) {
		if (!ctx->root && !ctx->may_allow_other)
			return OPT_NEED_ALLOW_OTHER;
		if (tok_is(t, "allow_root"))	/* the library converts it */
			return OPT_UNKNOWN;
		o->allow_other = true;
		return OPT_OK;
	}
	if (tok_is(t, "default_permissions")) {
		o->default_permissions = true;
		return OPT_OK;
	}
	if (tok_is(t, "auto_unmount")) {
		o->auto_unmount = true;
		return OPT_OK;
	}
	if (tok_is(t, "blkdev")) {
		if (!ctx->root)
			return OPT_BLKDEV;
		o->blkdev = true;
		return OPT_OK;
	}
	return value_opt(t, o);
}

static int fail(struct opt_error *err, enum opt_status st,
		const struct token *t)
{
	err->status = st;
	err->opt = t ? t->p : NULL;
	err->len = t ? t->len : 0;
	return st == OPT_NOMEM ? -ENOMEM : -EINVAL;
}

int opts_parse(const char *s, const struct opt_ctx *ctx,
	       struct mount_opts *o, struct opt_error *err)
{
	bool seen = false, gap = false;
	struct token t;

	memset(o, 0, sizeof(*o));
	o->flags = MS_NOSUID | MS_NODEV;
	err->status = OPT_OK;
	if (strlen(s) > FM_OPTS_MAX)
		return fail(err, OPT_TOO_LONG, NULL);
	while (*s) {
		const char *end = tok_end(s);
		enum opt_status st;

		t.p = s;
		t.len = (size_t)(end - s);
		s = *end ? end + 1 : end;
		if (t.len == 0) {	/* empty: only an interior one is an error */
			gap = seen;
			continue;
		}
		if (gap) {
			struct token empty = { t.p, 0 };

			return fail(err, OPT_UNKNOWN, &empty);
		}
		seen = true;
		st = one_option(&t, ctx, o);
		if (st != OPT_OK)
			return fail(err, st, &t);
	}
	return 0;
}

void opts_free(struct mount_opts *o)
{
	free(o->fsname);
	free(o->subtype);
	free(o->max_read);
	free(o->blksize);
	free(o->x_opts);
	memset(o, 0, sizeof(*o));
}

/* ---------------------------------------------------------- mountpoint */

struct fstype {
	unsigned long magic;
	const char *name;
	bool allowed;
};

/*
 * Filesystems a user may mount over, and the names of some that are
 * refused, so the error can say "proc" instead of a hex number.
 */
static const struct fstype fstypes[] = {
	{ 0x61756673, "aufs", true },		{ 0x00000187, "autofs", true },
	{ 0xCA451A4E, "bcachefs", true },	{ 0x9123683E, "btrfs", true },
	{ 0x00C36400, "ceph", true },		{ 0xFF534D42, "cifs", true },
	{ 0x0000F15F, "ecryptfs", true },	{ 0x2011BAB0, "exfat", true },
	{ 0x0000EF53, "ext4", true },		{ 0xF2F52010, "f2fs", true },
	{ 0x65735546, "fuse", true },		{ 0x01161970, "gfs2", true },
	{ 0x47504653, "gpfs", true },		{ 0x0000482B, "hfsplus", true },
	{ 0x000072B6, "jffs2", true },		{ 0x3153464A, "jfs", true },
	{ 0x0BD00BD0, "lustre", true },		{ 0x00004D44, "vfat", true },
	{ 0x0000564C, "ncpfs", true },		{ 0x00006969, "nfs", true },
	{ 0x00003434, "nilfs", true },		{ 0x5346544E, "ntfs", true },
	{ 0x7366746E, "ntfs3", true },		{ 0x5346414F, "openafs", true },
	{ 0x794C7630, "overlay", true },	{ 0xAAD7AAEA, "panfs", true },
	{ 0x52654973, "reiserfs", true },	{ 0xFE534D42, "smb2", true },
	{ 0x73717368, "squashfs", true },	{ 0x01021994, "tmpfs", true },
	{ 0x24051905, "ubifs", true },		{ 0x18031977, "wekafs", true },
	{ 0x58465342, "xfs", true },		{ 0x2FC12FC1, "zfs", true },
	{ 0x858458F6, "ramfs", true },
#if ULONG_MAX > 0xffffffffUL
	{ 0x736675005346544EUL, "ufsd", true },
#endif
	{ 0x00009fa0, "proc", false },		{ 0x62656572, "sysfs", false },
	{ 0x00001cd1, "devpts", false },	{ 0x0027e0eb, "cgroup", false },
	{ 0x63677270, "cgroup2", false },	{ 0x19800202, "mqueue", false },
	{ 0x958458f6, "hugetlbfs", false },	{ 0x64626720, "debugfs", false },
	{ 0x74726163, "tracefs", false },	{ 0x73636673, "securityfs", false },
	{ 0xcafe4a11, "bpf", false },		{ 0x62656570, "configfs", false },
	{ 0xde5e81e4, "efivarfs", false },	{ 0x6165676c, "pstore", false },
	{ 0x42494e4d, "binfmt_misc", false },	{ 0x6e736673, "nsfs", false },
	{ 0x65735543, "fusectl", false },	{ 0xf97cff8c, "selinuxfs", false },
	{ 0x00009660, "iso9660", false },	{ 0xe0f5e1e2, "erofs", false },
	{ 0x01021997, "9p", false },		{ 0x15013346, "udf", false },
};

static const struct fstype *fstype_find(unsigned long magic)
{
	for (size_t i = 0; i < sizeof(fstypes) / sizeof(fstypes[0]); i++)
		if (fstypes[i].magic == magic)
			return &fstypes[i];
	return NULL;
}

bool policy_fstype_allowed(unsigned long fs_type)
{
	const struct fstype *t = fstype_find(fs_type);

	return t && t->allowed;
}

const char *policy_fstype_name(unsigned long fs_type)
{
	const struct fstype *t = fstype_find(fs_type);

	return t ? t->name : NULL;
}

enum mp_status policy_mountpoint(const struct mp_facts *f)
{
	if (f->uid == 0)
		return MP_OK;
	if (S_ISDIR(f->mode)) {
		if ((f->mode & S_ISVTX) && f->owner != f->uid)
			return MP_NOT_OWNER;
	} else if (!S_ISREG(f->mode)) {
		return MP_BAD_TYPE;
	}
	if (!f->writable)
		return MP_NO_WRITE;
	if (!policy_fstype_allowed(f->fs_type))
		return MP_FSTYPE;
	return MP_OK;
}

bool policy_mount_max_reached(const struct fuse_conf *c, long count)
{
	return c->mount_max >= 0 && count >= c->mount_max;
}
