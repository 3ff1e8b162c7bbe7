/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * MMIO accessors, Linux names. The _relaxed forms are single accesses; the
 * plain forms order them after earlier memory writes (a DMA master reading
 * what we wrote before we ring its doorbell) with a DSB, as Linux's writel.
 * Device memory is mapped nGnRE at EL2, so accesses to one device are not
 * reordered among themselves.
 */
#ifndef ISOHYP_ASM_IO_H
#define ISOHYP_ASM_IO_H

#include <isohyp/types.h>

static inline u8 readb_relaxed(const volatile void *addr)
{
	u32 v;

	__asm__ __volatile__("ldrb %w0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline u16 readw_relaxed(const volatile void *addr)
{
	u32 v;

	__asm__ __volatile__("ldrh %w0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline u32 readl_relaxed(const volatile void *addr)
{
	u32 v;

	__asm__ __volatile__("ldr %w0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline u64 readq_relaxed(const volatile void *addr)
{
	u64 v;

	__asm__ __volatile__("ldr %0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline void writew_relaxed(u16 v, volatile void *addr)
{
	__asm__ __volatile__("strh %w0, [%1]" : : "rZ"(v), "r"(addr) : "memory");
}

static inline void writel_relaxed(u32 v, volatile void *addr)
{
	__asm__ __volatile__("str %w0, [%1]" : : "rZ"(v), "r"(addr) : "memory");
}

static inline void writeq_relaxed(u64 v, volatile void *addr)
{
	__asm__ __volatile__("str %x0, [%1]" : : "rZ"(v), "r"(addr) : "memory");
}

/* Reads complete before later memory reads (of what the device wrote). */
static inline u32 readl(const volatile void *addr)
{
	u32 v = readl_relaxed(addr);

	__asm__ __volatile__("dsb ld" : : : "memory");
	return v;
}

/* Earlier memory writes are visible to the device before this write. */
static inline void writel(u32 v, volatile void *addr)
{
	__asm__ __volatile__("dsb st" : : : "memory");
	writel_relaxed(v, addr);
}

static inline void writeq(u64 v, volatile void *addr)
{
	__asm__ __volatile__("dsb st" : : : "memory");
	writeq_relaxed(v, addr);
}

#endif /* ISOHYP_ASM_IO_H */
