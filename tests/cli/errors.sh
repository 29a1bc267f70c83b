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

finish
