#!/usr/bin/python3
"""fmstub.py - a hostile "library" for the attack tests (t_attacks.sh).

Run as root.  It forks, prepares the child exactly as asked (ids, closed
or inherited fds, resource limits, environment, a comm fd of any kind,
even an empty argv), execs the helper there and plays the library side
of the protocol without serving the filesystem.  The helper's pid is
printed first, so a test can look at /proc/PID while it waits.

Output (stdout, one line each, flushed):
  helper-pid=N
  fd-received | helper-eof | helper-nofd | no-socket
  hold                      (sync-init: waiting for --hold-file before proceed)
  linger                    (--linger-file: the socket stays open until it exists;
                             then the fuse fd is closed first, the socket after)
  proceed-sent, status=N | status-missing
  fdinfo N TARGET FLAGS     (--report-fds: the helper's fds while it waits)
  helper-exit=N | helper-signal=N | helper-timeout (then killed)
Exit status 0 unless the stub itself failed (2: usage, 3: setup error).
"""
import argparse
import ctypes
import os
import resource
import signal
import socket
import sys
import time

RLIMITS = {
    "NOFILE": resource.RLIMIT_NOFILE, "FSIZE": resource.RLIMIT_FSIZE,
    "AS": resource.RLIMIT_AS, "NPROC": resource.RLIMIT_NPROC,
    "STACK": resource.RLIMIT_STACK, "CORE": resource.RLIMIT_CORE,
}


def say(*words):
    print(" ".join(str(w) for w in words), flush=True)


def parse():
    p = argparse.ArgumentParser(prog="fmstub.py")
    p.add_argument("--helper", required=True)
    p.add_argument("--argv0", default="fusermount3")
    p.add_argument("--no-argv", action="store_true",
                   help="execve with an empty argv (argc == 0)")
    p.add_argument("--uid", type=int, required=True)
    p.add_argument("--gid", type=int, required=True)
    p.add_argument("--groups", default="", help="supplementary gids, a,b,c")
    p.add_argument("--mode", default="classic", choices=["classic", "sync-init", "none"])
    p.add_argument("--comm", default="stream",
                   help="stream|dgram|dgram-unconnected|closed-peer|pipe|tty|devnull|none")
    p.add_argument("--comm-fd", type=int, default=7)
    p.add_argument("--commfd-env", default=None,
                   help="value of _FUSE_COMMFD (default: the comm fd number)")
    p.add_argument("--env", action="append", default=[],
                   help="K=V; with --no-argv also any raw string")
    p.add_argument("--close", action="append", type=int, default=[])
    p.add_argument("--rlimit", action="append", default=[])
    p.add_argument("--inherit", type=int, default=0,
                   help="this many extra fds (pipes, sockets) from fd 10 on")
    p.add_argument("--inherit-path", action="append", default=[],
                   help="a file opened by root, inherited by the helper")
    p.add_argument("--hold-file", default=None)
    p.add_argument("--linger-file", default=None)
    p.add_argument("--report-fds", action="store_true")
    p.add_argument("--cwd", default="/")
    p.add_argument("--timeout", type=float, default=20)
    p.add_argument("--blocking", action="store_true",
                   help="plain blocking socket calls (no poll in this process)")
    p.add_argument("args", nargs="*")
    return p.parse_args()


def comm_pair(kind):
    """(our end or None, the helper's end or None)"""
    if kind == "stream":
        return socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    if kind == "dgram":
        return socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
    if kind == "dgram-unconnected":
        return None, socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    if kind == "closed-peer":
        a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        a.close()
        return None, b
    if kind == "pipe":
        r, w = os.pipe()
        return None, _Fd(w, r)
    if kind == "tty":
        master, slave = os.openpty()
        return None, _Fd(slave, master)
    if kind == "devnull":
        return None, _Fd(os.open("/dev/null", os.O_RDWR))
    if kind == "none":
        return None, None
    sys.exit("fmstub: unknown --comm " + kind)


class _Fd:
    """A plain fd (plus one to keep open) with the socket's fileno()."""

    def __init__(self, fd, keep=None):
        self.fd, self.keep = fd, keep

    def fileno(self):
        return self.fd

    def close(self):
        os.close(self.fd)


def child(a, theirs, extra):
    try:
        for sig in (signal.SIGPIPE, signal.SIGXFSZ, signal.SIGINT, signal.SIGQUIT):
            signal.signal(sig, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_SETMASK, [])
        os.chdir(a.cwd)
        keep = set(range(3))
        if theirs is not None:
            os.dup2(theirs.fileno(), a.comm_fd)
            keep.add(a.comm_fd)
        for target, fd in extra:
            os.dup2(fd, target)
            keep.add(target)
        # close everything else we hold (python's own fds included)
        for name in os.listdir("/proc/self/fd"):
            n = int(name)
            if n not in keep:
                try:
                    os.close(n)
                except OSError:
                    pass
        for n in a.close:
            try:
                os.close(n)
            except OSError:
                pass
        groups = [int(g) for g in a.groups.split(",") if g]
        os.setgroups(groups)
        # setgid/setuid, not setres*id: tests count the helper's setres*id
        os.setgid(a.gid)
        os.setuid(a.uid)
        for spec in a.rlimit:
            name, val = spec.split("=", 1)
            soft, _, hard = val.partition(":")
            lim = lambda v: resource.RLIM_INFINITY if v in ("", "inf") else int(v)
            resource.setrlimit(RLIMITS[name], (lim(soft), lim(hard or soft)))
        env = []
        if theirs is not None or a.commfd_env is not None:
            fd = a.commfd_env if a.commfd_env is not None else str(a.comm_fd)
            env.append("_FUSE_COMMFD=" + fd)
        env += a.env
        if a.no_argv:
            libc = ctypes.CDLL(None, use_errno=True)
            argv = (ctypes.c_char_p * 1)(None)
            envp = (ctypes.c_char_p * (len(env) + 1))(*[e.encode() for e in env], None)
            libc.execve(a.helper.encode(), argv, envp)
            os._exit(126)
        os.execve(a.helper, [a.argv0] + a.args,
                  dict(e.partition("=")[::2] for e in env))
    except BaseException as e:  # noqa: B902 - report anything, never return
        try:
            os.write(2, ("fmstub child: %r\n" % (e,)).encode())
        finally:
            os._exit(127)


def fd_report(pid):
    base = "/proc/%d/fd" % pid
    for name in sorted(os.listdir(base), key=int):
        try:
            target = os.readlink("%s/%s" % (base, name))
            flags = "?"
            with open("/proc/%d/fdinfo/%s" % (pid, name)) as f:
                for line in f:
                    if line.startswith("flags:"):
                        flags = line.split()[1]
            say("fdinfo", name, target, flags)
        except OSError:
            pass


def recv_fd(sock):
    try:
        msg, anc, _, _ = sock.recvmsg(1, socket.CMSG_SPACE(4))
    except (socket.timeout, OSError) as e:
        say("helper-eof", "(%s)" % e.__class__.__name__)
        return -1
    if not msg:
        say("helper-eof")
        return -1
    for level, typ, data in anc:
        if level == socket.SOL_SOCKET and typ == socket.SCM_RIGHTS:
            say("fd-received")
            return int.from_bytes(data[:4], sys.byteorder)
    say("helper-nofd")
    return -1


def wait_helper(pid, deadline):
    while True:
        r, st = os.waitpid(pid, os.WNOHANG)
        if r:
            if os.WIFEXITED(st):
                say("helper-exit=%d" % os.WEXITSTATUS(st))
            else:
                say("helper-signal=%d" % os.WTERMSIG(st))
            return
        if time.monotonic() > deadline:
            say("helper-timeout")
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return
        time.sleep(0.01)


def main():
    a = parse()
    deadline = time.monotonic() + a.timeout
    if a.inherit:
        _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        want = max(4096, 10 + 2 * a.inherit + 64)
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(want, hard), hard))
    ours, theirs = comm_pair(a.comm)
    extra = []
    target = 10
    keepalive = []
    while len(extra) < a.inherit:
        if len(extra) % 3 == 2:
            s1, s2 = socket.socketpair()
            keepalive += [s1, s2]
            fds = [s2.fileno()]
        else:
            r, w = os.pipe()
            fds = [r, w]
        for fd in fds:
            if len(extra) < a.inherit:
                extra.append((target, fd))
                target += 1
    for path in a.inherit_path:
        extra.append((target, os.open(path, os.O_RDONLY)))
        target += 1
    pid = os.fork()
    if pid == 0:
        child(a, theirs, extra)
    say("helper-pid=%d" % pid)
    if theirs is not None:
        theirs.close()
    for _, fd in extra:
        os.close(fd)
    fuse_fd = -1
    if ours is not None and a.mode != "none":
        if not a.blocking:
            ours.settimeout(max(0.1, deadline - time.monotonic()))
        fuse_fd = recv_fd(ours)
        if fuse_fd >= 0 and a.mode == "sync-init":
            if a.report_fds:
                fd_report(pid)
            if a.hold_file:
                say("hold")
                while not os.path.exists(a.hold_file) and time.monotonic() < deadline:
                    time.sleep(0.02)
            try:
                ours.send(b"\0")
                say("proceed-sent")
            except OSError as e:
                # the helper may have given up already; its status may
                # still be waiting in the socket
                say("proceed-failed", "(%s)" % e.__class__.__name__)
            try:
                st = b""
                while len(st) < 4:
                    chunk = ours.recv(4 - len(st))
                    if not chunk:
                        break
                    st += chunk
                if len(st) == 4:
                    say("status=%d" % int.from_bytes(st, sys.byteorder, signed=True))
                else:
                    say("status-missing")
            except OSError as e:
                say("status-missing", "(%s)" % e.__class__.__name__)
        elif fuse_fd >= 0 and a.report_fds:
            fd_report(pid)
        if a.linger_file:
            say("linger")
            while not os.path.exists(a.linger_file) and time.monotonic() < deadline:
                time.sleep(0.02)
            if fuse_fd >= 0:
                os.close(fuse_fd)
                fuse_fd = -1
        ours.close()
    wait_helper(pid, deadline)
    if fuse_fd >= 0:
        os.close(fuse_fd)
    return 0


if __name__ == "__main__":
    sys.exit(main())
