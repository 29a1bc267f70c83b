#!/usr/bin/env bash
# The man pages and the bash completion generated at build time say what
# --help says: for every command, its usage, summary and each option of
# its --help are in its group's man page and in ucpki(1), the completion
# offers exactly its options, and the pages render without groff warnings.
source "$UCPKI_TESTLIB"

D=${UCPKI_DOCS:?UCPKI_DOCS must name the generated documentation}
GENDOC=${UCPKI_BUILD:?}/ucpki-gendoc

# The build's files are what the generator makes from this table now.
check "ucpki-gendoc runs" "$GENDOC" "$TEST_TMP/doc"
check "the build's docs are current" diff -r -x stamp "$D" "$TEST_TMP/doc"

# shellcheck disable=SC1090
source "$D/ucpki.bash"
mapfile -t cmds <<<"$_ucpki_commands"
check "the completion knows the commands" test "${#cmds[@]}" -gt 40
comp=$TEST_TMP/completion.txt
for w in "${cmds[@]}"; do
	printf '%s\t%s\n' "$w" "$(printf '%s\n' ${_ucpki_flags[$w]} ${_ucpki_values[$w]} | sort | tr '\n' ' ')"
done >"$comp"

# One Python run compares every command's --help with the pages and the
# completion (a process per check would take a minute on a busy machine).
out=$(python3 - "$UCPKI" "$D" "$comp" <<'PY'
import re, subprocess, sys
ucpki, docs, comp = sys.argv[1:4]

def plain(path):
    text = open(path, encoding="ascii").read()
    for a, b in (("\\fB", ""), ("\\fI", ""), ("\\fR", ""), ("\\-", "-"),
                 ("\\&", ""), ("\\e", "\\")):
        text = text.replace(a, b)
    return text.split("\n")

main = "\n".join(plain(docs + "/man1/ucpki.1"))
bad = []
for line in open(comp):
    words, names = line.rstrip("\n").split("\t")
    help = subprocess.run([ucpki] + words.split() + ["--help"], capture_output=True,
                          text=True).stdout.split("\n")
    if not help[0].startswith("usage: ucpki " + words):
        bad.append(f"{words}: no --help"); continue
    usage = help[0][len("usage: ucpki "):].replace("\u2026", "...")
    summary = help[2]
    page = plain(f"{docs}/man1/ucpki-{words.split()[0]}.1")
    if f'.SS "ucpki {words}"' not in page:
        bad.append(f"{words}: no section"); continue
    if summary + "." not in page: bad.append(f"{words}: summary {summary!r}")
    if "ucpki " + usage not in page: bad.append(f"{words}: synopsis {usage!r}")
    if "ucpki " + usage not in main: bad.append(f"{words}: not in ucpki(1)")
    # The options as --help prints them, rebuilt from the section's .TP items.
    sec = page.index(f'.SS "ucpki {words}"') + 1
    man_opts = []
    while sec < len(page) and not re.match(r"\.S[SH] ", page[sec]):
        if page[sec] == ".TP":
            man_opts.append("  %-26s %s" % (page[sec + 1], page[sec + 2]))
        sec += 1
    help_opts = [l for l in help if l.startswith("  --")]
    if sorted(man_opts) != sorted(help_opts):
        bad.append(f"{words}: options differ: man {man_opts} --help {help_opts}")
    help_names = " ".join(sorted(l.split()[0] for l in help_opts)) + " "
    if names != help_names:
        bad.append(f"{words}: completion {names!r}, --help {help_names!r}")
print("\n".join(bad) if bad else "same")
PY
)
if [ "$out" = same ]; then pass "man pages and completion match --help for ${#cmds[@]} commands"; else
	fail "docs differ from --help" "$out"; fi

# The pages render cleanly (lintian runs groff the same way).
warnings=$(groff -man -ww -z -Tutf8 "$D"/man1/*.1 2>&1)
if [ -z "$warnings" ]; then pass "every page renders without warnings"; else
	fail "groff warnings" "$warnings"; fi
missing=""
for p in "$D"/man1/ucpki-*.1; do
	n=$(basename "$p" .1)
	grep -qF "\\fBucpki\\-${n#ucpki-}\\fR(1)" "$D/man1/ucpki.1" || missing="$missing $n"
done
if [ -z "$missing" ]; then pass "ucpki(1) names every group page"; else
	fail "ucpki(1) lacks" "$missing"; fi
check "ucpki-serve(1) documents ucpki.conf" grep -q '^\.SH CONFIGURATION FILE' "$D/man1/ucpki-serve.1"

# The completion itself, as bash runs it.
complete_words() {
	COMP_WORDS=("$@")
	COMP_CWORD=$(($# - 1))
	COMPREPLY=()
	_ucpki
	printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' '
}
check "registered for ucpki" bash -c "source '$D/ucpki.bash'; complete -p ucpki | grep -q -- '-F _ucpki'"
got=$(complete_words ucpki cert "")
check "ucpki cert <TAB>: the cert commands" test "$got" = "csr export generate list regenerate show upload "
got=$(complete_words ucpki "")
contains "ucpki <TAB>: the groups" "$got" "capf cert check cnf config crl ctl device diagnose import init itl monitor node pcap phone probe serve sgn status store tftp tlv trust tvs "
got=$(complete_words ucpki --home /x serve --c)
check "ucpki --home DIR serve --c<TAB>" test "$got" = "--capf-port --check-config --config --config-dir "
got=$(complete_words ucpki serve --config "")
check "after an option that takes a value: files" test "$got" = " "
got=$(complete_words ucpki phone swarm --n 10 --)
contains "options after a value" "$got" "--provision"
got=$(complete_words ucpki monitor "")
check "a command that is also a group: its sub-command" test "$got" = "config "
got=$(complete_words ucpki status --)
check "ucpki status --<TAB>" test "$got" = "--help --json "
got=$(complete_words ucpki --)
check "global options" test "$got" = "--help --home --version "
finish
