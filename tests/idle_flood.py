#!/usr/bin/env python3
"""Opens COUNT idle TCP connections from SOURCE to 127.0.0.1:PORT and
holds them HOLD seconds without a TLS handshake (a slowloris).  Prints how
many the server had closed by then.  Usage: idle_flood.py PORT COUNT SOURCE HOLD"""
import select
import socket
import sys
import time

port, count, source, hold = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], float(sys.argv[4])
socks = []
for _ in range(count):
    s = socket.socket()
    s.bind((source, 0))
    s.setblocking(False)
    try:
        s.connect(('127.0.0.1', port))
    except BlockingIOError:
        pass
    socks.append(s)
time.sleep(hold)
closed = 0
for s in socks:
    try:
        p = select.poll()
        p.register(s, select.POLLIN)
        if p.poll(0) and s.recv(1) == b'':
            closed += 1
    except OSError:
        closed += 1
    s.close()
print(closed)
