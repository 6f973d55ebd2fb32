/*
 * fm_direct.h - mount FUSE with the new mount API, without any helper
 * (needs CAP_SYS_ADMIN): the "raw syscall floor".
 */
#ifndef FM_DIRECT_H
#define FM_DIRECT_H

/*
 * fsopen("fuse") -> fsconfig(fd, rootmode, user_id, group_id, opts)
 * -> CMD_CREATE -> fsmount(NOSUID|NODEV + opts) -> move_mount onto mnt.
 * opts is a comma-separated list: "k=v" -> SET_STRING (fsname= becomes
 * source=), mount-attribute words go to fsmount, other words -> SET_FLAG.
 * Returns 0 or -1 (reason printed to stderr, with the kernel's log).
 */
int direct_mount(const char *mnt, const char *opts, int fuse_fd);

#endif
