/* mail.h - alarm e-mail through libcurl's SMTP. */
#ifndef UCPKI_MAIL_H
#define UCPKI_MAIL_H

#include "err.h"

/* to: comma-separated addresses; smtp_url: smtp://host:port. */
int	mail_send(const char *smtp_url, const char *from, const char *to,
	    const char *subject, const char *body, struct ucerr *err);

#endif
