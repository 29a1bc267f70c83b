/*
 * bench_lsc.c - where an enrollment's CPU goes outside TLS: parsing the
 * phone's public key, issuing and encoding the LSC, parsing it back.
 * Usage: bench_lsc VECTORS_DIR [ROUNDS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "lsc.h"
#include "x509.h"

static double
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

int
main(int argc, char **argv)
{
	struct key_spec spec = { 0, 2048 };
	STACK_OF(X509) *certs;
	EVP_PKEY *ca_key, *phone, *parsed;
	struct ucerr err;
	unsigned char *der = NULL;
	uint8_t *lsc_der;
	size_t lsc_len;
	X509 *lsc, *back;
	char path[4096];
	struct spki_decoder dec;
	EVP_MD *md = EVP_MD_fetch(NULL, "SHA256", NULL);
	int i, len, rounds = argc > 2 ? atoi(argv[2]) : 500;
	double t, t_key = 0, t_issue = 0, t_der = 0, t_parse = 0;

	if (argc < 2)
		return 2;
	snprintf(path, sizeof(path), "%s/certs/capf.pem", argv[1]);
	if (certs_load_file(path, &certs, &err) == -1 ||
	    key_load_file(path, &ca_key, &err) == -1 ||
	    key_generate(&spec, &phone, &err) == -1) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	len = i2d_PUBKEY(phone, &der);
	spki_decoder_init(&dec);
	for (i = 0; i < rounds; i++) {
		t = now_us();
		lsc_public_key(&dec, der, (size_t)len, &spec, 0, &parsed, &err);
		t_key += now_us() - t;
		t = now_us();
		lsc_issue(sk_X509_value(certs, 0), ca_key, "SEP001122334455", der,
		    (size_t)len, md, 1825, &lsc, &err);
		t_issue += now_us() - t;
		t = now_us();
		cert_to_der(lsc, &lsc_der, &lsc_len, &err);
		t_der += now_us() - t;
		t = now_us();
		cert_from_der(lsc_der, lsc_len, &back, &err);
		t_parse += now_us() - t;
		X509_free(back);
		OPENSSL_free(lsc_der);
		X509_free(lsc);
		EVP_PKEY_free(parsed);
	}
	spki_decoder_free(&dec);
	EVP_MD_free(md);
	printf("public_key_parse_us %.1f\nlsc_issue_us %.1f\nlsc_der_us %.1f\n"
	    "lsc_parse_us %.1f\n", t_key / rounds, t_issue / rounds,
	    t_der / rounds, t_parse / rounds);
	return 0;
}
