#!/usr/bin/env bash
# Three nodes of one cluster on one machine (issue 18): three homes on one
# real PostgreSQL 15 (tests/pg_lib.sh), each serving on its own free
# ports.  init the publisher, node add x2, node join x2, node list; every
# node's identities in the cluster's trust stores; the ITL fetched from
# each node's HTTP port names every CallManager and TVS; the configuration
# files name every TVS and the publisher's CAPF; a phone enrolls through
# the publisher and checks a subscriber's CallManager through that
# subscriber's TVS, which keeps answering (and its TFTP serving) while the
# publisher is stopped; a subscriber's CAPF port stays closed; in mixed
# mode the publisher builds the CTL and every node serves its bytes; a
# join that cannot finish leaves nothing behind.
source "$UCPKI_TESTLIB"
source "$(dirname "$UCPKI_TESTLIB")/pg_lib.sh"
trap 'cleanup; pg_stop' EXIT

W=$TEST_TMP/work
mkdir -p "$W"
pg_start_test
PUB=pub.example.test S1=sub1.example.test S2=sub2.example.test
HP=$TEST_TMP/pub H1=$TEST_TMP/sub1 H2=$TEST_TMP/sub2
sql() { psql -qAt "$UCPKI_PG" -c "$1"; }
json_len() { python3 -c 'import json,sys; print(len(json.loads(sys.argv[1])))' "$1"; }

# --- init, add, join --------------------------------------------------------------
ok "init the publisher on PostgreSQL" --home "$HP" init --node $PUB --org "Example Corp" --store "$UCPKI_PG"
check "the home names its node (0644)" test "$(cat "$HP/node"),$(stat -c %a "$HP/node")" = "$PUB,644"
refuses "join before node add is refused" \
	"node join: $S1: not a node of this cluster (run \`ucpki node add $S1\` on the publisher first)" \
	--home "$H1" node join --store "$UCPKI_PG" --node $S1
check "a refused join leaves no home" test ! -e "$H1/store"
refuses "join needs the cluster's database" \
	"node join: --store: a node joins the cluster's PostgreSQL database (postgresql://HOST/DB, or UCPKI_STORE)" \
	--home "$H1" node join --node $S1
ok "node add $S1" --home "$HP" node add $S1
ok "node add $S2" --home "$HP" node add $S2
refuses "node add twice" "node $S1: already in the cluster" --home "$HP" node add $S1
refuses "node add a bad name" "'bad_name' is not a host name" --home "$HP" node add bad_name
ok "node join $S1" --home "$H1" node join --store "$UCPKI_PG" --node $S1
contains "join says what it made" "$OUT" "Joined the cluster as $S1 (subscriber)"
refuses "node add on a subscriber is refused" \
	"node add: this node ($S1) is a subscriber; run it on the publisher $PUB" \
	--home "$H1" node add other.example.test
refuses "a second home cannot join as the same node" \
	"node join: $S1: already joined (its identities are in the store; node remove it on the publisher to join again)" \
	--home "$TEST_TMP/again" node join --store "$UCPKI_PG" --node $S1
refuses "nor as the publisher" "node join: $PUB: the cluster's publisher; a joining node is a subscriber" \
	--home "$TEST_TMP/again" node join --store "$UCPKI_PG" --node $PUB
ok "node join $S2" --home "$H2" node join --store "$UCPKI_PG" --node $S2
check "the subscriber's own keys are in its home only" test "$(ls "$H1/keys" | sed 's/-[0-9a-f]*\.key$//' | LC_ALL=C sort | tr '\n' ' ')" = "CallManager CallManager-ECDSA TVS ipsec tomcat "
check "no CAPF or ITLRecovery key on a subscriber" test -z "$(ls "$H1/keys" | grep -E '^(CAPF|ITLRecovery)')"
refuses "a subscriber makes no CAPF" "CAPF: the cluster's, its key on the publisher: make it there, not on $S1" \
	--home "$H1" cert generate CAPF --yes
ok "node list" --home "$HP" node list --json
check "node list shows three nodes" test "$(json_len "$OUT")" = 3
check "the publisher first, then the subscribers" test "$(python3 -c 'import json,sys; print(" ".join(n["name"]+":"+n["role"] for n in json.loads(sys.argv[1])))' "$OUT")" = \
	"$PUB:publisher $S1:subscriber $S2:subscriber"
ok "node list (text) on a subscriber" --home "$H2" node list
contains "the subscriber knows itself" "$OUT" "$S2"
check "one identity per node and purpose in the store" test "$(sql "SELECT count(*) FROM identity")" = $((7 + 5 + 5))

# --- cluster-wide trust, as CUCM's ----------------------------------------------------------
for pair in CallManager-trust:CallManager TVS-trust:TVS tomcat-trust:tomcat; do
	store=${pair%%:*} purpose=${pair##*:}
	ok "cert list trust $store" --home "$H2" cert list trust $store
	for h in "$HP" "$H1" "$H2"; do
		sha=$("$UCPKI" --home "$h" cert show $purpose --pem | openssl x509 -outform DER | sha256sum | cut -d' ' -f1)
		check "$store holds $(cat "$h/node")'s $purpose" test "$(sql "SELECT count(*) FROM trust WHERE store = '$store' AND sha256 = '$sha'")" = 1
	done
done

old=$("$UCPKI" --home "$H1" cert show tomcat --pem | openssl x509 -outform DER | sha256sum | cut -d' ' -f1)
n_tomcat=$(sql "SELECT count(*) FROM trust WHERE store = 'tomcat-trust'")
ok "a subscriber regenerates its tomcat" --home "$H1" cert generate tomcat --yes
new=$("$UCPKI" --home "$H1" cert show tomcat --pem | openssl x509 -outform DER | sha256sum | cut -d' ' -f1)
check "its entry in tomcat-trust is replaced, the others kept" test \
	"$(sql "SELECT count(*) FROM trust WHERE store = 'tomcat-trust' AND sha256 IN ('$old', '$new')"),$(sql "SELECT count(*) FROM trust WHERE store = 'tomcat-trust' AND sha256 = '$new'"),$(sql "SELECT count(*) FROM trust WHERE store = 'tomcat-trust'")" = "1,1,$n_tomcat"
check "the publisher's tomcat is untouched" test "$("$UCPKI" --home "$HP" cert show tomcat --json | grep -c "$PUB")" -ge 1

# --- three nodes serving ----------------------------------------------------------------------
CAPF_PORT=$(free_port)
declare -A TVS HTTP LOG PID
for n in pub sub1 sub2; do
	TVS[$n]=$(free_port)
	HTTP[$n]=$(free_port)
	LOG[$n]=$W/serve-$n.log
	mkdir -p "$TEST_TMP/$n/config"
	printf '<?xml version="1.0" encoding="UTF-8"?>\n<device>\n  <fullConfig>true</fullConfig>\n</device>\n' \
		>"$TEST_TMP/$n/config/SEP001122334455.cnf.xml"
done
SUB_CAPF=$(free_port)
serve() {
	local n=$1 capf=$2
	"$UCPKI" --home "$TEST_TMP/$n" serve --listen 127.0.0.1 --capf-port "$capf" \
		--tvs-port "${TVS[$n]}" --http-port "${HTTP[$n]}" --tftp-port 0 --https-port 0 \
		--admin-port 0 --monitor-interval 0 --idle-timeout 3 --keygen-timeout 3 \
		--handshake-timeout 2 >"${LOG[$n]}" 2>&1 &
	PID[$n]=$!
	on_exit_kill ${PID[$n]}
}
serve pub "$CAPF_PORT"
serve sub1 "$SUB_CAPF"
serve sub2 0
for n in pub sub1 sub2; do
	if wait_port "${HTTP[$n]}" 30 && wait_port "${TVS[$n]}" 30; then pass "$n serves TVS and HTTP"; else
		fail "$n serves" "$(cat "${LOG[$n]}")"; finish; fi
done
check "the publisher's CAPF listens" wait_port "$CAPF_PORT" 30
contains "a subscriber's serve says why CAPF is not started" "$(cat "${LOG[sub1]}")" "capf: not started: CAPF runs on the publisher $PUB"
check "and its CAPF port is closed" python3 -c 'import socket,sys; s=socket.socket(); sys.exit(0 if s.connect_ex(("127.0.0.1", int(sys.argv[1]))) != 0 else 1)' "$SUB_CAPF"

# Every serve reports its services at start: wait (bounded) for the three.
for _ in $(seq 1 120); do
	[ "$(sql "SELECT count(*) FROM node WHERE heartbeat_at > 0")" = 3 ] && break
	sleep 0.5
done
ok "node list after serve" --home "$HP" node list --json
check "every node has beaten" test "$(python3 -c 'import json,sys; print(sum(1 for n in json.loads(sys.argv[1]) if n["heartbeat_at"] > 0))' "$OUT")" = 3
contains "a subscriber reports its TVS port and no CAPF" "$OUT" "\"services\":\"capf=0 tvs=${TVS[sub1]} tftp=0 http=${HTTP[sub1]} https=0\""

# --- the same ITL records on every node ---------------------------------------------------------
records() {
	"$UCPKI" itl show "$1" --json | python3 -c '
import json, sys
itl = json.load(sys.stdin)
recs = [r for r in itl["records"] if r["function"] != "System Administrator Security Token"]
print("\n".join(sorted(r["function"] + " " + r["subject"] for r in recs)))'
}
for n in pub sub1 sub2; do
	# A serve that started before the last node joined republishes on
	# its store watch: wait (bounded) for the ITL to name every node.
	for _ in $(seq 1 60); do
		curl -s -o "$W/itl-$n.tlv" "http://127.0.0.1:${HTTP[$n]}/ITLFile.tlv"
		[ "$(records "$W/itl-$n.tlv" 2>/dev/null | grep -c '^TVS ')" = 3 ] && break
		sleep 0.5
	done
	ok "$n's ITL verifies" itl show "$W/itl-$n.tlv"
done
records "$W/itl-pub.tlv" >"$W/records-pub"
check "the ITL names three CallManager RSA records" test "$(grep -c '^CCM+TFTP CN=[a-z0-9.]*,' "$W/records-pub")" = 3
check "and three EC ones" test "$(grep -c '^CCM+TFTP CN=[a-z0-9.]*-EC,' "$W/records-pub")" = 3
check "and every node's TVS" test "$(grep -c '^TVS ' "$W/records-pub")" = 3
for n in sub1 sub2; do
	records "$W/itl-$n.tlv" >"$W/records-$n"
	check "$n serves the same CallManager, TVS and CAPF records" \
		diff <(grep -v APP-SERVER "$W/records-pub") <(grep -v APP-SERVER "$W/records-$n")
done

# --- the configuration files name every TVS and the publisher's CAPF --------------------------------
for n in pub sub2; do
	xml=$(curl -s "http://127.0.0.1:${HTTP[$n]}/SEP001122334455.cnf.xml")
	contains "$n's configuration names the publisher's CAPF" "$xml" "<capfList><capf><phonePort>$CAPF_PORT</phonePort><processNodeName>$PUB</processNodeName></capf></capfList>"
	for m in pub sub1 sub2; do
		contains "$n's configuration names $m's TVS" "$xml" "<port>${TVS[$m]}</port><address>$(cat "$TEST_TMP/$m/node")</address>"
	done
done

# --- a phone enrolls through the publisher, checks a subscriber through its TVS -----------------------
P=SEP001122334455
ok "mfg CA" --home "$HP" phone mfg init
ok "trust the manufacturing CA" --home "$HP" trust add CAPF-trust "$HP/phones/mfg/mfg-ca.pem" --name mfg-ca
ok "device add" --home "$HP" device add $P --model 8845
ok "device set install" --home "$HP" device set $P --operation install --auth null --key rsa2048
ok "phone make" --home "$HP" phone make $P --model 8845
ok "the phone takes the ITL a subscriber serves" --home "$HP" phone itl $P "$W/itl-sub1.tlv"
ok "the phone enrolls through the publisher's CAPF" --home "$HP" phone capf $P --server "127.0.0.1:$CAPF_PORT"
contains "LSC: Installed" "$OUT" "LSC: Installed"
"$UCPKI" --home "$H1" cert show CallManager --pem >"$W/sub1-cm.pem"
"$UCPKI" --home "$H2" cert show CallManager --pem >"$W/sub2-cm.pem"
ok "sub1's TVS vouches for sub1's CallManager (authenticated by the ITL)" --home "$HP" tvs query "$W/sub1-cm.pem" \
	--server "127.0.0.1:${TVS[sub1]}" --itl "$W/itl-sub1.tlv" --device CP-8845-$P
contains "valid, CCM+TFTP" "$OUT" "Roles: CCM+TFTP"
ok "and for sub2's" --home "$HP" tvs query "$W/sub2-cm.pem" --server "127.0.0.1:${TVS[sub1]}" --itl "$W/itl-sub1.tlv"
contains "sub2's CallManager is valid at sub1's TVS" "$OUT" "Status: valid"

# --- the publisher stops; a subscriber keeps serving TVS and TFTP ----------------------------------
stop_server "the publisher's serve" ${PID[pub]} "${LOG[pub]}"
ok "sub1's TVS answers with the publisher down" --home "$HP" tvs query "$W/sub2-cm.pem" --server "127.0.0.1:${TVS[sub1]}" --itl "$W/itl-sub1.tlv"
contains "still valid" "$OUT" "Status: valid"
check "sub1's HTTP still serves the ITL" cmp <(curl -s "http://127.0.0.1:${HTTP[sub1]}/ITLFile.tlv") "$W/itl-sub1.tlv"
ok "a phone fetches from the subscriber" --home "$HP" phone fetch $P --server "127.0.0.1:${HTTP[sub1]}"

# --- node remove: a subscriber leaves the trust stores and the ITLs ----------------------------------
ok "node remove $S2" --home "$HP" node remove $S2
sha=$(openssl x509 -in "$W/sub2-cm.pem" -outform DER | sha256sum | cut -d' ' -f1)
check "its CallManager left CallManager-trust" test "$(sql "SELECT count(*) FROM trust WHERE sha256 = '$sha'")" = 0
check "its identities left the store" test "$(sql "SELECT count(*) FROM identity WHERE node = '$S2'")" = 0
check "the publisher's ITL no longer names it" test "$(records "$HP/tftp/ITLFile.tlv" | grep -c "$S2")" = 0
for _ in $(seq 1 60); do
	curl -s -o "$W/itl-sub1b.tlv" "http://127.0.0.1:${HTTP[sub1]}/ITLFile.tlv"
	[ "$(records "$W/itl-sub1b.tlv" | grep -c "$S2")" = 0 ] && break
	sleep 0.5
done
check "nor, soon after, the ITL a running subscriber serves" test "$(records "$W/itl-sub1b.tlv" | grep -c "$S2")" = 0
refuses "the publisher cannot be removed" \
	"$PUB: the publisher cannot be removed (it holds the cluster's CAPF and ITLRecovery)" \
	--home "$HP" node remove $PUB

# --- mixed mode: the publisher builds the CTL, every node serves it ----------------------------------
refuses "a subscriber cannot build the CTL" \
	"CTL: signed with ITLRecovery, whose key is on the publisher $PUB: build it there" \
	--home "$H1" ctl build
ok "ctl build on the publisher" --home "$HP" ctl build
for _ in $(seq 1 60); do
	curl -s -o "$W/ctl-sub1.tlv" "http://127.0.0.1:${HTTP[sub1]}/CTLFile.tlv" &&
		cmp -s "$W/ctl-sub1.tlv" "$HP/tftp/CTLFile.tlv" && break
	sleep 0.5
done
check "a running subscriber serves the publisher's CTL, byte for byte" \
	cmp "$W/ctl-sub1.tlv" "$HP/tftp/CTLFile.tlv"
contains "and says so" "$(cat "${LOG[sub1]}")" "node: the publisher built a new CTL: CTLFile.tlv written"

# --- a join is all or nothing, on the shared database too ------------------------------------------
H2B=$TEST_TMP/sub2b
ok "node add $S2 again" --home "$HP" node add $S2
sql "DELETE FROM cluster_file"
refuses "a join that cannot write the CTL (none in the store) fails" \
	"CTL: the publisher has not built one yet" \
	--home "$H2B" node join --store "$UCPKI_PG" --node $S2
check "and leaves no identity of the node in the store" \
	test "$(sql "SELECT count(*) FROM identity WHERE node = '$S2'")" = 0
check "nor a home" test ! -e "$H2B/store"
ok "ctl build again" --home "$HP" ctl build
ok "the join then succeeds" --home "$H2B" node join --store "$UCPKI_PG" --node $S2
check "its TFTP root holds the publisher's CTL" cmp "$H2B/tftp/CTLFile.tlv" "$HP/tftp/CTLFile.tlv"
stop_server "sub1's serve" ${PID[sub1]} "${LOG[sub1]}"
stop_server "sub2's serve" ${PID[sub2]} "${LOG[sub2]}"
finish
