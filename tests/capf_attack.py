#!/usr/bin/env python3
"""Attacks on CAPF enrolment that need raw, parallel sessions
(tests/cli/capf_security.sh).  Standard library only.

  capf_attack.py race PORT DEVICE WRONG RIGHT N
      N sessions for one device, each at AUTH_REQUEST; N-1 wrong strings
      sent back to back, their answers collected, then the right string on
      the last session.  Prints one JSON object: the answers counted, and
      the right string's answer.

  capf_attack.py install-pair PORT DEVICE
      Two sessions send AUTH_RESPONSE for one scheduled install together;
      a third arrives while the first is still generating its key.  The
      session the server went on with completes its install.  Prints one
      JSON object: what each was told and the SHA-256 of the one LSC sent.
"""
import collections
import json
import sys

import ucpki_peer as peer

# Forty sessions answered at once can be slow in coming: wait long.
TIMEOUT = 30


def race(port, device, wrong, right, n):
    sessions = [peer.Session(port, timeout=TIMEOUT) for _ in range(n)]
    for s in sessions[:-1]:
        s.auth(device, wrong)
    answers = collections.Counter(peer.describe(s.recv()) for s in sessions[:-1])
    last = sessions[-1]
    last.auth(device, right)
    result = {'wrong': dict(answers), 'right': peer.describe(last.recv())}
    for s in sessions:
        s.close()
    return result


def install(s, first):
    """Completes an install on s, whose KEY_GENERATE_REQUEST is `first`."""
    bits = int.from_bytes(first[2].get(peer.EL_KEY_SIZE, b'\x04\x00'), 'big')
    s.send(peer.REQUEST_IN_PROGRESS)
    s.send(peer.KEY_GENERATE_RESPONSE, peer.tlv(peer.EL_PUBLIC_KEY, peer.rsa_spki(bits)))
    m = s.recv()
    if m is None or m[0] != peer.STORE_CERTIFICATE_REQUEST:
        return None, peer.describe(m)
    sha = peer.sha256_hex(peer.certificate_der(m[2]))
    s.send(peer.STORE_CERTIFICATE_RESPONSE,
           peer.tlv(peer.EL_REASON, bytes([peer.REASON_UPDATE_CERTIFICATE])))
    return sha, peer.describe(s.recv())


def install_pair(port, device):
    a, b = peer.Session(port, timeout=TIMEOUT), peer.Session(port, timeout=TIMEOUT)
    a.auth(device)
    b.auth(device)
    ma, mb = a.recv(), b.recv()
    told = sorted([peer.describe(ma), peer.describe(mb)])
    result = {'together': told}
    winner, first = (a, ma) if peer.describe(ma) == 'keygen' else (b, mb)
    if 'keygen' not in told:
        return result
    late = peer.Session(port, timeout=TIMEOUT)
    late.auth(device)
    result['while_busy'] = peer.describe(late.recv())
    result['lsc_sha256'], result['end'] = install(winner, first)
    for s in (a, b, late):
        s.close()
    return result


def main():
    what, port, device = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    if what == 'race':
        out = race(port, device, sys.argv[4], sys.argv[5], int(sys.argv[6]))
    elif what == 'install-pair':
        out = install_pair(port, device)
    else:
        sys.exit('unknown attack ' + what)
    print(json.dumps(out, sort_keys=True))


if __name__ == '__main__':
    main()
