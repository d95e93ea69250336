/* SPDX-License-Identifier: Apache-2.0 */
/*
 * text_out: writes payloads and topics into a fixed buffer, without snprintf. The serve role
 * writes an answer for every request it serves, and snprintf was most of that cost.
 */
#ifndef IOTNTP_TEXT_OUT_H
#define IOTNTP_TEXT_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Output into a fixed buffer; over once anything did not fit. */
struct txo_out {
	char *buf;
	char *p;
	char *end; /* one before the buffer's end: room for the NUL */
	bool over;
};

/* Starts writing into buf of size bytes. */
struct txo_out txo_start(char *buf, size_t size);

/* Appends n bytes of s. */
void txo_put_n(struct txo_out *o, const char *s, size_t n);

/* Appends a NUL-terminated string. */
void txo_put(struct txo_out *o, const char *s);

/* Appends a string literal, its length known at compile time. */
#define TXO_PUT_LIT(o, lit) txo_put_n((o), (lit), sizeof(lit) - 1)

/* Appends v in decimal, as printf's %" PRId64 " does. */
void txo_put_int(struct txo_out *o, int64_t v);

/* Appends v in decimal, between quotes when quoted. */
void txo_put_ms(struct txo_out *o, int64_t v, bool quoted);

/* Terminates the text; returns its length, or -1 when it did not fit. */
int txo_finish(struct txo_out *o);

#endif
