#!/usr/bin/env bash
# The command surface a new user meets first: `--help`, `-h`, `help
# [COMMAND...]`, a group alone (`ucpki cert`) and `--version`.
source "$UCPKI_TESTLIB"

ROOT=$(cd "$TESTS_DIR/.." && pwd)

# Every command of the table is listed by --help and by -h.
ok "--help" --help
help=$OUT
n=$(printf '%s\n' "$help" | grep -c '^  [a-z]')
check "--help lists the commands ($n)" test "$n" -ge 50
for c in "init" "cert list" "device import" "phone mfg init" "diagnose"; do
	contains "--help lists $c" "$help" "  $c "
done
ok "-h" -h
check "-h lists the same commands" test "$OUT" = "$help"
ok "help" help
check "help lists the same commands" test "$OUT" = "$help"

# help COMMAND is COMMAND --help; help GROUP lists the group.
ok "help cert list" help cert list
a=$OUT
ok "cert list --help" cert list --help
check "help cert list = cert list --help" test "$a" = "$OUT"
contains "command help shows usage" "$a" "usage: ucpki cert list own|trust"
ok "help monitor" help monitor
contains "help monitor is the monitor command" "$OUT" "usage: ucpki monitor [--once]"
ok "help cert" help cert
contains "help cert lists cert list" "$OUT" "  cert upload "
lacks "help cert lists only cert commands" "$OUT" "device add"
ok "help phone mfg" help phone mfg
contains "two-word group" "$OUT" "  phone mfg init "
refuses "help of an unknown command" "help: no command 'frobnicate'" help frobnicate

# A group alone: its commands, exit 2 (on stderr: it is a usage error).
run cert
check "ucpki cert exits 2" test "$RC" -eq 2
contains "ucpki cert lists its commands" "$ERR" "  cert show "
contains "ucpki cert says the group's usage" "$ERR" "usage: ucpki [--home DIR] cert COMMAND"
lacks "ucpki cert lists only cert commands" "$ERR" "trust add"
run device
check "ucpki device exits 2" test "$RC" -eq 2
contains "ucpki device lists device import" "$ERR" "  device import "
ok "cert --help" cert --help
contains "cert --help lists the group" "$OUT" "  cert csr "
refuses "unknown subcommand of a group" "unknown command 'cert bogus'" cert bogus
refuses "unknown command" "unknown command 'frobnicate'" frobnicate
run
check "no command: exit 2" test "$RC" -eq 2
contains "no command: the list on stderr" "$ERR" "  cert list "

# --version says the CMake project() version.
want=$(sed -n 's/^project(ucpki VERSION \([0-9.]*\).*/\1/p' "$ROOT/CMakeLists.txt")
check "CMakeLists.txt has a project VERSION" test -n "$want"
ok "--version" --version
check "--version prints 'ucpki $want'" test "$OUT" = "ucpki $want"
ok "--home DIR --version" --home "$TEST_TMP/nowhere" --version
finish
