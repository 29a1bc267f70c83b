#!/usr/bin/env python3
"""A raw CAPF client that misbehaves on purpose, for tests/cli/capf_bad.sh.

Usage: capf_badclient.py PORT CASE [DEVICE]
Prints what the server answered last: END_SESSION reasons as "end N",
"closed" when the server hung up, "timeout" when it did not answer.
Only the Python standard library is used (the framing is ucpki_peer's).
"""
import sys
import time

import ucpki_peer as peer


def last_word(s):
    """The reason of the END_SESSION the server sends, skipping the rest."""
    while True:
        m = s.read()
        if m is None:
            return 'closed'
        if m[0] == peer.END_SESSION:
            return 'end %d' % m[2].get(peer.EL_REASON, b'\xff')[0]


def main():
    port, case = int(sys.argv[1]), sys.argv[2]
    device = sys.argv[3] if len(sys.argv) > 3 else 'SEP0000000000C1'
    s = peer.Session(port)
    session = s.sid
    if case == 'short-header':
        s.sendall(b'\x55\x02\x00')
        s.close()
        print('sent')
        return
    if case == 'wrong-protocol':
        s.sendall(peer.capf_message(peer.AUTH_RESPONSE, session, protocol=99))
    elif case == 'wrong-session':
        s.sendall(peer.auth_response(session ^ 0xffff, device))
    elif case == 'length-too-large':
        s.sendall(peer.capf_message(peer.AUTH_RESPONSE, session, b'\x01\x00\x01\x01', length=4000))
        time.sleep(0.3)
        s.close()
        print('sent')
        return
    elif case == 'length-over-limit':
        s.sendall(peer.capf_header(peer.AUTH_RESPONSE, session, 65535))
    elif case == 'unknown-tag':
        s.auth(device, extra=peer.tlv(99, b'zz'))
    elif case == 'truncated-element':
        body = peer.tlv(peer.EL_REASON, b'\x01') + peer.tlv_header(peer.EL_DEVICE_NAME, 200) + b'SEP'
        s.send(peer.AUTH_RESPONSE, body)
    elif case == 'bad-device-name':
        s.auth('../../etc/passwd')
    elif case in ('garbage-key', 'no-key', 'vanish', 'stall', 'wrong-key-type'):
        s.auth(device)
        m = s.read()
        if m is None or m[0] != peer.KEY_GENERATE_REQUEST:
            print('no KEY_GENERATE_REQUEST: %r' % (m,))
            return
        if case == 'garbage-key':
            s.send(peer.KEY_GENERATE_RESPONSE, peer.tlv(peer.EL_PUBLIC_KEY, b'\x30\x82\xff\xff garbage'))
        elif case == 'no-key':
            s.send(peer.KEY_GENERATE_RESPONSE)
        elif case == 'wrong-key-type':
            # A valid P-256 key when RSA was asked for.
            s.send(peer.KEY_GENERATE_RESPONSE, peer.tlv(peer.EL_PUBLIC_KEY, peer.P256_SPKI))
        elif case == 'vanish':
            s.send(peer.REQUEST_IN_PROGRESS)
            s.close()
            print('sent')
            return
        elif case == 'stall':
            s.send(peer.REQUEST_IN_PROGRESS)
            s.settimeout(30)
    else:
        print('unknown case')
        sys.exit(2)
    print(peer.outcome(lambda: last_word(s)))


if __name__ == '__main__':
    main()
