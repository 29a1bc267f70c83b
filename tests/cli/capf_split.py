#!/usr/bin/env python3
"""CAPF messages that arrive in pieces (standard library only).

usage: capf_split.py PORT DEVICE WAIT UCPKI

Each message of an enrollment goes in two TLS records, hence two TCP
segments (TCP_NODELAY, a pause between them): the server must wait for
the second part and go on as if the message had come whole.  Then a key
message cut short in its body: the server must close within the message
timeout (WAIT seconds is far less than the key-generation phase the
server was given), not hold the connection for the whole phase.
"""
import os
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import ucpki_peer as peer  # noqa: E402

PORT, DEVICE, WAIT, UCPKI = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
failures = 0


def report(ok, name, detail=''):
    global failures
    print(('ok - ' if ok else 'FAIL - ') + name + ('' if ok else ' ' + detail))
    failures += 0 if ok else 1


def in_two(s, data, cut):
    """data as two records, the first cut bytes long (or all but 2)."""
    cut = min(cut, len(data) - 2)
    s.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    s.sendall(data[:cut])
    time.sleep(0.2)
    s.sendall(data[cut:])


def to_keygen(cut):
    """A session at KEY_GENERATE_REQUEST, its AUTH_RESPONSE split at cut."""
    subprocess.run([UCPKI, 'device', 'set', DEVICE, '--operation', 'install', '--auth', 'null',
                    '--key', 'rsa1024'], check=True, capture_output=True)
    s = peer.Session(PORT)
    in_two(s, peer.auth_response(s.sid, DEVICE), cut)
    return s, s.recv()


# Cut inside the header, and inside the body.
key = peer.rsa_spki(1024)
for cut, where in ((5, 'header'), (20, 'body')):
    s, m = to_keygen(cut)
    report(peer.describe(m) == 'keygen', f'AUTH_RESPONSE split in its {where}: KEY_GENERATE_REQUEST',
           f'got {peer.describe(m)}')
    if m is None:
        continue
    msg = peer.capf_message(peer.KEY_GENERATE_RESPONSE, s.sid, peer.tlv(peer.EL_PUBLIC_KEY, key))
    in_two(s, msg, cut)
    m = s.recv()
    report(peer.describe(m) == 'store', f'KEY_GENERATE_RESPONSE split in its {where}: the LSC',
           f'got {peer.describe(m)}')
    msg = peer.capf_message(peer.STORE_CERTIFICATE_RESPONSE, s.sid,
                            peer.tlv(peer.EL_REASON, bytes([peer.REASON_UPDATE_CERTIFICATE])))
    in_two(s, msg, cut)
    m = s.recv()
    report(peer.describe(m) == 'end 1', f'STORE_CERTIFICATE_RESPONSE split in its {where}: END_SESSION 1',
           f'got {peer.describe(m)}')
    s.close()

# A body cut short: the message deadline applies, not the phase's.
s, m = to_keygen(20)
msg = peer.capf_message(peer.KEY_GENERATE_RESPONSE, s.sid, peer.tlv(peer.EL_PUBLIC_KEY, key))
s.sendall(msg[:40])
report(peer.closed(s.sock, WAIT), f'key message cut short in its body: closed within {WAIT} s '
       '(the message timeout), not at the key timeout')
s.close()
sys.exit(1 if failures else 0)
