/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * verdict.h - what a phase says, without saying it itself.
 *
 * A phase (prepare.c, finish.c, ...) never prints and never exits.  What
 * ends a command is returned as a verdict: the error number, the message
 * exactly as the caller reads it, and the fuse.conf line that decided it.
 * What is said on the way (a warning, or one of several messages while a
 * mount is undone) goes, in order, through the notes the caller of the
 * phase passed in.  fusermount.c is the one place that turns both into
 * stderr (or --check's stdout), the log (log.h) and the exit status.
 */
#ifndef FM_VERDICT_H
#define FM_VERDICT_H

#include <stdarg.h>
#include <stdbool.h>

enum verdict_kind {
	V_GO = 0,	/* nothing against it: go on */
	V_REFUSED,	/* refused: "deny: " with --check, logged as refused */
	V_FAILED,	/* said as a note, then exit status 1 with no log line */
};

struct verdict {
	enum verdict_kind kind;
	int err;	/* the errno value behind it (positive) */
	int line;	/* the fuse.conf line that decided it; 0: none */
	char *text;	/* the message, without "progname: "; verdict_free() */
};

#define VERDICT_GO ((struct verdict){ .kind = V_GO })

struct verdict verdict_refuse(int err, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
struct verdict verdict_fail(int err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void verdict_free(struct verdict *v);

enum note_how {
	NOTE_TOLD,	/* "progname: text" on stderr, and the log's reason */
	NOTE_LOGGED,	/* -q: the log's reason only */
	NOTE_BARE,	/* text on stderr as it is, not logged */
};

struct notes {
	void (*say)(void *arg, enum note_how how, const char *text);
	/* the outcome is decided (0 or -errno) before it is said: what is
	 * left may be bounded by the caller; may be NULL */
	void (*decided)(void *arg, int err);
	void *arg;
};

void note_decided(const struct notes *n, int err);

void note_as(const struct notes *n, enum note_how how, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
#define note(n, ...) note_as(n, NOTE_TOLD, __VA_ARGS__)
/* NOTE_LOGGED when quiet */
#define note_q(n, quiet, ...) note_as(n, (quiet) ? NOTE_LOGGED : NOTE_TOLD, __VA_ARGS__)
#define note_bare(n, ...) note_as(n, NOTE_BARE, __VA_ARGS__)

/* The text of fmt; never NULL: without memory, a static buffer (the
 * text cut at its size, one at a time) that verdict_text_free() spares. */
char *verdict_vformat(const char *fmt, va_list ap)
	__attribute__((format(printf, 1, 0)));
void verdict_text_free(char *text);

#endif
