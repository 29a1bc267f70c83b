/* logdiag.c - log patterns with causes and fixes (see logdiag.h). */
#include <stdio.h>
#include <string.h>

#include "logdiag.h"

#define LINE_MAX_LEN 4096

static const struct log_pattern patterns[] = {
	{ "PXY_NO_LSC", { "PXY_NO_LSC", NULL, NULL },
	    "the phone has no LSC, so it presents its MIC for TLS",
	    "install an LSC with CAPF (device set NAME --operation install), "
	    "or trust the manufacturing CAs in CallManager-trust" },
	{ "PXY_CERT_CIPHER LSC", { "PXY_CERT_CIPHER", "cert [LSC]", NULL },
	    "the phone presented its LSC; the call agent must trust the CAPF "
	    "that issued it",
	    "if registration then fails with unknown CA, add that CAPF to "
	    "CallManager-trust or re-enroll the phone with this cluster" },
	{ "PXY_CERT_CIPHER MIC", { "PXY_CERT_CIPHER", "cert [MIC]", NULL },
	    "the phone presented its MIC; the call agent must trust the Cisco "
	    "manufacturing CAs",
	    "keep the manufacturing CAs in CallManager-trust, or install an LSC" },
	{ "SSL3 alert unknown CA", { "SSL3 alert", "unknown CA", NULL },
	    "the server does not trust the issuer of the certificate the phone "
	    "presented: an LSC from another cluster's CAPF, or a MIC whose CA is "
	    "not trusted",
	    "delete the LSC on the phone (Settings > Security > LSC) so it uses "
	    "its MIC, or add the issuing CAPF/manufacturing CA to "
	    "CallManager-trust; then install an LSC from this cluster" },
	{ "NXDOMAIN", { "NXDOMAIN", NULL, NULL },
	    "DNS cannot resolve a name the phone needs (the CUCM/CAPF server's "
	    "FQDN)",
	    "add the DNS record, or give the server's IP address in the "
	    "cluster's server name" },
	{ "CAPF create bio failed", { "CAPF create bio failed", NULL, NULL },
	    "the phone could not open a connection to CAPF (name not resolved "
	    "or port 3804 unreachable)",
	    "check DNS for the CAPF server's name and that TCP 3804 is open" },
	{ "No valid CAPF server", { "No valid CAPF server", NULL, NULL },
	    "the phone's ITL has no CAPF record",
	    "start the CAPF service, rebuild and publish the ITL (ucpki itl "
	    "build; ucpki tftp publish) and reset the phone" },
	{ "LSC: Connection Failed", { "LSC: Connection Failed", NULL, NULL },
	    "the phone could not complete a CAPF session: server unreachable, "
	    "or its certificate is not the ITL's CAPF record",
	    "check reachability of TCP 3804 and that the phone's ITL matches "
	    "the cluster's (ucpki itl show on both)" },
	{ "Operation Pending", { "Operation Pending", NULL, NULL },
	    "the operation has not completed: the phone's ITL differs from the "
	    "TFTP server's, a corrupt ITL, the mode is By Existing Certificate "
	    "while the phone holds only a MIC, or DNS fails",
	    "compare ITLs; on a corrupt ITL run ucpki itl reset localkey (sign "
	    "with ITLRecovery); match the authentication mode to what the "
	    "phone holds; fix DNS" },
	{ "TVS certificate not found", { "certificate not found", NULL, NULL },
	    "TVS does not know the certificate the phone asked about",
	    "add the certificate to the right trust store (or ucpki tvs add "
	    "CERT --role ...), or rebuild the ITL after a regeneration" },
	{ "Invalid Authentication String",
	    { "Invalid Authentication String", NULL, NULL },
	    "the string keyed in on the phone differs from the device's",
	    "set it again (ucpki device set NAME --auth-string ...) and key it "
	    "in exactly; five failures lock the device until its operation is "
	    "set again" },
	{ "Invalid LSC", { "Invalid LSC", NULL, NULL },
	    "the phone authenticated with an LSC that is not one this cluster "
	    "issued to it: another cluster's CAPF, another device's LSC, "
	    "expired, not yet valid or revoked (the log line says which)",
	    "use By Null String or By Authentication String for this operation: "
	    "the phone then gets an LSC of this cluster" },
	{ "Invalid MIC", { "Invalid MIC", NULL, NULL },
	    "the phone's MIC (or SUDI) does not name it, has expired, or does "
	    "not chain to a manufacturing CA in CAPF-trust (the log line says "
	    "which)",
	    "add the manufacturing CA (Cisco Manufacturing CA SHA2, CAP-RTP-00x) "
	    "to CAPF-trust; a MIC naming another device points to a cloned or "
	    "misconfigured phone" },
	{ "Late/Timeout", { "User Initiated Request Late/Timeout", NULL, NULL },
	    "the phone connected after Operation Completes By",
	    "set the operation again with a deadline at least one hour ahead" },
	{ "Key Generation Failed", { "Key Generation Failed/Timeout", NULL, NULL },
	    "the phone did not send its new key in time, or sent an unusable one",
	    "check the key type the phone supports (Key Order), raise "
	    "--keygen-timeout for slow models, and retry" },
	/* ucpki serve's own lines for failed handshakes. */
	{ "TLS version refused", { "TLS handshake with", "failed: offered",
	    "protocol version" },
	    "the phone offered a TLS version the service does not accept: "
	    "7900-series and older firmware speak TLS 1.0 only",
	    "upgrade the phone's firmware, or run ucpki serve --tls1 for those "
	    "phones (TLS 1.0 with AES-SHA)" },
	{ "TLS no shared cipher", { "TLS handshake with", "failed: offered",
	    "no shared cipher" },
	    "the phone offered no cipher the service accepts (AES-CBC-SHA1 is "
	    "refused unless --tls1)",
	    "upgrade the phone's firmware, or run ucpki serve --tls1 for phones "
	    "limited to AES-SHA" },
	{ "TLS server certificate refused", { "TLS handshake with",
	    "received alert", NULL },
	    "the phone refused the service's certificate: the CAPF or TVS "
	    "certificate is not the one in the phone's ITL (another cluster's "
	    "ITL, or the certificate was regenerated)",
	    "compare the phone's ITL with the cluster's (ucpki itl show); "
	    "publish the current ITL, and if the phone cannot verify it, reset "
	    "its ITL (Settings > Security > Reset Trust List, or ucpki itl "
	    "reset localkey)" },
	{ "TLS handshake timed out", { "TLS handshake with", "timed out", NULL },
	    "a client opened the port and did not finish the TLS handshake in "
	    "time: a slow network, a port scan, or a slowloris attack",
	    "if a real phone: check the network path (MTU, firewall resetting "
	    "TLS); otherwise nothing to do, the server closed it" },
};

#define N_PATTERNS (sizeof(patterns) / sizeof(patterns[0]))
_Static_assert(N_PATTERNS <= LOGDIAG_PATTERNS_MAX, "raise LOGDIAG_PATTERNS_MAX");

/* memmem within one line, case-sensitive. */
static int
line_has(const uint8_t *line, size_t len, const char *needle)
{
	return memmem(line, len, needle, strlen(needle)) != NULL;
}

size_t
logdiag_scan(const uint8_t *text, size_t len, log_hit_cb cb, void *ctx)
{
	const uint8_t *line = text, *end = text + len, *nl;
	struct log_hit hit;
	size_t lineno = 0, hits = 0, n, i, k, j;

	while (line < end) {
		nl = memchr(line, '\n', (size_t)(end - line));
		n = (size_t)((nl ? nl : end) - line);
		lineno++;
		if (n > LINE_MAX_LEN)
			n = LINE_MAX_LEN;
		for (i = 0; i < N_PATTERNS; i++) {
			for (k = 0; k < 3 && patterns[i].all[k] != NULL; k++)
				if (!line_has(line, n, patterns[i].all[k]))
					break;
			if (k < 3 && patterns[i].all[k] != NULL)
				continue;
			hit.line = lineno;
			hit.pattern = &patterns[i];
			/* Printable bytes only: logs are not trusted. */
			for (j = 0; j < n && j < sizeof(hit.text) - 1; j++)
				hit.text[j] = line[j] >= 0x20 && line[j] < 0x7f ?
				    (char)line[j] : '?';
			hit.text[j] = '\0';
			if (cb != NULL)
				cb(ctx, &hit);
			hits++;
		}
		if (nl == NULL)
			break;
		line = nl + 1;
	}
	return hits;
}

static void
report_hit(void *arg, const struct log_hit *hit)
{
	struct log_report *r = arg;
	struct log_cause *c;
	size_t i;

	for (i = 0; i < r->n_causes; i++)
		if (r->causes[i].pattern == hit->pattern)
			break;
	if (i == r->n_causes) {
		if (r->n_causes == LOGDIAG_PATTERNS_MAX)
			return;		/* cannot happen: one cause per pattern */
		r->causes[r->n_causes++].pattern = hit->pattern;
	}
	c = &r->causes[i];
	if (c->count < LOGDIAG_QUOTED)
		c->quoted[c->count] = *hit;
	if (c->count < LOGDIAG_LINES)
		c->lines[c->count] = hit->line;
	c->last_line = hit->line;
	c->count++;
	r->hits++;
}

void
logdiag_report(const uint8_t *text, size_t len, struct log_report *r)
{
	memset(r, 0, sizeof(*r));
	logdiag_scan(text, len, report_hit, r);
}
