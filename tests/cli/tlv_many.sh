#!/usr/bin/env bash
# `tlv build` takes as many records as the command line holds (it stopped
# at 63), bounded by what phones accept: files over 64 KB are refused,
# unless --no-size-limit asks for one (the reference tools build hundreds
# of records, and `itl show` reads them).
source "$UCPKI_TESTLIB"

cd "$TEST_TMP" || exit 1
openssl req -x509 -newkey rsa:2048 -nodes -keyout sast.pem -out sast.crt -subj "/CN=Many SAST" \
	-days 30 2>/dev/null
cat sast.crt >>sast.pem
for i in 1 2 3 4 5 6 7 8 9 10; do
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout /dev/null \
		-out "r$i.pem" -subj "/CN=record $i" -days 30 2>/dev/null
done
# records N: N certificate options cycling over roles and the ten files.
records() {
	local i roles=(--ccm --tftp --capf --app-server --tvs --ccm-tftp)
	for ((i = 0; i < $1; i++)); do
		printf '%s\n%s\n' "${roles[i % 6]}" "r$((i % 10 + 1)).pem"
	done
}

mapfile -t many < <(records 99)
ok "100 records (more than 63) within 64 KB" tlv build small.tlv --sast sast.pem "${many[@]}"
check "under 64 KB" test "$(stat -c %s small.tlv)" -le 65536
ok "itl show reads the 100" itl show small.tlv
check "100 records shown" test "$(grep -c '^ITL Record #:' <<<"$OUT")" -eq 100
contains "and verified" "$OUT" "The ITL file was verified successfully."

mapfile -t many < <(records 299)
refuses "300 records: larger than phones accept" "phones refuse files larger than 65536 bytes" \
	tlv build big.tlv --sast sast.pem "${many[@]}"
contains "the refusal counts records and bytes" "$ERR" "300 records make"
check "nothing written" test ! -e big.tlv
ok "300 records with --no-size-limit" tlv build big.tlv --sast sast.pem "${many[@]}" --no-size-limit
ok "itl show reads the 300" itl show big.tlv
check "300 records shown" test "$(grep -c '^ITL Record #:' <<<"$OUT")" -eq 300
contains "the last one is there" "$OUT" "ITL Record #:300"
contains "and the file verifies" "$OUT" "The ITL file was verified successfully."
ok "itl show --json reads the 300" itl show big.tlv --json
check "JSON: 300 records, verified" python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert len(d["records"])==300 and d["verified"]' "$OUT"
finish
