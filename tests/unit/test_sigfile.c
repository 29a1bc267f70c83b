/*
 * test_sigfile.c - ITL/CTL, .sgn and .enc.sgn against the golden files:
 * every vector parses and verifies, a flipped byte anywhere fails cleanly,
 * and what ucpki builds round-trips.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "enccnf.h"
#include "fileio.h"
#include "itl.h"
#include "sgn.h"
#include "x509.h"

static const char *
vector(const char *name)
{
	static char path[4096];
	const char *dir = getenv("UCPKI_VECTORS");

	snprintf(path, sizeof(path), "%s/%s", dir ? dir : "tests/vectors",
	    name);
	return path;
}

static void
load(const char *name, uint8_t **data, size_t *len)
{
	struct ucerr err;

	assert_int_equal(file_read(vector(name), FILE_READ_MAX, data, len, &err), 0);
}

static X509 *
cert_of(const char *name)
{
	STACK_OF(X509) *certs;
	struct ucerr err;
	X509 *cert;

	assert_int_equal(certs_load_file(vector(name), &certs, &err), 0);
	cert = X509_dup(sk_X509_value(certs, 0));
	sk_X509_pop_free(certs, X509_free);
	return cert;
}

static EVP_PKEY *
key_of(const char *name)
{
	struct ucerr err;
	EVP_PKEY *key;

	assert_int_equal(key_load_file(vector(name), &key, &err), 0);
	return key;
}

static const char *const tlv_vectors[] = {
	"ITLFile-sha1-v1.0.tlv", "ITLFile-sha512-v1.1.tlv", "CTLFile-sha1.tlv",
};

static void
every_tlv_vector_parses_and_verifies(void **state)
{
	struct itl_file itl;
	struct ucerr err;
	uint8_t *data;
	size_t len, i;

	(void)state;
	for (i = 0; i < 3; i++) {
		load(tlv_vectors[i], &data, &len);
		if (itl_parse(data, len, &itl, &err) != 0)
			fail_msg("%s: %s", tlv_vectors[i], err.msg);
		if (itl_verify(&itl, &err) != 0)
			fail_msg("%s: %s", tlv_vectors[i], err.msg);
		assert_int_equal(itl.records[itl_signer_index(&itl)].role,
		    ROLE_SAST);
		itl_free(&itl);
		free(data);
	}
	load("ITLFile-sha512-v1.1.tlv", &data, &len);
	assert_int_equal(itl_parse(data, len, &itl, &err), 0);
	assert_int_equal(itl.n_records, 6);
	assert_int_equal(itl.hdr.hash_alg, SIG_HASH_SHA512);
	assert_int_equal(itl.hdr.signer_minor, 1);
	itl_free(&itl);
	free(data);
}

/* Flips each byte in turn: parse may fail or succeed, verify must fail. */
static void
flip_every_byte(const char *name, int (*check)(const uint8_t *, size_t))
{
	uint8_t *data;
	size_t len, i;

	load(name, &data, &len);
	assert_int_equal(check(data, len), 0);
	for (i = 0; i < len; i++) {
		data[i] ^= 0x5a;
		if (check(data, len) == 0)
			fail_msg("%s: byte %zu flipped still verifies", name, i);
		data[i] ^= 0x5a;
	}
	free(data);
}

static int
check_tlv(const uint8_t *data, size_t len)
{
	struct itl_file itl;
	struct ucerr err;
	int rc;

	if (itl_parse(data, len, &itl, &err) == -1)
		return -1;
	rc = itl_verify(&itl, &err);
	itl_free(&itl);
	return rc;
}

static X509 *callmanager;

static int
check_sgn(const uint8_t *data, size_t len)
{
	struct ucerr err;

	return sgn_verify_cert(data, len, callmanager, &err);
}

static void
a_flipped_byte_anywhere_fails(void **state)
{
	(void)state;
	flip_every_byte("ITLFile-sha1-v1.0.tlv", check_tlv);
	flip_every_byte("ITLFile-sha512-v1.1.tlv", check_tlv);
	flip_every_byte("CTLFile-sha1.tlv", check_tlv);
	callmanager = cert_of("certs/callmanager.pem");
	flip_every_byte("SEP001122334455.cnf.xml.sha1.sgn", check_sgn);
	flip_every_byte("SEP001122334455.cnf.xml.sha512.sgn", check_sgn);
	flip_every_byte("SEP001122334455.cnf.xml.enc.sgn", check_sgn);
	flip_every_byte("SEP001122334455.cnf.xml.enc-stub.sgn", check_sgn);
	X509_free(callmanager);
}

static void
truncations_fail_cleanly(void **state)
{
	uint8_t *data;
	size_t len, cut;

	(void)state;
	load("ITLFile-sha512-v1.1.tlv", &data, &len);
	for (cut = 0; cut < len; cut++)
		assert_int_equal(check_tlv(data, cut), -1);
	free(data);
}

static void
sgn_vectors_verify_and_strip(void **state)
{
	static const char *const sgn[] = { "SEP001122334455.cnf.xml.sha1.sgn",
	    "SEP001122334455.cnf.xml.sha512.sgn" };
	struct sigfile_header hdr;
	struct itl_file itl;
	struct ucerr err;
	const uint8_t *body;
	uint8_t *data, *plain, *itl_data;
	size_t len, plain_len, body_len, itl_len, i;
	X509 *cm = cert_of("certs/callmanager.pem");
	int record = -1;

	(void)state;
	load("SEP001122334455.cnf.xml", &plain, &plain_len);
	load("ITLFile-sha1-v1.0.tlv", &itl_data, &itl_len);
	assert_int_equal(itl_parse(itl_data, itl_len, &itl, &err), 0);
	for (i = 0; i < 2; i++) {
		load(sgn[i], &data, &len);
		assert_int_equal(sgn_verify_cert(data, len, cm, &err), 0);
		if (sgn_verify_itl(data, len, &itl, &record, &err) != 0)
			fail_msg("%s: %s", sgn[i], err.msg);
		assert_int_equal(itl.records[record].role, ROLE_CCM_TFTP);
		assert_int_equal(sgn_parse(data, len, &hdr, &body, &body_len,
		    &err), 0);
		assert_int_equal(body_len, plain_len);
		assert_memory_equal(body, plain, plain_len);
		free(data);
	}
	itl_free(&itl);
	free(itl_data);
	free(plain);
	X509_free(cm);
}

static void
enc_vector_decrypts(void **state)
{
	EVP_PKEY *lsc_key = key_of("SEP001122334455-lsc.pem");
	X509 *cm = cert_of("certs/callmanager.pem");
	uint8_t *data, *plain, *xml;
	size_t len, plain_len, xml_len;
	struct ucerr err;

	(void)state;
	load("SEP001122334455.cnf.xml.enc.sgn", &data, &len);
	load("SEP001122334455.cnf.xml", &plain, &plain_len);
	if (enccnf_decrypt(data, len, lsc_key, cm, &xml, &xml_len, &err) != 0)
		fail_msg("%s", err.msg);
	assert_int_equal(xml_len, plain_len);
	assert_memory_equal(xml, plain, plain_len);
	free(xml);
	/* the wrong key is refused, not crashed on */
	EVP_PKEY_free(lsc_key);
	lsc_key = key_of("certs/tvs.pem");
	assert_int_equal(enccnf_decrypt(data, len, lsc_key, NULL, &xml,
	    &xml_len, &err), -1);
	EVP_PKEY_free(lsc_key);
	X509_free(cm);
	free(data);
	free(plain);
}

static void
build_show_verify_round_trips(void **state)
{
	static const char *const files[] = { "certs/sast.pem",
	    "certs/callmanager.pem", "certs/capf.pem", "certs/tvs.pem",
	    "certs/app-server.pem", "certs/tftp-ec.pem" };
	static const int roles[] = { ROLE_SAST, ROLE_CCM_TFTP, ROLE_CAPF,
	    ROLE_TVS, ROLE_APP_SERVER, ROLE_TFTP };
	struct itl_entry entries[6];
	struct sigfile_params p;
	struct itl_file itl;
	struct ucerr err;
	uint8_t *out;
	size_t len, i, v;
	uint8_t hashes[2] = { SIG_HASH_SHA1, SIG_HASH_SHA512 };
	FILE *devnull = fopen("/dev/null", "w");

	(void)state;
	for (i = 0; i < 6; i++) {
		entries[i].cert = cert_of(files[i]);
		entries[i].role = roles[i];
	}
	memset(&p, 0, sizeof(p));
	p.version_major = 1;
	p.version_minor = 2;
	p.filename = "ITLFile.tlv";
	p.signer = entries[0].cert;
	p.key = key_of("certs/sast.pem");
	for (v = 0; v < 2; v++) {
		p.hash_alg = hashes[v];
		/* v1.0 refuses the EC record, naming it */
		p.signer_version = 10;
		assert_int_equal(itl_build(entries, 6, &p, &out, &len, &err), -1);
		assert_non_null(strstr(err.msg, "ITL record 6 (TFTP"));
		assert_int_equal(itl_build(entries, 5, &p, &out, &len, &err), 0);
		assert_int_equal(itl_parse(out, len, &itl, &err), 0);
		assert_int_equal(itl_verify(&itl, &err), 0);
		itl_free(&itl);
		free(out);
		p.signer_version = 11;
		assert_int_equal(itl_build(entries, 6, &p, &out, &len, &err), 0);
		assert_int_equal(len % 1, 0);
		assert_int_equal(itl_parse(out, len, &itl, &err), 0);
		assert_int_equal(itl.hdr.header_length % 4, 0);
		assert_int_equal(itl.n_records, 6);
		assert_int_equal(itl_verify(&itl, &err), 0);
		assert_int_equal(itl_find_cert(&itl, entries[5].cert,
		    ROLE_BIT(ROLE_TFTP)), 5);
		assert_int_equal(itl_find_cert(&itl, entries[5].cert,
		    ROLE_BIT(ROLE_CAPF)), -1);
		itl_show(devnull, &itl, "ITLFile.tlv");
		itl_free(&itl);
		free(out);
	}
	for (i = 0; i < 6; i++)
		X509_free(entries[i].cert);
	EVP_PKEY_free(p.key);
	fclose(devnull);
}

static void
sign_encrypt_round_trips(void **state)
{
	struct sigfile_params p;
	struct enccnf_out enc;
	struct sigfile_header hdr;
	struct ucerr err;
	const uint8_t *body;
	uint8_t *plain, *out, *xml;
	size_t plain_len, len, body_len, xml_len;
	X509 *lsc = cert_of("SEP001122334455-lsc.pem");
	EVP_PKEY *lsc_key = key_of("SEP001122334455-lsc.pem");

	(void)state;
	load("SEP001122334455.cnf.xml", &plain, &plain_len);
	memset(&p, 0, sizeof(p));
	p.version_major = 1;
	p.hash_alg = SIG_HASH_SHA512;
	p.filename = "SEP001122334455.cnf.xml.sgn";
	p.signer = cert_of("certs/callmanager.pem");
	p.key = key_of("certs/callmanager.pem");
	assert_int_equal(sgn_sign(plain, plain_len, &p, &out, &len, &err), 0);
	assert_int_equal(sgn_verify_cert(out, len, p.signer, &err), 0);
	assert_int_equal(sgn_parse(out, len, &hdr, &body, &body_len, &err), 0);
	assert_int_equal(body_len, plain_len);
	assert_memory_equal(body, plain, plain_len);
	free(out);
	assert_int_equal(enccnf_encrypt(plain, plain_len,
	    "SEP001122334455.cnf.xml", lsc, &p, &enc, &err), 0);
	assert_int_equal(enccnf_decrypt(enc.enc, enc.enc_len, lsc_key, p.signer,
	    &xml, &xml_len, &err), 0);
	assert_int_equal(xml_len, plain_len);
	assert_memory_equal(xml, plain, plain_len);
	assert_int_equal(sgn_verify_cert(enc.stub, enc.stub_len, p.signer, &err), 0);
	assert_int_equal(sgn_parse(enc.stub, enc.stub_len, &hdr, &body,
	    &body_len, &err), 0);
	assert_non_null(memmem(body, body_len, "<encrConfig>true</encrConfig>", 29));
	assert_non_null(memmem(body, body_len, "<fullConfig>false</fullConfig>", 30));
	free(xml);
	enccnf_out_free(&enc);
	/* not XML, not <device>: refused */
	assert_int_equal(enccnf_encrypt((const uint8_t *)"<x/>", 4, "a.cnf.xml",
	    lsc, &p, &enc, &err), -1);
	assert_non_null(strstr(err.msg, "<device>"));
	assert_int_equal(enccnf_encrypt((const uint8_t *)"<device", 7,
	    "a.cnf.xml", lsc, &p, &enc, &err), -1);
	X509_free(p.signer);
	EVP_PKEY_free(p.key);
	X509_free(lsc);
	EVP_PKEY_free(lsc_key);
	free(plain);
}

static void
names_compare_across_separators(void **state)
{
	(void)state;
	assert_true(sigfile_names_equal("CN=a,O=Example Corp,C=NZ",
	    "CN=a;C=NZ;O=Example Corp"));
	assert_false(sigfile_names_equal("CN=a,O=b", "CN=a;O=c"));
	assert_false(sigfile_names_equal("CN=a,O=b", "CN=a"));
	assert_true(sigfile_names_equal("CN=x\\,y,O=b", "O=b;CN=x\\,y"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_tlv_vector_parses_and_verifies),
		cmocka_unit_test(a_flipped_byte_anywhere_fails),
		cmocka_unit_test(truncations_fail_cleanly),
		cmocka_unit_test(sgn_vectors_verify_and_strip),
		cmocka_unit_test(enc_vector_decrypts),
		cmocka_unit_test(build_show_verify_round_trips),
		cmocka_unit_test(sign_encrypt_round_trips),
		cmocka_unit_test(names_compare_across_separators),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
