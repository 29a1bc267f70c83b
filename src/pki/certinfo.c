/* certinfo.c - describing one certificate (see certinfo.h). */
#include <string.h>

#include <openssl/bio.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include "certinfo.h"
#include "clock.h"
#include "text.h"
#include "x509.h"

void
certinfo_get(X509 *cert, struct certinfo *info)
{
	EVP_PKEY *pub = X509_get0_pubkey(cert);
	int nid;

	memset(info, 0, sizeof(*info));
	cert_common_name(cert, info->common_name, sizeof(info->common_name));
	name_oneline(X509_get_subject_name(cert), info->subject,
	    sizeof(info->subject));
	name_oneline(X509_get_issuer_name(cert), info->issuer,
	    sizeof(info->issuer));
	cert_serial_hex(cert, info->serial, sizeof(info->serial));
	cert_sha256_hex(cert, info->sha256);
	if (pub != NULL)
		key_describe(pub, info->key_type, sizeof(info->key_type),
		    &info->key_bits);
	nid = X509_get_signature_nid(cert);
	snprintf(info->sig_alg, sizeof(info->sig_alg), "%s",
	    nid != NID_undef ? OBJ_nid2ln(nid) : "unknown");
	snprintf(info->type, sizeof(info->type), "%s",
	    cert_is_self_signed(cert) ? "self-signed" : "CA-signed");
	info->not_before = asn1_time_to_unix(X509_get0_notBefore(cert));
	info->not_after = asn1_time_to_unix(X509_get0_notAfter(cert));
	info->is_ca = cert_is_ca(cert);
}

void
certinfo_json_fields(struct json *j, const struct certinfo *info)
{
	json_string(j, "common_name", info->common_name);
	json_string(j, "type", info->type);
	json_string(j, "key_type", info->key_type);
	json_int(j, "key_bits", info->key_bits);
	json_string(j, "subject", info->subject);
	json_string(j, "issuer", info->issuer);
	json_string(j, "serial", info->serial);
	json_time(j, "not_before", info->not_before);
	json_time(j, "not_after", info->not_after);
	json_int(j, "not_after_unix", (int64_t)info->not_after);
	json_string(j, "sha256", info->sha256);
}

/* Prints one extension's value (as openssl x509 -text would) to a string. */
static void
extension_text(X509 *cert, int nid, char *out, size_t outlen)
{
	X509_EXTENSION *ext;
	BIO *bio;
	char *mem;
	long n;
	int idx = X509_get_ext_by_NID(cert, nid, -1);

	out[0] = '\0';
	if (idx < 0 || (ext = X509_get_ext(cert, idx)) == NULL)
		return;
	if ((bio = BIO_new(BIO_s_mem())) == NULL)
		return;
	if (X509_EXTENSION_get_critical(ext))
		BIO_puts(bio, "critical, ");
	if (!X509V3_EXT_print(bio, ext, 0, 0))
		BIO_puts(bio, "(unreadable)");
	n = BIO_get_mem_data(bio, &mem);
	snprintf(out, outlen, "%.*s", (int)n, mem);
	BIO_free(bio);
	/* Names in a SAN are the certificate maker's bytes. */
	text_escape_inplace(out, outlen);
}

static const struct {
	const char *label, *json_key;
	int nid;
} shown_extensions[] = {
	{ "Basic constraints", "basic_constraints", NID_basic_constraints },
	{ "Key usage", "key_usage", NID_key_usage },
	{ "Extended key usage", "extended_key_usage", NID_ext_key_usage },
	{ "Subject alternative name", "subject_alt_name", NID_subject_alt_name },
};

#define N_SHOWN ((int)(sizeof(shown_extensions) / sizeof(shown_extensions[0])))

void
certinfo_print(FILE *fp, X509 *cert)
{
	struct certinfo info;
	char nb[TIME_TEXT_MAX], na[TIME_TEXT_MAX], left[64], ext[1024];
	time_t now = clock_now();
	int i;

	certinfo_get(cert, &info);
	time_format(info.not_before, nb, sizeof(nb));
	time_format(info.not_after, na, sizeof(na));
	time_describe_expiry(info.not_after, now, left, sizeof(left));
	fprintf(fp, "Subject:                  %s\n", info.subject);
	fprintf(fp, "Issuer:                   %s\n", info.issuer);
	fprintf(fp, "Serial:                   %s\n", info.serial);
	fprintf(fp, "Valid from:               %s%s\n", nb,
	    info.not_before > now ? " (not valid yet)" : "");
	fprintf(fp, "Valid to:                 %s (%s)\n", na, left);
	fprintf(fp, "Key:                      %s %d bits\n", info.key_type,
	    info.key_bits);
	fprintf(fp, "Signature algorithm:      %s\n", info.sig_alg);
	fprintf(fp, "Type:                     %s\n", info.type);
	for (i = 0; i < N_SHOWN; i++) {
		extension_text(cert, shown_extensions[i].nid, ext, sizeof(ext));
		fprintf(fp, "%-25s %s\n", shown_extensions[i].label,
		    ext[0] ? ext : "(none)");
	}
	fprintf(fp, "SHA-256 fingerprint: %s\n", info.sha256);
}

void
certinfo_print_json(struct json *j, X509 *cert)
{
	struct certinfo info;
	char ext[1024];
	int i;

	certinfo_get(cert, &info);
	certinfo_json_fields(j, &info);
	json_string(j, "signature_algorithm", info.sig_alg);
	for (i = 0; i < N_SHOWN; i++) {
		extension_text(cert, shown_extensions[i].nid, ext, sizeof(ext));
		json_string(j, shown_extensions[i].json_key, ext[0] ? ext : NULL);
	}
}
