/*
 * bench_itl.c - builds and verifies an ITL of N records (default 1,000)
 * and prints the time per operation.  Usage: bench_itl VECTORS_DIR [N]
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "itl.h"
#include "x509.h"

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	struct itl_entry *entries;
	struct sigfile_params p = { 0 };
	struct itl_file itl;
	STACK_OF(X509) *certs;
	struct ucerr err;
	char path[4096];
	uint8_t *data;
	size_t len;
	int i, n = argc > 2 ? atoi(argv[2]) : 1000, rounds = 20;
	double t0, build_s, parse_s, verify_s;

	if (argc < 2 || n < 1) {
		fprintf(stderr, "usage: bench_itl VECTORS_DIR [N]\n");
		return 2;
	}
	snprintf(path, sizeof(path), "%s/certs/sast.pem", argv[1]);
	if (certs_load_file(path, &certs, &err) == -1 ||
	    key_load_file(path, &p.key, &err) == -1) {
		fprintf(stderr, "bench_itl: %s\n", err.msg);
		return 1;
	}
	entries = calloc((size_t)n, sizeof(*entries));
	for (i = 0; i < n; i++) {
		entries[i].cert = sk_X509_value(certs, 0);
		entries[i].role = i == 0 ? ROLE_SAST : ROLE_TVS;
	}
	p.version_major = 1;
	p.version_minor = 2;
	p.signer_version = 10;
	p.hash_alg = SIG_HASH_SHA512;
	p.filename = "ITLFile.tlv";
	p.signer = sk_X509_value(certs, 0);
	build_s = parse_s = verify_s = 0;
	for (i = 0; i < rounds; i++) {
		t0 = now_s();
		if (itl_build(entries, (size_t)n, &p, &data, &len, &err) == -1)
			goto fail;
		build_s += now_s() - t0;
		t0 = now_s();
		if (itl_parse(data, len, &itl, &err) == -1)
			goto fail;
		parse_s += now_s() - t0;
		t0 = now_s();
		if (itl_verify(&itl, &err) == -1)
			goto fail;
		verify_s += now_s() - t0;
		itl_free(&itl);
		free(data);
	}
	printf("itl_records %d\nitl_bytes %zu\nbuild_ms %.3f\nparse_ms %.3f\n"
	    "verify_ms %.3f\n", n, len, build_s * 1e3 / rounds,
	    parse_s * 1e3 / rounds, verify_s * 1e3 / rounds);
	free(entries);
	sk_X509_pop_free(certs, X509_free);
	EVP_PKEY_free(p.key);
	return 0;
fail:
	fprintf(stderr, "bench_itl: %s\n", err.msg);
	return 1;
}
