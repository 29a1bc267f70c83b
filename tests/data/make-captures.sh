#!/usr/bin/env bash
# Records the captures under tests/data/ that tests/cli/diag.sh reads:
# a simulated phone registering over TLS 1.2 to openssl s_server with its
# MIC, with an LSC, rejected with an unknown-CA alert, and one TLS 1.3
# handshake.  Each is written twice, as classic pcap and as pcapng (what
# tshark and Wireshark write by default), the pcapng copy made from the
# same packets with editcap:  editcap -F pcapng NAME.pcap NAME.pcapng
# Needs tshark, which brings editcap (apt-get install tshark
# wireshark-common; root, loopback).  Only to re-record: the captures are
# committed, and the tests need neither.
#   bash tests/data/make-captures.sh build/ucpki
set -euo pipefail
U=$(realpath "${1:-build/ucpki}")
OUT=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$T"' EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

"$U" --home "$T/c" init --node cucm.capture.test >/dev/null
"$U" --home "$T/c" phone make SEP0000000CAF01 >/dev/null
"$U" --home "$T/c" trust add CallManager-trust "$T/c/phones/mfg/mfg-ca.pem" >/dev/null
"$U" --home "$T/c" trust export CallManager-trust --out "$T/bundle.pem" 2>/dev/null
"$U" --home "$T/c" cert show CallManager --pem >"$T/cm.pem"
KEY=$(ls "$T"/c/keys/CallManager-*.key)

capture() { # NAME CAFILE COMMAND...
	local name=$1 cafile=$2 p
	shift 2
	p=$(port)
	tshark -i lo -F pcap -w "$T/$name.pcap" -f "tcp port $p" -q >/dev/null 2>&1 &
	local shark=$!
	sleep 2
	openssl s_server -accept "$p" -cert "$T/cm.pem" -key "$KEY" -Verify 1 \
		-verify_return_error -CAfile "$cafile" -www -quiet >/dev/null 2>&1 &
	local server=$!
	sleep 0.5
	"$@" "$p" >/dev/null 2>&1 || true
	sleep 1
	kill $server $shark
	wait $shark 2>/dev/null || true
	cp "$T/$name.pcap" "$OUT/$name.pcap"
	editcap -F pcapng "$OUT/$name.pcap" "$OUT/$name.pcapng"
	echo "$OUT/$name.pcap $OUT/$name.pcapng"
}

reg() { "$U" --home "$T/c" phone register SEP0000000CAF01 --server "127.0.0.1:$1"; }
capture register-mic "$T/bundle.pem" reg
# An LSC from the cluster's CAPF: the phone enrolls first.
cp=$(port)
"$U" --home "$T/c" device add SEP0000000CAF01 >/dev/null
"$U" --home "$T/c" device set SEP0000000CAF01 --operation install --auth null >/dev/null
"$U" --home "$T/c" serve --listen 127.0.0.1 --capf-port "$cp" --tvs-port 0 --admin-port 0 >/dev/null 2>&1 &
sleep 1
"$U" --home "$T/c" phone capf SEP0000000CAF01 --server "127.0.0.1:$cp" >/dev/null
kill %?serve 2>/dev/null || true
capture register-lsc "$T/bundle.pem" reg
# Unknown CA: the server trusts only the CallManager certificate.
capture register-unknown-ca "$T/cm.pem" reg
tls13() { echo | openssl s_client -connect "127.0.0.1:$1" -tls1_3 >/dev/null 2>&1; }
capture tls13 "$T/bundle.pem" tls13
