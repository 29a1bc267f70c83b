#!/usr/bin/env bash
# What administrators read: device show's key lines agree with each other
# and with what CAPF asks for; names in the certificate's own order (as
# cert show and the ITL write them); no empty DNSNAME lines in itl show;
# expired certificates read "expired N days ago"; the ITLRecovery backup
# alarm says how to back it up, and doing so clears it.
source "$UCPKI_TESTLIB"

H=$UCPKI_HOME
cd "$TEST_TMP" || exit 1
PORT=$(free_port)
day=86400

ok "init" init --node cucm.example.test --org "Example Corp" --country NZ
ok "phone mfg init" phone mfg init
ok "trust the manufacturing CA" trust add CAPF-trust "$H/phones/mfg/mfg-ca.pem"
ok "device add" device add SEP001122334455 --model 8845

# --- key order and key size never disagree ----------------------------------------
ok "--key ec256 alone" device set SEP001122334455 --key ec256
ok "device show" device show SEP001122334455
contains "EC key: Key Order EC Only" "$OUT" "Key Order:                     EC Only"
contains "with its size" "$OUT" "EC Key Size (Bits):            256"
lacks "no RSA Only beside an EC key" "$OUT" "RSA Only"
lacks "no RSA size for EC Only" "$OUT" "RSA Key Size"
ok "--key-order ec-then-rsa --key rsa3072" device set SEP001122334455 --key-order ec-then-rsa --key rsa3072
ok "device show" device show SEP001122334455
contains "EC Preferred, RSA Backup" "$OUT" "Key Order:                     EC Preferred, RSA Backup"
contains "EC first" "$OUT" "EC Key Size (Bits):            256"
contains "RSA backup size" "$OUT" "RSA Key Size (Bits):           3072"
ok "device show --json" device show SEP001122334455 --json
check "JSON: the first key and the backup" python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert (d["key"],d["backup_key"],d["key_order"])==("ec256","rsa3072","ec-then-rsa"), d' "$OUT"
ok "--key-order rsa alone" device set SEP001122334455 --key-order rsa
ok "device show" device show SEP001122334455
contains "RSA Only" "$OUT" "Key Order:                     RSA Only"
contains "RSA key size" "$OUT" "RSA Key Size (Bits):           3072"
lacks "no EC size for RSA Only" "$OUT" "EC Key Size"
refuses "a contradiction is refused" "key ec384 does not fit Key Order RSA Only" device set SEP001122334455 --key ec384 --key-order rsa
printf 'name,model,operation,auth,string,key\nSEP0000000000F1,8845,none,null,,ec384\n' >ec.csv
ok "import an EC device" device import ec.csv
ok "device show F1" device show SEP0000000000F1
contains "imported ec384: EC Only" "$OUT" "Key Order:                     EC Only"

# --- enrol: CAPF asks for what device show says ------------------------------------
ok "EC only, P-256" device set SEP001122334455 --operation install --auth null --key ec256
"$UCPKI" serve --listen 127.0.0.1 --capf-port "$PORT" --tvs-port 0 --http-port 0 --tftp-port 0 --https-port 0 --admin-port 0 >serve.log 2>&1 &
on_exit_kill $!
check "serve listening" wait_port "$PORT"
ok "phone make" phone make SEP001122334455
ok "phone capf" phone capf SEP001122334455 --server "127.0.0.1:$PORT"
lsc=$H/phones/SEP001122334455/lsc.pem
contains "the LSC has the EC key device show promised" "$(openssl x509 -in "$lsc" -noout -text)" "NIST CURVE: P-256"

# --- names in the certificate's order ----------------------------------------------
ok "device show" device show SEP001122334455
lsc_subject=$(openssl x509 -in "$lsc" -noout -subject -nameopt sep_comma_plus,sname | sed 's/^subject=//')
contains "the LSC subject as the certificate has it" "$OUT" "LSC:                           $lsc_subject"
contains "which puts CN first here" "$OUT" "LSC:                           CN=SEP001122334455,"
ok "cert show CAPF" cert show CAPF
capf_subject=$(printf '%s\n' "$OUT" | sed -n 's/^Subject: *//p')
contains "device show names the issuer as cert show names CAPF" "$(grep '  Issuer:' <<<"$("$UCPKI" device show SEP001122334455)")" "$capf_subject"
"$UCPKI" cert show CAPF --pem >capf.pem
check "cert show: the certificate's order" test "$capf_subject" = "$(openssl x509 -in capf.pem -noout -subject -nameopt sep_comma_plus,sname | sed 's/^subject=//')"
openssl req -x509 -newkey rsa:2048 -nodes -keyout c.key -out c.pem -subj "/C=NZ/O=Example Corp/CN=Country First CA" -days 30 \
	-addext "basicConstraints=critical,CA:TRUE" 2>/dev/null
ok "trust a C-first CA" trust add tomcat-trust c.pem
ok "trust show" trust show tomcat-trust Country_First_CA
contains "a C-first certificate stays C-first" "$OUT" "C=NZ,O=Example Corp,CN=Country First CA"

# --- itl show: no empty DNSNAME ---------------------------------------------------
ok "itl build" itl build --out ITLFile.tlv
ok "itl show" itl show ITLFile.tlv
lacks "no DNSNAME line for records without one" "$OUT" "DNSNAME"
contains "the records are there" "$OUT" "ITL Record #:1"

# --- expired N days ago ---------------------------------------------------------
later=$(( $(date +%s) + (1825 + 5) * day ))
UCPKI_NOW=$later run cert show CAPF
contains "cert show: expired 5 days ago" "$OUT" "(expired 5 days ago)"
UCPKI_NOW=$later run cert list own
contains "cert list: expired 5 days ago" "$OUT" "CAPF/CAPF.pem: Self-signed certificate generated by system, expired 5 days ago"
UCPKI_NOW=$later run check cert capf.pem
contains "check cert: expired 5 days ago" "$OUT" "the certificate expired 5 days ago"
UCPKI_NOW=$later run device show SEP001122334455
contains "device show: the LSC expired 5 days ago" "$OUT" "(expired 5 days ago)"
UCPKI_NOW=$later run monitor --once
contains "monitor: expired 5 days ago" "$OUT" "CAPF/CAPF: expired 5 days ago"
lacks "monitor: no negative days left" "$OUT" "-5 day"
ok "cert show today" cert show CAPF
contains "cert show: expires in N days" "$OUT" "(expires in 1824 days)"

# --- the ITLRecovery backup alarm says how, and that clears it ----------------------
ok "monitor" monitor --once
line=$(grep ITLRecoveryCertBackup <<<"$OUT")
contains "the alarm says it is not backed up" "$line" "not backed up"
key=$(ls "$H"/keys/ITLRecovery-*.key)
contains "the alarm names the key file to keep" "$line" "$key"
cmd=$(sed -n 's/.*run \(ucpki cert export ITLRecovery --out [^ ]*\) and.*/\1/p' <<<"$line")
check "the alarm gives a command" test -n "$cmd"
# shellcheck disable=SC2086
ok "run the command the alarm gives" ${cmd#ucpki }
check "it wrote the certificate" openssl x509 -in ITLRecovery.pem -noout
ok "monitor" monitor --once
lacks "the backup alarm is gone" "$OUT" "ITLRecoveryCertBackup"
finish
