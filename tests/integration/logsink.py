#!/usr/bin/python3
# logsink.py SOCKET OUTFILE - a syslog receiver for the tests: binds a
# datagram socket at SOCKET (mode 0666) and appends every datagram to
# OUTFILE as one line, with the sender's uid in front:
#     uid=N <the datagram>
# A datagram holding a byte that could break or fake a line (any control
# character, DEL) is written as "BAD uid=N <hex of the datagram>" instead,
# so a test can tell a forged line from an escaped one.  "ready" goes to
# stdout once the socket is bound.
import os
import socket
import struct
import sys

sock_path, out_path = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
s.bind(sock_path)
os.chmod(sock_path, 0o666)
print("ready", flush=True)
with open(out_path, "ab", buffering=0) as out:
    while True:
        data, anc, _flags, _addr = s.recvmsg(65536, socket.CMSG_SPACE(12))
        uid = -1
        for level, kind, payload in anc:
            if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
                _pid, uid, _gid = struct.unpack("iII", payload[:12])
        if any(b < 0x20 or b == 0x7F for b in data):
            out.write(b"BAD uid=%d %s\n" % (uid, data.hex().encode()))
        else:
            out.write(b"uid=%d %s\n" % (uid, data))
