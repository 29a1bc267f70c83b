#!/usr/bin/env python3
"""A misbehaving TFTP client for tests/cli/tftp.sh: malformed packets,
a client that never ACKs, one that holds a transfer open.  Prints one
line per check; exits 1 when the server's answer is not the protocol's."""
import socket
import struct
import sys

HOST = "127.0.0.1"


def sock(timeout=3.0):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(timeout)
    return s


def rrq(name, mode=b"octet", opts=()):
    pkt = struct.pack("!H", 1) + name + b"\0" + mode + b"\0"
    for k, v in opts:
        pkt += k + b"\0" + v + b"\0"
    return pkt


def error_code(pkt):
    op, = struct.unpack("!H", pkt[:2])
    if op != 5:
        return None
    return struct.unpack("!H", pkt[2:4])[0]


def malformed(port):
    cases = [
        (b"\x00", 4, "one byte"),
        (b"\x00\x09abc\x00octet\x00", 4, "unknown opcode 9"),
        (b"\x00\x01ITLFile.tlv", 4, "unterminated filename"),
        (b"\x00\x01ITLFile.tlv\x00", 4, "no mode"),
        (b"\x00\x01ITLFile.tlv\x00mail\x00", 4, "mode mail"),
        (b"\x00\x01\x00octet\x00", 4, "empty filename"),
        (b"\x00\x01" + b"A" * 600 + b"\x00octet\x00", 4, "600-byte filename"),
        (b"\x00\x01ITLFile.tlv\x00octet\x00blksize\x00", 8, "option without value"),
        (b"\x00\x04\x00\x01", 4, "ACK to port 69"),
        (b"\x00\x02upload.bin\x00octet\x00", 2, "write request"),
        (b"\x00\x01../ucpki.db\x00octet\x00", 2, "traversal"),
        (b"\x00\x01/etc/passwd\x00octet\x00", 2, "absolute path"),
        (b"\x00\x01nothing-here\x00octet\x00", 1, "absent file"),
    ]
    bad = 0
    for pkt, want, what in cases:
        s = sock()
        s.sendto(pkt, (HOST, port))
        try:
            reply, _ = s.recvfrom(70000)
            got = error_code(reply)
        except socket.timeout:
            got = "no reply"
        print("%s: error %s" % (what, got))
        if got != want:
            print("  expected error %d" % want)
            bad = 1
        s.close()
    # An ERROR sent to port 69 is never answered.
    s = sock(1.0)
    s.sendto(b"\x00\x05\x00\x00oops\x00", (HOST, port))
    try:
        s.recvfrom(70000)
        print("ERROR to port 69: answered")
        bad = 1
    except socket.timeout:
        print("ERROR to port 69: not answered")
    return bad


def noack(port, name):
    """Never ACKs: the server sends block 1 again, then gives up."""
    s = sock(10.0)
    s.sendto(rrq(name.encode()), (HOST, port))
    copies = 0
    while True:
        try:
            pkt, _ = s.recvfrom(70000)
        except socket.timeout:
            print("silence after %d copies" % copies)
            return 1
        op, = struct.unpack("!H", pkt[:2])
        if op == 3:
            copies += 1
            continue
        print("block 1 sent %d times, then error %s" % (copies, error_code(pkt)))
        return 0 if copies >= 2 else 1


def hold(port, name):
    """Holds one transfer open, then asks for another from the same address."""
    a = sock()
    a.sendto(rrq(name.encode()), (HOST, port))
    pkt, server = a.recvfrom(70000)
    b = sock()
    b.sendto(rrq(name.encode()), (HOST, port))
    reply, _ = b.recvfrom(70000)
    code = error_code(reply)
    print("second transfer: error %s %s" % (code, reply[4:-1].decode(errors="replace")))
    # Finish the first: ACK every block.
    while True:
        op, block = struct.unpack("!HH", pkt[:4])
        a.sendto(struct.pack("!HH", 4, block), server)
        if len(pkt) - 4 < 512:
            break
        pkt, server = a.recvfrom(70000)
    print("first transfer finished")
    return 0 if code == 0 else 1


def main():
    cmd, port = sys.argv[1], int(sys.argv[2])
    if cmd == "malformed":
        return malformed(port)
    if cmd == "noack":
        return noack(port, sys.argv[3])
    if cmd == "hold":
        return hold(port, sys.argv[3])
    return 2


sys.exit(main())
