#!/usr/bin/env bash
# cmake --install with DESTDIR: every file where an administrator looks
# for it, the systemd unit as configured for the prefix, checked by
# `systemd-analyze verify` and scored by `systemd-analyze security`
# (offline: no running systemd is needed).
source "$UCPKI_TESTLIB"

B=${UCPKI_BUILD:?UCPKI_BUILD must name the build directory}
R=$TEST_TMP/root
prefix=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$B/CMakeCache.txt")
etc=$(sed -n 's/^CMAKE_INSTALL_SYSCONFDIR:PATH=//p' "$B/CMakeCache.txt")
unitdir=$(sed -n 's/^UCPKI_SYSTEMD_UNITDIR:PATH=//p' "$B/CMakeCache.txt")
check "the build knows its prefix ($prefix)" test -n "$prefix" -a -n "$unitdir"

if DESTDIR=$R cmake --install "$B" >"$TEST_TMP/install.log" 2>&1; then pass "cmake --install"; else
	fail "cmake --install" "$(cat "$TEST_TMP/install.log")"; finish; fi
for f in "$prefix/bin/ucpki" "$prefix/share/man/man1/ucpki.1" "$prefix/share/man/man1/ucpki-serve.1" \
	"$prefix/share/man/man1/ucpki-status.1" "$prefix/share/bash-completion/completions/ucpki" \
	"$etc/ucpki/ucpki.conf" "$unitdir/ucpki.service" "$prefix/share/doc/ucpki/README.md"; do
	check "installs $f" test -s "$R$f"
done
check "the binary is executable" test -x "$R$prefix/bin/ucpki"
check "the configuration is readable by all, written by root only" test "$(stat -c %a "$R$etc/ucpki/ucpki.conf")" = 644
run_installed() { "$R$prefix/bin/ucpki" "$@" 2>&1; }
check "the same version" test "$(run_installed --version)" = "$("$UCPKI" --version)"
# A staged copy (DESTDIR) is not the installed binary: checkout defaults.
contains "a DESTDIR copy keeps the checkout home" "$(UCPKI_HOME= run_installed)" "else ./var."
ok "the installed ucpki.conf passes --check-config" serve --config "$R$etc/ucpki/ucpki.conf" --check-config

U=$R$unitdir/ucpki.service
unit=$(cat "$U")
for line in "Type=notify" "ExecStart=$prefix/bin/ucpki serve" 'ExecReload=/bin/kill -HUP $MAINPID' \
	"User=ucpki" "AmbientCapabilities=CAP_NET_BIND_SERVICE" "ProtectSystem=strict" \
	"ReadWritePaths=/var/lib/ucpki" "PrivateTmp=yes" "NoNewPrivileges=yes" "ProtectHome=yes" \
	"RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX" "SystemCallFilter=@system-service" \
	"WatchdogSec=30" "ConditionPathExists=/var/lib/ucpki/ucpki.db"; do
	if grep -qxF "$line" <<<"$unit"; then pass "unit: $line"; else fail "unit lacks $line"; fi
done

# systemd-analyze verify wants the binary to exist: the build's stands in.
mkdir -p "$TEST_TMP/unit" "$TEST_TMP/bad"
sed "s|^ExecStart=$prefix/bin/ucpki|ExecStart=$UCPKI|" "$U" >"$TEST_TMP/unit/ucpki.service"
verify() {
	systemd-analyze verify --man=no "$1" >"$TEST_TMP/verify.out" 2>&1
	VRC=$?
	# Other units on this machine may warn; only ucpki.service counts.
	VOUT=$(grep -F 'ucpki.service' "$TEST_TMP/verify.out")
}
verify "$TEST_TMP/unit/ucpki.service"
if [ "$VRC" -eq 0 ] && [ -z "$VOUT" ]; then pass "systemd-analyze verify: clean"; else
	fail "systemd-analyze verify" "exit $VRC" "$(cat "$TEST_TMP/verify.out")"; fi
# The check can fail: a misspelt directive is reported.
sed 's/^ProtectHome=yes/ProtectHom=yes/' "$TEST_TMP/unit/ucpki.service" >"$TEST_TMP/bad/ucpki.service"
verify "$TEST_TMP/bad/ucpki.service"
contains "a misspelt directive is reported" "$VOUT" "Unknown key 'ProtectHom'"

systemd-analyze security --offline=true "$TEST_TMP/unit/ucpki.service" >"$TEST_TMP/security.out" 2>&1
score=$(sed -n 's/.*Overall exposure level for ucpki.service: \([0-9.]*\).*/\1/p' "$TEST_TMP/security.out")
echo "# systemd-analyze security: exposure $score"
if [ -n "$score" ] && awk -v s="$score" 'BEGIN { exit !(s <= 2.0) }'; then
	pass "exposure $score (at most 2.0, README says 1.7)"; else
	fail "exposure level" "$(tail -5 "$TEST_TMP/security.out")"; fi
finish
