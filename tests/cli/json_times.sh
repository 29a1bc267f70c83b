#!/usr/bin/env bash
# Every list, show and report command takes --json (audited from the
# command table), and every time they show is UTC and says so: text
# "2026-12-01 19:41:37 UTC", JSON "2026-12-01T19:41:37Z".
source "$UCPKI_TESTLIB"

# Far from UTC, so a local time cannot pass for UTC.
export TZ=Pacific/Chatham
cd "$TEST_TMP" || exit 1

# --- the audit: which commands list, show or report -----------------------------
"$UCPKI" --help | sed -n 's/^  \([a-z][a-z -]*[a-z]\)  .*/\1/p' | sed 's/ *$//' >commands.txt
wanted=()
while read -r c; do
	case "$c" in
	*" list" | *" show" | *" report" | *" config" | monitor | "check "* | probe | pcap | diagnose)
		wanted+=("$c") ;;
	esac
done <commands.txt
check "the audit found the commands (${#wanted[@]})" test "${#wanted[@]}" -ge 15
for c in "${wanted[@]}"; do
	# shellcheck disable=SC2086
	run help $c
	contains "$c takes --json" "$OUT" "--json "
done
for c in "capf report" "capf config" "crl list" "monitor config" "config"; do
	# shellcheck disable=SC2086
	run help $c
	contains "$c --json (named in the issue)" "$OUT" "--json "
	contains "$c usage says [--json]" "$(printf '%s\n' "$OUT" | head -1)" "--json"
done

# isjson NAME: $OUT is JSON, and every date in it is ISO 8601 UTC.
isjson() {
	if python3 - "$OUT" <<'PY'; then pass "$1: JSON, times ISO 8601 UTC"; else fail "$1" "$OUT"; fi
import json, re, sys
doc = json.loads(sys.argv[1])
iso = re.compile(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$')
def walk(v, path):
    if isinstance(v, dict):
        for k, x in v.items(): walk(x, path + "." + k)
    elif isinstance(v, list):
        for i, x in enumerate(v): walk(x, "%s[%d]" % (path, i))
    elif isinstance(v, str) and re.search(r'\d{4}-\d\d-\d\d[ T]\d\d:\d\d', v):
        if not iso.match(v):
            sys.exit("%s: %r is not ISO 8601 UTC" % (path, v))
walk(doc, "")
PY
}
# text_utc NAME: every date in $OUT is "YYYY-MM-DD HH:MM:SS UTC".
text_utc() {
	local bad
	bad=$(printf '%s\n' "$OUT" | grep -E '[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}' |
		grep -vE '[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} UTC')
	if [ -z "$bad" ]; then pass "$1: times in UTC, with the zone"; else fail "$1" "$bad"; fi
}

# --- a home with a device whose operation has a deadline, and a CRL -----------------
ok "init" init --node cucm.example.test --org "Example Corp" --country NZ
ok "device add" device add SEP001122334455 --model 8845
ok "device set, deadline in local time" device set SEP001122334455 --operation install --auth null --by "2030-06-01 12:00"
ok "device show" device show SEP001122334455
text_utc "device show"
want=$(date -u -d "@$(TZ=Pacific/Chatham date -d '2030-06-01 12:00' +%s)" '+%Y-%m-%d %H:%M:%S UTC')
contains "Operation Completes By is shown in UTC" "$OUT" "$want"
ok "device show --json" device show SEP001122334455 --json
isjson "device show"
contains "deadline in ISO 8601" "$OUT" "\"operation_completes_by\":\"$(date -u -d "@$(TZ=Pacific/Chatham date -d '2030-06-01 12:00' +%s)" '+%Y-%m-%dT%H:%M:%SZ')\""
ok "a time printed by ucpki reads back (--by \"... UTC\")" device set SEP001122334455 --by "$want"
ok "device show" device show SEP001122334455
contains "the same deadline" "$OUT" "$want"

openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -subj "/CN=JSON CA" -days 3650 \
	-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=keyCertSign,cRLSign" 2>/dev/null
mkdir -p ca/new && : >ca/index.txt && echo 01 >ca/crlnumber
printf '[ca]\ndefault_ca=d\n[d]\ndatabase=ca/index.txt\ncrlnumber=ca/crlnumber\ndefault_md=sha256\ndefault_crl_days=30\n' >ca.cnf
openssl ca -config ca.cnf -cert ca.pem -keyfile ca.key -gencrl -out ca.crl 2>/dev/null
ok "trust the CA" trust add tomcat-trust ca.pem
ok "crl add" crl add ca.crl
ok "itl build" itl build --out ITLFile.tlv

# --- every --json output parses and has ISO times; the text has UTC ---------------
while IFS='|' read -r name args; do
	# shellcheck disable=SC2086
	run $args --json
	if [ "$RC" -ne 0 ]; then fail "$name --json" "exit $RC: $ERR"; continue; fi
	isjson "$name"
	# shellcheck disable=SC2086
	run $args
	text_utc "$name"
done <<'LIST'
cert list own|cert list own
cert list trust|cert list trust
cert show|cert show CAPF
trust show|trust show tomcat-trust JSON_CA
itl show|itl show ITLFile.tlv
device list|device list
device show|device show SEP001122334455
capf report|capf report
capf config|capf config
crl list|crl list
monitor|monitor --once
monitor config|monitor config
config|config
tvs list|tvs list
check trust|check trust tomcat-trust
LIST

ok "capf report --json" capf report --json
check "capf report --json names the device" python3 -c 'import json,sys; r=json.loads(sys.argv[1]); assert r[0]["device"]=="SEP001122334455" and r[0]["lsc_expiry"] is None' "$OUT"
ok "crl list --json" crl list --json
check "crl list --json has issuer, count and dates" python3 -c 'import json,sys; r=json.loads(sys.argv[1]); assert r[0]["issuer"]=="CN=JSON CA" and r[0]["revoked"]==0 and r[0]["next_update"].endswith("Z")' "$OUT"
ok "capf config --json" capf config --json
check "capf config --json" python3 -c 'import json,sys; assert json.loads(sys.argv[1])["lsc_days"]==1825' "$OUT"
ok "monitor config --json" monitor config --json
check "monitor config --json" python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["start_days"]==30 and d["frequency_s"]==86400' "$OUT"
ok "config --json" config --json
check "config --json" python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["reset_command"] is None and d["reset_concurrency"]==4' "$OUT"
ok "itl show --json" itl show ITLFile.tlv --json
contains "the ITL's timestamp in ISO 8601" "$OUT" '"timestamp_utc":"'
refuses "capf report --csv --json" "give --csv or --json" capf report --csv --json
finish
