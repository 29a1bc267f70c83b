#!/usr/bin/env python3
"""Writes the seed corpus of fuzz_capf_msg from the golden vectors (tests/vectors),
and with CLIENT_DIR that of fuzz_capf_client: whole sessions as a server sends them.

usage: make-capf-corpus.py VECTORS_DIR OUT_DIR [CLIENT_DIR]   (needs the openssl CLI)
The messages are built here from protocols.md; the LSC vectors give real
certificate and public-key bytes.
"""
import struct
import subprocess
import sys

vectors, out = sys.argv[1], sys.argv[2]


def el(tag, value):
    return struct.pack('>BH', tag, len(value)) + value


def msg(cmd, body, sid=0x11223344):
    return struct.pack('>BBIH', 85, cmd, sid, len(body)) + body


def der(pem, *args):
    return subprocess.run(['openssl', *args, '-in', pem, '-outform', 'DER'],
                          capture_output=True, check=True).stdout


lsc = der(f'{vectors}/SEP001122334455-lsc.pem', 'x509')
lsc_ec = der(f'{vectors}/SEP001122334455-lsc-ec.pem', 'x509')
spki = subprocess.run(['openssl', 'x509', '-in', f'{vectors}/SEP001122334455-lsc.pem', '-noout', '-pubkey'],
                      capture_output=True, check=True).stdout
spki = subprocess.run(['openssl', 'pkey', '-pubin', '-outform', 'DER'], input=spki,
                      capture_output=True, check=True).stdout
name = el(13, b'SEP001122334455\x00')
cert = el(4, struct.pack('>BHBB', 1, len(lsc) + 2, 0, 1) + lsc)
cert_ec = el(4, struct.pack('>BHBB', 1, len(lsc_ec) + 2, 0, 2) + lsc_ec)
seeds = {
    'auth-request': msg(1, el(7, b'\x03') + el(8, b'\x00')),
    'auth-null': msg(2, el(1, b'\x01') + el(7, b'\x03') + name + el(11, b'\x00')),
    'auth-string': msg(2, el(1, b'\x01') + el(7, b'\x03') + name + el(11, b'123456\x00')),
    'auth-cert': msg(2, el(1, b'\x01') + el(7, b'\x03') + name + el(11, b'\x00') + cert +
                     el(6, b'\x00' * 256) + el(20, struct.pack('>BH', 3, 256) + b'\x00' * 256) +
                     el(16, struct.pack('>BH', 0, len(lsc)) + lsc + struct.pack('>BH', 1, 4) + b'abcd' +
                        struct.pack('>BH', 3, 4) + b'efgh')),
    'auth-cert-ec': msg(2, el(7, b'\x03') + name + cert_ec + el(6, b'0') + el(20, b'\x03\x00\x01x')),
    'key-request-rsa': msg(3, el(17, b'\x00') + el(10, b'\x08\x00')),
    'key-request-ec': msg(3, el(17, b'\x01') + el(18, b'\x00')),
    'in-progress': msg(17, b''),
    'key-response': msg(4, el(9, spki)),
    'store-request': msg(9, el(3, b'\x01') + cert),
    'store-response': msg(10, el(1, b'\x01')),
    'fetch-response': msg(12, el(1, b'\x01') + cert),
    'delete-response': msg(14, el(1, b'\x01')),
    'end-session': msg(15, el(1, b'\x07')),
    # Protocol version 2 (Jabber clients): the server's greeting carries
    # only VERSION; the client names itself with no credentials; the key
    # request is a bare KEY_SIZE; the refusals of a second LSC and of an
    # unknown client are END_SESSION 7 and 9.
    'v2-auth-request': msg(1, el(7, b'\x03')),
    'v2-auth-response': msg(2, el(7, b'\x02') + el(13, b'CSFJDOE\x00') + el(1, b'\x01')),
    'v2-auth-response-string': msg(2, el(7, b'\x02') + el(13, b'CSFJDOE\x00') + el(11, b'123456\x00') +
                                   el(1, b'\x01')),
    'v2-key-request': msg(3, el(10, b'\x08\x00')),
    'v2-key-response': msg(4, el(9, spki)),
    'v2-key-response-trailing': msg(4, el(9, spki + b'\x00')),
    'v2-store-request': msg(9, el(3, b'\x01') + cert),
    'v2-ack': msg(10, el(1, b'\x01')),
    'v2-already-issued': msg(15, el(1, b'\x07')),
    'v2-unknown': msg(15, el(1, b'\x09')),
    'v2-version-4': msg(2, el(7, b'\x04') + el(13, b'CSFJDOE\x00') + el(1, b'\x01')),
}
for n, data in seeds.items():
    with open(f'{out}/{n}', 'wb') as f:
        f.write(data)

# What a server sends in whole sessions, for the phone's state machine.
if len(sys.argv) > 3:
    auth_request = msg(1, el(7, b'\x03') + el(8, b'\x00'))
    end_ok = msg(15, el(1, b'\x01'))
    sessions = {
        'install-rsa': [auth_request, seeds['key-request-rsa'], seeds['store-request'], end_ok],
        'install-ec': [auth_request, seeds['key-request-ec'], msg(9, el(3, b'\x01') + cert_ec), end_ok],
        'fetch': [auth_request, msg(11, b''), msg(15, el(1, b'\x00'))],
        'delete': [auth_request, msg(13, b''), end_ok],
        'no-action': [auth_request, msg(15, el(1, b'\x00'))],
        'unknown-device': [auth_request, msg(15, el(1, b'\x09'))],
        'v2-install': [msg(1, el(7, b'\x03')), msg(3, el(10, b'\x08\x00')), seeds['store-request'], end_ok],
        'v2-already-issued': [msg(1, el(7, b'\x03')), msg(15, el(1, b'\x07'))],
    }
    for n, parts in sessions.items():
        with open(f'{sys.argv[3]}/{n}', 'wb') as f:
            f.write(b''.join(parts))
