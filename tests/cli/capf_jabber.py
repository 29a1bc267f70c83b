"""A Jabber client's CAPF exchange, byte for byte as protocol version 2
has it (facts from the Jabber4Linux documentation), against `ucpki serve`.

usage: capf_jabber.py PORT NAME MODE
MODE install: the whole v2 flow must end in END_SESSION 1, and every
message must have the v2 shape; prints 'installed <LSC SHA-256>'.
MODE refused: the server must end the session right after the name;
prints 'end <reason>'.
MODE version4: an AUTH_RESPONSE with VERSION 4; prints 'end <reason>'.
"""
import struct
import sys

sys.path.insert(0, sys.path[0] + '/..')
import ucpki_peer as raw  # noqa: E402

port, name, mode = int(sys.argv[1]), sys.argv[2], sys.argv[3]


def fail(why):
    print('FAIL ' + why)
    sys.exit(1)


def v2_hello(version=2):
    return (raw.tlv(raw.EL_VERSION, bytes([version])) +
            raw.tlv(raw.EL_DEVICE_NAME, name.encode() + b'\x00') +
            raw.tlv(raw.EL_REASON, b'\x01'))


s = raw.Session(port)
s.send(raw.AUTH_RESPONSE, v2_hello(4 if mode == 'version4' else 2))
m = s.recv()
if mode != 'install':
    print(raw.describe(m))
    sys.exit(0)
if m is None or m[0] != raw.KEY_GENERATE_REQUEST:
    fail('expected KEY_GENERATE_REQUEST, got ' + raw.describe(m))
# Version 2: a KEY_SIZE and nothing else (no KEY_TYPE, no CURVE).
if set(m[2]) != {raw.EL_KEY_SIZE}:
    fail('KEY_GENERATE_REQUEST elements %r' % sorted(m[2]))
bits = struct.unpack('>H', m[2][raw.EL_KEY_SIZE])[0]
# No REQUEST_IN_PROGRESS: the key is the answer.
s.send(raw.KEY_GENERATE_RESPONSE, raw.tlv(raw.EL_PUBLIC_KEY, raw.rsa_spki(bits)))
m = s.recv()
if m is None or m[0] != raw.STORE_CERTIFICATE_REQUEST:
    fail('expected STORE_CERTIFICATE_REQUEST, got ' + raw.describe(m))
cert = m[2][raw.EL_CERTIFICATE]
# u8 1 | u16 der_len + 2 | u8 0 | u8 1 (LSC) | DER
if cert[0] != 1 or cert[3:5] != b'\x00\x01':
    fail('CERTIFICATE prefix %s' % cert[:5].hex())
der = raw.certificate_der(m[2])
s.send(raw.STORE_CERTIFICATE_RESPONSE, raw.tlv(raw.EL_REASON, b'\x01'))
m = s.recv()
if raw.describe(m) != 'end 1':
    fail('expected END_SESSION 1, got ' + raw.describe(m))
print('installed %d %s' % (bits, raw.sha256_hex(der)))
