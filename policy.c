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
	memset(c, 0, sizeof(*c));
	c->user_allow_other = false;
	c->mount_max = FM_MOUNT_MAX_DEFAULT;
	c->user_mount_max = -1;
	c->reattach_grace_max = -1;
}

enum line_kind { LINE_OK, LINE_EOF, LINE_TOO_LONG, LINE_NO_NEWLINE };

/* Reads one physical line into buf (NUL-terminated, newline removed). */
static enum line_kind read_line(FILE *f, char *buf, size_t size, size_t *len)
{
	size_t n = 0;
	bool overflow = false;
	int ch;

	while ((ch = getc(f)) != EOF && ch != '\n') {
		if (n + 2 >= size) {	/* no room for this char, '\n' and NUL */
			size_t lead = 0;

			/* Too long: the text is kept only to tell whether the
			 * line was a new key, so leading blanks make room. */
			overflow = true;
			while (lead < n && isspace((unsigned char)buf[lead]))
				lead++;
			if (lead == 0)
				continue;
			memmove(buf, buf + lead, n - lead);
			n -= lead;
		}
		buf[n++] = (char)ch;
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

/* ------------------------------------------------------ new conf keys */

enum new_key { NK_MOUNT_DIR, NK_GROUP, NK_USER_MAX, NK_FS, NK_LOG, NK_GRACE,
	       NK_NONE };

static const char *const new_keys[] = {
	[NK_MOUNT_DIR] = "mount_dir",
	[NK_GROUP] = "allow_other_group",
	[NK_USER_MAX] = "user_mount_max",
	[NK_FS] = "mountpoint_fs",
	[NK_LOG] = "log",
	[NK_GRACE] = "reattach_grace_max",
};

/* Which new key s starts with (a whole word), and where its text ends. */
static enum new_key new_key_of(const char *s, const char **rest)
{
	for (int k = 0; k < NK_NONE; k++) {
		size_t n = strlen(new_keys[k]);

		if (strncmp(s, new_keys[k], n) == 0 &&
		    (s[n] == '\0' || s[n] == '=' || isspace((unsigned char)s[n]))) {
			*rest = s + n;
			return (enum new_key)k;
		}
	}
	return NK_NONE;
}

/* The first malformed new-key line is what refuses non-root mounts. */
static void note_bad(struct fuse_conf *c, int line, const char *why)
{
	if (!c->bad_line) {
		c->bad_line = line;
		c->bad_why = why;
	}
}

static const char *add_entry(struct conf_entry *list, size_t *n,
			     const char *v, int line)
{
	if (*n >= FM_CONF_LIST_MAX)
		return "too many entries for this key";
	snprintf(list[*n].value, sizeof(list[*n].value), "%s", v);
	list[(*n)++].line = line;
	return NULL;
}

static const char *set_mount_dir(struct fuse_conf *c, const char *v, int line)
{
	static const struct user_facts probe = { "user", 1000, "/home/user" };
	char out[PATH_MAX];

	if (conf_expand(v, &probe, out, sizeof(out)))
		return "mount_dir must be an absolute path without "
		       "'.' or '..' and use only $USER, $UID and $HOME";
	return add_entry(c->mount_dir, &c->n_mount_dir, v, line);
}

static const char *set_group(struct fuse_conf *c, const char *v, int line)
{
	for (const char *p = v; *p; p++)
		if (isspace((unsigned char)*p) || *p == ',' || *p == ':')
			return "allow_other_group takes one group name";
	return add_entry(c->group, &c->n_group, v, line);
}

/* Decimal digits only, at most max: 0 and *n, or -1. */
static int conf_number(const char *v, long max, long *n)
{
	*n = 0;
	for (const char *p = v; *p; p++) {
		/* n * 10 + digit stays within max, even where long is int */
		if (!isdigit((unsigned char)*p) || *n > (max - (*p - '0')) / 10)
			return -1;
		*n = *n * 10 + (*p - '0');
	}
	return 0;
}

static const char *set_user_max(struct fuse_conf *c, const char *v, int line)
{
	long n;

	if (conf_number(v, INT_MAX, &n))
		return "user_mount_max takes a number from 0 to 2147483647";
	c->user_mount_max = (int)n;
	c->user_mount_max_line = line;
	return NULL;
}

static const char *set_grace_max(struct fuse_conf *c, const char *v, int line)
{
	long n;

	if (conf_number(v, FM_REATTACH_GRACE_MAX, &n))
		return "reattach_grace_max takes a number of seconds from 0 to 3600";
	c->reattach_grace_max = (int)n;
	c->reattach_grace_max_line = line;
	return NULL;
}

static const char *set_fs(struct fuse_conf *c, const char *v, int line)
{
	unsigned long magic = policy_fstype_by_name(v);

	if (!magic)
		return "mountpoint_fs names an unknown filesystem type "
		       "or one that may never be mounted over";
	if (c->n_extra_fs >= FM_CONF_LIST_MAX)
		return "too many entries for this key";
	c->extra_fs_line[c->n_extra_fs] = line;
	c->extra_fs[c->n_extra_fs++] = magic;
	return NULL;
}

static const char *set_log(struct fuse_conf *c, const char *v, int line)
{
	static const char *const words[] = {
		[CONF_LOG_ALL] = "all",
		[CONF_LOG_REFUSALS] = "refusals",
		[CONF_LOG_OFF] = "off",
	};

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcmp(v, words[i]) == 0) {
			c->log = (enum conf_log)i;
			c->log_line = line;
			return NULL;
		}
	return "log takes one of all, refusals, off";
}

/* "KEY = VALUE" for one of the new keys: NULL, or what is wrong with it.
 * Each setter likewise. */
static const char *new_key_line(struct fuse_conf *c, enum new_key k,
				const char *rest, int line)
{
	if (!c->new_key_line)
		c->new_key_line = line;
	while (isspace((unsigned char)*rest))
		rest++;
	if (*rest++ != '=')
		return "expected KEY = VALUE";
	while (isspace((unsigned char)*rest))
		rest++;
	if (!*rest)
		return "missing value";
	switch (k) {
	case NK_MOUNT_DIR: return set_mount_dir(c, rest, line);
	case NK_GROUP:	   return set_group(c, rest, line);
	case NK_USER_MAX:  return set_user_max(c, rest, line);
	case NK_FS:	   return set_fs(c, rest, line);
	case NK_LOG:	   return set_log(c, rest, line);
	case NK_GRACE:	   return set_grace_max(c, rest, line);
	case NK_NONE:	   break;
	}
	return "unknown key";
}

static void conf_line(struct fuse_conf *c, char *raw, int line,
		      conf_diag_fn diag, void *arg)
{
	char *s = strip(raw);
	const char *val = NULL, *rest;
	enum new_key k;
	long v;
	int r;

	if (*s == '\0')
		return;
	if (strcmp(s, "user_allow_other") == 0) {
		c->user_allow_other = true;
		c->allow_other_line = line;
		return;
	}
	k = new_key_of(s, &rest);
	if (k != NK_NONE) {
		const char *why = new_key_line(c, k, rest, line);

		if (why) {
			note_bad(c, line, why);
			diag(arg, CONF_BAD_NEW_KEY, line, why);
		}
		return;
	}
	r = parse_mount_max(s, &v, &val);
	if (r > 0) {
		c->mount_max = (int)v;
		c->mount_max_line = line;
	} else if (r < 0) {
		diag(arg, CONF_BAD_MOUNT_MAX, line, val);
	} else {
		diag(arg, CONF_UNKNOWN_KEY, line, s);
	}
}

/* A line we cannot read whole: harmless unless it was a new key. */
static void lost_line(struct fuse_conf *c, char *buf, int line)
{
	const char *rest;

	if (new_key_of(strip(buf), &rest) != NK_NONE) {
		if (!c->new_key_line)
			c->new_key_line = line;
		note_bad(c, line, "policy line too long or without final newline");
	}
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
			lost_line(c, buf, line);
			diag(arg, CONF_LINE_TOO_LONG, line, NULL);
			continue;
		}
		if (k == LINE_NO_NEWLINE) {
			lost_line(c, buf, line);
			diag(arg, CONF_NO_FINAL_NEWLINE, line, NULL);
			break;
		}
		if (memchr(buf, '\0', len)) {	/* embedded NUL: never valid */
			diag(arg, CONF_UNKNOWN_KEY, line, buf);
			lost_line(c, buf, line);
			continue;
		}
		conf_line(c, buf, line, diag, arg);
	}
	return ferror(f) ? -EIO : 0;
}

bool conf_file_trusted(uid_t owner, mode_t mode)
{
	return owner == 0 && !(mode & (S_IWGRP | S_IWOTH));
}

/* ------------------------------------------------- mount_dir templates */

struct sbuf {
	char *p;
	size_t n, len;
	bool overflow;
};

static void sb_put(struct sbuf *b, const char *s, size_t n)
{
	if (b->len + n >= b->n) {
		b->overflow = true;
		return;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

/* Appends the value of the variable at *t ("$NAME" or "${NAME}"). */
static int expand_var(const char **t, const struct user_facts *u,
		      struct sbuf *b)
{
	const char *s = *t + 1, *e;
	bool brace = *s == '{';
	char num[24];
	size_t n;

	s += brace;
	for (e = s; isalnum((unsigned char)*e) || *e == '_'; e++)
		;
	n = (size_t)(e - s);
	if (brace && *e++ != '}')
		return -EINVAL;
	*t = e;
	if (n == 4 && !strncmp(s, "USER", 4)) {
		if (!u->name || !*u->name || strchr(u->name, '/') ||
		    !strcmp(u->name, ".") || !strcmp(u->name, ".."))
			return -EINVAL;
		sb_put(b, u->name, strlen(u->name));
	} else if (n == 3 && !strncmp(s, "UID", 3)) {
		snprintf(num, sizeof(num), "%lu", (unsigned long)u->uid);
		sb_put(b, num, strlen(num));
	} else if (n == 4 && !strncmp(s, "HOME", 4)) {
		if (!u->home || u->home[0] != '/')
			return -EINVAL;
		n = strlen(u->home);
		while (*e == '/' && n > 0 && u->home[n - 1] == '/')
			n--;	/* "$HOME/m" with home "/" or "/h/" */
		sb_put(b, u->home, n);
	} else {
		return -EINVAL;
	}
	return 0;
}

/* A clean absolute path: no empty, "." or ".." component ("/" is fine;
 * one trailing slash is tolerated and removed). */
static bool clean_path(char *p)
{
	size_t n = strlen(p);

	if (p[0] != '/')
		return false;
	if (n > 1 && p[n - 1] == '/')
		p[--n] = '\0';
	for (const char *c = p + 1; n > 1; ) {
		const char *slash = strchr(c, '/');
		size_t len = slash ? (size_t)(slash - c) : strlen(c);

		if (len == 0 || (len == 1 && c[0] == '.') ||
		    (len == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		if (!slash)
			break;
		c = slash + 1;
	}
	return true;
}

int conf_expand(const char *tmpl, const struct user_facts *u, char *out,
		size_t n)
{
	struct sbuf b = { out, n, 0, false };
	int e;

	if (n == 0)
		return -ENAMETOOLONG;
	out[0] = '\0';
	while (*tmpl) {
		const char *dollar = strchr(tmpl, '$');
		size_t lit = dollar ? (size_t)(dollar - tmpl) : strlen(tmpl);

		sb_put(&b, tmpl, lit);
		tmpl += lit;
		if (!dollar)
			break;
		e = expand_var(&tmpl, u, &b);
		if (e)
			return e;
	}
	if (b.overflow)
		return -ENAMETOOLONG;
	return clean_path(out) ? 0 : -EINVAL;
}

int policy_group_allow_other(const struct fuse_conf *c, const bool *member)
{
	for (size_t i = 0; i < c->n_group; i++)
		if (member[i])
			return c->group[i].line;
	return 0;
}

bool policy_user_max_reached(const struct fuse_conf *c, long mine)
{
	return c->user_mount_max >= 0 && mine >= c->user_mount_max;
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
const char *opts_token_end(const char *p)
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

/* reattach=SECONDS: 1 to FM_REATTACH_GRACE_MAX */
static enum opt_status reattach_grace(const struct token *t, struct mount_opts *o)
{
	unsigned long n = 0;

	if (!valid_number(t, 9))
		return OPT_BAD_VALUE;
	for (size_t i = 9; i < t->len; i++)
		n = n * 10 + (unsigned long)(t->p[i] - '0');
	if (n < 1 || n > FM_REATTACH_GRACE_MAX)
		return OPT_BAD_VALUE;
	o->reattach_grace = (unsigned int)n;
	o->reattach_default = false;
	return OPT_OK;
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
	if (tok_is(t, "reattach")) {
		o->reattach_grace = FM_REATTACH_GRACE_DEFAULT;
		o->reattach_default = true;
		return OPT_OK;
	}
	if (tok_has_prefix(t, "reattach="))
		return reattach_grace(t, o);
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
		const char *end = opts_token_end(s);
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

enum fs_rule {
	FS_ALLOWED,	/* on the reference's list */
	FS_OPTIONAL,	/* an admin may allow it (mountpoint_fs) */
	FS_NEVER,	/* "magic" files: mounting over them is an attack */
};

struct fstype {
	unsigned long magic;
	const char *name;
	enum fs_rule rule;
};

/*
 * Filesystems a user may mount over, and the names of some that are
 * refused, so the error can say "proc" instead of a hex number.
 */
static const struct fstype fstypes[] = {
	/* the reference's list */
	{ 0x61756673, "aufs",        FS_ALLOWED },
	{ 0x00000187, "autofs",      FS_ALLOWED },
	{ 0xCA451A4E, "bcachefs",    FS_ALLOWED },
	{ 0x9123683E, "btrfs",       FS_ALLOWED },
	{ 0x00C36400, "ceph",        FS_ALLOWED },
	{ 0xFF534D42, "cifs",        FS_ALLOWED },
	{ 0x0000F15F, "ecryptfs",    FS_ALLOWED },
	{ 0x2011BAB0, "exfat",       FS_ALLOWED },
	{ 0x0000EF53, "ext4",        FS_ALLOWED },
	{ 0xF2F52010, "f2fs",        FS_ALLOWED },
	{ 0x65735546, "fuse",        FS_ALLOWED },
	{ 0x01161970, "gfs2",        FS_ALLOWED },
	{ 0x47504653, "gpfs",        FS_ALLOWED },
	{ 0x0000482B, "hfsplus",     FS_ALLOWED },
	{ 0x000072B6, "jffs2",       FS_ALLOWED },
	{ 0x3153464A, "jfs",         FS_ALLOWED },
	{ 0x0BD00BD0, "lustre",      FS_ALLOWED },
	{ 0x0000564C, "ncpfs",       FS_ALLOWED },
	{ 0x00006969, "nfs",         FS_ALLOWED },
	{ 0x00003434, "nilfs",       FS_ALLOWED },
	{ 0x5346544E, "ntfs",        FS_ALLOWED },
	{ 0x7366746E, "ntfs3",       FS_ALLOWED },
	{ 0x5346414F, "openafs",     FS_ALLOWED },
	{ 0x794C7630, "overlay",     FS_ALLOWED },
	{ 0xAAD7AAEA, "panfs",       FS_ALLOWED },
	{ 0x858458F6, "ramfs",       FS_ALLOWED },
	{ 0x52654973, "reiserfs",    FS_ALLOWED },
	{ 0xFE534D42, "smb2",        FS_ALLOWED },
	{ 0x73717368, "squashfs",    FS_ALLOWED },
	{ 0x01021994, "tmpfs",       FS_ALLOWED },
	{ 0x24051905, "ubifs",       FS_ALLOWED },
	{ 0x00004D44, "vfat",        FS_ALLOWED },
	{ 0x18031977, "wekafs",      FS_ALLOWED },
	{ 0x58465342, "xfs",         FS_ALLOWED },
	{ 0x2FC12FC1, "zfs",         FS_ALLOWED },
#if ULONG_MAX > 0xffffffffUL
	{ 0x736675005346544EUL, "ufsd", FS_ALLOWED },
#endif
	/* allowed only by mountpoint_fs */
	{ 0x01021997, "9p",          FS_OPTIONAL },
	{ 0x6B414653, "afs",         FS_OPTIONAL },
	{ 0x73757245, "coda",        FS_OPTIONAL },
	{ 0x28CD3D45, "cramfs",      FS_OPTIONAL },
	{ 0xE0F5E1E2, "erofs",       FS_OPTIONAL },
	{ 0x00004244, "hfs",         FS_OPTIONAL },
	{ 0x958458F6, "hugetlbfs",   FS_OPTIONAL },
	{ 0x00009660, "iso9660",     FS_OPTIONAL },
	{ 0x7461636F, "ocfs2",       FS_OPTIONAL },
	{ 0x20030528, "orangefs",    FS_OPTIONAL },
	{ 0x00007275, "romfs",       FS_OPTIONAL },
	{ 0x15013346, "udf",         FS_OPTIONAL },
	{ 0x786F4256, "vboxsf",      FS_OPTIONAL },
	{ 0x5A4F4653, "zonefs",      FS_OPTIONAL },
	/* never: their files act on the kernel */
	{ 0x42494E4D, "binfmt_misc", FS_NEVER },
	{ 0xCAFE4A11, "bpf",         FS_NEVER },
	{ 0x0027E0EB, "cgroup",      FS_NEVER },
	{ 0x63677270, "cgroup2",     FS_NEVER },
	{ 0x62656570, "configfs",    FS_NEVER },
	{ 0x64626720, "debugfs",     FS_NEVER },
	{ 0x00001CD1, "devpts",      FS_NEVER },
	{ 0xDE5E81E4, "efivarfs",    FS_NEVER },
	{ 0x65735543, "fusectl",     FS_NEVER },
	{ 0x19800202, "mqueue",      FS_NEVER },
	{ 0x6E736673, "nsfs",        FS_NEVER },
	{ 0x00009FA0, "proc",        FS_NEVER },
	{ 0x6165676C, "pstore",      FS_NEVER },
	{ 0x73636673, "securityfs",  FS_NEVER },
	{ 0x43415D53, "smackfs",     FS_NEVER },
	{ 0xF97CFF8C, "selinuxfs",   FS_NEVER },
	{ 0x62656572, "sysfs",       FS_NEVER },
	{ 0x74726163, "tracefs",     FS_NEVER },
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

	return t && t->rule == FS_ALLOWED;
}

unsigned long policy_fstype_by_name(const char *name)
{
	for (size_t i = 0; i < sizeof(fstypes) / sizeof(fstypes[0]); i++)
		if (strcmp(fstypes[i].name, name) == 0)
			return fstypes[i].rule == FS_NEVER ? 0 : fstypes[i].magic;
	return 0;
}

const char *policy_fstype_name(unsigned long fs_type)
{
	const struct fstype *t = fstype_find(fs_type);

	return t ? t->name : NULL;
}

/* devtmpfs shares tmpfs's magic: only its name tells it apart. */
static bool never_by_name(const char *name)
{
	if (!name)
		return false;
	if (strcmp(name, "devtmpfs") == 0)
		return true;
	for (size_t i = 0; i < sizeof(fstypes) / sizeof(fstypes[0]); i++)
		if (fstypes[i].rule == FS_NEVER && strcmp(fstypes[i].name, name) == 0)
			return true;
	return false;
}

static bool extra_fs(const struct mp_facts *f)
{
	const struct fstype *t = fstype_find(f->fs_type);

	if (t && t->rule == FS_NEVER)
		return false;	/* whatever the conf says */
	for (size_t i = 0; f->conf && i < f->conf->n_extra_fs; i++)
		if (f->conf->extra_fs[i] == f->fs_type)
			return true;
	return false;
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
	if ((!policy_fstype_allowed(f->fs_type) && !extra_fs(f)) ||
	    never_by_name(f->fs_name))
		return MP_FSTYPE;
	return MP_OK;
}

enum grace_verdict policy_reattach_grace(const struct fuse_conf *c,
					 struct mount_opts *o)
{
	unsigned int cap;

	if (!o->reattach_grace || c->reattach_grace_max < 0)
		return GRACE_OK;
	if (c->reattach_grace_max == 0)
		return GRACE_OFF;
	cap = (unsigned int)c->reattach_grace_max;
	if (o->reattach_grace <= cap)
		return GRACE_OK;
	if (!o->reattach_default)
		return GRACE_OVER;
	o->reattach_grace = cap;	/* a bare "reattach" asked for no number */
	return GRACE_OK;
}

bool policy_mount_max_reached(const struct fuse_conf *c, long count)
{
	return c->mount_max >= 0 && count >= c->mount_max;
}

/* Mounts alone decide a refusal; with the attaches in flight counted
 * as mounts, a limit reached only through them means "not yet known". */
enum limit_verdict policy_limits(const struct fuse_conf *c,
				 const struct limit_counts *n)
{
	if (policy_mount_max_reached(c, n->mounts))
		return LIMIT_MOUNT_MAX;
	if (policy_user_max_reached(c, n->mine))
		return LIMIT_USER_MAX;
	if (policy_mount_max_reached(c, n->mounts + n->in_flight))
		return LIMIT_WAIT_MOUNT_MAX;
	if (policy_user_max_reached(c, n->mine + n->mine_in_flight))
		return LIMIT_WAIT_USER_MAX;
	return LIMIT_OK;
}
