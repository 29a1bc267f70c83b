#!/usr/bin/env python3
"""A misbehaving CAPF peer for tests/cli/capf.sh (standard library only).

usage: capf_badpeer.py HOST PORT UCPKI HOME DEVICE

Each case opens its own TLS connection and sends something a phone should
not: short headers, a wrong protocol id or session id, lengths larger than
the data, unknown tags, truncated elements, garbage or missing public
keys, or it stalls or vanishes mid-session.  The server must answer with
END_SESSION reason 7 (INVALID_ELEMENT) or close, stay up, record the
right failure status for the device and leave no LSC half-written.
"""
import json
import socket
import ssl
import struct
import subprocess
import sys
import time

HOST, PORT, UCPKI, HOME, DEVICE = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
failures = 0

AUTH_REQUEST, AUTH_RESPONSE, KEY_GENERATE_REQUEST, KEY_GENERATE_RESPONSE = 1, 2, 3, 4
END_SESSION, REQUEST_IN_PROGRESS = 15, 17
EL_REASON, EL_VERSION, EL_PUBLIC_KEY, EL_PASSWORD, EL_DEVICE_NAME = 1, 7, 9, 11, 13


def report(ok, name, detail=''):
    global failures
    if ok:
        print(f'ok - {name}')
    else:
        failures += 1
        print(f'FAIL - {name} {detail}')


def connect():
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    sock = socket.create_connection((HOST, PORT), timeout=10)
    return ctx.wrap_socket(sock)


def recv_exact(s, n):
    data = b''
    while len(data) < n:
        chunk = s.recv(n - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def recv_msg(s):
    """(command, session_id, {tag: value}) or None when the server closed."""
    try:
        head = recv_exact(s, 8)
        if head is None:
            return None
        pid, cmd, sid, length = struct.unpack('>BBIH', head)
        body = recv_exact(s, length)
        if body is None:
            return None
    except (ConnectionError, ssl.SSLError, socket.timeout):
        return None
    elements, i = {}, 0
    while i + 3 <= len(body):
        tag, ln = struct.unpack_from('>BH', body, i)
        elements[tag] = body[i + 3:i + 3 + ln]
        i += 3 + ln
    return cmd, sid, elements


def el(tag, value):
    return struct.pack('>BH', tag, len(value)) + value


def msg(cmd, sid, body, length=None):
    return struct.pack('>BBIH', 85, cmd, sid, len(body) if length is None else length) + body


def auth_body(device=DEVICE):
    return (el(EL_REASON, b'\x01') + el(EL_VERSION, b'\x03') +
            el(EL_DEVICE_NAME, device.encode() + b'\x00') + el(EL_PASSWORD, b'\x00'))


def expect_end(s, name, reason=7):
    m = recv_msg(s)
    report(m is not None and m[0] == END_SESSION and m[2].get(EL_REASON) == bytes([reason]),
           name, f'got {m!r}')


def expect_closed(s, name):
    m = recv_msg(s)
    report(m is None or m[0] == END_SESSION, name, f'got {m!r}')


def ucpki(*args):
    return subprocess.run([UCPKI, '--home', HOME, *args], capture_output=True, text=True)


def device():
    return json.loads(ucpki('device', 'show', DEVICE, '--json').stdout)


def schedule():
    r = ucpki('device', 'set', DEVICE, '--operation', 'install', '--auth', 'null', '--key', 'rsa1024')
    assert r.returncode == 0, r.stderr


def expect_status(name, status, no_lsc=True):
    # The server records a vanished peer's failure when it notices the
    # close; poll for it (bounded) rather than assume a timing.
    for _ in range(100):
        d = device()
        if d['status'] == status:
            break
        time.sleep(0.1)
    report(d['status'] == status, f'{name}: status {status}', f"got {d['status']} {d['status_text']}")
    if no_lsc:
        report(d['lsc'] is None, f'{name}: no LSC half-written')


def start():
    s = connect()
    m = recv_msg(s)
    assert m is not None and m[0] == AUTH_REQUEST, m
    return s, m[1]


def to_keygen():
    """A session at KEY_GENERATE_REQUEST."""
    schedule()
    s, sid = start()
    s.sendall(msg(AUTH_RESPONSE, sid, auth_body()))
    m = recv_msg(s)
    assert m is not None and m[0] == KEY_GENERATE_REQUEST, m
    return s, sid


# --- limits before TLS: a TCP connection that never says hello is closed --------
raw = socket.create_connection((HOST, PORT), timeout=10)
try:
    report(raw.recv(1) == b'', 'no TLS hello: closed at the handshake timeout')
except socket.timeout:
    report(False, 'no TLS hello: closed at the handshake timeout', 'still open after 10 s')
raw.close()
raw = socket.create_connection((HOST, PORT), timeout=10)
raw.sendall(b'GET / HTTP/1.0\r\n\r\n')
try:
    raw.recv(4096)
    report(True, 'plain text instead of TLS: refused')
except (ConnectionError, socket.timeout) as e:
    report(not isinstance(e, socket.timeout), 'plain text instead of TLS: refused', repr(e))
raw.close()

# --- framing errors before the device is known --------------------------------
s, sid = start()
s.sendall(b'\x55\x02\x00')
s.close()
report(True, 'short header, then gone')

s, sid = start()
s.sendall(msg(AUTH_RESPONSE, sid, auth_body())[:0] + struct.pack('>BBIH', 86, 2, sid, 0))
expect_end(s, 'wrong protocol id: INVALID_ELEMENT')

s, sid = start()
s.sendall(msg(AUTH_RESPONSE, sid ^ 0x5A5A, auth_body()))
expect_end(s, 'wrong session id: INVALID_ELEMENT')

s, sid = start()
s.sendall(msg(AUTH_RESPONSE, sid, auth_body() + el(99, b'xx')))
expect_end(s, 'unknown element tag: INVALID_ELEMENT')

s, sid = start()
body = auth_body() + struct.pack('>BH', EL_PASSWORD, 40) + b'12'
s.sendall(msg(AUTH_RESPONSE, sid, body))
expect_end(s, 'element longer than the message: INVALID_ELEMENT')

s, sid = start()
s.sendall(msg(AUTH_RESPONSE, sid, b'', length=0xFFFF))
expect_end(s, 'length over the maximum: INVALID_ELEMENT')

s, sid = start()
s.sendall(msg(AUTH_RESPONSE, sid, auth_body(), length=len(auth_body()) + 100))
expect_closed(s, 'length larger than the data: closed at the idle timeout')

s, sid = start()
s.sendall(msg(AUTH_RESPONSE, sid, el(EL_VERSION, b'\x03') + el(EL_DEVICE_NAME, b'../../etc/passwd\x00')))
expect_end(s, 'path in DEVICE_NAME: UNKNOWN_DEVICE', 9)

s, sid = start()
s.sendall(msg(AUTH_RESPONSE, sid, el(EL_VERSION, b'\x03') + el(EL_DEVICE_NAME, b'SEP0011\x0022334455\x00')))
expect_end(s, 'DEVICE_NAME with a NUL inside: INVALID_ELEMENT')

s, sid = start()
s.sendall(msg(AUTH_RESPONSE, sid, el(EL_VERSION, b'\x03')))
expect_end(s, 'DEVICE_NAME missing: INVALID_ELEMENT')

s, sid = start()
s.sendall(msg(AUTH_RESPONSE, sid, el(EL_VERSION, b'\x03\x03') + el(EL_DEVICE_NAME, DEVICE.encode() + b'\x00')))
expect_end(s, 'VERSION of two bytes: INVALID_ELEMENT')

s, sid = start()
expect_closed(s, 'silent after AUTH_REQUEST: closed at the idle timeout')

# --- failures once the device is known ------------------------------------------
s, sid = to_keygen()
s.sendall(msg(KEY_GENERATE_RESPONSE, sid, el(EL_PUBLIC_KEY, b'\x30\x82\x01\x00garbage')))
expect_end(s, 'garbage PUBLIC_KEY: INVALID_ELEMENT')
expect_status('garbage PUBLIC_KEY', 14)

s, sid = to_keygen()
s.sendall(msg(KEY_GENERATE_RESPONSE, sid, b''))
expect_end(s, 'no PUBLIC_KEY: INVALID_ELEMENT')
expect_status('no PUBLIC_KEY: Key Generation Failed/Timeout', 14)

s, sid = to_keygen()
s.sendall(msg(REQUEST_IN_PROGRESS, sid, b''))
expect_closed(s, 'REQUEST_IN_PROGRESS, then silence: closed at the key timeout')
expect_status('key never sent: Key Generation Failed/Timeout', 14)

s, sid = to_keygen()
s.close()
expect_status('vanished mid-session: Phone Communication Failure', 13)

s, sid = to_keygen()
s.sendall(msg(KEY_GENERATE_RESPONSE, sid, struct.pack('>BH', EL_PUBLIC_KEY, 300) + b'\x30\x82'))
expect_end(s, 'truncated PUBLIC_KEY element: INVALID_ELEMENT')
expect_status('truncated PUBLIC_KEY element', 6)

s, sid = to_keygen()
s.sendall(msg(END_SESSION, sid, el(EL_REASON, b'\x01')))
expect_end(s, 'END_SESSION instead of a key: INVALID_ELEMENT')
expect_status('unexpected command', 6)

# --- the LSC is on record before it is sent; unconfirmed, the install stays pending
def rsa1024_spki():
    key = subprocess.run(['openssl', 'genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024'],
                         capture_output=True, check=True).stdout
    return subprocess.run(['openssl', 'pkey', '-pubout', '-outform', 'DER'], input=key,
                          capture_output=True, check=True).stdout


def lsc_sha256(m):
    import hashlib
    return hashlib.sha256(m[2][4][5:]).hexdigest()


for how in ('vanishes', 'refuses'):
    s, sid = to_keygen()
    s.sendall(msg(KEY_GENERATE_RESPONSE, sid, el(EL_PUBLIC_KEY, rsa1024_spki())))
    m = recv_msg(s)
    report(m is not None and m[0] == 9 and 4 in m[2], f'phone that {how}: STORE_CERTIFICATE_REQUEST', f'got {m!r}')
    sent = lsc_sha256(m)
    d = device()
    report(d['lsc'] is not None and d['lsc']['sha256'] == sent,
           f'phone that {how}: the LSC was on record before it was sent')
    if how == 'vanishes':
        s.close()
        want = 13
    else:
        s.sendall(msg(10, sid, el(EL_REASON, b'\x07')))
        expect_end(s, 'phone refuses the LSC: INVALID_ELEMENT')
        want = 6
    for _ in range(100):
        d = device()
        if d['status'] == want:
            break
        time.sleep(0.1)
    report(d['status'] == want, f'phone that {how}: status {want}', f"got {d['status']} {d['status_text']}")
    report(d['operation'] == 'install', f'phone that {how}: the install stays pending', f"got {d['operation']}")

# --- EC Preferred, RSA Backup: a phone without EC gets asked for RSA -------------
r = ucpki('device', 'set', DEVICE, '--operation', 'install', '--auth', 'null', '--key', 'rsa2048',
          '--key-order', 'ec-then-rsa')
assert r.returncode == 0, r.stderr
s, sid = start()
s.sendall(msg(AUTH_RESPONSE, sid, auth_body()))
m = recv_msg(s)
report(m is not None and m[0] == KEY_GENERATE_REQUEST and m[2].get(17) == b'\x01' and m[2].get(18) == b'\x00',
       'EC preferred: asks for EC P-256 first', f'got {m!r}')
s.sendall(msg(KEY_GENERATE_RESPONSE, sid, b''))
m = recv_msg(s)
report(m is not None and m[0] == KEY_GENERATE_REQUEST and m[2].get(17) == b'\x00' and m[2].get(10) == b'\x08\x00',
       'no EC key: asks for RSA 2048 next', f'got {m!r}')
s.close()
expect_status('vanished after the RSA request', 13, no_lsc=False)

sys.exit(1 if failures else 0)
