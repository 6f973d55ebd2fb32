/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * utab.h - the record of a mount in libmount's /run/mount/utab.
 *
 * libmount owns the file's format and its lock; every update goes through
 * it, in a short-lived child that is killed when it takes too long.
 */
#ifndef FM_UTAB_H
#define FM_UTAB_H

#include <stdbool.h>

#define FM_UTAB "/run/mount/utab"
#define FM_UTAB_TIMEOUT_MS 5000	/* whole update, lock wait included */
bool utab_present(void);
/* Both run with the caller's fsuid switched to root by the caller. */
int utab_add(const char *source, const char *target, const char *type,
	     const char *opts);
int utab_remove(const char *target);

#endif
