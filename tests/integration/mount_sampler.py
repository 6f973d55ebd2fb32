#!/usr/bin/python3
"""mount_sampler.py STOPFILE [UID...] - the most FUSE mounts seen at once.

Run inside the test's mount namespace (as root) while helpers race: it
reads /proc/self/mountinfo every 2 ms and counts the FUSE mounts (types
fuse and fuseblk, any subtype), in total and for each UID given (by the
superblock option user_id=), until STOPFILE exists or 120 s have passed.

Output (stdout, flushed):
  sampling                                  once the first sample is taken
  samples=N max=M max_UID=K ...             at the end
Exit status 0; 1 when stopped by the 120 s bound instead of STOPFILE.
"""
import os
import re
import sys
import time

FUSE = re.compile(r"^fuse(blk)?(\.|$)")


def sample(uids):
    total, per = 0, dict.fromkeys(uids, 0)
    with open("/proc/self/mountinfo") as f:
        for line in f:
            _, _, post = line.partition(" - ")
            fields = post.split(" ")
            if len(fields) < 3 or not FUSE.match(fields[0]):
                continue
            total += 1
            for opt in fields[2].rstrip("\n").split(","):
                if opt.startswith("user_id=") and opt[8:] in per:
                    per[opt[8:]] += 1
    return total, per


def main():
    stop, uids = sys.argv[1], sys.argv[2:]
    most, most_per, n = 0, dict.fromkeys(uids, 0), 0
    end = time.monotonic() + 120
    while True:
        total, per = sample(uids)
        n += 1
        most = max(most, total)
        for u in uids:
            most_per[u] = max(most_per[u], per[u])
        if n == 1:
            print("sampling", flush=True)
        if os.path.exists(stop):
            break
        if time.monotonic() > end:
            break
        time.sleep(0.002)
    words = ["samples=%d" % n, "max=%d" % most]
    words += ["max_%s=%d" % (u, most_per[u]) for u in uids]
    print(" ".join(words), flush=True)
    return 0 if os.path.exists(stop) else 1


if __name__ == "__main__":
    sys.exit(main())
