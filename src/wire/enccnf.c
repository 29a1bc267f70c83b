/* enccnf.c - encrypted configuration files (see enccnf.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#include "enccnf.h"
#include "x509.h"

#define AES_KEY_LEN	16
#define AES_BLOCK	16

void
enccnf_out_free(struct enccnf_out *out)
{
	free(out->enc);
	free(out->stub);
	memset(out, 0, sizeof(*out));
}

static int
aes_cbc(int encrypt, const uint8_t key[AES_KEY_LEN], const uint8_t iv[16],
    const uint8_t *in, size_t len, uint8_t *out, struct ucerr *err)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int n = 0, rc = -1;

	if (len > 0x7fffffff || len % AES_BLOCK != 0)
		return ucerr_set(err, "encryption: body length %zu is not a "
		    "multiple of 16", len);
	if (ctx != NULL &&
	    EVP_CipherInit_ex(ctx, EVP_aes_128_cbc(), NULL, key, iv,
	    encrypt) == 1 && EVP_CIPHER_CTX_set_padding(ctx, 0) == 1 &&
	    EVP_CipherUpdate(ctx, out, &n, in, (int)len) == 1 &&
	    (size_t)n == len)
		rc = 0;
	else
		ucerr_ssl(err, "encryption: AES-128-CBC failed");
	EVP_CIPHER_CTX_free(ctx);
	return rc;
}

static int
rsa_pkcs1(int wrap, EVP_PKEY *key, const uint8_t *in, size_t in_len,
    uint8_t *out, size_t *out_len, struct ucerr *err)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(key, NULL);
	int rc = -1;

	if (ctx == NULL || EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) {
		ucerr_set(err, "encryption: the phone's key must be RSA");
		goto out;
	}
	if ((wrap ? EVP_PKEY_encrypt_init(ctx) : EVP_PKEY_decrypt_init(ctx)) != 1 ||
	    EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) != 1 ||
	    (wrap ? EVP_PKEY_encrypt(ctx, out, out_len, in, in_len) :
	    EVP_PKEY_decrypt(ctx, out, out_len, in, in_len)) != 1) {
		ucerr_ssl(err, wrap ? "encryption: cannot wrap the key" :
		    "decryption: cannot unwrap the key (not this phone's key?)");
		goto out;
	}
	rc = 0;
out:
	EVP_PKEY_CTX_free(ctx);
	return rc;
}

static int
digest(uint8_t hash_alg, const uint8_t *data, size_t len, uint8_t *md,
    unsigned int *md_len)
{
	return EVP_Digest(data, len, md, md_len, sig_hash_md(hash_alg),
	    NULL) == 1 ? 0 : -1;
}

/* ENCRYPTION_INFO and the plaintext digest, appended after TIMESTAMP. */
static int
encryption_header(struct writer *w, const uint8_t iv[16], uint16_t padding,
    const uint8_t *wrapped, size_t wrapped_len, uint8_t hash_alg,
    const uint8_t *md, unsigned int md_len)
{
	struct writer iv_info, key_info, info;
	int rc;

	writer_init(&iv_info, 0);
	writer_init(&key_info, 0);
	writer_init(&info, 0);
	writer_tlv_u8(&iv_info, HDR_IV_UNKNOWN, 0);
	writer_tlv(&iv_info, HDR_IV, iv, 16);
	writer_tlv_u16(&iv_info, HDR_IV_PADDING, padding);
	writer_tlv_u8(&key_info, HDR_KEY_UNKNOWN, 0);
	writer_tlv_u16(&key_info, HDR_KEY_SIZE, (uint16_t)(wrapped_len * 8));
	writer_tlv_u8(&key_info, HDR_KEY_ALGORITHM, 1);
	writer_tlv(&key_info, HDR_KEY, wrapped, wrapped_len);
	writer_tlv(&info, HDR_IV_INFO, iv_info.data, iv_info.len);
	writer_tlv(&info, HDR_KEY_INFO, key_info.data, key_info.len);
	writer_tlv(w, HDR_ENCRYPTION_INFO, info.data, info.len);
	writer_tlv_u8(w, HDR_ENCRYPTION_HASH_ALGORITHM, hash_alg);
	writer_tlv(w, HDR_ENCRYPTION_HASH, md, md_len);
	rc = iv_info.failed || key_info.failed || info.failed || w->failed ?
	    -1 : 0;
	writer_free(&iv_info);
	writer_free(&key_info);
	writer_free(&info);
	return rc;
}

static int
is_element(xmlNodePtr node, const char *name)
{
	return node->type == XML_ELEMENT_NODE &&
	    xmlStrcmp(node->name, (const xmlChar *)name) == 0;
}

/*
 * The stub keeps what the phone needs before it can decrypt the real
 * file: address mode, firmware, CAPF settings; plus certHash and
 * encrConfig so it knows to fetch and decrypt.
 */
static int
stub_xml(const uint8_t *xml, size_t len, X509 *device_cert, xmlChar **out,
    int *out_len, struct ucerr *err)
{
	static const char *const kept[] = { "ipAddressMode", "loadInformation",
	    "capfAuthMode", "capfList" };
	xmlDocPtr doc = NULL, stub = NULL;
	xmlNodePtr root, stub_root, child;
	char hash[33];
	size_t i;
	int rc = -1;

	if (len > 0x7fffffff)
		return ucerr_set(err, "configuration: too large");
	doc = xmlReadMemory((const char *)xml, (int)len, "cnf.xml", NULL,
	    XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_NOERROR |
	    XML_PARSE_NOWARNING);
	if (doc == NULL) {
		ucerr_set(err, "configuration: not well-formed XML");
		goto out;
	}
	root = xmlDocGetRootElement(doc);
	if (root == NULL || !is_element(root, "device")) {
		ucerr_set(err, "configuration: root element is not <device>");
		goto out;
	}
	stub = xmlNewDoc((const xmlChar *)"1.0");
	stub_root = xmlNewNode(NULL, (const xmlChar *)"device");
	xmlDocSetRootElement(stub, stub_root);
	xmlNewTextChild(stub_root, NULL, (const xmlChar *)"fullConfig",
	    (const xmlChar *)"false");
	for (child = root->children; child != NULL; child = child->next)
		for (i = 0; i < sizeof(kept) / sizeof(kept[0]); i++)
			if (is_element(child, kept[i]))
				xmlAddChild(stub_root, xmlDocCopyNode(child, stub, 1));
	cert_md5_hex(device_cert, hash);
	xmlNewTextChild(stub_root, NULL, (const xmlChar *)"certHash",
	    (const xmlChar *)hash);
	xmlNewTextChild(stub_root, NULL, (const xmlChar *)"encrConfig",
	    (const xmlChar *)"true");
	xmlDocDumpFormatMemoryEnc(stub, out, out_len, "UTF-8", 1);
	if (*out == NULL) {
		ucerr_set(err, "configuration: cannot write the stub");
		goto out;
	}
	rc = 0;
out:
	xmlFreeDoc(doc);
	xmlFreeDoc(stub);
	return rc;
}

int
enccnf_stub(const uint8_t *xml, size_t len, X509 *device_cert, uint8_t **out,
    size_t *out_len, struct ucerr *err)
{
	xmlChar *stub = NULL;
	int stub_len = 0;

	*out = NULL;
	if (stub_xml(xml, len, device_cert, &stub, &stub_len, err) == -1)
		return -1;
	if ((*out = malloc((size_t)stub_len + 1)) == NULL) {
		xmlFree(stub);
		return ucerr_set(err, "configuration: out of memory");
	}
	memcpy(*out, stub, (size_t)stub_len);
	(*out)[stub_len] = '\0';
	*out_len = (size_t)stub_len;
	xmlFree(stub);
	return 0;
}

int
enccnf_encrypt(const uint8_t *xml, size_t xml_len, const char *name,
    X509 *device_cert, const struct sigfile_params *p, struct enccnf_out *out,
    struct ucerr *err)
{
	struct sigfile_params ep = *p, sp = *p;
	struct writer extra;
	uint8_t key[AES_KEY_LEN], iv[16], md[EVP_MAX_MD_SIZE], wrapped[1024];
	uint8_t *padded = NULL, *cipher = NULL;
	size_t wrapped_len = sizeof(wrapped), padded_len, padding;
	unsigned int md_len = 0;
	char enc_name[300], sgn_name[300];
	xmlChar *stub = NULL;
	int stub_len = 0, rc = -1;

	memset(out, 0, sizeof(*out));
	writer_init(&extra, 0);
	if (X509_get0_pubkey(device_cert) == NULL ||
	    EVP_PKEY_get_base_id(X509_get0_pubkey(device_cert)) != EVP_PKEY_RSA)
		return ucerr_set(err, "encryption: the phone's certificate must "
		    "have an RSA key");
	if (stub_xml(xml, xml_len, device_cert, &stub, &stub_len, err) == -1)
		goto out;
	if (digest(p->hash_alg, xml, xml_len, md, &md_len) == -1 ||
	    RAND_bytes(key, sizeof(key)) != 1 || RAND_bytes(iv, sizeof(iv)) != 1) {
		ucerr_ssl(err, "encryption: cannot make a key");
		goto out;
	}
	/* Always 1..16 bytes of '\r', as the phones expect. */
	padding = AES_BLOCK - xml_len % AES_BLOCK;
	padded_len = xml_len + padding;
	if ((padded = malloc(padded_len)) == NULL ||
	    (cipher = malloc(padded_len)) == NULL) {
		ucerr_set(err, "encryption: out of memory");
		goto out;
	}
	memcpy(padded, xml, xml_len);
	memset(padded + xml_len, '\r', padding);
	if (aes_cbc(1, key, iv, padded, padded_len, cipher, err) == -1 ||
	    rsa_pkcs1(1, X509_get0_pubkey(device_cert), key, sizeof(key),
	    wrapped, &wrapped_len, err) == -1)
		goto out;
	if (encryption_header(&extra, iv, (uint16_t)padding, wrapped,
	    wrapped_len, p->hash_alg, md, md_len) == -1) {
		ucerr_set(err, "encryption: header too long");
		goto out;
	}
	snprintf(enc_name, sizeof(enc_name), "%s.enc.sgn", name);
	snprintf(sgn_name, sizeof(sgn_name), "%s.sgn", name);
	ep.version_major = 2;
	ep.version_minor = 0;
	ep.signer_version = 0;
	ep.filename = enc_name;
	ep.extra = extra.data;
	ep.extra_len = extra.len;
	sp.version_major = 1;
	sp.version_minor = 0;
	sp.signer_version = 0;
	sp.filename = sgn_name;
	if (sigfile_build(&ep, cipher, padded_len, &out->enc, &out->enc_len,
	    err) == -1 ||
	    sigfile_build(&sp, stub, (size_t)stub_len, &out->stub,
	    &out->stub_len, err) == -1) {
		enccnf_out_free(out);
		goto out;
	}
	rc = 0;
out:
	OPENSSL_cleanse(key, sizeof(key));
	if (padded != NULL) {
		OPENSSL_cleanse(padded, padded_len);
		free(padded);
	}
	free(cipher);
	xmlFree(stub);
	writer_free(&extra);
	return rc;
}

int
enccnf_decrypt(const uint8_t *data, size_t len, EVP_PKEY *device_key,
    X509 *signer, uint8_t **xml, size_t *xml_len, struct ucerr *err)
{
	struct sigfile_header hdr;
	uint8_t key[512], md[EVP_MAX_MD_SIZE], *plain = NULL;
	size_t key_len = sizeof(key), body_len;
	unsigned int md_len = 0;
	int rc = -1;

	*xml = NULL;
	if (sigfile_header_parse(data, len, &hdr, err) == -1)
		return -1;
	if (!hdr.encrypted)
		return ucerr_set(err, "not an encrypted configuration (no "
		    "ENCRYPTION_INFO)");
	if (signer != NULL && sigfile_verify(data, len, &hdr, signer, err) == -1)
		return -1;
	body_len = len - hdr.header_length;
	if (body_len == 0 || body_len % AES_BLOCK != 0)
		return ucerr_set(err, "encrypted body length %zu is not a "
		    "multiple of 16", body_len);
	if (hdr.iv_padding == 0 || hdr.iv_padding > AES_BLOCK)
		return ucerr_set(err, "header: PADDING %u out of range 1..16",
		    hdr.iv_padding);
	if (rsa_pkcs1(0, device_key, hdr.wrapped_key, hdr.wrapped_key_len, key,
	    &key_len, err) == -1)
		return -1;
	if (key_len != AES_KEY_LEN) {
		ucerr_set(err, "decryption: wrapped key is %zu bytes, expected 16",
		    key_len);
		goto out;
	}
	if ((plain = malloc(body_len)) == NULL) {
		ucerr_set(err, "decryption: out of memory");
		goto out;
	}
	if (aes_cbc(0, key, hdr.iv, data + hdr.header_length, body_len, plain,
	    err) == -1)
		goto out;
	body_len -= hdr.iv_padding;
	if (digest(hdr.enc_hash_alg, plain, body_len, md, &md_len) == -1 ||
	    md_len != hdr.enc_hash_len || memcmp(md, hdr.enc_hash, md_len) != 0) {
		ucerr_set(err, "decryption: the plaintext digest does not match "
		    "ENCRYPTION_HASH (wrong key or corrupt file)");
		goto out;
	}
	*xml = plain;
	*xml_len = body_len;
	plain = NULL;
	rc = 0;
out:
	OPENSSL_cleanse(key, sizeof(key));
	free(plain);
	return rc;
}
