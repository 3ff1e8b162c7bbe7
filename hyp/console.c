// SPDX-License-Identifier: GPL-2.0-only
/*
 * The hypervisor's console: log levels, the "isohyp: " prefix, one lock so
 * lines from different CPUs do not interleave -- and no UART output while
 * the CPU holds any hypervisor lock (include/isohyp/lock.h). Writing to the
 * UART polls it with a bounded wait per character (hyp/pl011.c), which under
 * host_mmu.lock or an SMMU's lock would stall every other CPU behind it. So
 * a message logged under a lock goes to the CPU's ring, and the ring goes to
 * the UART when the CPU releases its last lock (hyp_lock_release() calls
 * hyp_console_flush()): the CPU's messages keep their order, only later.
 *
 * Each CPU writes only its own ring, so the ring needs no lock. A full ring
 * keeps what it has and drops the newest messages, counted: the flush ends
 * with "N messages lost". A panic (hyp_panic()) flushes the ring and then
 * writes directly, locks held or not: it never returns to release them.
 */
#include <stdarg.h>

#include <asm/spinlock.h>
#include <isohyp/console.h>
#include <isohyp/lock.h>
#include <isohyp/printf.h>

struct log_ring {
	char buf[HYP_LOG_RING_SIZE];
	u32 len; /* bytes in buf, whole messages only */
	u32 nr_lost; /* messages dropped since the last flush */
};

static struct log_ring log_rings[CONFIG_MAX_CPUS];
static unsigned int log_level = LOG_INFO;
/* Bare (arch_spin_lock): taken with no ranked lock held, or by a panic. */
static hyp_spinlock_t console_lock = HYP_SPINLOCK_INIT;

void hyp_console_init(u64 uart_base, unsigned int level)
{
	hyp_uart_init(uart_base);
	log_level = level;
}

static void console_write_locked(const char *s, size_t len)
{
	for (; len && *s; s++, len--) {
		if (*s == '\n')
			hyp_uart_putc('\r');
		hyp_uart_putc(*s);
	}
}

static void ring_write_locked(struct log_ring *r)
{
	char lost[64];

	console_write_locked(r->buf, r->len);
	r->len = 0;
	if (r->nr_lost) {
		hyp_snprintf(lost, sizeof(lost), "isohyp: %u messages lost (logged under a lock)\n",
			     r->nr_lost);
		console_write_locked(lost, sizeof(lost));
		r->nr_lost = 0;
	}
}

static void ring_flush(struct log_ring *r)
{
	if (!r->len && !r->nr_lost)
		return;
	arch_spin_lock(&console_lock);
	ring_write_locked(r);
	arch_spin_unlock(&console_lock);
}

void hyp_console_flush(void)
{
	if (hyp_lock_nr_held())
		return;
	ring_flush(&log_rings[hyp_cpu_index()]);
}

void hyp_console_flush_final(void)
{
	ring_flush(&log_rings[hyp_cpu_index()]);
}

/* Append one message (prefix and line), all or nothing. */
static void ring_add(struct log_ring *r, const char *prefix, const char *line)
{
	size_t plen = 0, llen = 0;

	while (prefix[plen])
		plen++;
	while (line[llen])
		llen++;
	if (plen + llen > sizeof(r->buf) - r->len) {
		r->nr_lost++;
		return;
	}
	for (size_t i = 0; i < plen; i++)
		r->buf[r->len++] = prefix[i];
	for (size_t i = 0; i < llen; i++)
		r->buf[r->len++] = line[i];
}

void hyp_console_write(const char *s)
{
	arch_spin_lock(&console_lock);
	console_write_locked(s, (size_t)-1);
	arch_spin_unlock(&console_lock);
}

void hyp_log(enum hyp_log_level level, const char *fmt, ...)
{
	struct log_ring *r = &log_rings[hyp_cpu_index()];
	const char *prefix = level == LOG_ERROR ? "isohyp: error: " :
			     level == LOG_WARN ? "isohyp: warning: " : "isohyp: ";
	char line[256];
	va_list ap;

	if (level > log_level)
		return;
	va_start(ap, fmt);
	hyp_vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (hyp_lock_nr_held()) {
		ring_add(r, prefix, line);
		return;
	}
	arch_spin_lock(&console_lock);
	/* Anything still deferred came first. */
	ring_write_locked(r);
	console_write_locked(prefix, (size_t)-1);
	console_write_locked(line, (size_t)-1);
	arch_spin_unlock(&console_lock);
}
