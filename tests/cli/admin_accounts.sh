#!/usr/bin/env bash
# `ucpki admin add/list/remove/passwd`: the web pages' local accounts.
# Passwords come from a file or standard input (never argv), are stored
# only as argon2id hashes, and never reach the output or the errors.
source "$UCPKI_TESTLIB"

PW='correct horse battery staple'
ok "init" init --node cucm.example.test
printf '%s\n' "$PW" >"$TEST_TMP/pw"
ok "admin add from a file" admin add alice --password-file "$TEST_TMP/pw"
contains "says the role and the hash" "$OUT" "account alice (admin): added"
run admin add viewer --read-only --password-file - <<<"another long password"
check "admin add --read-only from standard input" test "$RC" -eq 0
refuses "a name taken" "account alice: already exists" admin add alice --password-file "$TEST_TMP/pw"
printf 'short\n' >"$TEST_TMP/short"
refuses "a short password" "the password must be 12 to 128 characters" admin add carol --password-file "$TEST_TMP/short"
refuses "a bad name" "not an account name" admin add 'a b' --password-file "$TEST_TMP/pw"
refuses "a bad role" "--role must be admin or read-only" admin add carol --role root --password-file "$TEST_TMP/pw"
refuses "no password on standard input" "no authentication string" admin add carol </dev/null
# A long password on standard input is refused whole, never cut to fit
# (it was cut at 127 characters, and the cut one accepted).
LONG=$(printf 'x%.0s' $(seq 200))
refuses "a 200-character password on standard input is refused" "standard input: the line is too long" admin add carol --password-file - <<<"$LONG"
LONG=$(printf 'y%.0s' $(seq 1500))
refuses "and one longer than the line buffer" "standard input: the line is too long" admin add carol --password-file - <<<"$LONG"
PW128=$(printf 'z%.0s' $(seq 128))
run admin add dave --password-file - <<<"$PW128"
check "a 128-character password on standard input is taken whole" test "$RC" -eq 0
ok "admin remove dave" admin remove dave
run admin list
contains "admin list names them" "$OUT" "viewer                   read-only"
run admin list --json
check "admin list --json" python3 -c 'import json,sys; l=json.loads(sys.argv[1]); assert [a["name"] for a in l]==["alice","viewer"] and l[1]["role"]=="read-only" and l[0]["locked_until"] is None' "$OUT"
lacks "the list never shows a hash" "$OUT" "argon2id"
check "the store keeps an argon2id hash" test "$(sqlite3 "$UCPKI_HOME/ucpki.db" "SELECT substr(hash,1,10) FROM admin_account WHERE name='alice'")" = '$argon2id$'
check "and never the password" test "$(sqlite3 "$UCPKI_HOME/ucpki.db" .dump | grep -c "$PW")" -eq 0
before=$(sqlite3 "$UCPKI_HOME/ucpki.db" "SELECT hash FROM admin_account WHERE name='alice'")
ok "admin passwd" admin passwd alice --password-file - <<<"a brand new long password"
check "a new hash" test "$(sqlite3 "$UCPKI_HOME/ucpki.db" "SELECT hash FROM admin_account WHERE name='alice'")" != "$before"
refuses "admin passwd of nobody" "account nobody: no such account" admin passwd nobody --password-file "$TEST_TMP/pw"
ok "admin remove" admin remove viewer
refuses "admin remove again" "account viewer: no such account" admin remove viewer
finish
