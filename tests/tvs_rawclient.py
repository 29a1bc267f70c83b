#!/usr/bin/env python3
"""A raw TVS client for tests/cli/tvs.sh: several requests on one TLS
session, and malformed ones.  Usage: tvs_rawclient.py PORT CASE [CERT.der...]
Prints one line per answer ("valid 2 86400", "invalid"), "closed" when the
server hung up, or "timeout" when it neither answered nor hung up within
10 seconds (the server's idle timeout in the tests is 2)."""
import socket
import ssl
import struct
import sys
import time


def connect(port):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx.wrap_socket(socket.create_connection(('127.0.0.1', port), timeout=10))


def request(cert, device=b'CP-8845-SEP001122334455', session=7, command=1,
            protocol=87, version=1, extra=b'', length=None):
    body = (struct.pack('>BH', 1, len(device) + 1) + b'\x01' + device +
            struct.pack('>BH', 2, len(cert)) + cert + extra)
    if length is None:
        length = len(body)
    return struct.pack('>BBBBIH', protocol, version, command, 0, session, length) + body


def answer(s):
    try:
        head = s.recv(10)
        if len(head) < 10:
            return 'closed'
        _, _, command, _, _, length = struct.unpack('>BBBBIH', head)
        body = b''
        while len(body) < length:
            chunk = s.recv(length - len(body))
            if not chunk:
                return 'closed'
            body += chunk
        el, i = {}, 0
        while i < len(body):
            tag, n = struct.unpack_from('>BH', body, i)
            el[tag] = body[i + 3:i + 3 + n]
            i += 3 + n
        if el.get(7) == b'\x00':
            roles = ','.join(str(r) for r in el.get(8, b''))
            return 'valid %s %d' % (roles, struct.unpack('>I', el[9])[0])
        return 'invalid'
    except socket.timeout:
        return 'timeout'
    except (ssl.SSLError, OSError):
        return 'closed'


def main():
    port, case = int(sys.argv[1]), sys.argv[2]
    certs = [open(p, 'rb').read() for p in sys.argv[3:]]
    s = connect(port)
    if case == 'many':
        for c in certs:
            s.sendall(request(c))
            print(answer(s))
    elif case == 'idle':
        time.sleep(float(certs and 0 or 0) + 3.5)
        s.sendall(request(b'x'))
        print(answer(s))
    elif case == 'short-header':
        # Three bytes of a header, then nothing: a stall.
        s.sendall(b'\x57\x01\x01')
        print(answer(s))
    elif case == 'stall-body':
        # A whole header promising 100 bytes, 20 of them, then nothing.
        s.sendall(request(certs[0], length=100)[:30])
        print(answer(s))
    elif case == 'oversize':
        # A length over the server's message limit.
        s.sendall(request(certs[0], length=0xffff))
        print(answer(s))
    elif case == 'wrong-protocol':
        s.sendall(request(certs[0], protocol=85))
        print(answer(s))
    elif case == 'wrong-version':
        s.sendall(request(certs[0], version=2))
        print(answer(s))
    elif case == 'length-too-large':
        s.sendall(request(certs[0], length=9000))
        print(answer(s))
    elif case == 'unknown-tag':
        s.sendall(request(certs[0], extra=struct.pack('>BH', 42, 1) + b'x'))
        print(answer(s))
    elif case == 'truncated-element':
        body = struct.pack('>BH', 2, 500) + b'abc'
        s.sendall(struct.pack('>BBBBIH', 87, 1, 1, 0, 7, len(body)) + body)
        print(answer(s))
    elif case == 'bad-device':
        s.sendall(request(certs[0], device=b'../../etc/passwd'))
        print(answer(s))
    elif case == 'garbage-cert':
        s.sendall(request(b'\x30\x82\x01\x00 not a certificate'))
        print(answer(s))
    elif case == 'query':
        s.sendall(request(certs[0], command=3))
        print(answer(s))
    else:
        sys.exit(2)


if __name__ == '__main__':
    main()
