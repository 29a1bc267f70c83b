/* cmd_tftp.c - `tftp publish`: the trust lists into the TFTP root. */
#include <stdio.h>

#include "commands.h"
#include "publish.h"
#include "store.h"

const struct opt tftp_publish_opts[] = {
	{ NULL, 0, NULL, NULL },
};

int
cmd_tftp_publish(struct cli *cli, const struct args *a)
{
	struct store *st;
	char dir[4096];

	if ((st = cli_store(cli)) == NULL)
		return -1;
	if (a->n_positional == 1)
		snprintf(dir, sizeof(dir), "%s", a->positional[0]);
	else if (tftp_dir(st, dir, sizeof(dir), &cli->err) == -1)
		return -1;
	if (tftp_publish(st, dir, &cli->err) == -1)
		return ucerr_wrap(&cli->err, "tftp publish");
	fprintf(cli->out, "%s: trust lists published\n", dir);
	return 0;
}
