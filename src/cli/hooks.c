/*
 * hooks.c - what happens after the store changes under a command: the
 * consequences an administrator would otherwise forget.
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "tftp.h"

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

int
cli_device_cert(struct cli *cli, const char *file_name, X509 **cert)
{
	size_t len = strcspn(file_name, ".");

	*cert = NULL;
	return ucerr_set(&cli->err, "%.*s: no LSC or MIC of this device is "
	    "known to the store; give --device-cert", (int)len, file_name);
}

/*
 * Before a trust certificate is deleted: later work refuses deleting a
 * CAPF certificate that still signs LSCs (it needs the device store).
 */
int
cli_trust_delete_guard(struct cli *cli, struct store *st,
    const char *store_name, const char *name, X509 *cert, int force)
{
	(void)cli;
	(void)st;
	(void)store_name;
	(void)name;
	(void)cert;
	(void)force;
	return 0;
}
