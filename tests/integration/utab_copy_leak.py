#!/usr/bin/python3
# utab_copy_leak.py CLIENT FM MNT ROUNDS D0_MS STEP_MS: the caller holds
# libmount's utab lock (any user can: utab.lock is world-readable), starts a
# mount (its utab child then waits for that lock) and lets the lock go D ms
# after the child is seen waiting (/proc/locks), just before its 1.5 s run
# out: a SIGKILL inside libmount's locked section leaves its copy of utab
# (utab.XXXXXX) behind.  D starts at D0 and grows by STEP until a record is
# lost (the kill came first), then is drawn between the last D that wrote
# its record and the first that did not: the kill lands in the section.
# After each round, -u.  Prints, per round, D, R if the record was not
# written, Ln if n copies are there.
import fcntl, glob, os, random, subprocess, sys, time
cl, fm, mnt, rounds, d0, step = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6])
lockp = "/run/mount/utab.lock"
ino = os.stat(lockp).st_ino
def waiter():
    with open("/proc/locks") as f:
        for l in f:
            w = l.split()
            if "->" in w and any(x.endswith(":%d" % ino) for x in w):
                return True
    return False
res = []
lo, hi, d = None, None, d0
for r in range(rounds):
    if hi is not None:
        if lo is None or lo >= hi:
            lo = hi - 2 * step
        d = random.uniform(lo, hi)
    else:
        d = d0 + step * r
    d /= 1000.0
    fd = os.open(lockp, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    p = subprocess.Popen([cl, "--helper", fm, "--mode", "classic", "--timeout", "10", "--ready-file", mnt + ".ready", mnt],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    end = time.monotonic() + 5
    while not waiter() and time.monotonic() < end:
        time.sleep(0.0005)
    t0 = time.monotonic()
    while time.monotonic() < t0 + d:
        pass
    os.close(fd)
    time.sleep(0.3)
    while not os.path.exists(mnt + ".ready") and p.poll() is None and time.monotonic() < end + 5:
        time.sleep(0.01)
    subprocess.run([fm, "-u", mnt], stderr=subprocess.DEVNULL)
    err = p.communicate(timeout=10)[1].decode().strip()
    try: os.unlink(mnt + ".ready")
    except OSError: pass
    left = glob.glob("/run/mount/utab.??????")
    lost = "record" in err
    if lost:
        hi = d * 1000 if hi is None else min(hi, d * 1000)
    elif hi is not None:
        lo = d * 1000 if lo is None else max(lo, d * 1000)
    res.append("%.1f:%s%s" % (d * 1000, "R" if lost else "-", "L%d" % len(left) if left else ""))
print(" ".join(res))
