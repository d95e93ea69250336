/* SPDX-License-Identifier: Apache-2.0 */
/*
 * identity: the device's names as the IoT platform allows them.
 *
 * The names end up in mosquitto.conf tokens, in topics and in the signed text, so anything the
 * platform would refuse is refused here, before a broker keeps retrying a login that cannot work.
 */
#ifndef IOTNTP_IDENTITY_H
#define IOTNTP_IDENTITY_H

#include <stddef.h>

/* The platform issues 11-character ProductKeys but documents no fixed length. */
#define ID_PRODUCT_KEY_MAX 32
#define ID_DEVICE_NAME_MIN 4
#define ID_DEVICE_NAME_MAX 32
#define ID_CLIENT_ID_MAX   64

enum id_kind { ID_PRODUCT_KEY, ID_DEVICE_NAME, ID_CLIENT_ID };

/*
 * Checks value as a name of that kind; returns 0, or -1 with a message in err that names the
 * option, says what is wrong and what is allowed.
 */
int id_check(enum id_kind kind, const char *value, char *err, size_t err_size);

#endif
