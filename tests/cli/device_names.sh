#!/usr/bin/env bash
# Phone names as administrators write them (sep..., 00:11:22:33:44:55,
# 0011.2233.4455, 001122334455) become SEP001122334455 wherever a phone
# name is expected, with one note on stderr; `device import` reads RFC
# 4180 CSV (quotes, "" escapes, commas and line breaks inside quotes) and
# names the line of a mistake.
source "$UCPKI_TESTLIB"

cd "$TEST_TMP" || exit 1
ok "init" init --node cucm.example.test --org "Example Corp" --country NZ

ok "device add 00:11:22:33:44:55" device add 00:11:22:33:44:55 --model 8845
contains "the name is normalised" "$OUT" "SEP001122334455: added"
check "and said once on stderr" test "$ERR" = "device: 00:11:22:33:44:55 read as SEP001122334455"
ok "device show sep001122334455" device show sep001122334455
contains "shows the device" "$OUT" "SEP001122334455"
contains "says how it read the name" "$ERR" "device: sep001122334455 read as SEP001122334455"
ok "device set 0011.2233.4455" device set 0011.2233.4455 --operation install --auth null
contains "set the device" "$OUT" "SEP001122334455: updated"
ok "device show 001122334455 --json" device show 001122334455 --json
check "JSON names the canonical device" python3 -c 'import json,sys; assert json.loads(sys.argv[1])["name"]=="SEP001122334455"' "$OUT"
ok "device show SEP001122334455 says nothing extra" device show SEP001122334455
check "no note for the canonical name" test -z "$ERR"
ok "device add 00-11-22-aa-bb-cc" device add 00-11-22-aa-bb-cc
contains "dashes and lower case" "$OUT" "SEP001122AABBCC: added"
ok "device remove with a MAC" device remove 00:11:22:AA:BB:CC
contains "removed the device" "$OUT" "SEP001122AABBCC: removed"
refuses "not a MAC, not a name" "not a device name" device add 00:11:22:33:44
refuses "client names are kept as they are" "no such device" device show CSFjsmith

# The phone simulator takes the same spellings.
ok "phone mfg init" phone mfg init
ok "phone make 00:11:22:33:44:66" phone make 00:11:22:33:44:66
contains "phone made under the SEP name" "$OUT" "SEP001122334466: phone made"
check "its directory is SEP001122334466" test -d "$UCPKI_HOME/phones/SEP001122334466"
ok "phone show 0011.2233.4466" phone show 0011.2233.4466
contains "phone show found it" "$OUT" "SEP001122334466"

# --- device import: RFC 4180 -----------------------------------------------------
cat >quoted.csv <<'CSV'
name,model,operation,auth,string,key,deadline
"SEP0000000000D1","8845",install,null,,rsa2048,
00:00:00:00:00:d2,"88""45",none,,,,
"SEP0000000000D3","8845, the lobby one",none,,,,
SEP0000000000D4 , 7841 ,none,,,,
CSV
ok "import quoted CSV" device import quoted.csv
contains "four devices" "$OUT" "4 devices imported"
contains "MAC names are said once" "$ERR" "device: 00:00:00:00:00:d2 read as SEP0000000000D2 (line 3)"
ok "device show D2" device show SEP0000000000D2 --json
check "\"\" is one quote" python3 -c 'import json,sys; assert json.loads(sys.argv[1])["model"]=="88\"45"' "$OUT"
ok "device show D3" device show SEP0000000000D3 --json
check "comma inside quotes" python3 -c 'import json,sys; assert json.loads(sys.argv[1])["model"]=="8845, the lobby one"' "$OUT"
ok "device show D4" device show SEP0000000000D4 --json
check "unquoted fields are trimmed" python3 -c 'import json,sys; assert json.loads(sys.argv[1])["model"]=="7841"' "$OUT"

# A quoted line break parses, but a model may not hold one (control
# characters are refused on input); line numbers count lines in quotes.
printf 'name,model\n"SEP0000000000E1","a\nb"\n' >breakmodel.csv
refuses "a line break in a model is refused" "breakmodel.csv:2: the model has a control character" device import breakmodel.csv
printf 'name,model,operation\n"SEP0000000000E1","8845",\nSEP0000000000E2,8845,bogus\n' >badop.csv
refuses "a bad operation names its line" "badop.csv:3: bad operation 'bogus'" device import badop.csv
printf 'name,model\nSEP0000000000E1,8845\nSEP0000000000E2,"8845\n' >open.csv
refuses "an open quote names the line it opens on" "open.csv:3: field 2: the quote opened here is never closed" device import open.csv
printf 'SEP0000000000E3,"88"45\n' >after.csv
refuses "text after a closing quote" "after.csv:1: field 2: text after the closing quote" device import after.csv
run device show SEP0000000000E1
check "a refused import imports nothing" test "$RC" -ne 0
finish
