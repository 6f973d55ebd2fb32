// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * verdict.c - verdicts and notes (verdict.h): formatting only; where the
 * text goes is fusermount.c's business.
 */
#include <stdio.h>
#include <stdlib.h>

#include "verdict.h"

/* without memory: the text of the moment, as long as it fits */
static char spare[8192];

char *verdict_vformat(const char *fmt, va_list ap)
{
	va_list again;
	char *text;

	va_copy(again, ap);
	if (vasprintf(&text, fmt, ap) < 0) {
		vsnprintf(spare, sizeof(spare), fmt, again);
		text = spare;
	}
	va_end(again);
	return text;
}

void verdict_text_free(char *text)
{
	if (text != spare)
		free(text);
}

static struct verdict make(enum verdict_kind kind, int err, int line,
			   const char *fmt, va_list ap)
{
	struct verdict v = { .kind = kind, .err = err, .line = line };

	v.text = verdict_vformat(fmt, ap);
	return v;
}

struct verdict verdict_refuse(int err, int line, const char *fmt, ...)
{
	struct verdict v;
	va_list ap;

	va_start(ap, fmt);
	v = make(V_REFUSED, err, line, fmt, ap);
	va_end(ap);
	return v;
}

struct verdict verdict_fail(int err, const char *fmt, ...)
{
	struct verdict v;
	va_list ap;

	va_start(ap, fmt);
	v = make(V_FAILED, err, 0, fmt, ap);
	va_end(ap);
	return v;
}

void verdict_free(struct verdict *v)
{
	verdict_text_free(v->text);
	v->text = NULL;
}

void note_as(const struct notes *n, enum note_how how, const char *fmt, ...)
{
	va_list ap;
	char *text;

	va_start(ap, fmt);
	text = verdict_vformat(fmt, ap);
	va_end(ap);
	n->say(n->arg, how, text);
	verdict_text_free(text);
}

void note_decided(const struct notes *n, int err)
{
	if (n->decided)
		n->decided(n->arg, err);
}
