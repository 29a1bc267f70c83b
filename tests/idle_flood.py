#!/usr/bin/env python3
"""Opens COUNT idle TCP connections from SOURCE to 127.0.0.1:PORT and
holds them HOLD seconds without a TLS handshake (a slowloris).  Prints how
many the server had closed by then.  Usage: idle_flood.py PORT COUNT SOURCE HOLD"""
import sys
import time

import ucpki_peer as peer

port, count, source, hold = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], float(sys.argv[4])
socks = [peer.tcp(port, source, blocking=False) for _ in range(count)]
time.sleep(hold)
closed = 0
for s in socks:
    if peer.closed(s, 0):
        closed += 1
    s.close()
print(closed)
