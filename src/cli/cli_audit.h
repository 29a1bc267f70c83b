/*
 * cli_audit.h - the CLI's changes in the audit trail (cli_audit.c): main
 * runs every command between these two (cli_audit_around).
 */
#ifndef UCPKI_CLI_AUDIT_H
#define UCPKI_CLI_AUDIT_H

#include "cli.h"

void	cli_audit_before(struct cli *cli, const struct args *a,
	    struct cli_audit *au);
void	cli_audit_after(struct cli *cli, const struct args *a,
	    struct cli_audit *au, int rc);

extern const struct cli_around cli_audit_around;

#endif
