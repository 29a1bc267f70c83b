/*
 * web_html.c - the pages' one writer (every value escaped), the shared
 * layout and its forms.  Certificate subjects, device models and names
 * come from phones and CAs: none of them reaches a page unescaped.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <event2/keyvalq_struct.h>
#include <event2/http.h>

#include "clock.h"
#include "multipart.h"
#include "web_int.h"

static void
escape(FILE *out, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&#39;", out); break;
		default: fputc(*s, out);
		}
	}
}

static void
urlencode(FILE *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-_.~", *p) != NULL)
			fputc(*p, out);
		else
			fprintf(out, "%%%c%c", hex[*p >> 4], hex[*p & 15]);
	}
}

void
web_printf(struct web_req *r, const char *fmt, ...)
{
	char when[TIME_TEXT_MAX];
	const char *s;
	va_list ap;
	time_t t;

	va_start(ap, fmt);
	for (; *fmt != '\0'; fmt++) {
		if (*fmt != '%' || fmt[1] == '\0') {
			fputc(*fmt, r->out);
			continue;
		}
		switch (*++fmt) {
		case 's':
			s = va_arg(ap, const char *);
			escape(r->out, s != NULL ? s : "");
			break;
		case 'U':
			s = va_arg(ap, const char *);
			urlencode(r->out, s != NULL ? s : "");
			break;
		case 'd':
			fprintf(r->out, "%d", va_arg(ap, int));
			break;
		case 'L':
			fprintf(r->out, "%lld", (long long)va_arg(ap, int64_t));
			break;
		case 'T':
			t = va_arg(ap, time_t);
			if (t == 0)
				fputs("-", r->out);
			else {
				time_format(t, when, sizeof(when));
				escape(r->out, when);
			}
			break;
		default:
			fputc(*fmt, r->out);
		}
	}
	va_end(ap);
}

/* CUCM's Unified OS Administration menus, as far as ucpki has them. */
static const struct {
	const char	*path;
	const char	*label;
} nav[] = {
	{ "/", "Dashboard" },
	{ "/certificates", "Certificate List" },
	{ "/trust", "Trust Stores" },
	{ "/phones", "Find and List Phones" },
	{ "/capf-report", "CAPF Report" },
	{ "/alarms", "Alarms" },
	{ "/itl", "ITL" },
};

void
web_begin(struct web_req *r, const char *title)
{
	size_t i;

	web_printf(r, "<!DOCTYPE html>\n<html lang=\"en\"><head>"
	    "<meta charset=\"utf-8\"><title>%s - ucpki Administration"
	    "</title><link rel=\"stylesheet\" href=\"/static/ucpki.css\">"
	    "<script src=\"/static/ucpki.js\" defer></script></head><body>"
	    "<header><span class=\"brand\">ucpki Unified OS Administration"
	    "</span>", title);
	if (r->s != NULL) {
		web_printf(r, "<span class=\"who\">%s (%s)", r->s->account,
		    admin_role_name(r->s->role));
		web_form(r, "/logout", "logout");
		web_printf(r, "<button type=\"submit\">Logout</button></form>"
		    "</span></header><nav>");
		for (i = 0; i < sizeof(nav) / sizeof(nav[0]); i++)
			web_printf(r, "<a href=\"%s\" class=\"%s\">%s</a>",
			    nav[i].path, strcmp(r->path, nav[i].path) == 0 ?
			    "here" : "", nav[i].label);
		web_printf(r, "</nav>");
	} else
		web_printf(r, "</header>");
	web_printf(r, "<main><h1>%s</h1>", title);
}

void
web_end(struct web_req *r)
{
	web_printf(r, "</main></body></html>\n");
}

static void
form_begin(struct web_req *r, const char *action, const char *cls,
    int files)
{
	/* The format is markup, the arguments text (web_printf escapes). */
	web_printf(r, files ? "<form method=\"post\" action=\"%s\" "
	    "class=\"%s\" enctype=\"multipart/form-data\">" :
	    "<form method=\"post\" action=\"%s\" class=\"%s\">", action,
	    cls != NULL ? cls : "");
	if (r->s != NULL)
		web_printf(r, "<input type=\"hidden\" name=\"csrf\" "
		    "value=\"%s\">", r->s->csrf);
}

void
web_form(struct web_req *r, const char *action, const char *cls)
{
	form_begin(r, action, cls, 0);
}

void
web_form_files(struct web_req *r, const char *action, const char *cls)
{
	form_begin(r, action, cls, 1);
}

void
web_status(struct web_req *r, int ok, const char *msg)
{
	web_printf(r, "<div class=\"status %s\" role=\"status\"><b>Status"
	    "</b><p>%s%s</p></div>", ok ? "ok" : "error", ok ? "Success: " :
	    "", msg);
}

const char *
web_arg(const struct web_req *r, const char *key)
{
	/* A POST's fields come from its body only: a CSRF token or a
	 * setting in the URL would be in logs and Referer headers. */
	if (r->post)
		return r->form != NULL ? evhttp_find_header(r->form, key) : NULL;
	return r->query != NULL ? evhttp_find_header(r->query, key) : NULL;
}

const struct multipart_part *
web_file(const struct web_req *r, const char *key)
{
	const struct multipart_part *p;

	if (!r->post || r->parts == NULL ||
	    (p = multipart_find(r->parts, key)) == NULL || !p->is_file)
		return NULL;
	return p;
}

int
web_error_page(struct web_req *r, int status, const char *title,
    const char *msg)
{
	web_begin(r, title);
	web_status(r, 0, msg);
	web_end(r);
	return status;
}

int
web_redirect(struct web_req *r, const char *location)
{
	snprintf(r->location, sizeof(r->location), "%s", location);
	return 303;
}
