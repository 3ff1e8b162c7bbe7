/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Host unit tests that link the real hyp/console.c: a UART (hyp_uart_putc())
 * that keeps every byte written and counts those written while the CPU held
 * a lock (hyp_lock_nr_held() at that byte) -- which the console promises
 * never happens outside a panic.
 */
#ifndef ISOHYP_TEST_UART_RECORD_H
#define ISOHYP_TEST_UART_RECORD_H

#include <stdbool.h>
#include <stddef.h>

#define UART_RECORD_SIZE 65536

struct uart_record {
	char out[UART_RECORD_SIZE]; /* NUL-terminated; bytes past the size are counted only */
	size_t len;
	size_t under_lock; /* bytes written while a lock was held */
	bool echo; /* also to stdout (a child process's output for its parent) */
};

extern struct uart_record uart_rec;

void uart_record_reset(void);
/* Is @s in what was written? */
bool uart_record_has(const char *s);

#endif
