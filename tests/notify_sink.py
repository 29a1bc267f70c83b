#!/usr/bin/env python3
"""The systemd side of sd_notify for tests: binds a unix datagram socket
at PATH and appends every message it receives to OUTFILE as one line
(newlines inside a message become '|'), until SECONDS pass without one.
Usage: notify_sink.py PATH OUTFILE SECONDS"""
import socket
import sys

path, out, idle = sys.argv[1], sys.argv[2], float(sys.argv[3])
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
s.settimeout(idle)
with open(out, "a", buffering=1) as f:
    try:
        while True:
            f.write(s.recv(4096).decode().replace("\n", "|") + "\n")
    except socket.timeout:
        pass
