/* web_phones.c - placeholder */
#include "web_int.h"
const struct web_route web_phone_routes[] = { { NULL, 0, NULL, NULL } };
