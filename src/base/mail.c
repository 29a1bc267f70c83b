/* mail.c - alarm e-mail through libcurl's SMTP (see mail.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#include "curl_api.h"
#include "mail.h"

struct payload {
	const char	*data;
	size_t		 len, pos;
};

static size_t
read_payload(char *buf, size_t size, size_t nmemb, void *arg)
{
	struct payload *p = arg;
	size_t n = size * nmemb;

	if (n > p->len - p->pos)
		n = p->len - p->pos;
	memcpy(buf, p->data + p->pos, n);
	p->pos += n;
	return n;
}

int
mail_send(const char *smtp_url, const char *from, const char *to,
    const char *subject, const char *body, struct ucerr *err)
{
	struct curl_slist *rcpt = NULL;
	struct payload p;
	char *list, *addr, *save = NULL, *msg;
	char from_hdr[300];
	size_t len;
	CURL *curl;
	CURLcode rc;

	if (curl_api_load(err) == -1)
		return -1;
	if ((list = strdup(to)) == NULL)
		return ucerr_set(err, "mail: out of memory");
	for (addr = strtok_r(list, ",", &save); addr != NULL;
	    addr = strtok_r(NULL, ",", &save))
		rcpt = curl_slist_append(rcpt, addr);
	free(list);
	len = strlen(subject) + strlen(body) + strlen(to) + strlen(from) + 128;
	if ((msg = malloc(len)) == NULL) {
		curl_slist_free_all(rcpt);
		return ucerr_set(err, "mail: out of memory");
	}
	snprintf(msg, len, "From: %s\r\nTo: %s\r\nSubject: %s\r\n\r\n%s\r\n",
	    from, to, subject, body);
	p.data = msg;
	p.len = strlen(msg);
	p.pos = 0;
	snprintf(from_hdr, sizeof(from_hdr), "<%s>", from);
	if ((curl = curl_easy_init()) == NULL) {
		free(msg);
		curl_slist_free_all(rcpt);
		return ucerr_set(err, "mail: cannot start libcurl");
	}
	curl_easy_setopt(curl, CURLOPT_URL, smtp_url);
	curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from_hdr);
	curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_payload);
	curl_easy_setopt(curl, CURLOPT_READDATA, &p);
	curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
	rc = curl_easy_perform(curl);
	curl_easy_cleanup(curl);
	curl_slist_free_all(rcpt);
	free(msg);
	if (rc != CURLE_OK)
		return ucerr_set(err, "mail: %s: %s", smtp_url,
		    curl_easy_strerror(rc));
	return 0;
}
