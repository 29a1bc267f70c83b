#!/usr/bin/env bash
# The Debian package on this machine: `make deb` (debhelper, lintian
# clean), dpkg -i on a machine without a running systemd (postinst makes
# the ucpki user and /var/lib/ucpki 0700 and starts nothing), the
# installed binary with its installed defaults (home /var/lib/ucpki,
# /etc/ucpki/ucpki.conf), `ucpki init` there as the ucpki user, the
# service briefly, then dpkg -r (the data stays) and dpkg -P (it goes).
source "$UCPKI_TESTLIB"

S=${UCPKI_SOURCE:?UCPKI_SOURCE must name the source tree}
if ! command -v dh >/dev/null || ! command -v lintian >/dev/null; then
	if [ "$(id -u)" -eq 0 ]; then
		sh "$S/scripts/setup.sh" >"$TEST_TMP/setup.log" 2>&1 || cat "$TEST_TMP/setup.log"
	fi
	if ! command -v dh >/dev/null; then
		echo "SKIP: debhelper is missing and cannot be installed here (not root): run sh scripts/setup.sh as root"
		exit 77
	fi
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: dpkg -i needs root"
	exit 77
fi
# Never touch a real installation or its data.
if dpkg-query -W -f='${Status}' ucpki 2>/dev/null | grep -q 'installed'; then
	fail "ucpki is already installed here" "this test installs and purges the package: remove it first (dpkg -P ucpki)"
	finish
fi
if [ -e /var/lib/ucpki ]; then
	fail "/var/lib/ucpki exists" "this test would purge it: move it away first"
	finish
fi
installed=0
purge_package() {
	[ "$installed" -eq 1 ] && dpkg -P ucpki >/dev/null 2>&1
	installed=0
}
trap 'purge_package; cleanup' EXIT

version=$("$UCPKI" --version | cut -d' ' -f2)
arch=$(dpkg --print-architecture)
if make -C "$S" deb DEB_DIR="$TEST_TMP/deb" >"$TEST_TMP/make-deb.log" 2>&1; then pass "make deb"; else
	fail "make deb" "$(tail -30 "$TEST_TMP/make-deb.log")"; finish; fi
DEB=$TEST_TMP/deb/ucpki_${version}_${arch}.deb
check "it made ucpki_${version}_${arch}.deb" test -s "$DEB"
contains "lintian: no errors or warnings" "$(cat "$TEST_TMP/make-deb.log")" "make-deb: lintian: no errors or warnings"
check "lintian ran on it (the explained override shows)" grep -q "^O: ucpki: package-supports-alternative-init-but-no-init.d-script" "$TEST_TMP/deb/lintian.log"
contents=$(dpkg-deb -c "$DEB" | awk '{print $6}')
for f in ./usr/bin/ucpki ./usr/share/man/man1/ucpki.1.gz ./usr/share/man/man1/ucpki-serve.1.gz \
	./usr/share/bash-completion/completions/ucpki ./lib/systemd/system/ucpki.service \
	./etc/ucpki/ucpki.conf ./usr/share/doc/ucpki/copyright ./usr/share/doc/ucpki/README.md.gz; do
	if grep -qxF "$f" <<<"$contents"; then pass "the package holds $f"; else fail "the package lacks $f"; fi
done
check "ucpki.conf is a conffile" bash -c "dpkg-deb --ctrl-tarfile '$DEB' | tar -xOf - ./conffiles | grep -qx /etc/ucpki/ucpki.conf"

# --- dpkg -i ---------------------------------------------------------------------
if dpkg -i "$DEB" >"$TEST_TMP/dpkg-i.log" 2>&1; then pass "dpkg -i"; installed=1; else
	fail "dpkg -i" "$(cat "$TEST_TMP/dpkg-i.log")"; finish; fi
check "there is no running systemd here (the case under test)" test ! -d /run/systemd/system
pw=$(getent passwd ucpki)
check "postinst made the ucpki system user" test -n "$pw"
check "its home is /var/lib/ucpki" test "$(cut -d: -f6 <<<"$pw")" = /var/lib/ucpki
check "it cannot log in" test "$(cut -d: -f7 <<<"$pw")" = /usr/sbin/nologin
check "a system uid" test "$(cut -d: -f3 <<<"$pw")" -lt 1000
check "/var/lib/ucpki: ucpki:ucpki 0700" test "$(stat -c '%U:%G %a' /var/lib/ucpki)" = "ucpki:ucpki 700"
check "the service was enabled" test -L /etc/systemd/system/multi-user.target.wants/ucpki.service
check "and not started" bash -c '! pgrep -u ucpki -x ucpki'
check "ucpki is on the PATH at /usr/bin" test "$(command -v ucpki)" = /usr/bin/ucpki
check "ucpki --version" test "$(/usr/bin/ucpki --version)" = "ucpki $version"
check "man ucpki-serve" test "$(man -w ucpki-serve)" = /usr/share/man/man1/ucpki-serve.1.gz
check "the completion loads" bash -c 'source /usr/share/bash-completion/completions/ucpki && complete -p ucpki'

# Installed: the home is /var/lib/ucpki and the settings /etc/ucpki/ucpki.conf.
as_ucpki() { (cd / && env -u UCPKI_HOME setpriv --reuid ucpki --regid ucpki --init-groups /usr/bin/ucpki "$@"); }
if as_ucpki init --node deb.example.test >"$TEST_TMP/init.log" 2>&1; then pass "ucpki init as ucpki, no --home"; else
	fail "ucpki init" "$(cat "$TEST_TMP/init.log")"; fi
check "the store is in /var/lib/ucpki, the ucpki user's" test "$(stat -c %U /var/lib/ucpki/ucpki.db)" = ucpki
check "its keys are private" test "$(stat -c %a /var/lib/ucpki/keys)" = 700
contains "serve reads /etc/ucpki/ucpki.conf" "$(as_ucpki serve --check-config 2>&1)" "# /etc/ucpki/ucpki.conf: ok"
contains "the help names the installed home" "$(env -u UCPKI_HOME /usr/bin/ucpki 2>&1)" "else /var/lib/ucpki."

out=$(systemd-analyze verify /lib/systemd/system/ucpki.service 2>&1 | grep -F ucpki.service)
if [ -z "$out" ]; then pass "systemd-analyze verify on the installed unit (man pages found)"; else
	fail "systemd-analyze verify" "$out"; fi

# The installed service, as the unit would run it (ucpki user, defaults).
CP=$(free_port)
(cd / && exec env -u UCPKI_HOME setpriv --reuid ucpki --regid ucpki --init-groups /usr/bin/ucpki \
	serve --listen 127.0.0.1 --capf-port "$CP" --tvs-port 0 --http-port 0 --tftp-port 0 --https-port 0 --admin-port 0 --monitor-interval 0) >"$TEST_TMP/serve.log" 2>&1 &
SERVER=$!
on_exit_kill $SERVER
check "the installed service listens" wait_port "$CP"
tries=100
until env -u UCPKI_HOME /usr/bin/ucpki status >"$TEST_TMP/status.out" 2>&1 || [ $tries -eq 0 ]; do
	sleep 0.2
	tries=$((tries - 1))
done
contains "ucpki status (as root) sees it in /var/lib/ucpki" "$(cat "$TEST_TMP/status.out")" "ucpki serve: running"
contains "with its listener" "$(cat "$TEST_TMP/status.out")" "CAPF 127.0.0.1:$CP"
out=$(cd / && env -u UCPKI_HOME setpriv --reuid nobody --regid nogroup --clear-groups /usr/bin/ucpki status 2>&1)
rc=$?
check "status as a user who may not read the home: exit 1" test "$rc" -eq 1
contains "and the reason, not 'not running'" "$out" "ucpki: /var/lib/ucpki/serve.status: Permission denied"
stop_server "the installed service" $SERVER "$TEST_TMP/serve.log"

# --- dpkg -r, dpkg -P ------------------------------------------------------------
if dpkg -r ucpki >"$TEST_TMP/dpkg-r.log" 2>&1; then pass "dpkg -r"; else
	fail "dpkg -r" "$(cat "$TEST_TMP/dpkg-r.log")"; fi
check "the binary is gone" test ! -e /usr/bin/ucpki
check "the data stays" test -s /var/lib/ucpki/ucpki.db
check "the configuration stays" test -f /etc/ucpki/ucpki.conf
if dpkg -P ucpki >"$TEST_TMP/dpkg-p.log" 2>&1; then pass "dpkg -P"; installed=0; else
	fail "dpkg -P" "$(cat "$TEST_TMP/dpkg-p.log")"; fi
check "purge removes /var/lib/ucpki" test ! -e /var/lib/ucpki
check "and /etc/ucpki" test ! -e /etc/ucpki
check "and the enablement link" test ! -e /etc/systemd/system/multi-user.target.wants/ucpki.service
check "dpkg knows nothing of ucpki" bash -c "! dpkg-query -W ucpki >/dev/null 2>&1 || dpkg-query -W -f='\${Status}' ucpki | grep -q not-installed"
finish
