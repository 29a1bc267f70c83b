"""Raw CAPF client pieces for the test drivers (standard library only).

A Session is one TLS connection to `ucpki serve` that has read the
server's AUTH_REQUEST; the caller then sends whatever a phone -- or an
attacker -- would, element by element, and reads the answers raw.
"""
import hashlib
import socket
import ssl
import struct
import subprocess

PROTOCOL = 85
VERSION = 3

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


def element(tag, value):
    return struct.pack('>BH', tag, len(value)) + value


def message(command, session, body, protocol=PROTOCOL, length=None):
    return struct.pack('>BBIH', protocol, command, session,
                       len(body) if length is None else length) + body


def auth_body(device, password=''):
    """AUTH_RESPONSE elements as a phone sends them (no certificate)."""
    return (element(EL_REASON, bytes([REASON_UPDATE_CERTIFICATE])) +
            element(EL_VERSION, bytes([VERSION])) +
            element(EL_DEVICE_NAME, device.encode() + b'\x00') +
            element(EL_PASSWORD, password.encode() + b'\x00'))


class Session:
    """One connection, at the point where the server has asked for AUTH."""

    def __init__(self, port, host='127.0.0.1', timeout=30):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        self.sock = ctx.wrap_socket(socket.create_connection((host, port), timeout=timeout))
        m = self.recv()
        if m is None or m[0] != AUTH_REQUEST:
            raise RuntimeError('expected AUTH_REQUEST, got %r' % (m,))
        self.sid = m[1]

    def _exact(self, n):
        data = b''
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                return None
            data += chunk
        return data

    def recv(self):
        """(command, session_id, {tag: value}), or None once the server closed."""
        try:
            head = self._exact(8)
            if head is None:
                return None
            _, command, session, length = struct.unpack('>BBIH', head)
            body = self._exact(length)
            if body is None:
                return None
        except (ConnectionError, ssl.SSLError, socket.timeout, OSError):
            return None
        elements, i = {}, 0
        while i + 3 <= len(body):
            tag, n = struct.unpack_from('>BH', body, i)
            elements[tag] = body[i + 3:i + 3 + n]
            i += 3 + n
        return command, session, elements

    def send(self, command, body=b''):
        self.sock.sendall(message(command, self.sid, body))

    def auth(self, device, password=''):
        self.send(AUTH_RESPONSE, auth_body(device, password))

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def describe(m):
    """A server message in a word or two: 'end 7', 'retry 30', 'keygen'..."""
    if m is None:
        return 'closed'
    command, _, elements = m
    if command == END_SESSION:
        return 'end %d' % elements.get(EL_REASON, b'\xff')[0]
    if command == RETRY_LATER:
        delay = elements.get(EL_RETRY_DELAY, b'')
        return 'retry %d' % int.from_bytes(delay, 'big') if delay else 'retry'
    if command == KEY_GENERATE_REQUEST:
        return 'keygen'
    if command == STORE_CERTIFICATE_REQUEST:
        return 'store'
    return 'command %d' % command


def certificate_der(elements):
    """The DER inside a CERTIFICATE element (u8 1 | u16 | u8 0 | u8 type | DER)."""
    return elements[EL_CERTIFICATE][5:]


def sha256_hex(data):
    return hashlib.sha256(data).hexdigest()


def rsa_spki(bits):
    """A fresh RSA public key as DER SubjectPublicKeyInfo (openssl does the maths)."""
    key = subprocess.run(['openssl', 'genpkey', '-algorithm', 'RSA', '-pkeyopt',
                          'rsa_keygen_bits:%d' % bits], capture_output=True, check=True).stdout
    return subprocess.run(['openssl', 'pkey', '-pubout', '-outform', 'DER'], input=key,
                          capture_output=True, check=True).stdout
