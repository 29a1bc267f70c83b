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
import os
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import ucpki_peer as peer  # noqa: E402
from ucpki_peer import (AUTH_RESPONSE, KEY_GENERATE_REQUEST, KEY_GENERATE_RESPONSE,  # noqa: E402
                        STORE_CERTIFICATE_REQUEST, STORE_CERTIFICATE_RESPONSE,
                        END_SESSION, REQUEST_IN_PROGRESS, EL_REASON, EL_CERTIFICATE,
                        EL_VERSION, EL_PUBLIC_KEY, EL_KEY_SIZE, EL_PASSWORD,
                        EL_DEVICE_NAME, EL_KEY_TYPE, EL_CURVE)

HOST, PORT, UCPKI, HOME, DEVICE = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
failures = 0


def report(ok, name, detail=''):
    global failures
    if ok:
        print(f'ok - {name}')
    else:
        failures += 1
        print(f'FAIL - {name} {detail}')


def expect_end(s, name, reason=peer.REASON_INVALID_ELEMENT):
    m = s.recv()
    report(m is not None and m[0] == END_SESSION and m[2].get(EL_REASON) == bytes([reason]),
           name, f'got {m!r}')


def expect_closed(s, name):
    m = s.recv()
    report(m is None or m[0] == END_SESSION, name, f'got {m!r}')


def ucpki(*args):
    return subprocess.run([UCPKI, '--home', HOME, *args], capture_output=True, text=True)


def device():
    return json.loads(ucpki('device', 'show', DEVICE, '--json').stdout)


def schedule():
    r = ucpki('device', 'set', DEVICE, '--operation', 'install', '--auth', 'null', '--key', 'rsa1024')
    assert r.returncode == 0, r.stderr


def wait_status(status):
    """The device once it has status, or after ten seconds without."""
    # The server records a vanished peer's failure when it notices the
    # close; poll for it (bounded) rather than assume a timing.
    for _ in range(100):
        d = device()
        if d['status'] == status:
            break
        time.sleep(0.1)
    return d


def expect_status(name, status, no_lsc=True):
    d = wait_status(status)
    report(d['status'] == status, f'{name}: status {status}', f"got {d['status']} {d['status_text']}")
    if no_lsc:
        report(d['lsc'] is None, f'{name}: no LSC half-written')


def to_keygen():
    """A session at KEY_GENERATE_REQUEST."""
    schedule()
    s = peer.Session(PORT, HOST)
    s.auth(DEVICE)
    m = s.recv()
    assert m is not None and m[0] == KEY_GENERATE_REQUEST, m
    return s


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
s = peer.Session(PORT, HOST)
s.sendall(b'\x55\x02\x00')
s.close()
report(True, 'short header, then gone')

s = peer.Session(PORT, HOST)
s.sendall(peer.capf_header(AUTH_RESPONSE, s.sid, 0, protocol=86))
expect_end(s, 'wrong protocol id: INVALID_ELEMENT')

s = peer.Session(PORT, HOST)
s.sendall(peer.capf_message(AUTH_RESPONSE, s.sid ^ 0x5A5A, peer.auth_body(DEVICE)))
expect_end(s, 'wrong session id: INVALID_ELEMENT')

s = peer.Session(PORT, HOST)
s.auth(DEVICE, extra=peer.tlv(99, b'xx'))
expect_end(s, 'unknown element tag: INVALID_ELEMENT')

s = peer.Session(PORT, HOST)
body = peer.auth_body(DEVICE) + peer.tlv_header(EL_PASSWORD, 40) + b'12'
s.send(AUTH_RESPONSE, body)
expect_end(s, 'element longer than the message: INVALID_ELEMENT')

s = peer.Session(PORT, HOST)
s.sendall(peer.capf_message(AUTH_RESPONSE, s.sid, length=0xFFFF))
expect_end(s, 'length over the maximum: INVALID_ELEMENT')

s = peer.Session(PORT, HOST)
s.sendall(peer.capf_message(AUTH_RESPONSE, s.sid, peer.auth_body(DEVICE), length=len(peer.auth_body(DEVICE)) + 100))
expect_closed(s, 'length larger than the data: closed at the idle timeout')

s = peer.Session(PORT, HOST)
s.send(AUTH_RESPONSE, peer.tlv(EL_VERSION, b'\x03') + peer.tlv(EL_DEVICE_NAME, b'../../etc/passwd\x00'))
expect_end(s, 'path in DEVICE_NAME: UNKNOWN_DEVICE', peer.REASON_UNKNOWN_DEVICE)

s = peer.Session(PORT, HOST)
s.send(AUTH_RESPONSE, peer.tlv(EL_VERSION, b'\x03') + peer.tlv(EL_DEVICE_NAME, b'SEP0011\x0022334455\x00'))
expect_end(s, 'DEVICE_NAME with a NUL inside: INVALID_ELEMENT')

s = peer.Session(PORT, HOST)
s.send(AUTH_RESPONSE, peer.tlv(EL_VERSION, b'\x03'))
expect_end(s, 'DEVICE_NAME missing: INVALID_ELEMENT')

s = peer.Session(PORT, HOST)
s.send(AUTH_RESPONSE, peer.tlv(EL_VERSION, b'\x03\x03') + peer.tlv(EL_DEVICE_NAME, DEVICE.encode() + b'\x00'))
expect_end(s, 'VERSION of two bytes: INVALID_ELEMENT')

s = peer.Session(PORT, HOST)
expect_closed(s, 'silent after AUTH_REQUEST: closed at the idle timeout')

# --- failures once the device is known ------------------------------------------
s = to_keygen()
s.send(KEY_GENERATE_RESPONSE, peer.tlv(EL_PUBLIC_KEY, b'\x30\x82\x01\x00garbage'))
expect_end(s, 'garbage PUBLIC_KEY: INVALID_ELEMENT')
expect_status('garbage PUBLIC_KEY', 14)

s = to_keygen()
s.send(KEY_GENERATE_RESPONSE)
expect_end(s, 'no PUBLIC_KEY: INVALID_ELEMENT')
expect_status('no PUBLIC_KEY: Key Generation Failed/Timeout', 14)

s = to_keygen()
s.send(REQUEST_IN_PROGRESS)
expect_closed(s, 'REQUEST_IN_PROGRESS, then silence: closed at the key timeout')
expect_status('key never sent: Key Generation Failed/Timeout', 14)

s = to_keygen()
s.close()
expect_status('vanished mid-session: Phone Communication Failure', 13)

s = to_keygen()
s.send(KEY_GENERATE_RESPONSE, peer.tlv_header(EL_PUBLIC_KEY, 300) + b'\x30\x82')
expect_end(s, 'truncated PUBLIC_KEY element: INVALID_ELEMENT')
expect_status('truncated PUBLIC_KEY element', 6)

s = to_keygen()
s.send(END_SESSION, peer.tlv(EL_REASON, b'\x01'))
expect_end(s, 'END_SESSION instead of a key: INVALID_ELEMENT')
expect_status('unexpected command', 6)

# --- the LSC is on record before it is sent; unconfirmed, the install stays pending
for how in ('vanishes', 'refuses'):
    s = to_keygen()
    s.send(KEY_GENERATE_RESPONSE, peer.tlv(EL_PUBLIC_KEY, peer.rsa_spki(1024)))
    m = s.recv()
    report(m is not None and m[0] == STORE_CERTIFICATE_REQUEST and EL_CERTIFICATE in m[2], f'phone that {how}: STORE_CERTIFICATE_REQUEST', f'got {m!r}')
    sent = peer.sha256_hex(peer.certificate_der(m[2]))
    d = device()
    report(d['lsc'] is not None and d['lsc']['sha256'] == sent,
           f'phone that {how}: the LSC was on record before it was sent')
    if how == 'vanishes':
        s.close()
        want = 13
    else:
        s.send(STORE_CERTIFICATE_RESPONSE, peer.tlv(EL_REASON, b'\x07'))
        expect_end(s, 'phone refuses the LSC: INVALID_ELEMENT')
        want = 6
    d = wait_status(want)
    report(d['status'] == want, f'phone that {how}: status {want}', f"got {d['status']} {d['status_text']}")
    report(d['operation'] == 'install', f'phone that {how}: the install stays pending', f"got {d['operation']}")

# --- EC Preferred, RSA Backup: a phone without EC gets asked for RSA -------------
r = ucpki('device', 'set', DEVICE, '--operation', 'install', '--auth', 'null', '--key', 'rsa2048',
          '--key-order', 'ec-then-rsa')
assert r.returncode == 0, r.stderr
s = peer.Session(PORT, HOST)
s.auth(DEVICE)
m = s.recv()
report(m is not None and m[0] == KEY_GENERATE_REQUEST and m[2].get(EL_KEY_TYPE) == b'\x01' and m[2].get(EL_CURVE) == b'\x00',
       'EC preferred: asks for EC P-256 first', f'got {m!r}')
s.send(KEY_GENERATE_RESPONSE)
m = s.recv()
report(m is not None and m[0] == KEY_GENERATE_REQUEST and m[2].get(EL_KEY_TYPE) == b'\x00' and m[2].get(EL_KEY_SIZE) == b'\x08\x00',
       'no EC key: asks for RSA 2048 next', f'got {m!r}')
s.close()
expect_status('vanished after the RSA request', 13, no_lsc=False)

sys.exit(1 if failures else 0)
