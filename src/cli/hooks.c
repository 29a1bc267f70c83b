/*
 * hooks.c - what happens after the store changes under a command: the
 * consequences an administrator would otherwise forget.
 */
#include "commands.h"

/*
 * After an identity changes: republish the TFTP files (ITL) so phones
 * see the new certificate.  The publisher arrives with the trust-list
 * work; until then there is nothing to republish.
 */
int
cli_after_identity_change(struct cli *cli, const char *purpose)
{
	(void)cli;
	(void)purpose;
	return 0;
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
