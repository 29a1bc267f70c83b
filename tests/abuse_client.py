#!/usr/bin/env python3
"""Abusive clients for tests/cli/abuse_serve.sh and tests/abuse/run.sh.
Standard library only.  Each case prints one line.

  trickle-hello PORT SOURCE DELAY MAX   a real ClientHello, one byte per DELAY s
  trickle-capf PORT DELAY MAX           TLS up, AUTH_RESPONSE one byte per record
  trickle-tvs PORT DELAY MAX            TLS up, a TVS request one byte per record
  in-progress PORT DEVICE DELAY MAX     REQUEST_IN_PROGRESS every DELAY s in key generation
      -> "closed after N s" when the server hung up, "open after MAX s" otherwise
  churn PORT COUNT [FIRST]              COUNT connections, each from its own 127.x.y.z,
                                        closed at once -> "N connections in S s"
  fresh PORT SOURCE                     a TLS handshake from SOURCE -> "ok" or "refused: ..."
  noread PORT CERT.der MAX              TVS requests as fast as possible, no reply read
      -> "closed after N requests" or "open after MAX s"
  handshakes PORT COUNT KIND            COUNT failed handshakes: tls1, garbage
      -> "N handshakes"
"""
import select
import socket
import ssl
import struct
import sys
import time
import warnings

warnings.filterwarnings('ignore', category=DeprecationWarning)


def client_ctx():
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def tls(port, source=None):
    raw = socket.create_connection(('127.0.0.1', port), timeout=10,
                                   source_address=(source, 0) if source else None)
    return client_ctx().wrap_socket(raw)


def closed(sock, wait):
    """True when the peer hung up within wait seconds."""
    r, _, _ = select.select([sock], [], [], wait)
    if not r:
        return False
    try:
        return sock.recv(4096) == b''
    except (ssl.SSLWantReadError, BlockingIOError):
        return False
    except (ssl.SSLError, OSError):
        return True


def trickle(sock, data, delay, limit):
    start = time.monotonic()
    for b in data:
        if time.monotonic() - start > limit:
            break
        try:
            sock.send(bytes([b]))
        except (ssl.SSLError, OSError):
            return 'closed after %.0f s' % (time.monotonic() - start)
        if closed(sock, delay):
            return 'closed after %.0f s' % (time.monotonic() - start)
    while time.monotonic() - start < limit:
        if closed(sock, 0.2):
            return 'closed after %.0f s' % (time.monotonic() - start)
    return 'open after %.0f s' % limit


def client_hello():
    inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()
    obj = client_ctx().wrap_bio(inc, out)
    try:
        obj.do_handshake()
    except ssl.SSLWantReadError:
        pass
    return out.read()


def capf_msg(command, session, body):
    return struct.pack('>BBIH', 85, command, session, len(body)) + body


def capf_read(s):
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
    return command, session


def el(tag, value):
    return struct.pack('>BH', tag, len(value)) + value


def auth_response(session, device):
    return capf_msg(2, session, el(1, b'\x01') + el(7, b'\x03') +
                    el(13, device.encode() + b'\x00') + el(11, b'\x00'))


def tvs_request(cert, device=b'CP-8845-SEP001122334455'):
    body = el(1, b'\x01' + device) + el(2, cert)
    return struct.pack('>BBBBIH', 87, 1, 1, 0, 7, len(body)) + body


def main():
    case, port = sys.argv[1], int(sys.argv[2])
    a = sys.argv[3:]
    if case == 'trickle-hello':
        s = socket.socket()
        s.bind((a[0], 0))
        s.connect(('127.0.0.1', port))
        print(trickle(s, client_hello(), float(a[1]), float(a[2])))
    elif case == 'trickle-capf':
        s = tls(port)
        _, session = capf_read(s)
        print(trickle(s, auth_response(session, 'SEP0000000000F1'), float(a[0]), float(a[1])))
    elif case == 'trickle-tvs':
        s = tls(port)
        print(trickle(s, tvs_request(b'x' * 200), float(a[0]), float(a[1])))
    elif case == 'in-progress':
        s = tls(port)
        _, session = capf_read(s)
        s.sendall(auth_response(session, a[0]))
        m = capf_read(s)
        if m is None or m[0] != 3:
            print('no KEY_GENERATE_REQUEST')
            return
        delay, limit, start = float(a[1]), float(a[2]), time.monotonic()
        while time.monotonic() - start < limit:
            try:
                s.sendall(capf_msg(17, session, b''))
            except (ssl.SSLError, OSError):
                break
            if closed(s, delay):
                break
        took = time.monotonic() - start
        print(('closed after %.0f s' % took) if took < limit else 'open after %.0f s' % limit)
    elif case == 'churn':
        count, first = int(a[0]), int(a[1]) if len(a) > 1 else 1 << 16
        start, failed = time.monotonic(), 0
        for i in range(first, first + count):
            s = socket.socket()
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
            try:
                s.bind(('127.%d.%d.%d' % (i >> 16 & 255, i >> 8 & 255, i & 255), 0))
                s.connect(('127.0.0.1', port))
            except OSError:
                failed += 1
            s.close()
        print('%d connections in %.1f s (%d failed)' % (count, time.monotonic() - start, failed))
    elif case == 'fresh':
        try:
            s = tls(port, a[0])
            print('ok %s' % s.version())
        except (ssl.SSLError, OSError) as e:
            print('refused: %s' % e)
    elif case == 'noread':
        cert = open(a[0], 'rb').read()
        limit = float(a[1])
        s = tls(port)
        s.setblocking(False)
        req, n, start = tvs_request(cert), 0, time.monotonic()
        pending = b''
        while time.monotonic() - start < limit:
            if not pending:
                pending = req
            try:
                sent = s.send(pending)
                pending = pending[sent:]
                if not pending:
                    n += 1
            except (ssl.SSLWantWriteError, ssl.SSLWantReadError, BlockingIOError):
                _, w, x = select.select([], [s], [s], 0.5)
                if not w:
                    # Blocked: has the server hung up?
                    r, _, _ = select.select([s], [], [], 0)
                    if r:
                        try:
                            if s.recv(1) == b'':
                                break
                        except (ssl.SSLWantReadError, BlockingIOError):
                            pass
                        except (ssl.SSLError, OSError):
                            break
            except (ssl.SSLError, OSError):
                break
        took = time.monotonic() - start
        print(('closed after %d requests' % n) if took < limit else 'open after %.0f s (%d requests)' % (limit, n))
    elif case == 'handshakes':
        count, kind = int(a[0]), a[1]
        for _ in range(count):
            try:
                if kind == 'tls1':
                    ctx = client_ctx()
                    ctx.minimum_version = ctx.maximum_version = ssl.TLSVersion.TLSv1
                    ctx.set_ciphers('DEFAULT@SECLEVEL=0')
                    ctx.wrap_socket(socket.create_connection(('127.0.0.1', port), timeout=10)).close()
                else:
                    s = socket.create_connection(('127.0.0.1', port), timeout=10)
                    s.sendall(b'GET / HTTP/1.0\r\n\r\n')
                    s.recv(100)
                    s.close()
            except (ssl.SSLError, OSError):
                pass
        print('%d handshakes' % count)
    else:
        sys.exit(2)


if __name__ == '__main__':
    main()
