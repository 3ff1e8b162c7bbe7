/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The payload's MMIO accesses: one LDR/STR each, so the trap's syndrome
 * describes them (ISV = 1) and the hypervisor can emulate them. A store
 * first waits for earlier stores (DSB ST): a descriptor or command written
 * to memory is visible to the device before the doorbell that names it.
 */
#ifndef ISOHYP_PAYLOAD_MMIO_ACCESS_H
#define ISOHYP_PAYLOAD_MMIO_ACCESS_H

#include <isohyp/types.h>

static inline u8 mmio_rd8(u64 a)
{
	u32 v;

	__asm__ __volatile__("ldrb %w0, [%1]" : "=r"(v) : "r"(a) : "memory");
	return v;
}

static inline u32 mmio_rd32(u64 a)
{
	u32 v;

	__asm__ __volatile__("ldr %w0, [%1]" : "=r"(v) : "r"(a) : "memory");
	return v;
}

static inline u64 mmio_rd64(u64 a)
{
	u64 v;

	__asm__ __volatile__("ldr %0, [%1]" : "=r"(v) : "r"(a) : "memory");
	return v;
}

static inline void mmio_wr16(u64 a, u16 v)
{
	__asm__ __volatile__("dsb st\n\tstrh %w0, [%1]" : : "r"(v), "r"(a) : "memory");
}

static inline void mmio_wr32(u64 a, u32 v)
{
	__asm__ __volatile__("dsb st\n\tstr %w0, [%1]" : : "r"(v), "r"(a) : "memory");
}

static inline void mmio_wr64(u64 a, u64 v)
{
	__asm__ __volatile__("dsb st\n\tstr %0, [%1]" : : "r"(v), "r"(a) : "memory");
}

#endif /* ISOHYP_PAYLOAD_MMIO_ACCESS_H */
