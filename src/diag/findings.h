/*
 * findings.h - what a check found: severity, a short code, what is wrong
 * and what to do, printed one per line or as JSON.
 */
#ifndef UCPKI_FINDINGS_H
#define UCPKI_FINDINGS_H

#include <stdio.h>

#include "json.h"

enum severity { SEV_INFO, SEV_WARN, SEV_ERROR };

#define FINDINGS_MAX 48

struct finding {
	enum severity	 severity;
	char		 code[32];
	char		 what[256];
	char		 fix[256];
};

struct findings {
	struct finding	 list[FINDINGS_MAX];
	int		 n;
};

void	findings_add(struct findings *f, enum severity sev, const char *code,
	    const char *fix, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
int	findings_errors(const struct findings *f);
void	findings_print(FILE *fp, const struct findings *f, const char *subject);
void	findings_json(struct json *j, const struct findings *f);

#endif
