#!/usr/bin/python3
"""policy_race.py - the mount_dir rename race of t_policy.sh.

Run as root inside the test's mount namespace.  A racer process, running as
the test user, swaps two names under the allowed directory with
renameat2(RENAME_EXCHANGE) as fast as it can: one is a real directory
holding the mountpoint, the other a symlink to a forbidden directory (which
never moves and holds a mountpoint of the same name).  Meanwhile the real
helper is run through fmclient, as the test user, on a path through the
swapped name, again and again.  After each attempt the racer is stopped
(SIGSTOP, so that paths stay put), every FUSE mount in the namespace is
checked and detached, and the racer goes on.

Violations (any one fails the test):
  - a FUSE mount on the forbidden mountpoint (by path in mountinfo, and by
    identity: lstat of the forbidden mountpoint must keep its dev/ino),
  - a FUSE mount whose mountpoint is not inside the allowed tree,
  - fmclient reports a mount but none is there, or none reported but one is,
  - more than one FUSE mount after one attempt,
  - a refusal other than the mount_dir ones, or the one for a mount that
    moved before it could be recorded in utab (then undone).

Prints one JSON object with the counts on stdout; exit 0 unless a violation
was seen (exit 1) or the setup failed (exit 2).
"""
import argparse
import ctypes
import json
import os
import re
import select
import signal
import subprocess
import sys
import time

MNT_DETACH = 2


def fuse_mounts():
    """[(mount id, mountpoint)] of the FUSE mounts in this namespace."""
    out = []
    with open("/proc/self/mountinfo") as f:
        for line in f:
            pre, _, post = line.partition(" - ")
            fstype = post.split(" ", 1)[0]
            if re.match(r"^fuse(blk)?(\.|$)", fstype):
                fields = pre.split(" ")
                mp = re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), fields[4])
                out.append((fields[0], mp))
    return out


def stopped(pid):
    """Waits (bounded) until pid is in the stopped state."""
    for _ in range(2000):
        with open("/proc/%d/stat" % pid) as f:
            if f.read().rsplit(")", 1)[1].split()[0] in ("T", "t"):
                return True
        time.sleep(0.0005)
    return False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fm", required=True)
    ap.add_argument("--client", required=True)
    ap.add_argument("--python", required=True, help="python3 the racer runs with")
    ap.add_argument("--uid", type=int, required=True)
    ap.add_argument("--gid", type=int, required=True)
    ap.add_argument("--home", required=True)
    ap.add_argument("--allowed", required=True, help="the mount_dir")
    ap.add_argument("--swap", nargs=2, required=True, help="the two names exchanged")
    ap.add_argument("--mountpoint", required=True, help="path given to the helper")
    ap.add_argument("--forbidden", required=True, help="forbidden mountpoint (never moves)")
    ap.add_argument("--iterations", type=int, default=1000)
    ap.add_argument("--seconds", type=float, default=40.0, help="time budget")
    ap.add_argument("--utab", default="/run/mount/utab")
    a = ap.parse_args()

    libc = ctypes.CDLL(None, use_errno=True)
    libc.umount2.argtypes = [ctypes.c_char_p, ctypes.c_int]
    env = {"HOME": a.home, "PATH": "/usr/local/bin:/usr/bin:/bin"}
    user = dict(user=a.uid, group=a.gid, extra_groups=[], env=env)
    forbidden_id = os.lstat(a.forbidden)
    forbidden_id = (forbidden_id.st_dev, forbidden_id.st_ino)
    allowed = a.allowed.rstrip("/") + "/"

    racer_code = r"""
import ctypes, os, signal, sys
libc = ctypes.CDLL(None, use_errno=True)
AT_FDCWD, RENAME_EXCHANGE = -100, 2
a, b = sys.argv[1].encode(), sys.argv[2].encode()
n = 0
def stop(*_):
    sys.stdout.write("%d\n" % n); sys.stdout.flush(); os._exit(0)
signal.signal(signal.SIGTERM, stop)
sys.stdout.write("ready\n"); sys.stdout.flush()
while True:
    if libc.renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE) != 0:
        sys.stderr.write("renameat2: %s\n" % os.strerror(ctypes.get_errno())); os._exit(1)
    n += 1
"""
    racer = subprocess.Popen([a.python, "-c", racer_code, a.swap[0], a.swap[1]],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **user)
    if racer.stdout.readline().strip() != "ready":
        print(json.dumps({"error": "racer did not start: " + racer.stderr.read()}))
        return 2

    counts = {"iterations": 0, "mounted": 0, "refused": 0, "classic": 0, "sync-init": 0}
    messages = {}
    violations = []
    t0 = time.monotonic()

    def violation(i, what):
        violations.append("iteration %d: %s" % (i, what))

    for i in range(a.iterations):
        if time.monotonic() - t0 > a.seconds:
            break
        mode = "classic" if i % 2 == 0 else "sync-init"
        cl = subprocess.Popen([a.client, "--helper", a.fm, "--mode", mode, "--timeout", "20",
                               a.mountpoint],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, **user)
        # until "mounted" (the mount is usable) or the end of fmclient's output
        out = b""
        deadline = time.monotonic() + 15
        mounted = False
        while time.monotonic() < deadline:
            r, _, _ = select.select([cl.stdout], [], [], 0.5)
            if not r:
                continue
            chunk = os.read(cl.stdout.fileno(), 4096)
            if not chunk:
                break
            out += chunk
            if b"\nmounted\n" in b"\n" + out:
                mounted = True
                break
        else:
            violation(i, "fmclient neither mounted nor ended within 15 s")
            cl.kill()
        racer.send_signal(signal.SIGSTOP)
        if not stopped(racer.pid):
            violation(i, "the racer did not stop")
        try:
            mounts = fuse_mounts()
            try:
                st = os.lstat(a.forbidden)
                if (st.st_dev, st.st_ino) != forbidden_id:
                    violation(i, "the forbidden mountpoint %s changed identity (a mount on it?)"
                              % a.forbidden)
            except OSError as e:
                violation(i, "lstat of the forbidden mountpoint: %s (a FUSE mount on it?)" % e)
            for _, mp in mounts:
                if mp == a.forbidden:
                    violation(i, "FUSE mount on the forbidden mountpoint %s" % mp)
                if not mp.startswith(allowed):
                    violation(i, "FUSE mount outside the allowed tree: %s" % mp)
            if mounted and len(mounts) != 1:
                violation(i, "fmclient says mounted, FUSE mounts: %r" % mounts)
            if not mounted and mounts:
                violation(i, "fmclient did not mount, yet FUSE mounts: %r" % mounts)
            for _, mp in reversed(mounts):
                if libc.umount2(mp.encode(), MNT_DETACH) != 0:
                    violation(i, "umount2(%s): %s" % (mp, os.strerror(ctypes.get_errno())))
            if fuse_mounts():
                violation(i, "FUSE mounts left after the cleanup: %r" % fuse_mounts())
            with open(a.utab, "w"):
                pass
        finally:
            racer.send_signal(signal.SIGCONT)
        try:
            _, err = cl.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            cl.kill()
            _, err = cl.communicate()
            violation(i, "fmclient still running 10 s after the unmount")
        err = err.decode(errors="replace").strip()
        counts["iterations"] += 1
        counts[mode] += 1
        if mounted:
            counts["mounted"] += 1
            if cl.returncode != 0 or err:
                violation(i, "mounted run ended with %d, stderr %r" % (cl.returncode, err))
        else:
            counts["refused"] += 1
            key = err.replace(a.home, "$HOME")
            messages[key] = messages.get(key, 0) + 1
            if cl.returncode != 1:
                violation(i, "refused run ended with %d (want 1), stderr %r" % (cl.returncode, err))
            if not re.fullmatch(r"fusermount3: mountpoint \S+ (is not within a mount_dir of "
                                r"/etc/fuse\.conf|moved before the mount was recorded in "
                                r"/run/mount/utab; mount undone)", err):
                violation(i, "unexpected refusal: %r" % err)
        if len(violations) > 20:
            break

    racer.send_signal(signal.SIGCONT)
    racer.terminate()
    try:
        swaps = racer.communicate(timeout=5)[0].strip()
    except subprocess.TimeoutExpired:
        racer.kill()
        swaps = "?"
    counts["swaps"] = swaps
    counts["seconds"] = round(time.monotonic() - t0, 1)
    print(json.dumps({"counts": counts, "refusals": messages, "violations": violations}))
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main())
