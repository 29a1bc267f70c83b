#!/usr/bin/env bash
# Errors as an administrator meets them: a locked database is not a
# duplicate, a corrupt database names its file, a bundle with a duplicate
# reports what it did, OpenSSL's internal texts are replaced by what is
# wrong with the file, control characters are refused on input and escaped
# on output, a failed init leaves nothing behind, and a read-only home can
# still be listed and shown.
source "$UCPKI_TESTLIB"

H=$UCPKI_HOME
ok "init" init --node cucm.example.test

# --- a locked database is not a duplicate ------------------------------------
# hold_lock SECONDS: another process holds the write lock (BEGIN EXCLUSIVE)
# for SECONDS; returns once the lock is taken.
hold_lock() {
	rm -f "$TEST_TMP/locked"
	python3 -c '
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN EXCLUSIVE")
open(sys.argv[2], "w").close()
time.sleep(float(sys.argv[3]))
c.execute("ROLLBACK")' "$H/ucpki.db" "$TEST_TMP/locked" "$1" &
	LOCK_PID=$!
	on_exit_kill "$LOCK_PID"
	while [ ! -e "$TEST_TMP/locked" ]; do sleep 0.05; done
}
hold_lock 30
refuses "device add while another process writes: locked" \
	"$H/ucpki.db: database is locked by another process; try again" \
	device add SEP001122334455 --model 8845
lacks "not reported as a duplicate" "$ERR" "already exists"
kill "$LOCK_PID"
wait "$LOCK_PID" 2>/dev/null
ok "device list shows it was not added" device list
lacks "no such device" "$OUT" "SEP001122334455"
# The busy timeout waits out a short transaction (1 s here, 5 s allowed).
hold_lock 1
ok "device add waits for a short transaction" device add SEP001122334455 --model 8845
wait "$LOCK_PID" 2>/dev/null
refuses "a real duplicate still says so" "SEP001122334455: device already exists" \
	device add SEP001122334455

# --- a corrupt database names its path ----------------------------------------
mkdir "$TEST_TMP/garbage"
head -c 8192 /dev/urandom >"$TEST_TMP/garbage/ucpki.db"
chmod 600 "$TEST_TMP/garbage/ucpki.db"	# private, as the store requires: the test is about its bytes
refuses "garbage database: cert list" "$TEST_TMP/garbage/ucpki.db: file is not a database" \
	--home "$TEST_TMP/garbage" cert list own
refuses "garbage database: device add" "$TEST_TMP/garbage/ucpki.db: file is not a database" \
	--home "$TEST_TMP/garbage" device add SEP001122334466
mkdir "$TEST_TMP/malformed"
cp "$H/ucpki.db" "$TEST_TMP/malformed/"
python3 -c '
import sys
with open(sys.argv[1], "r+b") as f:
    f.seek(2 * 4096)
    f.write(b"\xa5" * 4 * 4096)' "$TEST_TMP/malformed/ucpki.db"
refuses "damaged database pages" "$TEST_TMP/malformed/ucpki.db: database disk image is malformed" \
	--home "$TEST_TMP/malformed" cert list own

# --- a bundle with a duplicate: the new ones added, the duplicate reported ------
mkca() { # NAME: a self-signed CA in $TEST_TMP/NAME.pem
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TEST_TMP/$1.key" \
		-out "$TEST_TMP/$1.pem" -subj "/CN=$1" -days 30 2>/dev/null
}
mkca CA-A
mkca CA-B
mkca CA-C
ok "trust CA-A" trust add CallManager-trust "$TEST_TMP/CA-A.pem"
cat "$TEST_TMP/CA-B.pem" "$TEST_TMP/CA-A.pem" "$TEST_TMP/CA-C.pem" >"$TEST_TMP/bundle.pem"
ok "a bundle with one certificate already trusted" trust add CallManager-trust "$TEST_TMP/bundle.pem"
contains "the new one is added" "$OUT" "CallManager-trust/CA-B.pem: Trust Certificate added"
contains "the duplicate is reported and skipped" "$OUT" "CallManager-trust/CA-A.pem: already in CallManager-trust; skipped"
contains "the one after the duplicate is added" "$OUT" "CallManager-trust/CA-C.pem: Trust Certificate added"
lacks "the duplicate is not reported added" "$OUT" "CA-A.pem: Trust Certificate added"
ok "list the store" cert list trust CallManager-trust
contains "what was reported added is there (B)" "$OUT" "CallManager-trust/CA-B.pem"
contains "what was reported added is there (C)" "$OUT" "CallManager-trust/CA-C.pem"
before=$(home_digest)
refuses "the same bundle again: nothing new" "CallManager-trust: all 3 certificates are already in the trust store; nothing added" \
	trust add CallManager-trust "$TEST_TMP/bundle.pem"
check "nothing printed as added" test -z "$OUT"
check "store unchanged" test "$before" = "$(home_digest)"

# --- what is wrong with the file, not OpenSSL's internal texts -----------------
# plain NAME "MESSAGE" ARGS...: refused with MESSAGE and no OpenSSL internals.
plain() {
	local name=$1
	refuses "$@"
	local t
	for t in "asn1" "ASN1 lib" "PEM lib" "RSA lib" "wrong tag" "bad decrypt" \
		"no start line" "unsupported" "cipherfinal" "header too long" \
		"bad end line" "too long"; do
		if [[ "$ERR" == *"$t"* ]]; then
			fail "$name: no OpenSSL internal text" "'$t' in: $ERR"
			return
		fi
	done
	pass "$name: no OpenSSL internal text"
}
D=$TEST_TMP/files
mkdir "$D"
head -c 600 /dev/urandom | tr '\060' '\061' >"$D/garbage.bin"	# no 0x30: not DER
openssl x509 -in "$TEST_TMP/CA-A.pem" -outform DER -out "$D/ca.der"
head -c 300 "$D/ca.der" >"$D/truncated.der"
head -c 500 "$TEST_TMP/CA-A.pem" >"$D/truncated.pem"		# no END line
{ echo "-----BEGIN CERTIFICATE-----"; base64 -w 64 "$D/truncated.der"; echo "-----END CERTIFICATE-----"; } >"$D/short-der.pem"
for cmd in "check cert" "trust add tomcat-trust" "cert upload tomcat"; do
	# shellcheck disable=SC2086
	plain "$cmd: garbage" "garbage.bin: not a PEM or DER certificate" $cmd "$D/garbage.bin"
	# shellcheck disable=SC2086
	plain "$cmd: truncated DER" "truncated.der: not a PEM or DER certificate: truncated or damaged DER" $cmd "$D/truncated.der"
	# shellcheck disable=SC2086
	plain "$cmd: PEM without END" "truncated.pem: damaged PEM: a block has no END line (truncated?)" $cmd "$D/truncated.pem"
	# shellcheck disable=SC2086
	plain "$cmd: PEM of truncated DER" "short-der.pem: damaged PEM: truncated or damaged DER" $cmd "$D/short-der.pem"
done
plain "itl show: garbage" "garbage.bin: header:" itl show "$D/garbage.bin"
head -c 2000 "$H/tftp/ITLFile.tlv" >"$D/truncated.tlv"
plain "itl show: truncated" "truncated.tlv: ITL record 2: RECORD_LENGTH" itl show "$D/truncated.tlv"
cat "$TEST_TMP/CA-A.pem" "$D/truncated.pem" >"$D/bundle-cut.pem"
plain "a bundle whose second certificate is cut off is refused" \
	"bundle-cut.pem: damaged PEM after certificate 1: a block has no END line (truncated?)" trust add ipsec-trust "$D/bundle-cut.pem"
check "nothing printed for the refused bundle" test -z "$OUT"
ok "ipsec-trust list" cert list trust ipsec-trust
lacks "the first certificate of the refused bundle is not added" "$OUT" "CA-A"
# A certificate in the store that no longer parses (cert show reads the store).
cp -r "$H" "$TEST_TMP/damaged-home"
sqlite3 "$TEST_TMP/damaged-home/ucpki.db" "UPDATE identity SET cert_der = substr(cert_der, 1, 100) WHERE purpose = 'tomcat'"
plain "cert show: damaged stored certificate" "tomcat/tomcat.pem in the store: certificate: not a DER X.509 certificate: truncated or damaged DER" \
	--home "$TEST_TMP/damaged-home" cert show tomcat
# Keys: encrypted, cut off, absent, not matching.
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -aes256 -pass pass:secret -out "$D/enc.key" 2>/dev/null
cat "$TEST_TMP/CA-A.pem" "$D/enc.key" >"$D/signer-enc.pem"
head -c 600 "$TEST_TMP/CA-A.key" >"$D/cut.key"
cat "$TEST_TMP/CA-A.pem" "$D/cut.key" >"$D/signer-cut.pem"
cat "$TEST_TMP/CA-A.pem" "$TEST_TMP/CA-B.key" >"$D/signer-other.pem"
echo "hello" >"$D/file.txt"
plain "signer with an encrypted key" "signer-enc.pem: the private key is encrypted; give it unencrypted" \
	sgn sign "$D/file.txt" --signer "$D/signer-enc.pem"
plain "signer with a cut-off key" "signer-cut.pem: damaged PEM after certificate 1: a block has no END line (truncated?)" \
	sgn sign "$D/file.txt" --signer "$D/signer-cut.pem"
plain "signer without a key" "CA-A.pem: no PEM private key found (the certificate's private key must be in the same file)" \
	sgn sign "$D/file.txt" --signer "$TEST_TMP/CA-A.pem"
plain "itl reset remotekey: a cut-off key" "cut.key: the PEM private key is damaged or truncated" \
	itl reset remotekey "$D/cut.key"
plain "signer with another key" "signer-other.pem: the certificate does not match the key" \
	sgn sign "$D/file.txt" --signer "$D/signer-other.pem"
plain "itl reset remotekey: encrypted key" "enc.key: the private key is encrypted; give it unencrypted" \
	itl reset remotekey "$D/enc.key"
run check cert "$TEST_TMP/CA-A.pem" --key "$D/enc.key"
contains "check cert --key: an encrypted key is named as such" "$OUT" "the private key is encrypted"
lacks "check cert --key: no OpenSSL text" "$OUT" "cipherfinal"

# --- control characters: refused on input, escaped on output -----------------
ESC=$'\e'
NL=$'\n'
refuses "device add: a model with ESC" "device add: --model '88\x1b[31m45': control characters are not allowed" \
	device add SEP0000000000C1 --model "88${ESC}[31m45"
refuses "device add: a name with a newline (escaped in the one-line error)" "device add: 'SEP0000000000C1\x0aforged': control characters are not allowed" \
	device add "SEP0000000000C1${NL}forged"
ok "device add" device add SEP0000000000C1 --model 8845
refuses "device set: a model with a newline" "control characters are not allowed" \
	device set SEP0000000000C1 --model "88${NL}45"
refuses "trust add --name with ESC" "control characters are not allowed" \
	trust add ipsec-trust "$TEST_TMP/CA-D.pem" --name "x${ESC}y"
refuses "init --org with a newline" "control characters are not allowed" \
	--home "$TEST_TMP/ctl-home" init --node n.example.test --org "Example${NL}Corp"
check "that init made nothing" test ! -e "$TEST_TMP/ctl-home"
printf 'SEP0000000000C2,88\033[31m45\n' >"$TEST_TMP/ctl.csv"
refuses "device import: a model with ESC" "ctl.csv:1: the model has a control character; nothing imported" \
	device import "$TEST_TMP/ctl.csv"
# An attacker's certificate: CN with a newline, ESC and a C1 CSI (U+009B); SAN with ESC.
openssl req -utf8 -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout "$TEST_TMP/evil.key" -out "$TEST_TMP/evil.pem" -days 30 \
	-subj "/CN=evil${NL}ucpki: forged${ESC}[31mred"$'\xc2\x9b'"X" \
	-addext "subjectAltName=DNS:a${ESC}b" 2>/dev/null
no_controls() { # NAME TEXT: no ESC, no C1 CSI, no forged line
	lacks "$1: no raw ESC" "$2" "$ESC"
	lacks "$1: no raw C1 CSI" "$2" $'\xc2\x9b'
	lacks "$1: no forged line" "$2" "${NL}ucpki: forged"
}
ok "trust add the attacker's certificate" trust add ipsec-trust "$TEST_TMP/evil.pem"
no_controls "trust add output" "$OUT"
contains "its name made from the CN is sanitised" "$OUT" "ipsec-trust/evil_x0aucpki__forged_x1b_31mred_xc2_x9bX.pem: Trust Certificate added"
ok "cert list trust" cert list trust ipsec-trust
no_controls "cert list trust" "$OUT"
ok "trust show" trust show ipsec-trust "evil_x0aucpki__forged_x1b[31mred_xc2_x9bX"
no_controls "trust show" "$OUT"
contains "trust show: subject escaped" "$OUT" 'Subject:                  CN=evil\0Aucpki: forged\1B[31mred\xc2\x9bX'
contains "trust show: SAN escaped" "$OUT" 'DNS:a\x1bb'
run check cert "$TEST_TMP/evil.pem"
no_controls "check cert" "$OUT"
contains "check cert: the CN escaped" "$OUT" 'the CN evil\x0aucpki: forged\x1b[31mred\xc2\x9bX'
ok "trust show --json" trust show ipsec-trust "evil_x0aucpki__forged_x1b[31mred_xc2_x9bX" --json
no_controls "trust show --json" "$OUT"
check "trust show --json is valid JSON" python3 -c 'import json,sys; json.loads(sys.argv[1])' "$OUT"
# A device row written before models were checked, and a history line
# quoting what a phone sent.
sqlite3 "$H/ucpki.db" "INSERT INTO device (name, model, updated_at) VALUES ('SEP0000000000C3', '88' || char(27) || '[31m' || char(10) || 'ucpki: forged', 0);
INSERT INTO device_history (device, at, operation, status, peer, detail) VALUES ('SEP0000000000C3', 0, 1, 3, '10.0.0.1', 'phone said ' || char(10) || 'ucpki: forged' || char(27) || '[2J');"
ok "device show of an old row" device show SEP0000000000C3
no_controls "device show" "$OUT"
contains "device show: model escaped" "$OUT" 'Model:                         88\x1b[31m\x0aucpki: forged'
contains "device show: history escaped" "$OUT" 'phone said \x0aucpki: forged\x1b[2J'
ok "device list" device list
no_controls "device list" "$OUT"
ok "capf report" capf report
no_controls "capf report" "$OUT"
ok "device list --json" device list --json
no_controls "device list --json" "$OUT"
check "device list --json keeps the model exactly" python3 -c '
import json, sys
d = [x for x in json.loads(sys.argv[1]) if x["name"] == "SEP0000000000C3"][0]
assert d["model"] == "88\x1b[31m\nucpki: forged", d' "$OUT"
# Phone-supplied data in the server's log: a TVS request naming a device
# with a newline and ESC.
TVS_PORT=$(free_port)
CAPF_PORT=$(free_port)
"$UCPKI" serve --listen 127.0.0.1 --capf-port "$CAPF_PORT" --tvs-port "$TVS_PORT" --http-port 0 --tftp-port 0 --https-port 0 --admin-port 0 >"$TEST_TMP/serve.log" 2>&1 &
SERVER=$!
on_exit_kill "$SERVER"
wait_port "$TVS_PORT"
python3 - "$TVS_PORT" <<'PY'
import socket, ssl, struct, sys
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10))
name = b"\x01CP-8845\n2099-01-01T00:00:00Z ERR forged\x1b[31m-SEP"
els = struct.pack(">BH", 1, len(name)) + name
s.sendall(struct.pack(">BBBBIH", 87, 1, 1, 0, 7, len(els)) + els)
try:
    s.recv(100)
except OSError:
    pass
PY
stop_server "serve" "$SERVER" "$TEST_TMP/serve.log"
LOG=$(cat "$TEST_TMP/serve.log")
contains "the server logs the phone's name escaped" "$LOG" "DEVICE_NAME 'CP-8845\x0a2099-01-01T00:00:00Z ERR forged\x1b'"
no_controls "server log" "$LOG"
lacks "no forged log line" "$LOG" "${NL}2099-01-01T00:00:00Z ERR forged"

# --- a failed init leaves no half-built home ------------------------------------
# run_limited KIB ARGS...: ucpki ARGS under a file size limit (as run).
run_limited() {
	local limit=$1
	shift
	(ulimit -f "$limit"; exec "$UCPKI" "$@") >"$TEST_TMP/.out" 2>"$TEST_TMP/.err"
	RC=$?
	OUT=$(cat "$TEST_TMP/.out")
	ERR=$(cat "$TEST_TMP/.err")
}
# A file size limit (any user) stands for a full disk.
for limit in 1 64; do
	I=$TEST_TMP/init-$limit
	run_limited "$limit" --home "$I" init --node n.example.test
	check "init under a ${limit} KiB file limit fails" test "$RC" -ne 0
	contains "init under ${limit} KiB: says why, naming the home's database" "$ERR" "ucpki: init: $I/ucpki.db: "
	lacks "init under ${limit} KiB: no hidden directory named" "$ERR" ".stage-"
	check "init under ${limit} KiB: no home left behind" test ! -e "$I"
done
mkdir "$TEST_TMP/empty-home"
run_limited 8 --home "$TEST_TMP/empty-home" init --node n.example.test
check "init in an existing empty home fails under the limit" test "$RC" -ne 0
check "the existing home is left as it was (there, empty)" test -d "$TEST_TMP/empty-home" -a -z "$(ls -A "$TEST_TMP/empty-home")"
ok "init runs again once there is room" --home "$TEST_TMP/empty-home" init --node n.example.test
check "and makes a whole home" test -s "$TEST_TMP/empty-home/ucpki.db" -a -s "$TEST_TMP/empty-home/tftp/ITLFile.tlv" -a "$(ls "$TEST_TMP/empty-home/keys" | wc -l)" -eq 7
check "with no hidden directory left" test -z "$(ls -A "$TEST_TMP/empty-home" | grep stage)"
# A really full disk (root only: a small tmpfs), at sizes that fail at
# different points of the build.
MNT=$TEST_TMP/full
mkdir "$MNT"
if [ "$(id -u)" -eq 0 ] && mount -t tmpfs -o size=64k tmpfs "$MNT" 2>/dev/null; then
	trap 'umount "$MNT" 2>/dev/null; cleanup' EXIT
	for size in 16k 160k; do
		mount -o remount,size=$size "$MNT"
		run --home "$MNT/home" init --node n.example.test
		check "init on a full $size disk fails" test "$RC" -ne 0
		contains "full $size disk: says why" "$ERR" "$MNT/home/"
		lacks "full $size disk: no hidden directory named" "$ERR" ".stage-"
		check "full $size disk: nothing left" test -z "$(ls -A "$MNT")"
	done
	umount "$MNT"
else
	echo "# skipped: the full-disk tmpfs cases need root"
fi

# --- a read-only home can still be listed and shown ------------------------------
# As root, permissions do not stop writes: the reader is nobody.  The copy
# has no keys (listing and showing need none; keys never go world-readable).
run_reader() { # ARGS...: ucpki ARGS as a user who cannot write the copy
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u nobody -- "$UCPKI" "$@" >"$TEST_TMP/.out" 2>"$TEST_TMP/.err"
	else
		"$UCPKI" "$@" >"$TEST_TMP/.out" 2>"$TEST_TMP/.err"
	fi
	RC=$?
	OUT=$(cat "$TEST_TMP/.out")
	ERR=$(cat "$TEST_TMP/.err")
}
chmod 711 "$TEST_TMP"
RO=$TEST_TMP/ro
cp -r "$H" "$RO"
rm -f "$RO"/keys/*
chmod -R a+rX,a-w "$RO"
for cmd in "cert list own" "cert show tomcat" "device list" "device show SEP001122334455" \
	"trust show CallManager-trust CA-A" "cert list trust CallManager-trust" "capf report"; do
	# shellcheck disable=SC2086
	run_reader --home "$RO" $cmd
	check "read-only home: $cmd works" test "$RC" -eq 0
	lacks "read-only home: $cmd: no error" "$ERR" "ucpki:"
done
contains "read-only home: the devices are listed" "$(run_reader --home "$RO" device list; echo "$OUT")" "SEP001122334455"
run_reader --home "$RO" device add SEP0000000000D9
check "read-only home: a write is refused" test "$RC" -ne 0
contains "read-only home: saying it is read-only" "$ERR" "$RO/ucpki.db: read-only (this command changes the store and needs write access)"
check "read-only home: no WAL or index was made" test ! -e "$RO/ucpki.db-wal" -a ! -e "$RO/ucpki.db-shm"
# A writer (root, the service) holds the database open with uncommitted
# WAL content: the reader sees what was committed to the WAL.
if [ "$(id -u)" -eq 0 ]; then
	rm -f "$TEST_TMP/writer.ready"
	python3 -c '
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("INSERT INTO device (name, model, updated_at) VALUES (?, ?, 0)", ("SEP0000000000D8", "7841"))
open(sys.argv[2], "w").close()
time.sleep(30)' "$RO/ucpki.db" "$TEST_TMP/writer.ready" &
	WRITER=$!
	on_exit_kill "$WRITER"
	while [ ! -e "$TEST_TMP/writer.ready" ]; do sleep 0.05; done
	check "the writer keeps a WAL" test -s "$RO/ucpki.db-wal"
	run_reader --home "$RO" device list
	check "read-only home with a live writer: device list works" test "$RC" -eq 0
	contains "and sees the writer's committed row" "$OUT" "SEP0000000000D8"
	kill "$WRITER"
	wait "$WRITER" 2>/dev/null
fi
chmod -R u+w "$RO"	# so that a non-root run can clean up

finish
