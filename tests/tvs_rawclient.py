#!/usr/bin/env python3
"""A raw TVS client for tests/cli/tvs.sh: several requests on one TLS
session, and malformed ones.  Usage: tvs_rawclient.py PORT CASE [CERT.der...]
Prints one line per answer ("valid 2 86400", "invalid"), "closed" when the
server hung up, or "timeout" when it neither answered nor hung up within
10 seconds (the server's idle timeout in the tests is 2).  The framing is
ucpki_peer's."""
import struct
import sys
import time

import ucpki_peer as peer


def verdict(s):
    m = peer.tvs_read(s)
    if m is None:
        return 'closed'
    el = m[1]
    if el.get(peer.TVS_EL_STATUS) == b'\x00':
        roles = ','.join(str(r) for r in el.get(peer.TVS_EL_ROLES, b''))
        return 'valid %s %d' % (roles, struct.unpack('>I', el[peer.TVS_EL_TTL])[0])
    return 'invalid'


def answer(s):
    return peer.outcome(lambda: verdict(s))


def main():
    port, case = int(sys.argv[1]), sys.argv[2]
    certs = [open(p, 'rb').read() for p in sys.argv[3:]]
    s = peer.connect(port)
    if case == 'many':
        for c in certs:
            s.sendall(peer.tvs_request(c))
            print(answer(s))
    elif case == 'idle':
        time.sleep(3.5)
        s.sendall(peer.tvs_request(b'x'))
        print(answer(s))
    elif case == 'short-header':
        # Three bytes of a header, then nothing: a stall.
        s.sendall(b'\x57\x01\x01')
        print(answer(s))
    elif case == 'stall-body':
        # A whole header promising 100 bytes, 20 of them, then nothing.
        s.sendall(peer.tvs_request(certs[0], length=100)[:30])
        print(answer(s))
    elif case == 'oversize':
        # A length over the server's message limit.
        s.sendall(peer.tvs_request(certs[0], length=0xffff))
        print(answer(s))
    elif case == 'wrong-protocol':
        s.sendall(peer.tvs_request(certs[0], protocol=peer.CAPF_PROTOCOL))
        print(answer(s))
    elif case == 'wrong-version':
        s.sendall(peer.tvs_request(certs[0], version=2))
        print(answer(s))
    elif case == 'length-too-large':
        s.sendall(peer.tvs_request(certs[0], length=9000))
        print(answer(s))
    elif case == 'unknown-tag':
        s.sendall(peer.tvs_request(certs[0], extra=peer.tlv(42, b'x')))
        print(answer(s))
    elif case == 'truncated-element':
        s.sendall(peer.tvs_message(peer.tlv_header(peer.TVS_EL_CERTIFICATE, 500) + b'abc'))
        print(answer(s))
    elif case == 'bad-device':
        s.sendall(peer.tvs_request(certs[0], device=b'../../etc/passwd'))
        print(answer(s))
    elif case == 'garbage-cert':
        s.sendall(peer.tvs_request(b'\x30\x82\x01\x00 not a certificate'))
        print(answer(s))
    elif case == 'query':
        s.sendall(peer.tvs_request(certs[0], command=peer.TVS_QUERY_REQUEST))
        print(answer(s))
    else:
        sys.exit(2)


if __name__ == '__main__':
    main()
