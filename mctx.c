// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mctx.c - the mount job (mctx.h): the mountpoint's path, resolved as the
 * caller gave it, and the job's start and end.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mctx.h"

void mpath_free(struct mpath *p)
{
	free(p->abs);
	free(p->parent);
	free(p->last);
}

static int split_resolved(const char *rp, const char *last, struct mpath *p)
{
	size_t n = strlen(rp);

	p->parent = strdup(rp);
	p->last = strdup(last);
	p->abs = malloc(n + strlen(last) + 2);
	if (!p->parent || !p->last || !p->abs)
		return -ENOMEM;
	sprintf(p->abs, "%s%s%s", rp, rp[n - 1] == '/' ? "" : "/", last);
	return 0;
}

int mpath_resolve(const char *orig, struct mpath *p)
{
	char *copy = strdup(orig), *slash, *rp;
	const char *last;
	size_t n;
	int e;

	if (!copy)
		return -ENOMEM;
	for (n = strlen(copy); n > 1 && copy[n - 1] == '/'; n--)
		copy[n - 1] = '\0';
	slash = strrchr(copy, '/');
	last = slash ? slash + 1 : copy;
	if (!strcmp(last, ".") || !strcmp(last, "..") || !strcmp(copy, "/")) {
		rp = realpath(copy, NULL);
		last = ".";
	} else if (slash) {
		*slash = '\0';
		rp = realpath(slash == copy ? "/" : copy, NULL);
	} else {
		rp = realpath(".", NULL);
	}
	e = rp ? split_resolved(rp, last, p) : -errno;
	free(rp);
	free(copy);
	return e;
}

void mctx_init(struct mctx *c)
{
	c->cfd = c->devfd = c->parentfd = c->pinfd = c->lsock = -1;
	c->done.mntfd = -1;
	c->lim.fd = -1;
	c->lim.slot = -1;
}

void mctx_free(struct mctx *c)
{
	mpath_free(&c->path);
	opts_free(&c->o);
	free(c->target);
}
