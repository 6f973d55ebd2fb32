/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * unmount_cmd.h - the unmount commands: -u [-z] and --abort, as the
 * caller sees them.  Said through out (-q: logged only, but for the
 * warning about a utab record left behind, which -q silences wholly);
 * 0 or -errno.
 */
#ifndef FM_UNMOUNT_CMD_H
#define FM_UNMOUNT_CMD_H

#include <stdbool.h>

#include "mctx.h"
#include "privs.h"
#include "verdict.h"

int unmount_cmd(const struct privs *pv, const struct mpath *p, bool lazy,
		bool quiet, const struct notes *out);
int unmount_cmd_abort(const struct privs *pv, const struct mpath *p,
		      bool quiet, const struct notes *out);

#endif
