"""What the misbehaving-peer drivers share (standard library only).

The wire formats of docs/protocols.md as the tests need them -- CAPF and
TVS messages built and read element by element, with any field wrong on
purpose -- and the connections they travel on: TLS to `ucpki serve`
without verifying it, plain TCP from a chosen loopback source, a
ClientHello as bytes.  The drivers (capf_badclient.py, cli/capf_badpeer.py,
capf_attack.py, abuse_client.py, idle_flood.py, tvs_rawclient.py) keep
only their cases.
"""
import hashlib
import select
import socket
import ssl
import struct
import subprocess
import warnings

# TLS 1.0 contexts are what some cases are about.
warnings.filterwarnings('ignore', category=DeprecationWarning)

HOST = '127.0.0.1'

# --- CAPF (protocol 85): u8 protocol | u8 command | u32 session | u16 length
CAPF_PROTOCOL = 85
CAPF_VERSION = 3

AUTH_REQUEST, AUTH_RESPONSE = 1, 2
KEY_GENERATE_REQUEST, KEY_GENERATE_RESPONSE = 3, 4
STORE_CERTIFICATE_REQUEST, STORE_CERTIFICATE_RESPONSE = 9, 10
FETCH_CERTIFICATE_REQUEST, FETCH_CERTIFICATE_RESPONSE = 11, 12
DELETE_CERTIFICATE_REQUEST, DELETE_CERTIFICATE_RESPONSE = 13, 14
END_SESSION, RETRY_LATER, REQUEST_IN_PROGRESS = 15, 16, 17

EL_REASON, EL_CERTIFICATE_TYPE, EL_CERTIFICATE = 1, 3, 4
EL_VERSION, EL_PUBLIC_KEY, EL_KEY_SIZE, EL_PASSWORD = 7, 9, 10, 11
EL_RETRY_DELAY, EL_DEVICE_NAME, EL_KEY_TYPE, EL_CURVE = 12, 13, 17, 18

REASON_UPDATE_CERTIFICATE = 1
REASON_INVALID_ELEMENT, REASON_UNKNOWN_DEVICE = 7, 9

# --- TVS (protocol 87): u8 protocol | u8 version | u8 command | u8 0 |
# u32 session | u16 length
TVS_PROTOCOL, TVS_VERSION = 87, 1
TVS_VERIFY_REQUEST, TVS_QUERY_REQUEST = 1, 3
TVS_EL_DEVICE_NAME, TVS_EL_CERTIFICATE = 1, 2
TVS_EL_STATUS, TVS_EL_ROLES, TVS_EL_TTL = 7, 8, 9
TVS_DEVICE = b'CP-8845-SEP001122334455'


# --- elements ---------------------------------------------------------------
def tlv_header(tag, length):
    """An element's tag and length alone: with less value, a truncated one."""
    return struct.pack('>BH', tag, length)


def tlv(tag, value):
    return tlv_header(tag, len(value)) + value


def elements(body):
    """{tag: value} of a message body (a short tail is ignored)."""
    found, i = {}, 0
    while i + 3 <= len(body):
        tag, n = struct.unpack_from('>BH', body, i)
        found[tag] = body[i + 3:i + 3 + n]
        i += 3 + n
    return found


# --- CAPF messages ------------------------------------------------------------
def capf_header(command, session, length, protocol=CAPF_PROTOCOL):
    return struct.pack('>BBIH', protocol, command, session, length)


def capf_message(command, session, body=b'', protocol=CAPF_PROTOCOL, length=None):
    """A message; length given, the header may say other than the body is."""
    return capf_header(command, session, len(body) if length is None else length,
                       protocol) + body


def auth_body(device, password='', extra=b''):
    """AUTH_RESPONSE elements as a phone sends them (no certificate)."""
    return (tlv(EL_REASON, bytes([REASON_UPDATE_CERTIFICATE])) +
            tlv(EL_VERSION, bytes([CAPF_VERSION])) +
            tlv(EL_DEVICE_NAME, device.encode() + b'\x00') +
            tlv(EL_PASSWORD, password.encode() + b'\x00') + extra)


def auth_response(session, device, password='', extra=b''):
    return capf_message(AUTH_RESPONSE, session, auth_body(device, password, extra))


# --- TVS messages -------------------------------------------------------------
def tvs_message(body, command=TVS_VERIFY_REQUEST, session=7, protocol=TVS_PROTOCOL,
                version=TVS_VERSION, length=None):
    return struct.pack('>BBBBIH', protocol, version, command, 0, session,
                       len(body) if length is None else length) + body


def tvs_request(cert, device=TVS_DEVICE, extra=b'', **header):
    """A request for cert as a phone of that model and name sends it."""
    body = tlv(TVS_EL_DEVICE_NAME, b'\x01' + device) + tlv(TVS_EL_CERTIFICATE, cert) + extra
    return tvs_message(body, **header)


# --- connections -----------------------------------------------------------------
def client_context(tls1=False):
    """A client that verifies nothing; tls1: TLS 1.0 only, any cipher."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    if tls1:
        ctx.minimum_version = ctx.maximum_version = ssl.TLSVersion.TLSv1
        ctx.set_ciphers('DEFAULT@SECLEVEL=0')
    return ctx


def connect(port, host=HOST, source=None, timeout=10, ctx=None):
    """A TLS connection, handshake done."""
    raw = socket.create_connection((host, port), timeout=timeout,
                                   source_address=(source, 0) if source else None)
    return (ctx or client_context()).wrap_socket(raw)


def tcp(port, source=None, blocking=True, host=HOST):
    """A plain TCP connection from source; not blocking, it may still be
    connecting when it is returned."""
    s = socket.socket()
    try:
        if source:
            s.bind((source, 0))
        s.setblocking(blocking)
        try:
            s.connect((host, port))
        except BlockingIOError:
            pass
    except OSError:
        s.close()
        raise
    return s


def client_hello():
    """The first flight of a real TLS client, as bytes."""
    inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()
    obj = client_context().wrap_bio(inc, out)
    try:
        obj.do_handshake()
    except ssl.SSLWantReadError:
        pass
    return out.read()


def closed(sock, wait):
    """True when the peer hung up within wait seconds."""
    p = select.poll()
    p.register(sock, select.POLLIN)
    if not p.poll(wait * 1000):
        return False
    try:
        return sock.recv(4096) == b''
    except (ssl.SSLWantReadError, BlockingIOError):
        return False
    except (ssl.SSLError, OSError):
        return True


def outcome(read):
    """What read() says of the server's answer; 'timeout' when the server
    neither answered nor hung up in time, 'closed' when the connection broke."""
    try:
        return read()
    except socket.timeout:
        return 'timeout'
    except (ssl.SSLError, OSError):
        return 'closed'


def recv_exact(sock, n):
    """n bytes, or None when the peer closed first."""
    data = b''
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def capf_read(sock):
    """(command, session, {tag: value}), None once the server closed;
    a timeout or a TLS error is raised."""
    head = recv_exact(sock, 8)
    if head is None:
        return None
    _, command, session, length = struct.unpack('>BBIH', head)
    body = recv_exact(sock, length)
    if body is None:
        return None
    return command, session, elements(body)


def capf_recv(sock):
    """capf_read, with a timeout or a TLS error as None too."""
    try:
        return capf_read(sock)
    except (ssl.SSLError, OSError):
        return None


def tvs_read(sock):
    """(command, {tag: value}), None once the server closed; a timeout or
    a TLS error is raised."""
    head = recv_exact(sock, 10)
    if head is None:
        return None
    _, _, command, _, _, length = struct.unpack('>BBBBIH', head)
    body = recv_exact(sock, length)
    if body is None:
        return None
    return command, elements(body)


class Session:
    """One CAPF connection, at the point where the server has asked for AUTH."""

    def __init__(self, port, host=HOST, timeout=10):
        self.sock = connect(port, host, timeout=timeout)
        m = capf_recv(self.sock)
        if m is None or m[0] != AUTH_REQUEST:
            raise RuntimeError('expected AUTH_REQUEST, got %r' % (m,))
        self.sid = m[1]

    def read(self):
        return capf_read(self.sock)

    def recv(self):
        return capf_recv(self.sock)

    def sendall(self, data):
        self.sock.sendall(data)

    def send(self, command, body=b''):
        self.sock.sendall(capf_message(command, self.sid, body))

    def auth(self, device, password='', extra=b''):
        self.sock.sendall(auth_response(self.sid, device, password, extra))

    def settimeout(self, seconds):
        self.sock.settimeout(seconds)

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


# --- what came back -----------------------------------------------------------
def describe(m):
    """A server message in a word or two: 'end 7', 'retry 30', 'keygen'..."""
    if m is None:
        return 'closed'
    command, _, found = m
    if command == END_SESSION:
        return 'end %d' % found.get(EL_REASON, b'\xff')[0]
    if command == RETRY_LATER:
        delay = found.get(EL_RETRY_DELAY, b'')
        return 'retry %d' % int.from_bytes(delay, 'big') if delay else 'retry'
    if command == KEY_GENERATE_REQUEST:
        return 'keygen'
    if command == STORE_CERTIFICATE_REQUEST:
        return 'store'
    return 'command %d' % command


def certificate_der(found):
    """The DER inside a CERTIFICATE element (u8 1 | u16 | u8 0 | u8 type | DER)."""
    return found[EL_CERTIFICATE][5:]


def sha256_hex(data):
    return hashlib.sha256(data).hexdigest()


def rsa_spki(bits):
    """A fresh RSA public key as DER SubjectPublicKeyInfo (openssl does the maths)."""
    key = subprocess.run(['openssl', 'genpkey', '-algorithm', 'RSA', '-pkeyopt',
                          'rsa_keygen_bits:%d' % bits], capture_output=True, check=True).stdout
    return subprocess.run(['openssl', 'pkey', '-pubout', '-outform', 'DER'], input=key,
                          capture_output=True, check=True).stdout


# A valid P-256 public key (SubjectPublicKeyInfo), for asking RSA and getting EC.
P256_SPKI = bytes.fromhex(
    '3059301306072a8648ce3d020106082a8648ce3d03010703420004'
    '6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296'
    '4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5')
