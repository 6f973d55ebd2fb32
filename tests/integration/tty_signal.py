#!/usr/bin/python3
# tty_signal.py PIDFILE OUT KEY CMD...: a caller that runs CMD (fmclient and
# its helper) on a new pseudo-terminal, in its own session, its process
# group in the terminal's foreground.  Once PIDFILE names a process (the
# helper's utab child, found by the test as root), types KEY on the
# terminal (\x1a ^Z: SIGTSTP, \x03 ^C: SIGINT, \x1c ^\: SIGQUIT) and
# writes to OUT the states that process went through in the next 0.3 s
# ("S T", "S gone", ...), and continues its stopped job.  Bounded: 20 s.
import fcntl, os, pty, signal, sys, termios, time

pidfile, out, key = sys.argv[1:4]
cmd = sys.argv[4:]
m, s = pty.openpty()
pid = os.fork()
if pid == 0:
    # as an interactive shell: the session leader, the command a job of its
    # own in the foreground (its group not orphaned, so ^Z stops it); the
    # signals a non-interactive parent shell ignores for "&" set back
    os.setsid()
    fcntl.ioctl(s, termios.TIOCSCTTY, 0)
    os.close(m)
    for sig in (signal.SIGINT, signal.SIGQUIT, signal.SIGTSTP):
        signal.signal(sig, signal.SIG_DFL)
    job = os.fork()
    if job == 0:
        os.setpgid(0, 0)
        os.execv(cmd[0], cmd)
    os.setpgid(job, job)
    signal.signal(signal.SIGTTOU, signal.SIG_IGN)
    os.tcsetpgrp(s, job)
    os.waitpid(job, 0)
    os._exit(0)
os.close(s)


def state(p):
    try:
        with open("/proc/%s/stat" % p) as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return "gone"


end = time.monotonic() + 20
child = ""
while time.monotonic() < end and not child:
    try:
        with open(pidfile) as f:
            child = f.read().strip()
    except FileNotFoundError:
        time.sleep(0.005)
if not child:
    sys.exit(3)
seen = [state(child)]
os.write(m, key.encode().decode("unicode_escape").encode())
t0 = time.monotonic()
while time.monotonic() < t0 + 0.3:
    st = state(child)
    if seen[-1] != st:
        seen.append(st)
    if st == "gone":
        break
    time.sleep(0.001)
with open(out, "w") as f:
    f.write(" ".join(seen) + "\n")
try:  # the job (the caller's own processes) goes on
    os.killpg(os.tcgetpgrp(m), signal.SIGCONT)
except OSError:
    pass
# keep the master open until the command ends (a hangup would signal it)
while time.monotonic() < end:
    r, _ = os.waitpid(pid, os.WNOHANG)
    if r:
        break
    time.sleep(0.01)
