# tests/pg_run.sh PROGRAM [ARGS...]: runs PROGRAM with UCPKI_STORE naming a
# throwaway PostgreSQL (tests/pg_lib.sh), so a suite written over store.h
# alone (test_store) runs against the PostgreSQL backend unchanged.
. "$(dirname "$0")/pg_lib.sh"
trap pg_stop EXIT
pg_start || exit 1
UCPKI_STORE=$UCPKI_PG "$@"
