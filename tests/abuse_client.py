#!/usr/bin/env python3
"""Abusive clients for tests/cli/abuse_serve.sh and tests/abuse/run.sh.
Standard library only (the connections and framing are ucpki_peer's).
Each case prints one line.

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

Sustained, for tests/abuse/run.sh (each reconnects as soon as it is closed):
  slowloris PORT KIND COUNT SECONDS     COUNT connections trickling a byte a second;
                                        KIND hello, capf or tvs
      -> "connections N closed M longest S s"
  hold PORT COUNT SOURCES SECONDS       COUNT idle TCP connections spread over SOURCES
                                        addresses (127.2.0.x) -> "connections N closed M"
  noread-loop PORT CERT.der SECONDS     noread, again and again -> "sessions N requests M"
  tls1-loop PORT SECONDS                TLS 1.0 handshakes, again and again -> "handshakes N"
"""
import select
import socket
import ssl
import struct
import sys
import time

import ucpki_peer as peer


def trickle(sock, data, delay, limit):
    start = time.monotonic()
    for b in data:
        if time.monotonic() - start > limit:
            break
        try:
            sock.send(bytes([b]))
        except (ssl.SSLError, OSError):
            return 'closed after %.0f s' % (time.monotonic() - start)
        if peer.closed(sock, delay):
            return 'closed after %.0f s' % (time.monotonic() - start)
    while time.monotonic() - start < limit:
        if peer.closed(sock, 0.2):
            return 'closed after %.0f s' % (time.monotonic() - start)
    return 'open after %.0f s' % limit


def main():
    case, port = sys.argv[1], int(sys.argv[2])
    a = sys.argv[3:]
    if case == 'trickle-hello':
        s = peer.tcp(port, a[0])
        print(trickle(s, peer.client_hello(), float(a[1]), float(a[2])))
    elif case == 'trickle-capf':
        s = peer.connect(port)
        _, session, _ = peer.capf_read(s)
        print(trickle(s, peer.auth_response(session, 'SEP0000000000F1'), float(a[0]), float(a[1])))
    elif case == 'trickle-tvs':
        s = peer.connect(port)
        print(trickle(s, peer.tvs_request(b'x' * 200), float(a[0]), float(a[1])))
    elif case == 'in-progress':
        s = peer.connect(port)
        _, session, _ = peer.capf_read(s)
        s.sendall(peer.auth_response(session, a[0]))
        m = peer.capf_read(s)
        if m is None or m[0] != peer.KEY_GENERATE_REQUEST:
            print('no KEY_GENERATE_REQUEST')
            return
        delay, limit, start = float(a[1]), float(a[2]), time.monotonic()
        while time.monotonic() - start < limit:
            try:
                s.sendall(peer.capf_message(peer.REQUEST_IN_PROGRESS, session))
            except (ssl.SSLError, OSError):
                break
            if peer.closed(s, delay):
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
            s = peer.connect(port, source=a[0])
            print('ok %s' % s.version())
        except (ssl.SSLError, OSError) as e:
            print('refused: %s' % e)
    elif case == 'noread':
        cert, limit = open(a[0], 'rb').read(), float(a[1])
        s = peer.connect(port)
        start = time.monotonic()
        n = noread(s, peer.tvs_request(cert), start + limit)
        took = time.monotonic() - start
        print(('closed after %d requests' % n) if took < limit else 'open after %.0f s (%d requests)' % (limit, n))
    elif case == 'handshakes':
        count, kind = int(a[0]), a[1]
        for _ in range(count):
            try:
                if kind == 'tls1':
                    peer.connect(port, ctx=peer.client_context(tls1=True)).close()
                else:
                    s = socket.create_connection(('127.0.0.1', port), timeout=10)
                    s.sendall(b'GET / HTTP/1.0\r\n\r\n')
                    s.recv(100)
                    s.close()
            except (ssl.SSLError, OSError):
                pass
        print('%d handshakes' % count)
    elif case == 'slowloris':
        print(slowloris(port, a[0], int(a[1]), float(a[2])))
    elif case == 'hold':
        print(hold(port, int(a[0]), int(a[1]), float(a[2])))
    elif case == 'noread-loop':
        cert, limit = open(a[0], 'rb').read(), float(a[1])
        start, sessions, total = time.monotonic(), 0, 0
        while time.monotonic() - start < limit:
            try:
                s = peer.connect(port)
            except (ssl.SSLError, OSError):
                time.sleep(0.05)
                continue
            sessions += 1
            total += noread(s, peer.tvs_request(cert), start + limit)
        print('sessions %d requests %d' % (sessions, total))
    elif case == 'tls1-loop':
        limit, start, n = float(a[0]), time.monotonic(), 0
        ctx = peer.client_context(tls1=True)
        while time.monotonic() - start < limit:
            try:
                peer.connect(port, ctx=ctx).close()
            except (ssl.SSLError, OSError):
                pass
            n += 1
        print('handshakes %d' % n)
    else:
        sys.exit(2)


def noread(s, req, until):
    """Requests without reading until the server hangs up; returns the count."""
    s.setblocking(False)
    n, pending = 0, req
    while time.monotonic() < until:
        try:
            pending = pending[s.send(pending):]
            if not pending:
                n, pending = n + 1, req
        except (ssl.SSLWantWriteError, ssl.SSLWantReadError, BlockingIOError):
            # Blocked: wait for room, or the server hanging up (without
            # reading a byte of its replies).
            p = select.poll()
            p.register(s, select.POLLOUT | select.POLLRDHUP)
            if any(ev & (select.POLLRDHUP | select.POLLHUP | select.POLLERR)
                   for _, ev in p.poll(200)):
                break
        except (ssl.SSLError, OSError):
            break
    s.close()
    return n


def slowloris(port, kind, count, limit):
    import threading
    stats = {'connections': 0, 'closed': 0, 'longest': 0.0}
    lock = threading.Lock()
    end = time.monotonic() + limit
    data = {'hello': peer.client_hello(), 'tvs': peer.tvs_request(b'x' * 400)}

    def one(i):
        source = '127.3.%d.%d' % (i >> 8 & 255, i & 255)
        while time.monotonic() < end:
            try:
                if kind == 'hello':
                    s = peer.tcp(port, source)
                    payload = data['hello']
                else:
                    s = peer.connect(port, source=source)
                    if kind == 'capf':
                        _, session, _ = peer.capf_read(s)
                        payload = peer.auth_response(session, 'SEP0000000000F1') * 4
                    else:
                        payload = data['tvs']
            except (ssl.SSLError, OSError, TypeError):
                time.sleep(0.5)
                continue
            began = time.monotonic()
            with lock:
                stats['connections'] += 1
            gone = False
            for b in payload:
                if time.monotonic() >= end:
                    break
                try:
                    s.send(bytes([b]))
                except (ssl.SSLError, OSError):
                    gone = True
                    break
                if peer.closed(s, 1.0):
                    gone = True
                    break
            lived = time.monotonic() - began
            s.close()
            with lock:
                if gone:
                    stats['closed'] += 1
                stats['longest'] = max(stats['longest'], lived)
    threads = [threading.Thread(target=one, args=(i + 1,), daemon=True) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(limit + 20)
    return 'connections %d closed %d longest %.0f s' % (stats['connections'], stats['closed'], stats['longest'])


def hold(port, count, sources, limit):
    """COUNT idle connections, each reopened as soon as the server closes it."""
    import selectors
    end, opened, gone = time.monotonic() + limit, 0, 0
    sel = selectors.DefaultSelector()

    def connect(i):
        nonlocal opened
        try:
            s = peer.tcp(port, '127.2.0.%d' % (i % sources + 1), blocking=False)
        except OSError:
            return
        sel.register(s, selectors.EVENT_READ, i)
        opened += 1
    for i in range(count):
        connect(i)
    while time.monotonic() < end:
        for key, _ in sel.select(0.2):
            s = key.fileobj
            try:
                dead = s.recv(1) == b''
            except BlockingIOError:
                dead = False
            except OSError:
                dead = True
            if dead:
                sel.unregister(s)
                s.close()
                gone += 1
                connect(key.data)
    for key in list(sel.get_map().values()):
        key.fileobj.close()
    return 'connections %d closed %d' % (opened, gone)


if __name__ == '__main__':
    main()
