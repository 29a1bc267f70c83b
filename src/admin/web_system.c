/*
 * web_system.c - the dashboard, the alarms and the ITL: what the
 * certificate monitor would raise now (monitor_look, the monitor's own
 * check without its e-mail), the devices' pending operations and their
 * ITL fetches, and the ITL as `itl show` prints it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "itl.h"
#include "monitor.h"
#include "publish.h"
#include "store.h"
#include "store_device.h"
#include "store_fetch.h"
#include "web_int.h"

static int
dashboard(struct web_req *r)
{
	struct monitor_report rep;
	struct device_filter f;
	int64_t pending = 0, devices = 0, behind = -1;
	char itl[65];
	int i, expiring = 0, has_itl, looked;

	device_filter_init(&f);
	f.pending = 1;
	if (store_device_count(r->st, &f, &pending, &r->err) == -1 ||
	    store_device_count(r->st, NULL, &devices, &r->err) == -1)
		return web_error_page(r, 500, "Dashboard", r->err.msg);
	if ((has_itl = tftp_itl_sha256(r->st, itl, &r->err)) == 1 &&
	    store_fetch_count_missing(r->st, "itl", itl, &behind,
	    &r->err) == -1)
		behind = -1;
	looked = monitor_look(r->st, clock_now(), &rep, &r->err) == 0;
	for (i = 0; looked && i < rep.n_alarms; i++)
		if (rep.alarms[i].not_after != 0)
			expiring++;
	web_begin(r, "Dashboard");
	web_printf(r, "<div class=\"cards\">"
	    "<div class=\"card\" id=\"pending\"><b>%L</b>pending CAPF "
	    "operations (<a href=\"/phones?pending=1\">list</a>)</div>"
	    "<div class=\"card\" id=\"alarms\"><b>%d</b>alarms "
	    "(<a href=\"/alarms\">list</a>)</div>"
	    "<div class=\"card\" id=\"expiring\"><b>%d</b>certificates "
	    "expiring within the notification start</div>",
	    pending, looked ? rep.n_alarms : 0, expiring);
	if (behind >= 0)
		web_printf(r, "<div class=\"card\" id=\"itl-behind\"><b>%L</b>"
		    "phones have not fetched the current ITL (of %L)</div>",
		    behind, devices);
	else
		web_printf(r, "<div class=\"card\" id=\"itl-behind\"><b>-</b>"
		    "no ITL published yet (ucpki tftp publish)</div>");
	web_printf(r, "</div><h2>Service health</h2><table class=\"fields\">"
	    "<tr><th>Administration</th><td>running (this page)</td></tr>"
	    "<tr><th>Store</th><td>SQLite %s, schema %d</td></tr>"
	    "<tr><th>Certificate monitor</th><td>%s</td></tr>"
	    "<tr><th>LSCs expiring</th><td>%L within 30 days, %L within 60, "
	    "%L within 90</td></tr></table>", store_backend_version(),
	    store_schema_version(r->st), looked ? "checked now" : r->err.msg,
	    looked ? (int64_t)rep.lsc_expiring[0] : 0,
	    looked ? (int64_t)rep.lsc_expiring[1] : 0,
	    looked ? (int64_t)rep.lsc_expiring[2] : 0);
	web_end(r);
	if (looked)
		monitor_report_free(&rep);
	return 200;
}

static int
alarms(struct web_req *r)
{
	struct monitor_report rep;
	char text[512];
	int i;

	if (monitor_look(r->st, clock_now(), &rep, &r->err) == -1)
		return web_error_page(r, 500, "Alarms", r->err.msg);
	web_begin(r, "Alarms");
	web_printf(r, "<p>What the certificate monitor raises now (%d "
	    "certificates checked; LSC renewal at %s of the lifetime).</p>",
	    (int)rep.checked, rep.renew_at);
	if (rep.n_alarms == 0)
		web_status(r, 1, "no alarms");
	else {
		web_printf(r, "<table id=\"alarms\"><tr><th>Alarm</th>"
		    "<th>Where</th><th>Name</th><th>Detail</th></tr>");
		for (i = 0; i < rep.n_alarms; i++) {
			monitor_alarm_text(&rep, &rep.alarms[i], text,
			    sizeof(text));
			web_printf(r, "<tr><td>%s</td><td>%s</td><td>%s</td>"
			    "<td>%s</td></tr>", rep.alarms[i].alarm,
			    rep.alarms[i].where, rep.alarms[i].name, text);
		}
		web_printf(r, "</table>");
	}
	web_end(r);
	monitor_report_free(&rep);
	return 200;
}

static int
itl_page(struct web_req *r)
{
	struct itl_file itl;
	char path[4200], *text = NULL;
	size_t len = 0;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/tftp/ITLFile.tlv", store_home(r->st));
	web_begin(r, "ITL");
	if (itl_load_file(path, &itl, &r->err) == -1) {
		web_status(r, 0, r->err.msg);
		web_end(r);
		return 200;
	}
	if ((fp = open_memstream(&text, &len)) != NULL) {
		itl_show(fp, &itl, "ITLFile.tlv");
		fclose(fp);
		web_printf(r, "<p>The ITL the TFTP service serves, as "
		    "<code>ucpki itl show</code> prints it.</p><pre id=\"itl\">"
		    "%s</pre>", text);
		free(text);
	}
	itl_free(&itl);
	web_end(r);
	return 200;
}

const struct web_route web_system_routes[] = {
	{ "/", 0, dashboard, NULL },
	{ "/alarms", 0, alarms, NULL },
	{ "/itl", 0, itl_page, NULL },
	{ NULL, 0, NULL, NULL },
};
