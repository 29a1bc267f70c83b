/*
 * hooks.c - what happens after the store changes under a command: the
 * consequences an administrator would otherwise forget.
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "store_device.h"
#include "publish.h"
#include "x509.h"

/*
 * After an identity changes: republish the TFTP files (ITL, and CTL in
 * mixed mode) so phones see the new certificate.
 */
int
cli_after_identity_change(struct cli *cli, const char *purpose)
{
	if (cli->store == NULL)
		return 0;
	if (tftp_publish(cli->store, NULL, &cli->err) == -1)
		return ucerr_wrap(&cli->err, "%s changed, but the ITL was not "
		    "republished", purpose);
	fprintf(stderr, "%s: ITL republished to the TFTP root\n", purpose);
	return 0;
}

/*
 * Before a trust certificate is deleted: a CAPF certificate that still
 * signs devices' current LSCs stays (the seeds' safe CAPF sequence), or
 * every phone holding one fails "By Existing Certificate" as Invalid LSC.
 */
int
cli_trust_delete_guard(struct cli *cli, struct store *st,
    const char *store_name, const char *name, X509 *cert, int force)
{
	struct device_filter f;
	int64_t n = 0;
	char sha[65];

	cert_sha256_hex(cert, sha);
	device_filter_init(&f);
	f.issuer_sha256 = sha;
	if (store_device_count(st, &f, &n, &cli->err) == -1)
		return -1;
	if (n == 0)
		return 0;
	if (!force)
		return ucerr_set(&cli->err, "%s/%s.pem: refusing to delete: it "
		    "signs the current LSC of %lld device(s); re-enroll them first "
		    "(device set --issuer CERT --operation install) or use --force",
		    store_name, name, (long long)n);
	fprintf(stderr, "%s/%s.pem: deleted although it signs %lld device(s)' "
	    "LSCs; they will fail with Invalid LSC\n", store_name, name,
	    (long long)n);
	return 0;
}
