#!/usr/bin/env python3
"""A one-message SMTP sink for tests: listens on 127.0.0.1:PORT, accepts
one mail, writes the envelope and the message to OUTFILE, and exits.
With READYFILE, creates it once listening (wait for it, not a sleep).
Usage: smtp_sink.py PORT OUTFILE [READYFILE]"""
import socket
import sys

port, out = int(sys.argv[1]), sys.argv[2]
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(('127.0.0.1', port))
srv.listen(1)
if len(sys.argv) > 3:
    open(sys.argv[3], 'w').close()
srv.settimeout(60)
conn, _ = srv.accept()
f = conn.makefile('rwb')
f.write(b'220 sink ESMTP\r\n')
f.flush()
lines = []
while True:
    line = f.readline()
    if not line:
        break
    cmd = line.strip().upper()
    lines.append(line.decode(errors='replace').rstrip())
    if cmd.startswith(b'EHLO') or cmd.startswith(b'HELO'):
        f.write(b'250 sink\r\n')
    elif cmd.startswith(b'DATA'):
        f.write(b'354 go ahead\r\n')
        f.flush()
        while True:
            data = f.readline()
            if not data or data == b'.\r\n':
                break
            lines.append(data.decode(errors='replace').rstrip())
        f.write(b'250 queued\r\n')
    elif cmd.startswith(b'QUIT'):
        f.write(b'221 bye\r\n')
        f.flush()
        break
    else:
        f.write(b'250 ok\r\n')
    f.flush()
open(out, 'w').write('\n'.join(lines) + '\n')
