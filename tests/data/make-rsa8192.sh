#!/bin/sh
# Makes rsa8192.pem: a throwaway self-signed certificate with an 8192-bit
# key, for the "keys over 4096 bits are refused" tests.  Kept in the tree
# because generating the key takes ~10 s, too slow for every test run.
set -eu
cd "$(dirname "$0")"
openssl req -x509 -newkey rsa:8192 -nodes -keyout /dev/null -subj "/CN=big-key.example.test" \
	-days 36500 -out rsa8192.pem 2>/dev/null
