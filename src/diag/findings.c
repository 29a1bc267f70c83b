/* findings.c - check results (see findings.h). */
#include <stdarg.h>
#include <string.h>

#include "findings.h"

void
findings_add(struct findings *f, enum severity sev, const char *code,
    const char *fix, const char *fmt, ...)
{
	struct finding *x;
	va_list ap;

	if (f->n >= FINDINGS_MAX)
		return;
	x = &f->list[f->n++];
	x->severity = sev;
	snprintf(x->code, sizeof(x->code), "%s", code);
	snprintf(x->fix, sizeof(x->fix), "%s", fix ? fix : "");
	va_start(ap, fmt);
	vsnprintf(x->what, sizeof(x->what), fmt, ap);
	va_end(ap);
}

int
findings_errors(const struct findings *f)
{
	int i, n = 0;

	for (i = 0; i < f->n; i++)
		n += f->list[i].severity == SEV_ERROR;
	return n;
}

static const char *const sev_names[] = { "INFO", "WARN", "ERROR" };

void
findings_print(FILE *fp, const struct findings *f, const char *subject)
{
	int i;

	for (i = 0; i < f->n; i++) {
		fprintf(fp, "%-5s %s: %s", sev_names[f->list[i].severity],
		    f->list[i].code, f->list[i].what);
		if (f->list[i].fix[0])
			fprintf(fp, ". Fix: %s", f->list[i].fix);
		fputc('\n', fp);
	}
	fprintf(fp, "%s: %d error(s), %d finding(s)\n", subject,
	    findings_errors(f), f->n);
}

void
findings_json(struct json *j, const struct findings *f)
{
	int i;

	json_array_begin(j, "findings");
	for (i = 0; i < f->n; i++) {
		json_object_begin(j, NULL);
		json_string(j, "severity", sev_names[f->list[i].severity]);
		json_string(j, "code", f->list[i].code);
		json_string(j, "what", f->list[i].what);
		json_string(j, "fix", f->list[i].fix);
		json_object_end(j);
	}
	json_array_end(j);
	json_int(j, "errors", findings_errors(f));
}
