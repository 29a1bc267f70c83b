/* phone_config.c - a phone's security fields merged into its configuration. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <openssl/evp.h>

#include "phone_config.h"
#include "x509.h"

int
phone_capf_auth_mode(int auth_mode)
{
	switch (auth_mode) {
	case CAPF_AUTH_STRING:		return 1;
	case CAPF_AUTH_NULL_STRING:	return 2;
	case CAPF_AUTH_LSC:		return 3;
	case CAPF_AUTH_MIC:		return 4;
	default:			return 0;
	}
}

void
phone_security_for(const struct device *d, X509 *cert, const char *node,
    int capf_port, int tvs_port, struct phone_security *sec)
{
	memset(sec, 0, sizeof(*sec));
	sec->security_mode = d != NULL && d->security_mode > 0 ?
	    d->security_mode : DEVICE_SECURITY_NON_SECURE;
	sec->transport = sec->security_mode == DEVICE_SECURITY_NON_SECURE ?
	    0 : 3;
	/* Phones go to CAPF only when an operation is pending. */
	if (d != NULL && d->operation != CERT_OP_NONE)
		sec->capf_auth_mode = phone_capf_auth_mode(d->auth_mode);
	if (capf_port > 0) {
		snprintf(sec->capf[0].host, sizeof(sec->capf[0].host), "%s", node);
		sec->capf[0].port = capf_port;
		sec->n_capf = 1;
	}
	if (tvs_port > 0) {
		snprintf(sec->tvs[0].host, sizeof(sec->tvs[0].host), "%s", node);
		sec->tvs[0].port = tvs_port;
		sec->n_tvs = 1;
	}
	sec->encr_config = d != NULL && d->encrypted_config && cert != NULL;
	if (sec->encr_config)
		cert_md5_hex(cert, sec->cert_hash);
}

static int
is_element(xmlNodePtr node, const char *name)
{
	return node->type == XML_ELEMENT_NODE &&
	    xmlStrcmp(node->name, (const xmlChar *)name) == 0;
}

/* Puts fresh under root in place of the first element of its name (and
 * drops any other of that name), or appends it. */
static void
replace_child(xmlNodePtr root, xmlNodePtr fresh)
{
	xmlNodePtr child, next, placed = NULL;

	for (child = root->children; child != NULL; child = next) {
		next = child->next;
		if (!is_element(child, (const char *)fresh->name))
			continue;
		if (placed == NULL) {
			xmlReplaceNode(child, fresh);
			placed = fresh;
		} else {
			xmlUnlinkNode(child);
		}
		xmlFreeNode(child);
	}
	if (placed == NULL)
		xmlAddChild(root, fresh);
}

static xmlNodePtr
text_node(const char *name, const char *value)
{
	xmlNodePtr n = xmlNewNode(NULL, (const xmlChar *)name);

	xmlNodeAddContent(n, (const xmlChar *)value);
	return n;
}

static xmlNodePtr
int_node(const char *name, int value)
{
	char num[16];

	snprintf(num, sizeof(num), "%d", value);
	return text_node(name, num);
}

static void
put_lists(xmlNodePtr root, const struct phone_security *sec)
{
	xmlNodePtr list, members, member;
	char prio[12];
	int i;

	list = xmlNewNode(NULL, (const xmlChar *)"capfList");
	for (i = 0; i < sec->n_capf; i++) {
		member = xmlNewChild(list, NULL, (const xmlChar *)"capf", NULL);
		xmlAddChild(member, int_node("phonePort", sec->capf[i].port));
		xmlAddChild(member, text_node("processNodeName",
		    sec->capf[i].host));
	}
	replace_child(root, list);
	list = xmlNewNode(NULL, (const xmlChar *)"TVS");
	members = xmlNewChild(list, NULL, (const xmlChar *)"members", NULL);
	for (i = 0; i < sec->n_tvs; i++) {
		member = xmlNewChild(members, NULL, (const xmlChar *)"member",
		    NULL);
		snprintf(prio, sizeof(prio), "%d", i);
		xmlNewProp(member, (const xmlChar *)"priority",
		    (const xmlChar *)prio);
		xmlAddChild(member, int_node("port", sec->tvs[i].port));
		xmlAddChild(member, text_node("address", sec->tvs[i].host));
	}
	replace_child(root, list);
}

/* The first error libxml2 reports (it may go on and report more). */
struct first_error {
	int	seen;
	int	line;
	char	message[256];
};

static void
keep_first_error(void *arg, const xmlError *e)
{
	struct first_error *first = arg;

	if (first->seen || e == NULL)
		return;
	first->seen = 1;
	first->line = e->line;
	snprintf(first->message, sizeof(first->message), "%s",
	    e->message != NULL ? e->message : "not well-formed XML");
	first->message[strcspn(first->message, "\n")] = '\0';
}

/* The document, or NULL with "file:line: reason". */
static xmlDocPtr
parse(const uint8_t *xml, size_t len, const char *file_name, struct ucerr *err)
{
	struct first_error first = { 0, 0, "" };
	xmlParserCtxtPtr ctxt;
	xmlDocPtr doc;

	if (len > 0x7fffffff) {
		ucerr_set(err, "%s: too large", file_name);
		return NULL;
	}
	if ((ctxt = xmlNewParserCtxt()) == NULL) {
		ucerr_set(err, "%s: out of memory", file_name);
		return NULL;
	}
	/* The handler is this thread's (libxml2 keeps it per thread). */
	xmlSetStructuredErrorFunc(&first, (xmlStructuredErrorFunc)keep_first_error);
	/* No network, no entity expansion, no DTD loading. */
	doc = xmlCtxtReadMemory(ctxt, (const char *)xml, (int)len, file_name,
	    NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	xmlSetStructuredErrorFunc(NULL, NULL);
	if (doc == NULL || !ctxt->wellFormed) {
		ucerr_set(err, "%s:%d: invalid XML: %s", file_name, first.line,
		    first.seen ? first.message : "not well-formed XML");
		xmlFreeDoc(doc);
		doc = NULL;
	}
	xmlFreeParserCtxt(ctxt);
	return doc;
}

/* A secure profile means TLS (3); non-secure keeps the administrator's
 * TCP or UDP, and turns TLS (which needs a secure profile) into TCP. */
static int
transport_for(xmlNodePtr root, const struct phone_security *sec)
{
	xmlNodePtr child;
	xmlChar *text;
	int value = 0;

	if (sec->transport > 0)
		return sec->transport;
	for (child = root->children; child != NULL; child = child->next)
		if (is_element(child, "transportLayerProtocol"))
			break;
	if (child != NULL && (text = xmlNodeGetContent(child)) != NULL) {
		value = atoi((const char *)text);
		xmlFree(text);
	}
	return value == 1 || value == 2 ? value : 1;
}

int
phone_config_merge(const uint8_t *xml, size_t len, const char *file_name,
    const struct phone_security *sec, uint8_t **out, size_t *out_len,
    struct ucerr *err)
{
	xmlDocPtr doc;
	xmlNodePtr root;
	xmlChar *dump = NULL;
	int dump_len = 0, rc = -1;

	*out = NULL;
	if ((doc = parse(xml, len, file_name, err)) == NULL)
		return -1;
	root = xmlDocGetRootElement(doc);
	if (root == NULL || !is_element(root, "device")) {
		ucerr_set(err, "%s:%d: root element is not <device>", file_name,
		    root != NULL ? (int)xmlGetLineNo(root) : 1);
		goto out;
	}
	replace_child(root, int_node("deviceSecurityMode", sec->security_mode));
	replace_child(root, int_node("transportLayerProtocol",
	    transport_for(root, sec)));
	replace_child(root, int_node("capfAuthMode", sec->capf_auth_mode));
	put_lists(root, sec);
	replace_child(root, text_node("certHash", sec->cert_hash));
	replace_child(root, text_node("encrConfig", sec->encr_config ? "true" :
	    "false"));
	xmlDocDumpMemoryEnc(doc, &dump, &dump_len, "UTF-8");
	if (dump == NULL || dump_len < 0) {
		ucerr_set(err, "%s: cannot write the merged XML", file_name);
		goto out;
	}
	if ((*out = malloc((size_t)dump_len)) == NULL) {
		ucerr_set(err, "%s: out of memory", file_name);
		goto out;
	}
	memcpy(*out, dump, (size_t)dump_len);
	*out_len = (size_t)dump_len;
	rc = 0;
out:
	xmlFree(dump);
	xmlFreeDoc(doc);
	return rc;
}

int
phone_config_field(const uint8_t *xml, size_t len, const char *element,
    char *out, size_t outlen, struct ucerr *err)
{
	xmlDocPtr doc;
	xmlNodePtr root, child;
	xmlChar *text;
	int found = 0;

	out[0] = '\0';
	if ((doc = parse(xml, len, "configuration", err)) == NULL)
		return -1;
	root = xmlDocGetRootElement(doc);
	for (child = root != NULL ? root->children : NULL; child != NULL;
	    child = child->next) {
		if (!is_element(child, element))
			continue;
		if ((text = xmlNodeGetContent(child)) != NULL) {
			snprintf(out, outlen, "%s", (const char *)text);
			xmlFree(text);
		}
		found = 1;
		break;
	}
	xmlFreeDoc(doc);
	return found;
}
