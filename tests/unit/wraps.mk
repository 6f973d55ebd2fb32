# per-test sources and --wrap lists for the cmocka tests
UNIT_SRCS_test_policy := policy.c mounts.c privs.c libmount_dl.c
UNIT_SRCS_test_proto := proto.c
UNIT_SRCS_test_fsmount := mount_fsmount.c
UNIT_WRAPS_test_fsmount := -Wl,--wrap=fsopen,--wrap=fsconfig,--wrap=fsmount,--wrap=move_mount,--wrap=read,--wrap=__read_chk,--wrap=close
# mount_fsmount.c holds the helpers both backends share
UNIT_SRCS_test_legacy := mount_legacy.c mount_fsmount.c
UNIT_WRAPS_test_legacy := -Wl,--wrap=mount

UNIT_SRCS_test_lockfile := lockfile.c
# libmount through dlopen, and the mountinfo fallback that uses it
UNIT_SRCS_test_mounts := mounts.c privs.c libmount_dl.c
UNIT_SRCS_test_esc := esc.c
# the log goes to a socket the test binds in its own temp dir
UNIT_SRCS_test_log := log.c esc.c policy.c
UNIT_WRAPS_test_log := -DFM_LOG_SOCKET='"fm-test-log.sock"'
UNIT_SRCS_test_list := list.c esc.c mounts.c privs.c reattach.c proto.c libmount_dl.c

# utab.c: the line scanner of the pruning (libmount through dlopen, as in the helper)
UNIT_SRCS_test_utab := utab.c mounts.c privs.c lockfile.c libmount_dl.c

# prepare.c's verdicts, as an unprivileged user: fuse.conf redirected, the
# calls the test cannot arrange replaced (see the test's header)
UNIT_SRCS_test_prepare := prepare.c verdict.c mctx.c policy.c mountdir.c mounts.c privs.c \
	libmount_dl.c log.c esc.c
UNIT_WRAPS_test_prepare := -Wl,--wrap=conf_file_trusted,--wrap=open,--wrap=access \
	-Wl,--wrap=fstatfs,--wrap=mounts_id_at,--wrap=mounts_info,--wrap=mounts_count_fuse,--wrap=mounts_count_all \
	-Wl,--wrap=privs_fsroot_begin,--wrap=privs_fsroot_end,--wrap=mountdir_find,--wrap=realloc
