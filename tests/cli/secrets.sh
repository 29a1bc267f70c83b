#!/usr/bin/env bash
# Secrets at rest and in use (issue 13, items 6-8): the home, keys and
# database are private from creation whatever the umask; a home, key
# directory, key or database that someone else owns or can write is
# refused at start, naming the path and the fix; authentication strings
# come from a file, standard input or a prompt, never reach ps, logs or
# --json unless asked; temporary files have unpredictable names and
# never follow or overwrite what another user planted.  A legitimate
# enrolment still succeeds at the end.
source "$UCPKI_TESTLIB"

H=$UCPKI_HOME
W=$TEST_TMP/w
mkdir -p "$W"
D=SEP0000000000F1
mode() { stat -c %a "$1"; }

# --- 1. private from creation, whatever the umask -------------------------------------
(umask 000; "$UCPKI" init --node cucm.example.test >"$W/init.out" 2>&1)
check "init under umask 000" test $? -eq 0
check "home 0700" test "$(mode "$H")" = 700
check "keys/ 0700" test "$(mode "$H/keys")" = 700
check "database 0600" test "$(mode "$H/ucpki.db")" = 600
for k in "$H"/keys/*.key; do
	check "$(basename "$k") 0600" test "$(mode "$k")" = 600
done
check "the published ITL stays readable for TFTP" test "$(mode "$H/tftp/ITLFile.tlv")" = 644
ok "phone mfg init" phone mfg init
ok "phone make" phone make $D
ok "device add" device add $D
PORT=$(free_port)
(umask 000; exec "$UCPKI" serve --listen 127.0.0.1 --capf-port "$PORT" --tvs-port 0 --http-port 0 --tftp-port 0 --https-port 0 --admin-port 0 \
    --monitor-interval 0 >"$W/serve.log" 2>&1) &
SERVER=$!
on_exit_kill $SERVER
check "serve listening" wait_port "$PORT" 30
check "write-ahead log 0600 while serving" test "$(mode "$H/ucpki.db-wal")" = 600
check "shared-memory index 0600" test "$(mode "$H/ucpki.db-shm")" = 600

# --- 2. authentication strings: file, standard input, prompt; never in ps or --json --------
printf '97531\n' >"$W/string"
ok "--auth-string-file FILE" device set $D --operation install --auth string --auth-string-file "$W/string"
run device show $D --json
lacks "--json has no string" "$OUT" 97531
contains "--json says one is set" "$OUT" '"auth_string_set":true'
run device show $D
lacks "the text has no string" "$OUT" 97531
run device show $D --json --show-secrets
contains "--show-secrets shows it" "$OUT" '"auth_string":"97531"'
mkfifo "$W/fifo"
"$UCPKI" device set $D --auth-string-file - <"$W/fifo" >"$W/fifo.out" 2>&1 &
SETTER=$!
exec 7>"$W/fifo"
# Until the background shell has become ucpki (it opens the FIFO first).
for _ in $(seq 200); do tr '\0' ' ' </proc/$SETTER/cmdline 2>/dev/null | grep -q 'device set' && break; sleep 0.05; done
check "ps shows --auth-string-file -, not the string" \
    bash -c "tr '\0' ' ' </proc/$SETTER/cmdline | grep -q -- '--auth-string-file -' && ! tr '\0' ' ' </proc/$SETTER/cmdline | grep -q 86420"
printf '86420\n' >&7
exec 7>&-
wait $SETTER
check "standard input: accepted" test $? -eq 0
run device show $D --json --show-secrets
contains "standard input: the string read" "$OUT" '"auth_string":"86420"'
python3 - "$UCPKI" "$D" >"$W/prompt.out" 2>&1 <<'EOF'
import os, pty, signal, sys
signal.alarm(30)
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], [sys.argv[1], 'device', 'set', sys.argv[2], '--auth-string-file', '-'])
out = b''
while b'Authentication string: ' not in out:
    out += os.read(fd, 100)
os.write(fd, b'55555\n')
while True:
    try:
        chunk = os.read(fd, 100)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
_, status = os.waitpid(pid, 0)
print('exit', os.waitstatus_to_exitcode(status))
print('echoed' if b'55555' in out else 'not echoed')
EOF
check "a terminal: prompted, accepted" grep -q "exit 0" "$W/prompt.out"
check "a terminal: not echoed" grep -q "not echoed" "$W/prompt.out"
run device show $D --json --show-secrets
contains "a terminal: the string typed" "$OUT" '"auth_string":"55555"'
printf '12ab\n' >"$W/bad"
refuses "a malformed string is refused" "the authentication string must be 4 to 10 digits" \
    device set $D --auth-string-file "$W/bad"
lacks "...without echoing it" "$ERR" 12ab
ok "--help warns about ps" device set --help
contains "--auth-string is documented as visible in ps" "$OUT" "other users see it in ps"
ok "--generate-string" device set $D --generate-string
gen=$(sed -n 's/.*authentication string \([0-9]*\)$/\1/p' <<<"$OUT")
check "a generated string is 8 digits" test "${#gen}" -eq 8
run device show $D --json --show-secrets
contains "the generated string is the one stored" "$OUT" "\"auth_string\":\"$gen\""
printf '%s\n' "$gen" >"$W/gen"
ok "legitimate: the phone keys in the generated string (from a file)" phone capf $D --server 127.0.0.1:$PORT --auth-string-file "$W/gen"
check "no authentication string in the log" bash -c "! grep -q -e 97531 -e 86420 -e 55555 -e $gen '$W/serve.log'"
stop_server "server" $SERVER "$W/serve.log"

# --- 3. an unsafe home is refused, as ssh refuses unsafe keys -------------------------------
serve_refuses() { # NAME MESSAGE
	refuses "$1" "$2" serve --listen 127.0.0.1 --capf-port "$(free_port)" --tvs-port 0 --http-port 0 --tftp-port 0 --https-port 0 --admin-port 0 --monitor-interval 0
}
CAPF_KEY=$(ls "$H"/keys/CAPF-*.key)
CM_KEY=$(ls "$H"/keys/CallManager-[0-9a-f]*.key)
chmod 777 "$H"
serve_refuses "a world-writable home" "$H: the ucpki home is writable by group or others (mode 777); run: chmod go-w $H"
refuses "every command refuses it" "run: chmod go-w $H" device list
chmod 770 "$H"
serve_refuses "a group-writable home" "the ucpki home is writable by group or others (mode 770)"
chmod 700 "$H"
chmod 755 "$H/keys"
serve_refuses "keys/ open to others" "$H/keys: the key directory is readable by group or others (mode 755); run: chmod 700 $H/keys"
chmod 700 "$H/keys"
chmod 620 "$CAPF_KEY"
serve_refuses "a group-writable CAPF key" "$CAPF_KEY: the CAPF private key is writable by group or others (mode 620); run: chmod 600 $CAPF_KEY"
chmod 600 "$CAPF_KEY"
chmod 604 "$CM_KEY"
echo '<device/>' >"$W/x.cnf.xml"
refuses "any command that loads a key checks it" "$CM_KEY: the private key is readable by group or others (mode 604); run: chmod 600 $CM_KEY" sgn sign "$W/x.cnf.xml"
chmod 600 "$CM_KEY"
chmod 606 "$H/ucpki.db"
serve_refuses "a database others can write" "$H/ucpki.db: the database is writable by group or others (mode 606); run: chmod 600 $H/ucpki.db"
chmod 640 "$H/ucpki.db"
refuses "a database others can read (authentication strings)" "$H/ucpki.db: the database is readable by group or others (mode 640); run: chmod 600" device list
chmod 600 "$H/ucpki.db"
if [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1; then
	NOBODY=$(id -u nobody)
	for p in "$H" "$H/keys" "$CAPF_KEY" "$H/ucpki.db"; do
		what=${p#"$H"/}
		[ "$p" = "$H" ] && what=home
		chown nobody "$p"
		serve_refuses "owned by another user: $what" "$p: "
		contains "owned by another user: $what: the fix" "$ERR" "is owned by uid $NOBODY, not by this user (uid 0) or root; run: chown 0 $p"
		chown root "$p"
	done
	ok "schedule an install" device set $D --operation install --auth null
	chown -R nobody "$H"
	refuses "root refuses a home nobody owns" "owned by uid $NOBODY" device list
	PORT=$(free_port)
	"$UCPKI" serve --listen 127.0.0.1 --capf-port "$PORT" --tvs-port 0 --http-port 0 --tftp-port 0 --https-port 0 --admin-port 0 --monitor-interval 0 \
	    --user nobody >"$W/nobody.log" 2>&1 &
	SERVER=$!
	on_exit_kill $SERVER
	check "serve --user nobody accepts nobody's home" wait_port "$PORT" 30
	ok "legitimate: enrols with the service running as nobody" phone capf $D --server 127.0.0.1:$PORT
	stop_server "nobody server" $SERVER "$W/nobody.log"
	chown -R root "$H"
else
	pass "ownership checks: skipped (not root or no user nobody)"
fi

# --- 4. temporary files: unpredictable names, planted links never followed --------------------
echo "victim" >"$W/victim"
OUTF=$W/capf.pem
bash -c 'ln "$1" "$2.tmp.$$" && exec "$3" cert export CAPF --out "$2"' _ "$W/victim" "$OUTF" "$UCPKI"
check "a hard link planted at the old temporary name: the export works" test $? -eq 0
check "...and the linked file is untouched" test "$(cat "$W/victim")" = victim
check "...and the output is the certificate" openssl x509 -in "$OUTF" -noout
rm -f "$OUTF" "$OUTF".tmp.*
bash -c 'ln -s "$1" "$2.tmp.$$" && exec "$3" cert export CAPF --out "$2"' _ "$W/victim" "$OUTF" "$UCPKI"
check "a symbolic link planted at the old temporary name: the export works" test $? -eq 0
check "...and its target is untouched" test "$(cat "$W/victim")" = victim
rm -f "$OUTF".tmp.*
ln -s "$W/victim" "$W/link.pem"
ok "an output path that is a symbolic link" cert export CAPF --out "$W/link.pem"
check "...is replaced, not followed" bash -c "test ! -L '$W/link.pem' && test \"\$(cat '$W/victim')\" = victim"
if command -v strace >/dev/null; then
	strace -f -e trace=openat,fchmod,write,rename -o "$W/trace" "$UCPKI" cert export CAPF --out "$OUTF" >/dev/null
	tmpline=$(grep -E "openat\(AT_FDCWD, \"$W/\.capf\.pem\.[A-Za-z0-9_-]{12}\", O_WRONLY\|O_CREAT\|O_EXCL\|O_NOFOLLOW\|O_CLOEXEC, 0600\) = [0-9]+" "$W/trace")
	check "the temporary name is .capf.pem.<12 random>, O_EXCL|O_NOFOLLOW, 0600" test -n "$tmpline"
	fd=$(sed 's/.*= //' <<<"$tmpline")
	check "its mode is set before the first byte" \
	    bash -c "grep -E '(fchmod\($fd, 0644\)|write\($fd,)' '$W/trace' | head -1 | grep -q fchmod"
	check "then renamed over the output" grep -qE "rename\(\"$W/\.capf\.pem\.[A-Za-z0-9_-]{12}\", \"$OUTF\"\) = 0" "$W/trace"
	names=$(for _ in 1 2 3; do
		strace -f -e trace=openat -o "$W/t" "$UCPKI" cert export CAPF --out "$OUTF" >/dev/null
		grep -o "$W/\.capf\.pem\.[A-Za-z0-9_-]*" "$W/t"
	done | sort -u | wc -l)
	check "three exports, three different temporary names" test "$names" -eq 3
	rm -f "$W/t" "$W/trace"
else
	pass "temporary-file trace: skipped (no strace)"
fi
check "no temporary file is left behind" test "$(ls -A "$W" | grep -c '^\.')" -eq 0

# --- a legitimate enrolment after all of it ---------------------------------------------------
PORT=$(free_port)
"$UCPKI" serve --listen 127.0.0.1 --capf-port "$PORT" --tvs-port 0 --http-port 0 --tftp-port 0 --https-port 0 --admin-port 0 --monitor-interval 0 >"$W/serve2.log" 2>&1 &
SERVER=$!
on_exit_kill $SERVER
check "serve starts once the home is safe again" wait_port "$PORT" 30
ok "schedule" device set $D --operation install --auth null
ok "legitimate: the phone enrols" phone capf $D --server 127.0.0.1:$PORT
contains "LSC: Installed" "$OUT" "LSC: Installed"
stop_server "last server" $SERVER "$W/serve2.log"
finish
