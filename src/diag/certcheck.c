/* certcheck.c - certificate diagnostics (see certcheck.h). */
#include <string.h>
#include <strings.h>

#include <openssl/x509v3.h>

#include "certcheck.h"
#include "x509.h"

static int
has_eku(X509 *cert, uint32_t bit)
{
	return (X509_get_extension_flags(cert) & EXFLAG_XKUSAGE) == 0 ||
	    (X509_get_extended_key_usage(cert) & bit) != 0;
}

/* Every DNS name in the SAN, comma separated, into out. */
static void
san_names(X509 *cert, char *out, size_t outlen)
{
	GENERAL_NAMES *names = X509_get_ext_d2i(cert, NID_subject_alt_name,
	    NULL, NULL);
	int i;

	out[0] = '\0';
	for (i = 0; names != NULL && i < sk_GENERAL_NAME_num(names); i++) {
		GENERAL_NAME *g = sk_GENERAL_NAME_value(names, i);

		if (g->type != GEN_DNS)
			continue;
		snprintf(out + strlen(out), outlen - strlen(out), "%s%.*s",
		    out[0] ? "," : "", ASN1_STRING_length(g->d.dNSName),
		    (const char *)ASN1_STRING_get0_data(g->d.dNSName));
	}
	GENERAL_NAMES_free(names);
}

static int
list_has(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *p = list;

	while ((p = strstr(p, name)) != NULL) {
		if ((p == list || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
			return 1;
		p += n;
	}
	return 0;
}

static void
check_usages(X509 *cert, const char *role, struct findings *f)
{
	int server = has_eku(cert, XKU_SSL_SERVER);
	int client = has_eku(cert, XKU_SSL_CLIENT);

	if (role == NULL)
		return;
	if ((!strncmp(role, "expressway", 10) || !strcmp(role, "callmanager") ||
	    !strcmp(role, "tomcat")) && !server)
		findings_add(f, SEV_ERROR, "no-server-auth", "re-issue the "
		    "certificate from a template with TLS Web Server "
		    "Authentication", "the certificate lacks TLS Web Server "
		    "Authentication, which the %s role needs", role);
	if ((!strncmp(role, "expressway", 10) || !strcmp(role, "callmanager") ||
	    !strcmp(role, "lsc") || !strcmp(role, "mic")) && !client)
		findings_add(f, SEV_ERROR, "no-client-auth", "re-issue the "
		    "certificate from a template with both TLS Web Server and "
		    "TLS Web Client Authentication", "the certificate lacks TLS "
		    "Web Client Authentication; %s needs it for mutual TLS",
		    role);
	if (!strcmp(role, "capf") && (!cert_is_ca(cert) ||
	    !(X509_get_key_usage(cert) & KU_KEY_CERT_SIGN)))
		findings_add(f, SEV_ERROR, "capf-not-ca", "the CA must sign the "
		    "CAPF CSR as a subordinate CA (CA:TRUE, keyCertSign)",
		    "the CAPF certificate cannot sign LSCs (needs CA:TRUE and "
		    "keyCertSign)");
}

/*
 * The seeds' table of the names an Expressway certificate's SAN must hold,
 * by feature: MRA (public or collab-edge domains, registration domains on
 * E; phone security profile names on C), XMPP federation domains (E), and
 * IM&P chat node aliases (both).
 */
static void
check_feature_names(const char *sans, const char *list, const char *feature,
    int allow_collab_edge, struct findings *f)
{
	char want[1024], alt[300], *name, *save = NULL;

	if (list == NULL)
		return;
	snprintf(want, sizeof(want), "%s", list);
	for (name = strtok_r(want, ",", &save); name != NULL;
	    name = strtok_r(NULL, ",", &save)) {
		snprintf(alt, sizeof(alt), "collab-edge.%s", name);
		if (list_has(sans, name) || (allow_collab_edge &&
		    list_has(sans, alt)))
			continue;
		findings_add(f, SEV_ERROR, "san-missing", "request the "
		    "certificate with this name in its SAN", "%s needs %s%s%s in "
		    "the SAN", feature, name, allow_collab_edge ? " or " : "",
		    allow_collab_edge ? alt : "");
	}
}

static void
check_names(X509 *cert, const struct cert_check_opts *o, struct findings *f)
{
	X509_NAME *subject = X509_get_subject_name(cert);
	char cn[256], sans[2048], want[1024], *name, *save = NULL;
	int i, nid;

	cert_common_name(cert, cn, sizeof(cn));
	san_names(cert, sans, sizeof(sans));
	if (strchr(cn, '*') != NULL || strchr(sans, '*') != NULL)
		findings_add(f, SEV_WARN, "wildcard", "use a certificate naming "
		    "each server: wildcard certificates are not supported for "
		    "UC servers (and never for Expressway)", "wildcard name in "
		    "the %s", strchr(cn, '*') ? "CN" : "SAN");
	if (cn[0] != '\0' && sans[0] != '\0' && !list_has(sans, cn))
		findings_add(f, SEV_WARN, "cn-not-in-san", "add the CN to the "
		    "SAN when requesting the certificate", "the CN %s is not "
		    "repeated in the SAN", cn);
	if (cn[0] != '\0' && sans[0] == '\0' && o->role != NULL &&
	    strncmp(o->role, "expressway", 10) == 0)
		findings_add(f, SEV_ERROR, "no-san", "Expressway needs a SAN "
		    "with every name clients use", "the certificate has no "
		    "subjectAltName");
	if (o->require_san != NULL) {
		snprintf(want, sizeof(want), "%s", o->require_san);
		for (name = strtok_r(want, ",", &save); name != NULL;
		    name = strtok_r(NULL, ",", &save))
			if (!list_has(sans, name))
				findings_add(f, SEV_ERROR, "san-missing", "request "
				    "a certificate whose SAN lists it (MRA: the "
				    "Expressway-E's FQDN and the UC domains; XMPP "
				    "federation: the chat domains)", "the SAN lacks "
				    "%s", name);
	}
	check_feature_names(sans, o->mra_domains, "MRA (Expressway-E)", 1, f);
	check_feature_names(sans, o->security_profiles, "MRA (Expressway-C, "
	    "phone security profile)", 0, f);
	check_feature_names(sans, o->xmpp_domains, "XMPP federation "
	    "(Expressway-E)", 0, f);
	check_feature_names(sans, o->chat_aliases, "IM&P chat node alias", 0, f);
	for (i = 0; i < X509_NAME_entry_count(subject); i++) {
		nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(
		    X509_NAME_get_entry(subject, i)));
		if (nid != NID_commonName && nid != NID_organizationName &&
		    nid != NID_organizationalUnitName && nid != NID_localityName &&
		    nid != NID_stateOrProvinceName && nid != NID_countryName) {
			findings_add(f, SEV_WARN, "subject-oid", "request the "
			    "certificate with CN, OU, O, L, ST and C only",
			    "the subject holds an attribute CUCM does not "
			    "support (%s)", nid == NID_undef ? "unknown OID" :
			    OBJ_nid2sn(nid));
			break;
		}
	}
}

static void
check_dates_and_crypto(X509 *cert, time_t now, struct findings *f)
{
	int bits = cert_key_bits(cert), sig = X509_get_signature_nid(cert);
	time_t not_after = asn1_time_to_unix(X509_get0_notAfter(cert));
	char left[64], when[TIME_TEXT_MAX];

	if (X509_cmp_time(X509_get0_notAfter(cert), &now) < 0) {
		time_describe_expiry(not_after, now, left, sizeof(left));
		time_format(not_after, when, sizeof(when));
		findings_add(f, SEV_ERROR, "expired", "regenerate or renew it "
		    "now: phones and peers refuse it", "the certificate %s (%s)",
		    left, when);
	}
	if (X509_cmp_time(X509_get0_notBefore(cert), &now) > 0)
		findings_add(f, SEV_ERROR, "not-yet-valid", "check the clocks "
		    "(NTP) on the CA and this server", "the certificate is not "
		    "yet valid");
	if (bits > 4096)
		findings_add(f, SEV_ERROR, "key-too-large", "request it with a "
		    "key of at most 4096 bits", "the key is %d bits; CUCM and "
		    "the phones support at most 4096", bits);
	if (sig == NID_sha1WithRSAEncryption || sig == NID_ecdsa_with_SHA1)
		findings_add(f, SEV_WARN, "sha1-signature", "have the CA sign "
		    "with SHA-256", "the certificate is signed with SHA-1");
}

static void
check_key(X509 *cert, const struct cert_check_opts *o, struct findings *f)
{
	struct ucerr why;
	EVP_PKEY *key;

	if (o->key_pem == NULL)
		return;
	if (o->key_len == 0 || o->key_pem[o->key_len - 1] != '\n')
		findings_add(f, SEV_WARN, "key-no-newline", "add a newline at "
		    "the end of the key file (Expressway refuses it otherwise)",
		    "the private key file does not end with a newline");
	if (key_parse_pem(o->key_pem, o->key_len, &key, &why) == -1) {
		findings_add(f, SEV_ERROR, "key-unreadable", "give the "
		    "unencrypted PEM private key", "the key file holds no "
		    "usable private key: %s", why.msg);
		return;
	}
	if (!cert_matches_key(cert, key))
		findings_add(f, SEV_ERROR, "key-mismatch", "upload the key made "
		    "with the CSR this certificate was issued for", "the private "
		    "key does not match the certificate");
	EVP_PKEY_free(key);
}

int
cert_check(X509 *cert, const struct cert_check_opts *o, struct findings *f,
    struct ucerr *err)
{
	static const char *const roles[] = { "expressway-c", "expressway-e",
	    "callmanager", "tomcat", "capf", "lsc", "mic" };
	size_t i;

	if (o->role != NULL) {
		for (i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
			if (strcmp(o->role, roles[i]) == 0)
				break;
		if (i == sizeof(roles) / sizeof(roles[0]))
			return ucerr_set(err, "--role %s: one of expressway-c, "
			    "expressway-e, callmanager, tomcat, capf, lsc, mic",
			    o->role);
	}
	check_usages(cert, o->role, f);
	check_names(cert, o, f);
	check_dates_and_crypto(cert, o->now, f);
	check_key(cert, o, f);
	return 0;
}

void
csr_check(X509_REQ *req, X509 *cert, struct findings *f)
{
	EVP_PKEY *pub = X509_REQ_get0_pubkey(req);

	if (pub == NULL || !cert_matches_key(cert, pub))
		findings_add(f, SEV_ERROR, "csr-mismatch", "upload the "
		    "certificate the CA issued for this CSR, or generate a new "
		    "CSR and have it signed", "CSR and certificate mismatch: "
		    "the certificate's key is not the CSR's");
	else
		findings_add(f, SEV_INFO, "csr-match", NULL, "the certificate "
		    "belongs to this CSR");
}

void
chain_check(X509 *cert, STACK_OF(X509) *untrusted, X509_STORE *trusted,
    time_t now, struct findings *f)
{
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	STACK_OF(X509) *chain;
	X509 *culprit;
	char name[512];
	int e, i;

	if (ctx == NULL || !X509_STORE_CTX_init(ctx, trusted, cert, untrusted)) {
		X509_STORE_CTX_free(ctx);
		return;
	}
	X509_STORE_CTX_set_time(ctx, 0, now);
	X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_ANY);
	if (X509_verify_cert(ctx) == 1) {
		chain = X509_STORE_CTX_get0_chain(ctx);
		for (i = 0; i < sk_X509_num(chain); i++) {
			name_oneline(X509_get_subject_name(sk_X509_value(chain, i)),
			    name, sizeof(name));
			findings_add(f, SEV_INFO, "chain", NULL, "%d: %s", i, name);
		}
		X509_STORE_CTX_free(ctx);
		return;
	}
	e = X509_STORE_CTX_get_error(ctx);
	culprit = X509_STORE_CTX_get_current_cert(ctx);
	name[0] = '\0';
	if (culprit != NULL)
		name_oneline(e == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT ||
		    e == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY ||
		    e == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN ?
		    X509_get_issuer_name(culprit) : X509_get_subject_name(culprit),
		    name, sizeof(name));
	if (e == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT ||
	    e == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY)
		findings_add(f, SEV_ERROR, "missing-issuer", "add this CA "
		    "(intermediate or root) to the trust store, or upload the "
		    "full chain", "the chain stops: the issuer %s is missing",
		    name);
	else if (e == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN ||
	    e == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT)
		findings_add(f, SEV_ERROR, "untrusted-root", "add the root CA "
		    "to the trust store", "the root %s is not trusted", name);
	else if (e == X509_V_ERR_CERT_HAS_EXPIRED)
		findings_add(f, SEV_ERROR, "expired-link", "renew that "
		    "certificate and re-upload the chain", "%s in the chain has "
		    "expired", name);
	else
		findings_add(f, SEV_ERROR, "chain", "check the chain with the "
		    "CA", "%s: %s", name, X509_verify_cert_error_string(e));
	X509_STORE_CTX_free(ctx);
}

void
trust_check(STACK_OF(X509) *certs, char **names, time_t now,
    struct findings *f)
{
	X509 *a, *b;
	char left[64];
	int i, j;

	for (i = 0; i < sk_X509_num(certs); i++) {
		a = sk_X509_value(certs, i);
		if (X509_cmp_time(X509_get0_notAfter(a), &now) < 0) {
			time_describe_expiry(asn1_time_to_unix(
			    X509_get0_notAfter(a)), now, left, sizeof(left));
			findings_add(f, SEV_ERROR, "expired", "delete it and add "
			    "its renewal", "%s: Expired certificates or CRLs "
			    "detected: this certificate %s", names[i], left);
		}
		if (X509_cmp_time(X509_get0_notBefore(a), &now) > 0)
			findings_add(f, SEV_WARN, "not-yet-valid", "check the "
			    "clocks", "%s is not yet valid", names[i]);
		for (j = 0; j < i; j++) {
			b = sk_X509_value(certs, j);
			if (X509_NAME_cmp(X509_get_subject_name(a),
			    X509_get_subject_name(b)) == 0 &&
			    EVP_PKEY_eq(X509_get0_pubkey(a), X509_get0_pubkey(b)) == 1)
				findings_add(f, SEV_WARN, "duplicate", "delete the "
				    "older one", "%s and %s are the same CA "
				    "(subject and key)", names[j], names[i]);
		}
	}
}
