#!/usr/bin/env python3
"""A raw CAPF client that misbehaves on purpose, for tests/cli/capf_bad.sh.

Usage: capf_badclient.py PORT CASE [DEVICE]
Prints what the server answered last: END_SESSION reasons as "end N",
"closed" when the server hung up, "timeout" when it did not answer.
Only the Python standard library is used.
"""
import socket
import ssl
import struct
import sys
import time

PROTOCOL = 85


def element(tag, value):
    return struct.pack('>BH', tag, len(value)) + value


def message(command, session, body, protocol=PROTOCOL, length=None):
    if length is None:
        length = len(body)
    return struct.pack('>BBIH', protocol, command, session, length) + body


def connect(port):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    raw = socket.create_connection(('127.0.0.1', port), timeout=10)
    return ctx.wrap_socket(raw)


def read_message(s):
    head = b''
    while len(head) < 8:
        chunk = s.recv(8 - len(head))
        if not chunk:
            return None
        head += chunk
    _, command, session, length = struct.unpack('>BBIH', head)
    body = b''
    while len(body) < length:
        chunk = s.recv(length - len(body))
        if not chunk:
            return None
        body += chunk
    elements = {}
    i = 0
    while i < len(body):
        tag, n = struct.unpack_from('>BH', body, i)
        elements[tag] = body[i + 3:i + 3 + n]
        i += 3 + n
    return command, session, elements


def auth_response(session, device, extra=b''):
    body = (element(1, b'\x01') + element(7, b'\x03') +
            element(13, device.encode() + b'\x00') + element(11, b'\x00') + extra)
    return message(2, session, body)


def outcome(s):
    try:
        while True:
            m = read_message(s)
            if m is None:
                return 'closed'
            if m[0] == 15:
                return 'end %d' % m[2].get(1, b'\xff')[0]
    except socket.timeout:
        return 'timeout'
    except (ssl.SSLError, OSError):
        return 'closed'


def main():
    port, case = int(sys.argv[1]), sys.argv[2]
    device = sys.argv[3] if len(sys.argv) > 3 else 'SEP0000000000C1'
    s = connect(port)
    command, session, _ = read_message(s)
    assert command == 1, 'expected AUTH_REQUEST'
    if case == 'short-header':
        s.sendall(b'\x55\x02\x00')
        s.close()
        print('sent')
        return
    if case == 'wrong-protocol':
        s.sendall(message(2, session, b'', protocol=99))
    elif case == 'wrong-session':
        s.sendall(auth_response(session ^ 0xffff, device))
    elif case == 'length-too-large':
        s.sendall(message(2, session, b'\x01\x00\x01\x01', length=4000))
        time.sleep(0.3)
        s.close()
        print('sent')
        return
    elif case == 'length-over-limit':
        s.sendall(struct.pack('>BBIH', PROTOCOL, 2, session, 65535))
    elif case == 'unknown-tag':
        s.sendall(auth_response(session, device, element(99, b'zz')))
    elif case == 'truncated-element':
        body = element(1, b'\x01') + struct.pack('>BH', 13, 200) + b'SEP'
        s.sendall(message(2, session, body))
    elif case == 'bad-device-name':
        s.sendall(auth_response(session, '../../etc/passwd'))
    elif case in ('garbage-key', 'no-key', 'vanish', 'stall', 'wrong-key-type'):
        s.sendall(auth_response(session, device))
        m = read_message(s)
        if m is None or m[0] != 3:
            print('no KEY_GENERATE_REQUEST: %r' % (m,))
            return
        if case == 'garbage-key':
            s.sendall(message(4, session, element(9, b'\x30\x82\xff\xff garbage')))
        elif case == 'no-key':
            s.sendall(message(4, session, b''))
        elif case == 'wrong-key-type':
            # A valid P-256 key when RSA was asked for.
            key = bytes.fromhex(
                '3059301306072a8648ce3d020106082a8648ce3d03010703420004'
                '6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296'
                '4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5')
            s.sendall(message(4, session, element(9, key)))
        elif case == 'vanish':
            s.sendall(message(17, session, b''))
            s.close()
            print('sent')
            return
        elif case == 'stall':
            s.sendall(message(17, session, b''))
            s.settimeout(30)
    else:
        print('unknown case')
        sys.exit(2)
    print(outcome(s))


if __name__ == '__main__':
    main()
