#!/usr/bin/env bash
# CAPF end to end: `ucpki serve` on a loopback port, simulated phones
# through every authentication mode x operation and every failure status;
# each step checks the phone's result and the device in the store.
source "$UCPKI_TESTLIB"

H=$UCPKI_HOME
PORT=$(free_port)
LOG=$TEST_TMP/serve.log

ok "init" init --node cucm.example.test --org "Example Corp" --ou UC --country NZ
ok "phone mfg init" phone mfg init
ok "trust the stand-in manufacturing CA" trust add CAPF-trust "$H/phones/mfg/mfg-ca.pem"
ok "trust the stand-in SUDI CA" trust add CAPF-trust "$H/phones/mfg/sudi-ca.pem"
for p in SEP0000000000A1 SEP0000000000A2 SEP0000000000A3 SEP0000000000B1; do
	ok "phone make $p" phone make $p --model 8845
	ok "device add $p" device add $p --model 8845
done

"$UCPKI" serve --listen 127.0.0.1 --capf-port "$PORT" --tvs-port 0 --http-port 0 --tftp-port 0 --https-port 0 --admin-port 0 --log-level debug >"$LOG" 2>&1 &
SERVER=$!
on_exit_kill $SERVER
check "server listening" wait_port "$PORT"
S=127.0.0.1:$PORT

# status NAME: the device's status number
status() { "$UCPKI" device show "$1" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])'; }
lsc_serial() { "$UCPKI" device show "$1" --json | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["lsc"]["serial"] if d["lsc"] else "")'; }
phone_serial() { openssl x509 -in "$H/phones/$1/lsc.pem" -noout -serial 2>/dev/null | cut -d= -f2 | tr A-F a-f; }

# --- no operation, unknown device ------------------------------------------------
ok "no operation pending" phone capf SEP0000000000A1 --server $S
contains "phone says pending" "$OUT" "LSC: Pending"
check "status stays None" test "$(status SEP0000000000A1)" = 1
ok "phone make an unknown device" phone make SEP0000000000FF
refuses "unknown device" "unknown to the CAPF server" phone capf SEP0000000000FF --server $S

# --- install: null string, RSA ----------------------------------------------------
ok "set install null" device set SEP0000000000A1 --operation install --auth null --key rsa2048
check "Operation Pending" test "$(status SEP0000000000A1)" = 2
ok "install by null string" phone capf SEP0000000000A1 --server $S
contains "LSC: Installed" "$OUT" "LSC: Installed"
contains "SECD-style console" "$OUT" "SECUREAPP-RCAPF_START_MODE: Start CAPF - mode:[1]([NULL_STR])"
check "Upgrade Success (3)" test "$(status SEP0000000000A1)" = 3
check "the store holds the phone's LSC" test "$(lsc_serial SEP0000000000A1)" = "$(phone_serial SEP0000000000A1)"
lsc=$H/phones/SEP0000000000A1/lsc.pem
capf_pem=$TEST_TMP/capf.pem
"$UCPKI" cert show CAPF --pem >"$capf_pem"
check "the LSC verifies against the CAPF certificate" openssl verify -CAfile "$capf_pem" "$lsc"
text=$(openssl x509 -in "$lsc" -noout -text)
contains "LSC subject CN is the device, with the CA's O/OU/C" "$text" "Subject: CN = SEP0000000000A1, OU = UC, O = Example Corp, C = NZ"
contains "LSC issuer is the CAPF subject" "$text" "Issuer: CN = CAPF-"
contains "CA:FALSE critical" "$text" "X509v3 Basic Constraints: critical"
contains "key usage" "$text" "Digital Signature, Key Encipherment"
contains "EKU with IPSec End System" "$text" "TLS Web Server Authentication, TLS Web Client Authentication, IPSec End System"
contains "SHA-256" "$text" "sha256WithRSAEncryption"
check "16-byte serial" test "$(openssl x509 -in "$lsc" -noout -serial | cut -d= -f2 | wc -c)" -eq 33
check "5 years" grep -q "$(( $(date -u +%Y) + 5 ))" <<<"$(openssl x509 -in "$lsc" -noout -enddate)"
ok "operation done: nothing pending" phone capf SEP0000000000A1 --server $S
contains "pending after success" "$OUT" "LSC: Pending"

# --- install: authentication string, EC -------------------------------------------
ok "set install string ec384" device set SEP0000000000A2 --operation install --auth string --auth-string 246810 --key ec384
refuses "wrong string" "ended the session (reason 7)" phone capf SEP0000000000A2 --server $S --auth-string 111111
check "Invalid Authentication String (10)" test "$(status SEP0000000000A2)" = 10
ok "right string" phone capf SEP0000000000A2 --server $S --auth-string 246810
check "Upgrade Success" test "$(status SEP0000000000A2)" = 3
contains "EC P-384 LSC" "$(openssl x509 -in "$H/phones/SEP0000000000A2/lsc.pem" -noout -text)" "NIST CURVE: P-384"

# --- lockout after 5 failures --------------------------------------------------------
ok "set install string again" device set SEP0000000000A2 --operation install --auth string --auth-string 135790
for i in 1 2 3 4 5; do run phone capf SEP0000000000A2 --server $S --auth-string 000000; done
refuses "locked out even with the right string" "reason 7" phone capf SEP0000000000A2 --server $S --auth-string 135790
check "locked out is logged" grep -q "locked out after 5 wrong authentication strings" "$LOG"
ok "setting the operation again clears the lockout" device set SEP0000000000A2 --operation install
ok "right string after reset" phone capf SEP0000000000A2 --server $S --auth-string 135790

# --- install: existing certificate (LSC precedence, MIC precedence) ----------------------
ok "set install by LSC" device set SEP0000000000A1 --operation install --auth lsc --key-order ec --key ec256
ok "re-key by LSC" phone capf SEP0000000000A1 --server $S
check "Upgrade Success by LSC" test "$(status SEP0000000000A1)" = 3
contains "Key Order EC Only gave an EC key" "$(openssl x509 -in "$lsc" -noout -text)" "NIST CURVE: P-256"
ok "set install by MIC" device set SEP0000000000A3 --operation install --auth mic
ok "install by MIC (with SUDI)" phone capf SEP0000000000A3 --server $S
check "Upgrade Success by MIC" test "$(status SEP0000000000A3)" = 3
"$UCPKI" device show SEP0000000000A3 --json >"$TEST_TMP/a3.json"
check "the MIC seen is recorded" python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["mic"]["common_name"]=="CP-8845-SEP0000000000A3"' "$TEST_TMP/a3.json"
ok "EC Preferred, RSA Backup" device set SEP0000000000A3 --operation install --auth null --key-order ec-then-rsa --key rsa3072
ok "install ec-then-rsa" phone capf SEP0000000000A3 --server $S
contains "EC first" "$(openssl x509 -in "$H/phones/SEP0000000000A3/lsc.pem" -noout -text)" "NIST CURVE: P-256"

# --- troubleshoot and delete --------------------------------------------------------------
ok "set troubleshoot" device set SEP0000000000A1 --operation troubleshoot --auth null
ok "troubleshoot" phone capf SEP0000000000A1 --server $S
check "Troubleshoot Success (5)" test "$(status SEP0000000000A1)" = 5
ok "set delete" device set SEP0000000000A1 --operation delete --auth lsc
ok "delete" phone capf SEP0000000000A1 --server $S
contains "phone reports the delete" "$OUT" "LSC: Deleted"
check "Delete Success (4)" test "$(status SEP0000000000A1)" = 4
check "phone has no LSC" test ! -e "$H/phones/SEP0000000000A1/lsc.pem"
check "store has no LSC" test -z "$(lsc_serial SEP0000000000A1)"
check "but the issued LSCs stay on record" test "$(sqlite3 "$H/ucpki.db" "select count(*) from lsc where device='SEP0000000000A1'")" -ge 2

# --- failures -------------------------------------------------------------------------------
ok "late: deadline in the past" device set SEP0000000000B1 --operation install --auth null --by "2020-01-01 10:00"
refuses "late request" "reason 7" phone capf SEP0000000000B1 --server $S
check "User Initiated Request Late/Timeout (17)" test "$(status SEP0000000000B1)" = 17
ok "MIC from an untrusted manufacturer" device set SEP0000000000B1 --operation install --auth mic
G=$(serve_generations "$LOG")
ok "delete the stand-in CA from CAPF-trust" trust delete CAPF-trust ucpki_Stand-in_Manufacturing_CA_SHA2
check "serve sees the deletion" serve_sees_change "$LOG" "$G"
refuses "invalid MIC" "reason 7" phone capf SEP0000000000B1 --server $S
check "Upgrade Failed: Invalid MIC (11)" test "$(status SEP0000000000B1)" = 11
G=$(serve_generations "$LOG")
ok "trust it again" trust add CAPF-trust "$H/phones/mfg/mfg-ca.pem"
check "serve sees it trusted again" serve_sees_change "$LOG" "$G"
# An LSC from another cluster: make cluster B, enroll there, present it here.
B=$TEST_TMP/clusterB
ok "cluster B" --home "$B" init --node other.example.test
ok "B trusts the stand-in CA" --home "$B" trust add CAPF-trust "$H/phones/mfg/mfg-ca.pem"
mkdir -p "$B/phones" && cp -r "$H/phones/SEP0000000000B1" "$H/phones/mfg" "$B/phones/"
ok "B knows the phone" --home "$B" device add SEP0000000000B1
ok "B schedules it" --home "$B" device set SEP0000000000B1 --operation install --auth null
PORT_B=$(free_port)
"$UCPKI" --home "$B" serve --listen 127.0.0.1 --capf-port "$PORT_B" --tvs-port 0 --http-port 0 --tftp-port 0 --https-port 0 --admin-port 0 >"$TEST_TMP/b.log" 2>&1 &
SERVER_B=$!
on_exit_kill $SERVER_B
check "cluster B listening" wait_port "$PORT_B"
ok "enroll with cluster B" --home "$B" phone capf SEP0000000000B1 --server 127.0.0.1:$PORT_B
cp "$B/phones/SEP0000000000B1/lsc.pem" "$H/phones/SEP0000000000B1/lsc.pem"
ok "A: install by LSC precedence" device set SEP0000000000B1 --operation install --auth lsc
refuses "an LSC from another cluster" "reason 7" phone capf SEP0000000000B1 --server $S
check "Upgrade Failed: Invalid LSC (9)" test "$(status SEP0000000000B1)" = 9
check "logged with the reason" grep -q "SEP0000000000B1.*Invalid LSC: the LSC's issuer is not in CAPF-trust" "$LOG"
ok "delete by LSC from another cluster" device set SEP0000000000B1 --operation delete --auth lsc
refuses "delete with a foreign LSC" "reason 7" phone capf SEP0000000000B1 --server $S
check "Delete Failed: Invalid LSC (18)" test "$(status SEP0000000000B1)" = 18

# --- ITL trust of the CAPF server -----------------------------------------------------------
ok "itl build" itl build --out "$TEST_TMP/ITLFile.tlv"
ok "install with the right ITL" device set SEP0000000000A3 --operation install --auth null
ok "phone checks the server against its ITL" phone capf SEP0000000000A3 --server $S --itl "$TEST_TMP/ITLFile.tlv"
ok "phone with cluster B's ITL" --home "$B" itl build --out "$TEST_TMP/ITLB.tlv"
ok "schedule again" device set SEP0000000000A3 --operation install --auth null
refuses "a server not in the ITL" "not the ITL's CAPF record" phone capf SEP0000000000A3 --server $S --itl "$TEST_TMP/ITLB.tlv"
contains "LSC: Connection Failed" "$OUT" "LSC: Connection Failed"
ok "an ITL without CAPF" tlv build "$TEST_TMP/nocapf.tlv" --sast "$UCPKI_VECTORS/certs/sast.pem" --ccm-tftp "$UCPKI_VECTORS/certs/callmanager.pem"
refuses "No valid CAPF server" "No valid CAPF server" phone capf SEP0000000000A3 --server $S --itl "$TEST_TMP/nocapf.tlv"
refuses "nothing listening" "cannot connect" phone capf SEP0000000000A3 --server 127.0.0.1:1
contains "CAPF create bio failed" "$OUT" "SECUREAPP-SEC_CAPF_BIO_F: CAPF create bio failed"

# --- report, logs, database ----------------------------------------------------------------
ok "capf report --csv" capf report --csv
contains "report header" "$OUT" "device,model,status,status_text,auth_mode,lsc_issuer,lsc_serial,lsc_expiry"
contains "report row" "$OUT" "SEP0000000000A2,8845,3,Upgrade Success,By Authentication String,CAPF-"
check "one outcome line per session with device, address, operation, mode and status" grep -q "capf: SEP0000000000A2 from 127.0.0.1:[0-9]*: Install/Upgrade, By Authentication String: Upgrade Success" "$LOG"
check "no authentication string in the logs" test "$(grep -c -e 246810 -e 135790 "$LOG")" -eq 0
check "integrity_check ok" test "$(sqlite3 "$H/ucpki.db" 'PRAGMA integrity_check')" = ok
stop_server "cluster A" $SERVER "$LOG"
stop_server "cluster B" $SERVER_B "$TEST_TMP/b.log"
check "the drain is logged" grep -q "serve: stopped" "$LOG"

finish
