# tests/pg_lib.sh - a throwaway PostgreSQL 15 for the tests.  Source it;
# pg_start makes a cluster with initdb in a temporary folder, as an
# unprivileged user when run as root (PostgreSQL refuses root; CI runs as
# root), listening on a free loopback port and a socket in that folder,
# and exports UCPKI_PG, a libpq URI for its database "ucpki"; pg_stop
# stops it and removes the folder.  Trust authentication on loopback
# only: the cluster lives as long as one test and holds test data.
PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/15/bin 2>/dev/null)}

pg_free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Runs a PostgreSQL program as the cluster's owner.
pg_as_owner() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u "${PG_USER:-nobody}" -- "$@"
	else
		"$@"
	fi
}

pg_start() {
	if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/initdb" ]; then
		echo "pg_start: PostgreSQL 15 is not installed (scripts/setup.sh installs it)" >&2
		return 1
	fi
	PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/ucpki-pg.XXXXXX")
	[ "$(id -u)" -eq 0 ] && chown "${PG_USER:-nobody}" "$PG_DIR"
	chmod 700 "$PG_DIR"
	PG_PORT=$(pg_free_port)
	pg_as_owner "$PG_BIN/initdb" -D "$PG_DIR/data" -U ucpki --auth=trust \
		-E UTF8 --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 || {
		echo "pg_start: initdb failed:" >&2
		cat "$PG_DIR/initdb.log" >&2
		return 1
	}
	pg_resume || return 1
	pg_as_owner "$PG_BIN/createdb" -h "$PG_DIR" -p "$PG_PORT" -U ucpki ucpki || return 1
	export UCPKI_PG="postgresql://ucpki@127.0.0.1:$PG_PORT/ucpki"
}

# pg_pause / pg_resume: the database goes away and comes back (same port,
# same data), as a restarted or failed-over server does.
pg_pause() {
	pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null
}

pg_resume() {
	# fsync off: a test's cluster is thrown away, not recovered.
	pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" \
		-w -t 60 -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50" \
		start >/dev/null || {
		echo "pg_start: the server did not start:" >&2
		cat "$PG_DIR/server.log" >&2
		return 1
	}
}

pg_stop() {
	[ -n "${PG_DIR:-}" ] || return 0
	pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1
	rm -rf "$PG_DIR"
	PG_DIR=
}

# pg_start_test: for a test that sourced tests/lib.sh: pg_start as its
# first check, or its failure and the end of the test.
pg_start_test() {
	if pg_start; then pass "PostgreSQL 15 started on 127.0.0.1"; else
		fail "PostgreSQL 15 started"; finish; fi
}
