/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bridge_id: the client id of the gateway's bridge inside its own broker.
 *
 * Mosquitto 2.0 lets a new connection take over a client id, so a LAN client that knows the
 * bridge's id can disconnect the uplink until the bridge reconnects. It cannot move the time:
 * the plugin tells the bridge from a client that took its id. Each gateway therefore gets an
 * id that cannot be guessed, 128 random bits, written by iotntp-config.
 */
#ifndef IOTNTP_BRIDGE_ID_H
#define IOTNTP_BRIDGE_ID_H

#include <stddef.h>

#define BRIDGE_ID_PREFIX       "iotntp-bridge-"
#define BRIDGE_ID_RANDOM_BYTES 16  /* 128 bits: far beyond guessing over a LAN */
#define BRIDGE_ID_MAX          128 /* the plugin's limit for plugin_opt_bridge_client_id */
#define BRIDGE_ID_SIZE         (BRIDGE_ID_MAX + 1)

/* Writes BRIDGE_ID_PREFIX and the bytes as lower-case hex, high nibble first, into id. */
void bridge_id_format(const unsigned char bytes[BRIDGE_ID_RANDOM_BYTES], char id[BRIDGE_ID_SIZE]);

/* Writes a fresh id from OpenSSL's RAND_bytes into id; 0, or -1 if the random source failed. */
int bridge_id_generate(char id[BRIDGE_ID_SIZE]);

/*
 * Checks an operator's id: 1 to BRIDGE_ID_MAX printable ASCII characters other than space,
 * '+', '#' and '/'. Returns 0, or -1 with a message in err naming --bridge-client-id.
 */
int bridge_id_check(const char *id, char *err, size_t err_size);

#endif
