/*
 * test_itl_files.c - trust lists from certificate files (tlv build): the
 * first SAST signs and must bring its key, the signer version follows
 * the keys, files phones would refuse are refused; and the small format
 * rules beside it (signer version words, role lists, .sgn headers).
 */
#include "test.h"

#include <openssl/pem.h>

#include "itl.h"
#include "itl_files.h"
#include "sgn.h"

static void
signer_version_words(void **state)
{
	struct ucerr err;
	int v = 0;

	(void)state;
	assert_int_equal(signer_version_parse("1.0", &v, &err), 0);
	assert_int_equal(v, 10);
	assert_int_equal(signer_version_parse("1.1", &v, &err), 0);
	assert_int_equal(v, 11);
	assert_int_equal(signer_version_parse("2.0", &v, &err), -1);
	assert_non_null(strstr(err.msg, "1.0 or 1.1"));
}

static void
role_lists_are_named(void **state)
{
	const uint8_t roles[] = { ROLE_CCM_TFTP, ROLE_TVS };
	char out[64], tiny[6];

	(void)state;
	assert_string_equal(role_names_join(roles, 2, out, sizeof(out)),
	    "CCM+TFTP,TVS");
	assert_string_equal(role_names_join(roles, 0, out, sizeof(out)), "");
	/* Truncated, never overrun. */
	role_names_join(roles, 2, tiny, sizeof(tiny));
	assert_int_equal(strlen(tiny), sizeof(tiny) - 1);
}

static void
pem_pair_needs_the_matching_key(void **state)
{
	struct ucerr err;
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;

	(void)state;
	assert_int_equal(cert_key_load_file(test_vector("certs/sast.pem"),
	    &cert, &key, &err), 0);
	assert_true(cert_matches_key(cert, key));
	X509_free(cert);
	EVP_PKEY_free(key);
	/* A certificate alone is enough when no key is asked for. */
	assert_int_equal(cert_key_load_file(test_vector("mfg/mfg-ca.pem"),
	    &cert, NULL, &err), 0);
	X509_free(cert);
	assert_int_equal(cert_key_load_file(test_vector("mfg/mfg-ca.pem"),
	    &cert, &key, &err), -1);
	assert_null(cert);
	assert_non_null(strstr(err.msg, "must be in the same file"));
}

static void
pem_pair_refuses_another_key(void **state)
{
	char path[] = "/tmp/ucpki-pair.XXXXXX", buf[16384];
	X509 *sast = test_vector_cert("certs/sast.pem");
	EVP_PKEY *other = test_vector_key("certs/callmanager.pem");
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;
	struct ucerr err;
	BIO *bio;
	char *pem;
	size_t len;
	int fd, n;

	(void)state;
	/* SAST's certificate with the CallManager's key in one file. */
	assert_int_equal(cert_to_pem(sast, &pem, &len, &err), 0);
	assert_non_null(bio = BIO_new(BIO_s_mem()));
	assert_int_equal(PEM_write_bio_PrivateKey(bio, other, NULL, NULL, 0,
	    NULL, NULL), 1);
	assert_true(len < sizeof(buf));
	memcpy(buf, pem, len);
	n = BIO_read(bio, buf + len, (int)(sizeof(buf) - len));
	assert_true(n > 0);
	assert_true((fd = mkstemp(path)) >= 0);
	close(fd);
	assert_int_equal(file_write_atomic(path, buf, len + (size_t)n, 0600,
	    &err), 0);
	assert_int_equal(cert_key_load_file(path, &cert, &key, &err), -1);
	assert_null(cert);
	assert_null(key);
	assert_non_null(strstr(err.msg, "does not match the key"));
	unlink(path);
	free(pem);
	BIO_free(bio);
	X509_free(sast);
	EVP_PKEY_free(other);
}

static void
build_from_files_signs_with_the_first_sast(void **state)
{
	const struct itl_file_record recs[] = {
		{ ROLE_CCM_TFTP, NULL }, { ROLE_SAST, NULL }, { ROLE_TVS, NULL },
	};
	struct itl_file_record r[3];
	struct itl_files_params p;
	struct itl_file itl;
	struct ucerr err;
	uint8_t *out;
	size_t len;

	(void)state;
	memcpy(r, recs, sizeof(r));
	r[0].path = strdup(test_vector("certs/callmanager.pem"));
	r[1].path = strdup(test_vector("certs/sast.pem"));
	r[2].path = strdup(test_vector("certs/tvs.pem"));
	memset(&p, 0, sizeof(p));
	p.filename = "ITLFile.tlv";
	assert_int_equal(itl_build_files(r, 3, &p, &out, &len, &err), 0);
	assert_int_equal(itl_parse(out, len, &itl, &err), 0);
	assert_int_equal(itl.n_records, 3);
	assert_int_equal(itl.records[itl_signer_index(&itl)].role, ROLE_SAST);
	assert_int_equal(itl_verify(&itl, &err), 0);
	/* RSA only: signer version 1.0; SHA-1 by default; header 1.2. */
	assert_int_equal(itl.hdr.signer_major * 10 + itl.hdr.signer_minor, 10);
	assert_int_equal(itl.hdr.hash_alg, SIG_HASH_SHA1);
	assert_int_equal(itl.hdr.version_major, 1);
	assert_int_equal(itl.hdr.version_minor, 2);
	assert_string_equal(itl.hdr.filename, "ITLFile.tlv");
	itl_free(&itl);
	free(out);
	free((char *)r[0].path);
	free((char *)r[1].path);
	free((char *)r[2].path);
}

static void
build_from_files_version_follows_ec(void **state)
{
	struct itl_file_record r[2];
	struct itl_files_params p;
	struct itl_file itl;
	struct ucerr err;
	uint8_t *out;
	size_t len;

	(void)state;
	r[0].role = ROLE_SAST;
	r[0].path = strdup(test_vector("certs/sast.pem"));
	r[1].role = ROLE_TFTP;
	r[1].path = strdup(test_vector("certs/tftp-ec.pem"));
	memset(&p, 0, sizeof(p));
	p.filename = "x.tlv";
	assert_int_equal(itl_build_files(r, 2, &p, &out, &len, &err), 0);
	assert_int_equal(itl_parse(out, len, &itl, &err), 0);
	assert_int_equal(itl.hdr.signer_major * 10 + itl.hdr.signer_minor, 11);
	itl_free(&itl);
	free(out);
	/* Asked for 1.0, an EC record is refused. */
	p.signer_version = 10;
	assert_int_equal(itl_build_files(r, 2, &p, &out, &len, &err), -1);
	free((char *)r[0].path);
	free((char *)r[1].path);
}

static void
build_from_files_needs_a_signer(void **state)
{
	struct itl_file_record r[1];
	struct itl_files_params p;
	struct ucerr err;
	uint8_t *out;
	size_t len;

	(void)state;
	r[0].role = ROLE_CCM;
	r[0].path = strdup(test_vector("certs/callmanager.pem"));
	memset(&p, 0, sizeof(p));
	p.filename = "x.tlv";
	assert_int_equal(itl_build_files(r, 1, &p, &out, &len, &err), -1);
	assert_null(out);
	assert_non_null(strstr(err.msg, "SAST"));
	free((char *)r[0].path);
	/* The first SAST's file must bring the key. */
	r[0].role = ROLE_SAST;
	r[0].path = strdup(test_vector("mfg/mfg-ca.pem"));
	assert_int_equal(itl_build_files(r, 1, &p, &out, &len, &err), -1);
	assert_non_null(strstr(err.msg, "must be in the same file"));
	free((char *)r[0].path);
}

static void
build_from_files_refuses_what_phones_refuse(void **state)
{
	struct itl_file_record *r;
	struct itl_files_params p;
	struct ucerr err;
	uint8_t *out;
	size_t len, i, n = 300;
	char *sast = strdup(test_vector("certs/sast.pem"));
	char *ccm = strdup(test_vector("certs/callmanager.pem"));

	(void)state;
	assert_non_null(r = calloc(n, sizeof(*r)));
	r[0].role = ROLE_SAST;
	r[0].path = sast;
	for (i = 1; i < n; i++) {
		r[i].role = ROLE_CCM;
		r[i].path = ccm;
	}
	memset(&p, 0, sizeof(p));
	p.filename = "big.tlv";
	assert_int_equal(itl_build_files(r, n, &p, &out, &len, &err),
	    ITL_FILES_TOO_LARGE);
	assert_null(out);
	assert_non_null(strstr(err.msg, "phones refuse files larger than"));
	p.no_size_limit = 1;
	assert_int_equal(itl_build_files(r, n, &p, &out, &len, &err), 0);
	assert_true(len > ITL_PHONE_MAX_BYTES);
	free(out);
	free(r);
	free(sast);
	free(ccm);
}

static void
sgn_headers_are_version_1_0(void **state)
{
	struct sigfile_params p;
	struct sigfile_header hdr;
	struct ucerr err;
	const uint8_t *body;
	uint8_t *out;
	size_t len, body_len;

	(void)state;
	memset(&p, 0, sizeof(p));
	/* Whatever the caller says, the format's versions are written. */
	p.version_major = 2;
	p.signer_version = 11;
	p.hash_alg = SIG_HASH_SHA1;
	p.filename = "x.sgn";
	p.signer = test_vector_cert("certs/callmanager.pem");
	p.key = test_vector_key("certs/callmanager.pem");
	assert_int_equal(sgn_sign((const uint8_t *)"hello", 5, &p, &out, &len,
	    &err), 0);
	assert_int_equal(sgn_parse(out, len, &hdr, &body, &body_len, &err), 0);
	assert_int_equal(hdr.version_major, 1);
	assert_int_equal(hdr.version_minor, 0);
	assert_false(hdr.has_signer_version);
	assert_int_equal(body_len, 5);
	assert_int_equal(sgn_verify_cert(out, len, p.signer, &err), 0);
	free(out);
	X509_free(p.signer);
	EVP_PKEY_free(p.key);
}

static void
base_names(void **state)
{
	(void)state;
	assert_string_equal(path_base("/a/b/SEP1.cnf.xml"), "SEP1.cnf.xml");
	assert_string_equal(path_base("SEP1.cnf.xml"), "SEP1.cnf.xml");
	assert_string_equal(path_base("dir/"), "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(signer_version_words),
		cmocka_unit_test(role_lists_are_named),
		cmocka_unit_test(pem_pair_needs_the_matching_key),
		cmocka_unit_test(pem_pair_refuses_another_key),
		cmocka_unit_test(build_from_files_signs_with_the_first_sast),
		cmocka_unit_test(build_from_files_version_follows_ec),
		cmocka_unit_test(build_from_files_needs_a_signer),
		cmocka_unit_test(build_from_files_refuses_what_phones_refuse),
		cmocka_unit_test(sgn_headers_are_version_1_0),
		cmocka_unit_test(base_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
