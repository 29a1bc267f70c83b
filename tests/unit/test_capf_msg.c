/*
 * test_capf_msg.c - CAPF messages, certificate proofs, SUDI data and LSC
 * issuance: encoding to the exact bytes of protocols.md, decoding with
 * every malformation refused by name, and signatures checked by an
 * independent route (raw RSA public decryption) as well as our verifier.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

#include "capf_auth.h"
#include "capf_msg.h"
#include "lsc.h"
#include "x509.h"

static const char device[] = "SEP001122334455";

/* A whole message from a body given as bytes. */
static size_t
frame(uint8_t *out, uint8_t command, uint32_t sid, const uint8_t *body,
    uint16_t len)
{
	out[0] = CAPF_PROTOCOL_ID;
	out[1] = command;
	out[2] = (uint8_t)(sid >> 24);
	out[3] = (uint8_t)(sid >> 16);
	out[4] = (uint8_t)(sid >> 8);
	out[5] = (uint8_t)sid;
	out[6] = (uint8_t)(len >> 8);
	out[7] = (uint8_t)len;
	memcpy(out + 8, body, len);
	return 8u + len;
}

static void
encodes_the_documented_bytes(void **state)
{
	const uint8_t der[] = { 0x30, 0x03, 0x02, 0x01, 0x05 };
	const uint8_t expect[] = {
		85, 9, 0xde, 0xad, 0xbe, 0xef, 0x00, 17,
		3, 0x00, 0x01, 1,					/* CERTIFICATE_TYPE LSC */
		4, 0x00, 10, 1, 0x00, 7, 0, 1, 0x30, 0x03, 0x02, 0x01, 0x05,
	};
	struct writer w;

	(void)state;
	capf_msg_begin(&w, CAPF_STORE_CERTIFICATE_REQUEST, 0xdeadbeef);
	assert_int_equal(writer_tlv_u8(&w, CAPF_EL_CERTIFICATE_TYPE, CAPF_CERT_LSC), 0);
	assert_int_equal(capf_put_certificate(&w, CAPF_CERT_LSC, der, sizeof(der)), 0);
	assert_int_equal(capf_msg_end(&w), 0);
	assert_int_equal(w.len, sizeof(expect));
	assert_memory_equal(w.data, expect, sizeof(expect));
	writer_free(&w);
}

static void
round_trips_every_element_kind(void **state)
{
	const uint8_t der[] = { 0x30, 0x00 };
	const uint8_t *p;
	struct capf_msg m;
	struct ucerr err;
	struct writer w;
	char name[64];
	uint16_t u16;
	uint8_t u8, type;
	size_t len;

	(void)state;
	capf_msg_begin(&w, CAPF_AUTH_RESPONSE, 42);
	writer_tlv_u8(&w, CAPF_EL_REASON, CAPF_REASON_UPDATE_CERTIFICATE);
	writer_tlv_u8(&w, CAPF_EL_VERSION, CAPF_VERSION);
	writer_tlv_string(&w, CAPF_EL_DEVICE_NAME, device);
	writer_tlv_string(&w, CAPF_EL_PASSWORD, "");
	writer_tlv_u16(&w, CAPF_EL_KEY_SIZE, 2048);
	capf_put_certificate(&w, CAPF_CERT_MIC, der, sizeof(der));
	writer_tlv(&w, CAPF_EL_SIGNED_DATA, "sig", 3);
	assert_int_equal(capf_msg_end(&w), 0);

	assert_int_equal(capf_msg_decode(w.data, w.len, &m, &err), 0);
	assert_int_equal(m.command, CAPF_AUTH_RESPONSE);
	assert_int_equal(m.session_id, 42);
	assert_int_equal(m.unknown_tag, 0);
	assert_int_equal(capf_msg_u8(&m, CAPF_EL_VERSION, &u8, &err), 0);
	assert_int_equal(u8, 3);
	assert_int_equal(capf_msg_u16(&m, CAPF_EL_KEY_SIZE, &u16, &err), 0);
	assert_int_equal(u16, 2048);
	assert_int_equal(capf_msg_string(&m, CAPF_EL_DEVICE_NAME, name,
	    sizeof(name), &err), 0);
	assert_string_equal(name, device);
	assert_int_equal(capf_msg_string(&m, CAPF_EL_PASSWORD, name,
	    sizeof(name), &err), 0);
	assert_string_equal(name, "");
	assert_int_equal(capf_msg_certificate(&m, &p, &len, &type, &err), 0);
	assert_int_equal(type, CAPF_CERT_MIC);
	assert_int_equal(len, sizeof(der));
	assert_memory_equal(p, der, sizeof(der));
	assert_int_equal(capf_msg_bytes(&m, CAPF_EL_SIGNED_DATA, &p, &len, &err), 0);
	assert_int_equal(len, 3);

	/* Absent and wrongly sized elements are refused by name. */
	assert_int_equal(capf_msg_u8(&m, CAPF_EL_AUTH_TYPE, &u8, &err), -1);
	assert_non_null(strstr(err.msg, "AUTH_TYPE missing"));
	assert_int_equal(capf_msg_u8(&m, CAPF_EL_KEY_SIZE, &u8, &err), -1);
	assert_non_null(strstr(err.msg, "KEY_SIZE length 2, expected 1"));
	assert_int_equal(capf_msg_u16(&m, CAPF_EL_VERSION, &u16, &err), -1);
	assert_int_equal(capf_msg_string(&m, CAPF_EL_DEVICE_NAME, name, 4, &err), -1);
	assert_int_equal(capf_msg_u8(&m, 0, &u8, &err), -1);
	assert_int_equal(capf_msg_u8(&m, 200, &u8, &err), -1);
	writer_free(&w);
}

static void
header_checks(void **state)
{
	uint8_t msg[16] = { 85, 2, 0, 0, 0, 1, 0x00, 0x10 };
	struct ucerr err;
	size_t need;

	(void)state;
	assert_int_equal(capf_msg_need(msg, 5, &need, &err), 0);
	assert_int_equal(need, CAPF_HEADER_LEN);
	assert_int_equal(capf_msg_need(msg, 8, &need, &err), 0);
	assert_int_equal(need, 8 + 16);
	msg[0] = 86;
	assert_int_equal(capf_msg_need(msg, 8, &need, &err), -1);
	assert_non_null(strstr(err.msg, "protocol id 86, expected 85"));
	msg[0] = 85;
	msg[6] = 0xff;
	msg[7] = 0xff;
	assert_int_equal(capf_msg_need(msg, 8, &need, &err), -1);
	assert_non_null(strstr(err.msg, "over the limit"));
}

static void
decoding_refuses_malformed_messages(void **state)
{
	uint8_t buf[64];
	struct capf_msg m;
	struct ucerr err;
	size_t n;

	(void)state;
	/* short header */
	assert_int_equal(capf_msg_decode((const uint8_t *)"\x55\x02\x00", 3,
	    &m, &err), -1);
	assert_non_null(strstr(err.msg, "short header"));
	/* length larger than the data */
	n = frame(buf, CAPF_AUTH_RESPONSE, 1, (const uint8_t *)"\x07\x00\x01\x03", 4);
	buf[7] = 9;
	assert_int_equal(capf_msg_decode(buf, n, &m, &err), -1);
	assert_non_null(strstr(err.msg, "length 9 but only 4 bytes"));
	/* trailing bytes */
	n = frame(buf, CAPF_AUTH_RESPONSE, 1, (const uint8_t *)"\x07\x00\x01\x03", 4);
	assert_int_equal(capf_msg_decode(buf, n + 1, &m, &err), -1);
	/* truncated element: names its byte offset */
	n = frame(buf, CAPF_AUTH_RESPONSE, 1,
	    (const uint8_t *)"\x07\x00\x01\x03\x0d\x00\x20SEP", 10);
	assert_int_equal(capf_msg_decode(buf, n, &m, &err), -1);
	assert_non_null(strstr(err.msg, "element at byte 12 is truncated"));
	/* a tag and half a length */
	n = frame(buf, CAPF_AUTH_RESPONSE, 1, (const uint8_t *)"\x07\x00", 2);
	assert_int_equal(capf_msg_decode(buf, n, &m, &err), -1);
	/* an element twice */
	n = frame(buf, CAPF_AUTH_RESPONSE, 1,
	    (const uint8_t *)"\x07\x00\x01\x03\x07\x00\x01\x03", 8);
	assert_int_equal(capf_msg_decode(buf, n, &m, &err), -1);
	assert_non_null(strstr(err.msg, "VERSION appears twice"));
	/* unknown tags are reported, not fatal to the decoder */
	n = frame(buf, CAPF_AUTH_RESPONSE, 1,
	    (const uint8_t *)"\x63\x00\x02xy\x07\x00\x01\x03", 9);
	assert_int_equal(capf_msg_decode(buf, n, &m, &err), 0);
	assert_int_equal(m.unknown_tag, 0x63);
	/* CERTIFICATE shorter than its prefix, or empty */
	n = frame(buf, CAPF_FETCH_CERTIFICATE_RESPONSE, 1,
	    (const uint8_t *)"\x04\x00\x03\x01\x00\x02", 6);
	assert_int_equal(capf_msg_decode(buf, n, &m, &err), 0);
	{
		const uint8_t *der;
		size_t len;
		uint8_t type;

		assert_int_equal(capf_msg_certificate(&m, &der, &len, &type,
		    &err), -1);
		assert_non_null(strstr(err.msg, "5-byte prefix"));
		n = frame(buf, CAPF_FETCH_CERTIFICATE_RESPONSE, 1,
		    (const uint8_t *)"\x04\x00\x05\x01\x00\x02\x00\x01", 8);
		assert_int_equal(capf_msg_decode(buf, n, &m, &err), 0);
		assert_int_equal(capf_msg_certificate(&m, &der, &len, &type,
		    &err), -1);
		assert_non_null(strstr(err.msg, "empty"));
	}
	/* a string with a NUL inside */
	n = frame(buf, CAPF_AUTH_RESPONSE, 1,
	    (const uint8_t *)"\x0d\x00\x04S\x00P\x00", 7);
	assert_int_equal(capf_msg_decode(buf, n, &m, &err), 0);
	{
		char name[16];

		assert_int_equal(capf_msg_string(&m, CAPF_EL_DEVICE_NAME, name,
		    sizeof(name), &err), -1);
		assert_non_null(strstr(err.msg, "DEVICE_NAME malformed"));
	}
}

static void
writer_refuses_oversized_messages(void **state)
{
	static uint8_t big[CAPF_MESSAGE_MAX];
	struct writer w;

	(void)state;
	capf_msg_begin(&w, CAPF_STORE_CERTIFICATE_REQUEST, 1);
	assert_int_equal(writer_tlv(&w, CAPF_EL_CERTIFICATE, big,
	    sizeof(big) - 4), -1);
	assert_int_equal(capf_msg_end(&w), -1);
	writer_free(&w);
}

/* A self-signed certificate for key (the phone's MIC stand-in). */
static X509 *
self_signed(EVP_PKEY *key, const char *cn)
{
	struct cert_template t;
	struct ucerr err;
	X509 *cert = NULL;

	memset(&t, 0, sizeof(t));
	t.subject.cn = cn;
	t.profile = PROFILE_CA;
	t.days = 30;
	assert_int_equal(cert_build(&t, key, NULL, key, &cert, &err), 0);
	return cert;
}

/* The proof's RSA signature is raw type-1 padding around the bare digest. */
static void
check_raw_rsa_padding(EVP_PKEY *key, const uint8_t *sig, size_t sig_len,
    const EVP_MD *md, const uint8_t *der, size_t der_len)
{
	uint8_t plain[1024], digest[EVP_MAX_MD_SIZE], *data;
	size_t plain_len = sizeof(plain), i, data_len;
	unsigned int digest_len;
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(key, NULL);

	assert_non_null(ctx);
	assert_int_equal(EVP_PKEY_encrypt_init(ctx), 1);
	assert_int_equal(EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_NO_PADDING), 1);
	assert_int_equal(EVP_PKEY_encrypt(ctx, plain, &plain_len, sig, sig_len), 1);
	EVP_PKEY_CTX_free(ctx);
	data_len = sizeof(device) + der_len;
	data = malloc(data_len);
	memcpy(data, device, sizeof(device));
	memcpy(data + sizeof(device), der, der_len);
	EVP_Digest(data, data_len, digest, &digest_len, md, NULL);
	free(data);
	assert_int_equal(plain[0], 0x00);
	assert_int_equal(plain[1], 0x01);
	for (i = 2; i < plain_len - digest_len - 1; i++)
		assert_int_equal(plain[i], 0xff);
	assert_int_equal(plain[i], 0x00);
	assert_memory_equal(plain + i + 1, digest, digest_len);
}

static void
proof_round_trip(const char *spec_name, int check_raw)
{
	struct key_spec spec;
	struct capf_msg m;
	struct ucerr err;
	struct writer w;
	EVP_PKEY *key = NULL;
	X509 *cert;
	uint8_t *der = NULL, *bad;
	const uint8_t *sig, *sha2;
	size_t der_len, sig_len, sha2_len;

	assert_int_equal(key_spec_parse(spec_name, &spec, &err), 0);
	assert_int_equal(key_generate(&spec, &key, &err), 0);
	cert = self_signed(key, "CP-8845-SEP001122334455");
	assert_int_equal(cert_to_der(cert, &der, &der_len, &err), 0);

	capf_msg_begin(&w, CAPF_AUTH_RESPONSE, 7);
	assert_int_equal(capf_proof_write(&w, key, device, der, der_len, &err), 0);
	assert_int_equal(capf_msg_end(&w), 0);
	assert_int_equal(capf_msg_decode(w.data, w.len, &m, &err), 0);
	assert_int_equal(capf_msg_bytes(&m, CAPF_EL_SIGNED_DATA, &sig, &sig_len,
	    &err), 0);
	assert_int_equal(capf_msg_bytes(&m, CAPF_EL_SHA2_SIGNED_DATA, &sha2,
	    &sha2_len, &err), 0);
	assert_int_equal(sha2[0], 3);
	assert_int_equal(capf_proof_verify(cert, device, der, der_len, sig,
	    sig_len, sha2, sha2_len, &err), 0);
	if (check_raw) {
		check_raw_rsa_padding(key, sig, sig_len, EVP_sha1(), der, der_len);
		check_raw_rsa_padding(key, sha2 + 3, sha2_len - 3, EVP_sha512(),
		    der, der_len);
	}
	/* Another device name, a flipped bit, a wrong hash id: refused. */
	assert_int_equal(capf_proof_verify(cert, "SEP001122334466", der, der_len,
	    sig, sig_len, sha2, sha2_len, &err), -1);
	assert_non_null(strstr(err.msg, "SIGNED_DATA does not verify"));
	bad = malloc(sha2_len);
	memcpy(bad, sha2, sha2_len);
	bad[sha2_len - 1] ^= 1;
	assert_int_equal(capf_proof_verify(cert, device, der, der_len, sig,
	    sig_len, bad, sha2_len, &err), -1);
	bad[sha2_len - 1] ^= 1;
	bad[0] = 2;
	assert_int_equal(capf_proof_verify(cert, device, der, der_len, sig,
	    sig_len, bad, sha2_len, &err), -1);
	assert_non_null(strstr(err.msg, "expected 3"));
	assert_int_equal(capf_proof_verify(cert, device, der, der_len, sig,
	    sig_len, bad, 2, &err), -1);
	free(bad);
	writer_free(&w);
	free(der);
	X509_free(cert);
	EVP_PKEY_free(key);
}

static void
proofs_rsa(void **state)
{
	(void)state;
	proof_round_trip("rsa1024", 1);
}

static void
proofs_ec(void **state)
{
	(void)state;
	proof_round_trip("ec256", 0);
	proof_round_trip("ec521", 0);
}

/* A 512-bit RSA key (an old LSC) cannot pad a SHA-512 digest: it signs
 * SIGNED_DATA alone, which passes for it and for no key that can do more. */
static void
proofs_rsa512_sign_what_they_can(void **state)
{
	struct key_spec spec;
	struct capf_msg m;
	struct ucerr err;
	struct writer w;
	EVP_PKEY *key = NULL, *big = NULL;
	X509 *cert, *big_cert;
	uint8_t *der = NULL, *big_der = NULL;
	const uint8_t *sig, *sha2;
	size_t der_len, big_len, sig_len, sha2_len;

	(void)state;
	assert_int_equal(key_spec_parse("rsa512", &spec, &err), 0);
	assert_int_equal(key_generate(&spec, &key, &err), 0);
	assert_int_equal(capf_proof_has_sha2(key), 0);
	cert = self_signed(key, "SEP001122334455");
	assert_int_equal(cert_to_der(cert, &der, &der_len, &err), 0);
	capf_msg_begin(&w, CAPF_AUTH_RESPONSE, 7);
	assert_int_equal(capf_proof_write(&w, key, device, der, der_len, &err), 0);
	assert_int_equal(capf_msg_end(&w), 0);
	assert_int_equal(capf_msg_decode(w.data, w.len, &m, &err), 0);
	assert_int_equal(capf_msg_bytes(&m, CAPF_EL_SIGNED_DATA, &sig, &sig_len,
	    &err), 0);
	assert_int_equal(sig_len, 64);
	assert_int_equal(capf_msg_bytes(&m, CAPF_EL_SHA2_SIGNED_DATA, &sha2,
	    &sha2_len, &err), -1);
	check_raw_rsa_padding(key, sig, sig_len, EVP_sha1(), der, der_len);
	assert_int_equal(capf_proof_verify(cert, device, der, der_len, sig,
	    sig_len, NULL, 0, &err), 0);

	/* A key that can make SHA2_SIGNED_DATA must send it. */
	assert_int_equal(key_spec_parse("rsa1024", &spec, &err), 0);
	assert_int_equal(key_generate(&spec, &big, &err), 0);
	assert_int_equal(capf_proof_has_sha2(big), 1);
	big_cert = self_signed(big, "SEP001122334455");
	assert_int_equal(cert_to_der(big_cert, &big_der, &big_len, &err), 0);
	writer_free(&w);
	capf_msg_begin(&w, CAPF_AUTH_RESPONSE, 7);
	assert_int_equal(capf_proof_write(&w, big, device, big_der, big_len,
	    &err), 0);
	assert_int_equal(capf_msg_end(&w), 0);
	assert_int_equal(capf_msg_decode(w.data, w.len, &m, &err), 0);
	assert_int_equal(capf_msg_bytes(&m, CAPF_EL_SIGNED_DATA, &sig, &sig_len,
	    &err), 0);
	assert_int_equal(capf_proof_verify(big_cert, device, big_der, big_len,
	    sig, sig_len, NULL, 0, &err), -1);
	assert_non_null(strstr(err.msg, "SHA2_SIGNED_DATA missing"));
	writer_free(&w);
	free(der);
	free(big_der);
	X509_free(cert);
	X509_free(big_cert);
	EVP_PKEY_free(key);
	EVP_PKEY_free(big);
}

static void
sudi_round_trip(void **state)
{
	struct key_spec spec = { 0, 1024 };
	struct capf_msg m;
	struct ucerr err;
	struct writer w;
	EVP_PKEY *key = NULL;
	X509 *cert, *got = NULL;
	uint8_t *der = NULL;
	const uint8_t *data;
	size_t der_len, len;
	uint8_t *copy;

	(void)state;
	assert_int_equal(key_generate(&spec, &key, &err), 0);
	cert = self_signed(key, "SUDI");
	assert_int_equal(cert_to_der(cert, &der, &der_len, &err), 0);
	capf_msg_begin(&w, CAPF_AUTH_RESPONSE, 0x01020304);
	assert_int_equal(capf_sudi_write(&w, key, der, der_len, 0x01020304, &err), 0);
	assert_int_equal(capf_msg_end(&w), 0);
	assert_int_equal(capf_msg_decode(w.data, w.len, &m, &err), 0);
	assert_int_equal(capf_msg_bytes(&m, CAPF_EL_SUDI_DATA, &data, &len, &err), 0);
	assert_int_equal(data[0], 0);
	assert_int_equal(capf_sudi_verify(data, len, 0x01020304, &got, &err), 0);
	assert_int_equal(X509_cmp(got, cert), 0);
	X509_free(got);
	/* Signed for another session (the id is little-endian in the data). */
	assert_int_equal(capf_sudi_verify(data, len, 0x04030201, &got, &err), -1);
	assert_null(got);
	/* Every truncation is refused cleanly. */
	for (size_t cut = 0; cut < len; cut += 37)
		assert_int_equal(capf_sudi_verify(data, cut, 0x01020304, &got,
		    &err), -1);
	copy = malloc(len);
	memcpy(copy, data, len);
	copy[10] ^= 0x40;
	assert_int_equal(capf_sudi_verify(copy, len, 0x01020304, &got, &err), -1);
	free(copy);
	writer_free(&w);
	free(der);
	X509_free(cert);
	EVP_PKEY_free(key);
}

static void
lsc_profile(void **state)
{
	struct key_spec ca_spec = { 1, 256 }, phone_spec = { 0, 2048 }, asked;
	struct cert_template t;
	struct ucerr err;
	EVP_PKEY *ca_key = NULL, *phone_key = NULL, *parsed = NULL;
	X509 *ca = NULL, *lsc = NULL;
	uint8_t *spki = NULL;
	int spki_len;
	char cn[64], subject[512], issuer[512];
	BASIC_CONSTRAINTS *bc;
	struct spki_decoder dec;
	ASN1_INTEGER *serial;
	BIGNUM *bn;
	uint32_t ku;

	(void)state;
	assert_int_equal(key_generate(&ca_spec, &ca_key, &err), 0);
	memset(&t, 0, sizeof(t));
	t.subject.cn = "CAPF-0a1b2c3d";
	t.subject.o = "Example Corp";
	t.subject.ou = "VoIP";
	t.subject.l = "Wellington";
	t.subject.st = "WGN";
	t.subject.c = "NZ";
	t.profile = PROFILE_CA;
	t.days = 365;
	assert_int_equal(cert_build(&t, ca_key, NULL, ca_key, &ca, &err), 0);
	assert_int_equal(key_generate(&phone_spec, &phone_key, &err), 0);

	/* The phone's PUBLIC_KEY must be the key asked for. */
	spki_len = i2d_PUBKEY(phone_key, &spki);
	assert_true(spki_len > 0);
	asked = phone_spec;
	assert_int_equal(lsc_public_key(NULL, spki, (size_t)spki_len, &asked, 0,
	    &parsed, &err), 0);
	EVP_PKEY_free(parsed);
	asked.bits = 3072;
	assert_int_equal(lsc_public_key(NULL, spki, (size_t)spki_len, &asked, 0,
	    &parsed, &err), -1);
	asked.is_ec = 1;
	asked.bits = 256;
	assert_int_equal(lsc_public_key(NULL, spki, (size_t)spki_len, &asked, 0,
	    &parsed, &err), -1);
	assert_int_equal(lsc_public_key(NULL, spki, 5, &phone_spec, 0, &parsed,
	    &err), -1);
	/* The server's reusable decoder gives the same answers. */
	assert_int_equal(spki_decoder_init(&dec), 0);
	assert_int_equal(lsc_public_key(&dec, spki, (size_t)spki_len,
	    &phone_spec, 0, &parsed, &err), 0);
	EVP_PKEY_free(parsed);
	assert_int_equal(lsc_public_key(&dec, spki, 5, &phone_spec, 0, &parsed,
	    &err), -1);
	assert_int_equal(lsc_public_key(&dec, spki, (size_t)spki_len,
	    &phone_spec, 0, &parsed, &err), 0);
	EVP_PKEY_free(parsed);
	spki_decoder_free(&dec);

	assert_int_equal(lsc_issue(ca, ca_key, device, spki, (size_t)spki_len,
	    NULL, 1825, &lsc, &err), 0);
	OPENSSL_free(spki);
	{
		/* The key went in as the phone's bytes: it parses back to it. */
		uint8_t *lsc_der;
		size_t lsc_len;
		X509 *back;

		assert_int_equal(cert_to_der(lsc, &lsc_der, &lsc_len, &err), 0);
		assert_int_equal(cert_from_der(lsc_der, lsc_len, &back, &err), 0);
		assert_true(cert_matches_key(back, phone_key));
		X509_free(back);
		OPENSSL_free(lsc_der);
	}
	cert_common_name(lsc, cn, sizeof(cn));
	assert_string_equal(cn, device);
	name_oneline(X509_get_subject_name(lsc), subject, sizeof(subject));
	assert_non_null(strstr(subject, "Example Corp"));
	assert_non_null(strstr(subject, "Wellington"));
	assert_int_equal(X509_NAME_cmp(X509_get_issuer_name(lsc),
	    X509_get_subject_name(ca)), 0);
	name_oneline(X509_get_issuer_name(lsc), issuer, sizeof(issuer));
	assert_non_null(strstr(issuer, "CAPF-0a1b2c3d"));
	assert_int_equal(X509_verify(lsc, ca_key), 1);
	assert_int_equal(X509_get_signature_nid(lsc), NID_ecdsa_with_SHA256);
	serial = X509_get_serialNumber(lsc);
	bn = ASN1_INTEGER_to_BN(serial, NULL);
	assert_true(BN_num_bytes(bn) >= 15 && BN_num_bytes(bn) <= 16);
	BN_free(bn);
	bc = X509_get_ext_d2i(lsc, NID_basic_constraints, NULL, NULL);
	assert_non_null(bc);
	assert_false(bc->ca);
	BASIC_CONSTRAINTS_free(bc);
	assert_int_equal(X509_EXTENSION_get_critical(X509_get_ext(lsc,
	    X509_get_ext_by_NID(lsc, NID_basic_constraints, -1))), 1);
	assert_int_equal(X509_EXTENSION_get_critical(X509_get_ext(lsc,
	    X509_get_ext_by_NID(lsc, NID_key_usage, -1))), 1);
	ku = X509_get_key_usage(lsc);
	assert_true(ku & KU_DIGITAL_SIGNATURE);
	assert_true(ku & KU_KEY_ENCIPHERMENT);
	assert_false(ku & KU_KEY_CERT_SIGN);
	assert_true(X509_get_extended_key_usage(lsc) & XKU_SSL_SERVER);
	assert_true(X509_get_extended_key_usage(lsc) & XKU_SSL_CLIENT);
	assert_int_equal(asn1_time_to_unix(X509_get0_notAfter(lsc)) -
	    asn1_time_to_unix(X509_get0_notBefore(lsc)), 1825L * 86400);
	X509_free(lsc);
	X509_free(ca);
	EVP_PKEY_free(ca_key);
	EVP_PKEY_free(phone_key);
}

/* Version 2 (Jabber): its AUTH_RESPONSE and a SubjectPublicKeyInfo. */
static void
version_2_messages(void **state)
{
	const uint8_t hello[] = {
		7, 0x00, 0x01, 2,
		13, 0x00, 0x08, 'C', 'S', 'F', 'J', 'D', 'O', 'E', 0,
		1, 0x00, 0x01, 1,
	};
	const uint8_t v4[] = { 7, 0x00, 0x01, 4 };
	const struct key_spec rsa = { 0, 2048 };
	uint8_t buf[1024], *spki = NULL, *bad;
	const uint8_t *der;
	size_t n, len;
	struct capf_msg m;
	struct ucerr err;
	struct writer w;
	EVP_PKEY *key;
	char name[64];
	uint8_t version;
	int spki_len;

	(void)state;
	n = frame(buf, CAPF_AUTH_RESPONSE, 7, hello, sizeof(hello));
	assert_int_equal(capf_msg_decode(buf, n, &m, &err), 0);
	assert_int_equal(capf_msg_version(&m, &version, &err), 0);
	assert_int_equal(version, CAPF_VERSION_SOFTPHONE);
	assert_int_equal(capf_msg_string(&m, CAPF_EL_DEVICE_NAME, name,
	    sizeof(name), &err), 0);
	assert_string_equal(name, "CSFJDOE");
	assert_false(m.el[CAPF_EL_PASSWORD].present);
	n = frame(buf, CAPF_AUTH_RESPONSE, 7, v4, sizeof(v4));
	assert_int_equal(capf_msg_decode(buf, n, &m, &err), 0);
	assert_int_equal(capf_msg_version(&m, &version, &err), -1);
	assert_non_null(strstr(err.msg, "unsupported protocol version 4"));

	/* The key a softphone sends: exactly one DER SEQUENCE. */
	assert_int_equal(key_generate(&rsa, &key, &err), 0);
	spki_len = i2d_PUBKEY(key, &spki);
	assert_true(spki_len > 0);
	capf_msg_begin(&w, CAPF_KEY_GENERATE_RESPONSE, 7);
	writer_tlv(&w, CAPF_EL_PUBLIC_KEY, spki, (size_t)spki_len);
	assert_int_equal(capf_msg_end(&w), 0);
	assert_int_equal(capf_msg_decode(w.data, w.len, &m, &err), 0);
	assert_int_equal(capf_msg_spki(&m, &der, &len, &err), 0);
	assert_int_equal(len, (size_t)spki_len);
	writer_free(&w);
	/* A byte past the SEQUENCE, or a SEQUENCE longer than the element. */
	bad = malloc((size_t)spki_len + 1);
	assert_non_null(bad);
	memcpy(bad, spki, (size_t)spki_len);
	bad[spki_len] = 0;
	capf_msg_begin(&w, CAPF_KEY_GENERATE_RESPONSE, 7);
	writer_tlv(&w, CAPF_EL_PUBLIC_KEY, bad, (size_t)spki_len + 1);
	capf_msg_end(&w);
	assert_int_equal(capf_msg_decode(w.data, w.len, &m, &err), 0);
	assert_int_equal(capf_msg_spki(&m, &der, &len, &err), -1);
	assert_non_null(strstr(err.msg, "PUBLIC_KEY SEQUENCE"));
	writer_free(&w);
	capf_msg_begin(&w, CAPF_KEY_GENERATE_RESPONSE, 7);
	writer_tlv(&w, CAPF_EL_PUBLIC_KEY, spki, (size_t)spki_len - 1);
	capf_msg_end(&w);
	assert_int_equal(capf_msg_decode(w.data, w.len, &m, &err), 0);
	assert_int_equal(capf_msg_spki(&m, &der, &len, &err), -1);
	writer_free(&w);
	bad[0] = 0x31;		/* a SET is no SubjectPublicKeyInfo */
	capf_msg_begin(&w, CAPF_KEY_GENERATE_RESPONSE, 7);
	writer_tlv(&w, CAPF_EL_PUBLIC_KEY, bad, (size_t)spki_len);
	capf_msg_end(&w);
	assert_int_equal(capf_msg_decode(w.data, w.len, &m, &err), 0);
	assert_int_equal(capf_msg_spki(&m, &der, &len, &err), -1);
	assert_non_null(strstr(err.msg, "not a DER SEQUENCE"));
	writer_free(&w);
	free(bad);
	OPENSSL_free(spki);
	EVP_PKEY_free(key);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(encodes_the_documented_bytes),
		cmocka_unit_test(round_trips_every_element_kind),
		cmocka_unit_test(header_checks),
		cmocka_unit_test(decoding_refuses_malformed_messages),
		cmocka_unit_test(writer_refuses_oversized_messages),
		cmocka_unit_test(proofs_rsa),
		cmocka_unit_test(proofs_ec),
		cmocka_unit_test(proofs_rsa512_sign_what_they_can),
		cmocka_unit_test(sudi_round_trip),
		cmocka_unit_test(lsc_profile),
		cmocka_unit_test(version_2_messages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
