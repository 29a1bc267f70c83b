#!/bin/sh
# Installs the Debian packages ucpki needs to build, test and run.
# Does nothing when everything is already present.
set -eu

packages="build-essential cmake pkg-config clang libclang-rt-dev
libssl-dev openssl libsqlite3-dev sqlite3 libpq-dev postgresql libevent-dev libcmocka-dev
libxml2-dev libpcap-dev libcurl4-openssl-dev python3 python3-cryptography python3-lxml strace
libsystemd-dev systemd debhelper lintian fakeroot dpkg-dev adduser man-db
groff-base curl tftp-hpa nginx-light libargon2-dev
chromium chromium-driver python3-selenium
kamailio kamailio-tls-modules freeradius eapoltest sip-tester"

missing=""
for p in $packages; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

echo "setup: installing:$missing"
if [ "$(id -u)" -ne 0 ]; then
	echo "setup: need root to install packages (run as root or: sudo $0)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
