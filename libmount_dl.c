// SPDX-License-Identifier: GPL-2.0-or-later
/* libmount_dl.c - see include/lm.h. */
#include <dlfcn.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>

#include "lm.h"

struct lm_funcs lm;

static int state;		/* 0 not tried, 1 loaded, -ELIBACC failed */
static char why[256];

/* dlsym() returns void *; the member's type is the prototype's. */
#define LM_RESOLVE(f)							\
	if (ok) {							\
		*(void **)&lm.f = dlsym(h, #f);				\
		if (!lm.f) {						\
			snprintf(why, sizeof(why), "%s: no %s", LM_SONAME, #f); \
			ok = false;					\
		}							\
	}

static int load(void)
{
	void *h = dlopen(LM_SONAME, RTLD_NOW | RTLD_LOCAL);
	bool ok = h != NULL;

	if (!h) {
		const char *e = dlerror();

		snprintf(why, sizeof(why), "%s", e ? e : LM_SONAME);
		return -ELIBACC;
	}
	LM_FUNCS(LM_RESOLVE)
	return ok ? 1 : -ELIBACC;	/* a half-filled table is never used */
}

int lm_load(void)
{
	if (state == 0)
		state = load();
	return state == 1 ? 0 : state;
}

const char *lm_error(void)
{
	return why;
}
