// SPDX-License-Identifier: GPL-2.0-only
/*
 * The console's UART: a PL011 (Arm PrimeCell UART PL011 TRM, DDI 0183:
 * UARTDR at 0x000, UARTFR at 0x018). The firmware or the host configured it;
 * the hypervisor only writes bytes. The host shares the UART, so the
 * hypervisor never touches its configuration and never waits forever on a
 * full FIFO: after a bounded number of polls a character is dropped.
 * hyp/console.c decides when to write; this file only how.
 */
#include <isohyp/bits.h>
#include <isohyp/console.h>

#define UARTDR 0x000
#define UARTFR 0x018
#define UARTFR_TXFF BIT(5)
#define UART_TX_POLLS 100000

static volatile u8 *uart;

void hyp_uart_init(u64 base)
{
	uart = (volatile u8 *)(uintptr_t)base;
}

void hyp_uart_putc(char c)
{
	unsigned int polls;

	if (!uart)
		return;
	for (polls = 0; polls < UART_TX_POLLS; polls++)
		if (!(*(volatile u32 *)(uart + UARTFR) & UARTFR_TXFF))
			break;
	*(volatile u32 *)(uart + UARTDR) = (u8)c;
}
