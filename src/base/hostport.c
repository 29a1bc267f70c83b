/* hostport.c - HOST:PORT and [IPV6]:PORT (see hostport.h). */
#include <string.h>

#include "hostport.h"

/* Digits only (strtol would take a sign, spaces and "0x"). */
static int
parse_port(const char *s, int *port)
{
	long p = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		p = p * 10 + (*s - '0');
		if (p > 65535)
			return -1;
	}
	if (p < 1)
		return -1;
	*port = (int)p;
	return 0;
}

static int
host_char_ok(unsigned char c)
{
	return c > 0x20 && c < 0x7f && c != '[' && c != ']' && c != '/';
}

int
hostport_parse(const char *arg, int default_port, char *host, size_t hostlen,
    int *port, struct ucerr *err)
{
	const char *start = arg, *end, *rest;
	size_t i, n;
	int p;

	if (arg[0] == '[') {
		start = arg + 1;
		if ((end = strchr(start, ']')) == NULL)
			return ucerr_set(err, "%s: '[' without ']' (an IPv6 "
			    "address is written [ADDRESS]:PORT)", arg);
		rest = end + 1;
		if (*rest != '\0' && *rest != ':')
			return ucerr_set(err, "%s: expected ':' after ']'",
			    arg);
	} else {
		end = strrchr(arg, ':');
		if (end != NULL &&
		    memchr(arg, ':', (size_t)(end - arg)) != NULL)
			return ucerr_set(err, "%s: an IPv6 address goes in "
			    "brackets: [ADDRESS]:PORT", arg);
		if (end == NULL)
			end = arg + strlen(arg);
		rest = end;
	}
	if (end == start)
		return ucerr_set(err, "%s: no host before the port", arg);
	if (*rest == '\0') {
		if (default_port == 0)
			return ucerr_set(err, "%s: expected HOST:PORT", arg);
		p = default_port;
	} else if (parse_port(rest + 1, &p) == -1)
		return ucerr_set(err, "%s: bad port (1-65535)", arg);
	n = (size_t)(end - start);
	if (n >= hostlen)
		return ucerr_set(err, "%s: host longer than %zu characters",
		    arg, hostlen - 1);
	for (i = 0; i < n; i++)
		if (!host_char_ok((unsigned char)start[i]))
			return ucerr_set(err, "%s: the host has a character a "
			    "host name cannot have", arg);
	*port = p;
	memcpy(host, start, n);
	host[n] = '\0';
	return 0;
}
