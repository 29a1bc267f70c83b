#!/usr/bin/env bash
# The administration web pages' authentication, with curl over real TLS
# to a real `ucpki serve`: login good and bad, the cookie's flags, the
# security headers, the per-account lockout, an ended session, CSRF
# refusals, a read-only account refused a change server-side, and the
# forms with a file (multipart/form-data): Upload Trust Certificate,
# Upload Certificate, their size limits, and the reset command that runs
# after a page's regenerate.
source "$UCPKI_TESTLIB"

command -v curl >/dev/null || { echo "# curl missing"; exit 77; }
LOG=$TEST_TMP/serve.log
PORT=$(free_port)
NODE=cucm.example.test
D=SEP001122334455
PW='correct horse battery staple'
RO_PW='viewer password here'

ok "init" init --node $NODE
ok "device add" device add $D --model 8845
printf '%s\n' "$PW" >"$TEST_TMP/pw"
ok "admin add" admin add alice --password-file "$TEST_TMP/pw"
run admin add viewer --role read-only --password-file - <<<"$RO_PW"
ok "admin add carol" admin add carol --password-file "$TEST_TMP/pw"
"$UCPKI" cert show tomcat --pem >"$TEST_TMP/tomcat.pem"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TEST_TMP/ca.key" -out "$TEST_TMP/ca.pem" \
	-subj "/CN=Web Test CA" -days 30 -addext "basicConstraints=critical,CA:TRUE" 2>/dev/null
ok "trust add a CA" trust add tomcat-trust "$TEST_TMP/ca.pem"
CA_NAME=$("$UCPKI" cert list trust tomcat-trust | sed -n 's|^tomcat-trust/\(Web_Test_CA[^:]*\)\.pem:.*|\1|p')
check "it is listed" test -n "$CA_NAME"
ok "a reset command that writes a file" config --reset-command "echo reset {device} >>$TEST_TMP/resets.txt"

"$UCPKI" serve --listen 127.0.0.1 --capf-port 0 --tvs-port 0 --http-port 0 --tftp-port 0 --https-port 0 \
	--monitor-interval 0 --admin-port "$PORT" >"$LOG" 2>&1 &
SERVER=$!
on_exit_kill $SERVER
check "serve listening on the admin port" wait_port "$PORT"

BASE=https://$NODE:$PORT
# web JAR [CURL ARGS...] PATH: sets CODE, BODY, HEAD
web() {
	local jar=$1 path=${*: -1}
	shift
	CODE=$(curl -sS -o "$TEST_TMP/body" -D "$TEST_TMP/head" -w '%{http_code}' --cacert "$TEST_TMP/tomcat.pem" \
		--resolve "$NODE:$PORT:127.0.0.1" -b "$TEST_TMP/$jar" -c "$TEST_TMP/$jar" "${@:1:$#-1}" "$BASE$path" 2>"$TEST_TMP/curl.err")
	BODY=$(cat "$TEST_TMP/body")
	HEAD=$(tr -d '\r' <"$TEST_TMP/head")
}
login() { web "$1" --data-urlencode "name=$2" --data-urlencode "password=$3" /login; }
csrf_of() { sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$TEST_TMP/body" | head -1; }

# --- before login -------------------------------------------------------------------
web anon /
check "a page without a session: 303" test "$CODE" = 303
contains "to the login page" "$HEAD" "Location: /login"
web anon /login
check "the login page: 200" test "$CODE" = 200
contains "CSP: default-src 'self', no framing" "$HEAD" "Content-Security-Policy: default-src 'self'; frame-ancestors 'none'"
lacks "no inline script allowed" "$HEAD" "unsafe-inline"
contains "X-Frame-Options DENY" "$HEAD" "X-Frame-Options: DENY"
contains "Cache-Control: no-store" "$HEAD" "Cache-Control: no-store"
contains "nosniff" "$HEAD" "X-Content-Type-Options: nosniff"
lacks "no inline script in the page" "$BODY" "<script>"
web anon /static/ucpki.css
check "the style sheet without a session" test "$CODE" = 200
contains "as CSS" "$HEAD" "Content-Type: text/css"

# --- login -------------------------------------------------------------------------
login bad alice "wrong password!!"
check "a wrong password: 401" test "$CODE" = 401
contains "says login failed" "$BODY" "Login failed"
lacks "no cookie for a failure" "$HEAD" "Set-Cookie"
login bad nobody "$PW"
check "an unknown account: 401" test "$CODE" = 401
contains "with the same message" "$BODY" "Login failed: the username or password is wrong, or the account is locked"
login admin alice "$PW"
check "a good login: 303" test "$CODE" = 303
contains "to the dashboard" "$HEAD" "Location: /"
COOKIE=$(printf '%s\n' "$HEAD" | grep -i '^Set-Cookie:')
contains "the cookie is __Host-" "$COOKIE" "__Host-ucpki="
contains "Secure" "$COOKIE" "; Secure"
contains "HttpOnly" "$COOKIE" "; HttpOnly"
contains "SameSite=Strict" "$COOKIE" "; SameSite=Strict"
contains "Path=/" "$COOKIE" "; Path=/"
ID=$(printf '%s' "$COOKIE" | sed -n 's/.*__Host-ucpki=\([0-9a-f]*\);.*/\1/p')
check "the session id has 256 bits" test "${#ID}" -eq 64
web admin /
check "the dashboard with the session: 200" test "$CODE" = 200
contains "names the account" "$BODY" "alice (admin)"
contains "the login is logged" "$(cat "$LOG")" "admin: web alice from 127.0.0.1"
lacks "the password is never logged" "$(cat "$LOG")" "$PW"
lacks "nor the session id" "$(cat "$LOG")" "$ID"

# --- CSRF --------------------------------------------------------------------------
web admin "/phone?name=$D"
TOKEN=$(csrf_of)
check "the phone page has a CSRF token" test "${#TOKEN}" -eq 64
web admin --data-urlencode "name=$D" --data-urlencode "operation=install" --data-urlencode "auth=null" /phone
check "a POST without the CSRF token: 403" test "$CODE" = 403
contains "says so" "$BODY" "CSRF"
web admin --data-urlencode "csrf=$(printf '%064d' 0)" --data-urlencode "name=$D" --data-urlencode "operation=install" /phone
check "a wrong CSRF token: 403" test "$CODE" = 403
web admin --data-urlencode "name=$D" --data-urlencode "operation=install" "/phone?csrf=$TOKEN"
check "the right token in the URL instead of the form: 403" test "$CODE" = 403
web admin -H "Origin: https://evil.example" --data-urlencode "csrf=$TOKEN" --data-urlencode "name=$D" --data-urlencode "operation=install" /phone
check "another site's Origin: 403" test "$CODE" = 403
check "nothing changed" test "$(device_field $D operation)" = none
web admin --data-urlencode "csrf=$TOKEN" --data-urlencode "name=$D" --data-urlencode "operation=install" --data-urlencode "auth=null" /phone
check "with its token the change is made: 303" test "$CODE" = 303
check "the device has the operation" test "$(device_field $D operation)" = install
contains "the change is logged with who" "$(cat "$LOG")" "admin: web alice from 127.0.0.1"

# --- read-only -----------------------------------------------------------------------
login viewer viewer "$RO_PW"
check "the read-only account logs in" test "$CODE" = 303
web viewer "/phone?name=$D"
check "and may look" test "$CODE" = 200
VTOKEN=$(csrf_of)
web viewer --data-urlencode "csrf=$VTOKEN" --data-urlencode "name=$D" --data-urlencode "operation=none" /phone
check "a read-only account's change: 403" test "$CODE" = 403
contains "says read-only" "$BODY" "read-only"
check "nothing changed for it" test "$(device_field $D operation)" = install
web viewer --data-urlencode "csrf=$VTOKEN" --data-urlencode "device=$D" --data-urlencode "operation=none" /phones/bulk
check "nor a bulk change: 403" test "$CODE" = 403

web viewer --data-urlencode "csrf=$VTOKEN" --data-urlencode "store=tomcat-trust" --data-urlencode "name=$CA_NAME" /trust/delete
check "nor a trust store deletion: 403" test "$CODE" = 403
web admin "/trust/entry?store=tomcat-trust&name=$CA_NAME"
check "the trust certificate's page" test "$CODE" = 200
contains "shows its subject, escaped" "$BODY" "Web Test CA"
web admin --data-urlencode "csrf=$TOKEN" --data-urlencode "store=tomcat-trust" --data-urlencode "name=$CA_NAME" /trust/delete
check "an administrator deletes it" test "$CODE" = 200
lacks "and it is gone" "$("$UCPKI" cert list trust tomcat-trust)" "$CA_NAME"

# --- forms with a file, their limits, the reset command ---------------------------------
web viewer -F "csrf=$VTOKEN" -F "store=tomcat-trust" -F "file=@$TEST_TMP/ca.pem" /trust/add
check "a read-only account's upload: 403" test "$CODE" = 403
web admin /trust/add?store=tomcat-trust
check "Upload Trust Certificate: 200" test "$CODE" = 200
contains "a form with a file picker" "$BODY" 'enctype="multipart/form-data"'
contains "an input of type file" "$BODY" 'type="file" name="file"'
web admin -F "csrf=$TOKEN" -F "store=tomcat-trust" -F "file=@$TEST_TMP/ca.pem" /trust/add
check "an administrator uploads the CA back: 200" test "$CODE" = 200
contains "it is added" "$BODY" "tomcat-trust/Web_Test_CA"
contains "the trust store has it" "$("$UCPKI" cert list trust tomcat-trust)" "Web_Test_CA"
web admin -F "csrf=$TOKEN" -F "store=tomcat-trust" -F "file=@$TEST_TMP/ca.pem" /trust/add
check "the same again: 409" test "$CODE" = 409
run trust add tomcat-trust "$TEST_TMP/ca.pem"
contains "with the CLI's reason" "$BODY" "${ERR##*: }"
printf 'not a certificate\n' >"$TEST_TMP/junk.pem"
web admin -F "csrf=$TOKEN" -F "store=tomcat-trust" -F "file=@$TEST_TMP/junk.pem" /trust/add
check "a file that is no certificate: 400" test "$CODE" = 400
run trust add tomcat-trust "$TEST_TMP/junk.pem"
contains "named as the CLI names its file" "$BODY" "trust add: junk.pem: ${ERR##*junk.pem: }"
web admin -F "csrf=$TOKEN" -F "purpose=tomcat" -F "file=@/dev/null;filename=" /certificate/upload
check "Upload Certificate without a file: 400" test "$CODE" = 400
contains "says so" "$BODY" "cert upload: no file chosen"
web admin -F "csrf=$TOKEN" -F "purpose=tomcat" -F "file=@$TEST_TMP/ca.pem" /certificate/upload
check "a certificate not for the pending CSR: 409" test "$CODE" = 409
run cert upload tomcat "$TEST_TMP/ca.pem"
contains "with the CLI's one line" "$BODY" "${ERR#ucpki: }"
head -c 70000 /dev/urandom | base64 -w0 >"$TEST_TMP/big.pem"
web admin -F "csrf=$TOKEN" -F "purpose=tomcat" -F "file=@$TEST_TMP/big.pem" /certificate/upload
check "a form with a file over 64 KB: 413" test "$CODE" = 413
contains "says so" "$BODY" "the form is larger than 64 KB"
web admin --data-urlencode "csrf=$TOKEN" --data-urlencode "name=$D" --data-urlencode "string=$(head -c 9000 /dev/zero | tr '\0' 1)" /phone
check "a form over 8 KB: 413" test "$CODE" = 413
contains "says so" "$BODY" "the form is larger than 8 KB"
web admin -H 'Content-Type: multipart/form-data; boundary=zz' --data-binary $'--zz\r\nContent-Disposition: form-data; name="csrf"\r\n\r\nx' /trust/add
check "a form cut short: 400" test "$CODE" = 400
contains "says where in one line" "$BODY" "multipart: part 1 (csrf) does not end with the boundary"
web admin --data-urlencode "csrf=$TOKEN" --data-urlencode "purpose=CAPF" /certificate/generate
check "Regenerate CAPF on the page: 200" test "$CODE" = 200
contains "the reset command ran for the device" "$BODY" "$D: exit 0"
check "and wrote its file" test "$(cat "$TEST_TMP/resets.txt")" = "reset $D"

# --- logout, ended sessions ------------------------------------------------------------
web viewer --data-urlencode "csrf=$VTOKEN" /logout
check "logout: 303" test "$CODE" = 303
contains "clears the cookie" "$HEAD" "__Host-ucpki=; Secure"
curl -sS -o /dev/null -w '%{http_code}' --cacert "$TEST_TMP/tomcat.pem" --resolve "$NODE:$PORT:127.0.0.1" \
	-H "Cookie: __Host-ucpki=$ID" "$BASE/" >"$TEST_TMP/code"
check "the admin session still works by its cookie" test "$(cat "$TEST_TMP/code")" = 200
ok "admin passwd ends alice's sessions" admin passwd alice --password-file - <<<"a brand new long password"
curl -sS -o /dev/null -w '%{http_code}' --cacert "$TEST_TMP/tomcat.pem" --resolve "$NODE:$PORT:127.0.0.1" \
	-H "Cookie: __Host-ucpki=$ID" "$BASE/" >"$TEST_TMP/code"
check "an ended session goes to the login page" test "$(cat "$TEST_TMP/code")" = 303
web admin /
check "so does the browser's" test "$CODE" = 303
curl -sS -o /dev/null -w '%{http_code}' --cacert "$TEST_TMP/tomcat.pem" --resolve "$NODE:$PORT:127.0.0.1" \
	-H "Cookie: __Host-ucpki=$(printf '%064d' 1)" "$BASE/" >"$TEST_TMP/code"
check "a made-up session id: 303" test "$(cat "$TEST_TMP/code")" = 303

# --- lockout -------------------------------------------------------------------------
for i in 1 2 3 4 5; do login carol carol "not the password $i"; done
check "the fifth failure: 401" test "$CODE" = 401
login carol carol "$PW"
check "then the right password is refused too (locked)" test "$CODE" = 401
run admin list --json
check "admin list shows carol locked" python3 -c 'import json,sys; a={x["name"]:x for x in json.loads(sys.argv[1])}; assert a["carol"]["locked_until"] is not None and a["alice"]["locked_until"] is None' "$OUT"
ok "admin passwd lifts the lockout" admin passwd carol --password-file "$TEST_TMP/pw"
# The per-address limit (10 failures a minute) is near: another address.
web carol --interface 127.0.0.2 --resolve "$NODE:$PORT:127.0.0.1" --data-urlencode "name=carol" --data-urlencode "password=$PW" /login
check "after passwd carol logs in" test "$CODE" = 303

# --- the per-address limit -------------------------------------------------------------
for i in 1 2 3 4 5 6; do login flood nobody "guess $i"; done
check "past 10 failures from one address: 429" test "$CODE" = 429
contains "says try again" "$BODY" "Too many failed logins"

stop_server "serve" $SERVER "$LOG"
finish
