// SPDX-License-Identifier: GPL-2.0-only
/* The recording UART of lib/uart_record.h. */
#include <stdio.h>
#include <string.h>

#include <isohyp/console.h>
#include <isohyp/lock.h>

#include "uart_record.h"

struct uart_record uart_rec;

void hyp_uart_init(u64 base)
{
}

void hyp_uart_putc(char c)
{
	if (hyp_lock_nr_held())
		uart_rec.under_lock++;
	if (uart_rec.len + 1 < sizeof(uart_rec.out))
		uart_rec.out[uart_rec.len] = c;
	uart_rec.len++;
	if (uart_rec.echo)
		putchar(c);
}

void uart_record_reset(void)
{
	memset(&uart_rec, 0, sizeof(uart_rec));
}

bool uart_record_has(const char *s)
{
	return strstr(uart_rec.out, s) != NULL;
}
