/* web_certs.c - placeholder */
#include "web_int.h"
const struct web_route web_cert_routes[] = { { NULL, 0, NULL, NULL } };
