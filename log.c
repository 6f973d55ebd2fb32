// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * log.c - see include/log.h.
 *
 * syslog(3) is not used: on a stream socket, or a datagram socket whose
 * listener's queue is full, it blocks, and its fallbacks write to the
 * console.  One non-blocking datagram per line is all we send.
 */
#include <errno.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

#include "esc.h"
#include "log.h"

#define LOG_LINE_MAX 4096	/* one datagram; receivers take 8 KiB */

static struct {
	bool on;		/* a caller who is not root */
	uid_t uid;
	enum conf_log (*read_level)(void);
	bool level_known;
	enum conf_log level;
	const char *action;	/* static text, or NULL */
	bool done;		/* the line of this decision is out */
	char *mountpoint, *options, *note;
	char *name;		/* the caller's user name, once known */
} L;

void log_begin(uid_t uid, bool root, enum conf_log (*read_level)(void))
{
	free(L.mountpoint);
	free(L.options);
	free(L.note);
	free(L.name);
	memset(&L, 0, sizeof(L));
	L.on = !root;
	L.uid = uid;
	L.read_level = read_level;
}

void log_set_level(enum conf_log level)
{
	L.level = level;
	L.level_known = true;
}

void log_set_action(const char *action)
{
	L.action = action;
	L.done = false;
}

static void keep(char **slot, const char *s)
{
	free(*slot);
	*slot = s ? strdup(s) : NULL;
}

void log_set_mountpoint(const char *path)
{
	keep(&L.mountpoint, path);
}

void log_set_options(const char *opts)
{
	keep(&L.options, opts);
}

void log_note(const char *text)
{
	keep(&L.note, text);
}

void log_set_user_name(const char *name)
{
	keep(&L.name, name);
}

/* ---------------------------------------------------------- the line */

struct line {
	char b[LOG_LINE_MAX];
	size_t len;		/* never more than sizeof(b) - 1 */
	bool full;		/* a part did not fit: nothing more is added */
};

static void __attribute__((format(printf, 2, 3)))
add(struct line *l, const char *fmt, ...)
{
	size_t room = sizeof(l->b) - l->len;
	va_list ap;
	int n;

	if (l->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(l->b + l->len, room, fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < room) {
		l->len += (size_t)n;
		return;
	}
	l->b[l->len] = '\0';	/* all of it or nothing */
	l->full = true;
}

static void add_esc(struct line *l, const char *s, enum esc_mode m)
{
	size_t room = sizeof(l->b) - l->len, n;

	if (l->full)
		return;
	n = esc_str(l->b + l->len, room, s, m);
	l->full = n >= room;
	l->len += strlen(l->b + l->len);
}

/* The names of the options, never their values. */
static void add_option_names(struct line *l, const char *opts)
{
	bool first = true;

	add(l, " options=");
	for (const char *p = opts; *p; ) {
		const char *end = opts_token_end(p);
		const char *eq = memchr(p, '=', (size_t)(end - p));
		size_t n = (size_t)((eq ? eq : end) - p);
		char *name = strndup(p, n);

		if (name && n) {
			add(l, "%s", first ? "" : ",");
			add_esc(l, name, ESC_FIELD);
			first = false;
		}
		free(name);
		p = *end ? end + 1 : end;
	}
	if (first)
		add(l, "-");
}

/* Overwrites every occurrence in s of the n bytes at tok with those at
 * by (of the same length). */
static void replace_all(char *s, const char *tok, const char *by, size_t n)
{
	for (char *p = s; n && (p = memmem(p, strlen(p), tok, n)) != NULL; p += n)
		memcpy(p, by, n);
}

/*
 * A refusal quotes the option it is about ("unknown option 'x=VALUE'"):
 * in the log every NAME=VALUE of the -o string becomes NAME=*****, so no
 * value reaches the log through a message either.  NULL without memory.
 */
static char *redact(const char *reason, const char *opts)
{
	char *r = strdup(reason), *mask;

	for (const char *p = opts ? opts : ""; r && *p; ) {
		const char *end = opts_token_end(p);
		size_t n = (size_t)(end - p);
		const char *eq = memchr(p, '=', n);

		if (eq && eq + 1 < end && (mask = strndup(p, n)) != NULL) {
			memset(mask + (eq + 1 - p), '*', (size_t)(end - eq - 1));
			replace_all(r, p, mask, n);
			free(mask);
		}
		p = *end ? end + 1 : end;
	}
	return r;
}

/* "<PRI>fusermount3[PID]: ", without a timestamp: the receivers of
 * /dev/log (journald, rsyslog, syslog-ng, busybox) stamp what arrives
 * themselves, and reading the time zone would cost every command. */
static void add_header(struct line *l, int severity)
{
	add(l, "<%d>fusermount3[%d]: ", LOG_AUTHPRIV | severity, (int)getpid());
}

/* The name another step looked up already, else one lookup (NSS) now. */
static void add_user(struct line *l)
{
	const struct passwd *pw = L.name ? NULL : getpwuid(L.uid);
	const char *name = L.name ? L.name : pw ? pw->pw_name : NULL;

	add(l, "user=");
	if (name)
		add_esc(l, name, ESC_FIELD);
	else
		add(l, "?");
	add(l, " uid=%lu", (unsigned long)L.uid);
}

static void send_line(const struct line *l)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	if (fd < 0)
		return;
	memcpy(a.sun_path, FM_LOG_SOCKET, sizeof(FM_LOG_SOCKET));
	(void)sendto(fd, l->b, l->len, MSG_DONTWAIT | MSG_NOSIGNAL,
		     (const struct sockaddr *)&a, sizeof(a));
	close(fd);
}

/* Is anyone there?  Without a socket at FM_LOG_SOCKET no line could be
 * sent: then nothing is prepared for one (no fuse.conf read for the
 * level, no user name lookup, no socket).  One appearing between this
 * look and the send only misses this line, as one started a moment
 * later would. */
static bool listener_there(void)
{
	struct stat st;

	return stat(FM_LOG_SOCKET, &st) == 0 && S_ISSOCK(st.st_mode);
}

static bool wanted(bool ok)
{
	if (!L.on || !L.action || L.done)
		return false;
	L.done = true;
	if (!listener_there())
		return false;
	if (!L.level_known)
		log_set_level(L.read_level ? L.read_level() : CONF_LOG_ALL);
	return L.level == CONF_LOG_ALL || (L.level == CONF_LOG_REFUSALS && !ok);
}

static void emit(const char *result, const char *conf, int line,
		 const char *reason)
{
	bool ok = strcmp(result, "ok") == 0;
	int saved = errno;
	struct line *l;

	if (!wanted(ok))
		goto out;
	l = malloc(sizeof(*l));
	if (!l)
		goto out;
	l->len = 0;
	l->full = false;
	l->b[0] = '\0';
	add_header(l, ok ? LOG_INFO : LOG_NOTICE);
	add(l, "%s %s: ", L.action, result);
	add_user(l);
	if (L.mountpoint) {
		add(l, " mountpoint=");
		add_esc(l, L.mountpoint, ESC_FIELD);
	}
	if (L.options && strcmp(L.action, "mount") == 0)
		add_option_names(l, L.options);
	if (conf && line > 0) {
		add(l, " conf=");
		add_esc(l, conf, ESC_FIELD);
		add(l, ":%d", line);
	}
	if (reason) {
		char *r = redact(reason, L.options);

		add(l, " reason=");
		add_esc(l, r ? r : "(no memory)", ESC_TEXT);
		free(r);
	}
	send_line(l);
	free(l);
out:
	errno = saved;
}

void log_refused(const char *reason, const char *conf, int line)
{
	emit("refused", conf, line, reason ? reason : "");
}

void log_ok(void)
{
	emit("ok", NULL, 0, NULL);
}

void log_failed(void)
{
	emit("failed", NULL, 0, L.note ? L.note : "");
}

void log_end(int status)
{
	if (status == 0)
		log_ok();
	else
		log_failed();
}
