#!/usr/bin/python3
"""full_sndbuf.py HELPER MODE MOUNTPOINT - a "library" whose comm socket
cannot take one more byte: it fills the helper's end of the socketpair
(writing through its own copy of that end, which the peer never reads)
before (MODE classic) or after (MODE sync-init: once the fd came, then
proceed) the helper needs to send.  Prints the helper's exit status (or
"helper-running" after 20 s, then kills it) and what came back.
"""
import os
import socket
import subprocess
import sys
import time


def fill(s):
    s.setblocking(False)
    n = 0
    try:
        while True:
            n += s.send(b"x" * 4096)
    except BlockingIOError:
        pass
    s.setblocking(True)     # the helper shares the file: a blocking send
    return n


def main():
    helper, mode, mnt = sys.argv[1:4]
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    args = [helper] + (["--sync-init"] if mode == "sync-init" else []) + ["--", mnt]
    if mode == "classic":
        print("filled", fill(theirs) > 0, flush=True)
    env = {"_FUSE_COMMFD": str(theirs.fileno())}
    p = subprocess.Popen(args, pass_fds=[theirs.fileno()], env=env,
                         stderr=subprocess.PIPE)
    if mode == "sync-init":
        msg, anc, _, _ = ours.recvmsg(1, socket.CMSG_SPACE(4))
        print("fd-received", bool(anc), flush=True)
        print("filled", fill(theirs) > 0, flush=True)
        ours.send(b"\0")
    try:
        p.wait(20)
        print("helper-exit=%d" % p.returncode, flush=True)
    except subprocess.TimeoutExpired:
        print("helper-running", flush=True)
        p.kill()
        p.wait()
    sys.stdout.write("stderr=" + p.stderr.read().decode(errors="replace"))
    sys.stdout.flush()


main()
