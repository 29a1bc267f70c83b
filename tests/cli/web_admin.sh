#!/usr/bin/env bash
# The administration web pages in a real headless Chromium (Debian's
# chromium and chromedriver, python3-selenium): tests/web/web_admin.py
# against a `ucpki serve` on free ports, with simulated phones enrolling
# over its CAPF port.
source "$UCPKI_TESTLIB"

[ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] || { echo "# chromium or chromedriver missing (scripts/setup.sh)"; exit 77; }
PY=
for p in /usr/bin/python3 python3; do
	if "$p" -c 'import selenium' 2>/dev/null; then PY=$p; break; fi
done
[ -n "$PY" ] || { echo "# python3-selenium missing (scripts/setup.sh)"; exit 77; }

LOG=$TEST_TMP/serve.log
PORT=$(free_port)
CAPF_PORT=$(free_port)
NODE=cucm.example.test
PHONES="SEP0000000000B1 SEP0000000000B2 SEP0000000000B3"
XSS_DEVICE=SEP0000000000C1
XSS_MODEL='<img src=x onerror=alert(1)>"'"'"  # 30 characters: a model holds 31

ok "init" init --node $NODE --org "Example Corp" --country NZ
for p in $PHONES; do
	ok "device add $p" device add $p --model 8845
	ok "phone make $p" phone make $p --model 8845
done
ok "device add with markup in its model" device add $XSS_DEVICE --model "$XSS_MODEL"
printf '%s\n' 'correct horse battery staple' >"$TEST_TMP/pw"
ok "admin add" admin add alice --password-file "$TEST_TMP/pw"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TEST_TMP/ca.key" -out "$TEST_TMP/ca.pem" \
	-subj "/CN=Example Root CA/O=Example Corp" -days 3650 \
	-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
check "a test root CA" test -s "$TEST_TMP/ca.pem"
XSS_CN='<img src=x onerror=alert(2)>"'
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TEST_TMP/xss.key" -out "$TEST_TMP/xss-ca.pem" \
	-subj "/CN=$XSS_CN/O=Example Corp" -days 3650 \
	-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
check "a CA with markup in its subject" test -s "$TEST_TMP/xss-ca.pem"

"$UCPKI" serve --listen 127.0.0.1 --capf-port "$CAPF_PORT" --tvs-port 0 --http-port 0 --tftp-port 0 --https-port 0 \
	--monitor-interval 0 --admin-port "$PORT" >"$LOG" 2>&1 &
SERVER=$!
on_exit_kill $SERVER
check "serve listening on the admin port" wait_port "$PORT"
check "and on CAPF" wait_port "$CAPF_PORT"

"$PY" "$TESTS_DIR/web/web_admin.py" --base "https://$NODE:$PORT" --node $NODE --user alice \
	--password-file "$TEST_TMP/pw" --ucpki "$UCPKI" --capf "127.0.0.1:$CAPF_PORT" \
	--phones "$(echo $PHONES | tr ' ' ,)" --xss-device $XSS_DEVICE --xss-model "$XSS_MODEL" \
	--ca-key "$TEST_TMP/ca.key" --ca-cert "$TEST_TMP/ca.pem" --tmp "$TEST_TMP" \
	--xss-ca "$TEST_TMP/xss-ca.pem" --xss-cn "$XSS_CN" \
	${UCPKI_SCREENSHOTS:+--screenshots "$UCPKI_SCREENSHOTS"} >"$TEST_TMP/browser.out" 2>&1
BROWSER_RC=$?
cat "$TEST_TMP/browser.out"
check "the browser test passes" test "$BROWSER_RC" -eq 0
check "and ran its steps" grep -q '^[1-9][0-9]* passed, 0 failed$' "$TEST_TMP/browser.out"
contains "the changes are logged with who made them" "$(cat "$LOG")" "admin: web alice from 127.0.0.1"
contains "the upload among them" "$(cat "$LOG")" "cert upload tomcat: done"
contains "and the trust add" "$(cat "$LOG")" "trust add CallManager-trust"

stop_server "serve" $SERVER "$LOG"
finish
