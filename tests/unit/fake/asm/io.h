/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Host unit tests: MMIO accessors that reach the software SMMUv3 model
 * (tests/unit/lib/smmu_model.c), or a test's own device model, instead of
 * hardware. The address is only a key: the model owns the registers at that
 * physical address.
 */
#ifndef ISOHYP_FAKE_ASM_IO_H
#define ISOHYP_FAKE_ASM_IO_H

#include <isohyp/types.h>

u64 fake_mmio_read(u64 addr, unsigned int size);
void fake_mmio_write(u64 addr, u64 val, unsigned int size);

static inline u8 readb_relaxed(const volatile void *addr)
{
	return (u8)fake_mmio_read((u64)(uintptr_t)addr, 1);
}

static inline u16 readw_relaxed(const volatile void *addr)
{
	return (u16)fake_mmio_read((u64)(uintptr_t)addr, 2);
}

static inline u32 readl_relaxed(const volatile void *addr)
{
	return (u32)fake_mmio_read((u64)(uintptr_t)addr, 4);
}

static inline u64 readq_relaxed(const volatile void *addr)
{
	return fake_mmio_read((u64)(uintptr_t)addr, 8);
}

static inline void writew_relaxed(u16 v, volatile void *addr)
{
	fake_mmio_write((u64)(uintptr_t)addr, v, 2);
}

static inline void writel_relaxed(u32 v, volatile void *addr)
{
	fake_mmio_write((u64)(uintptr_t)addr, v, 4);
}

static inline void writeq_relaxed(u64 v, volatile void *addr)
{
	fake_mmio_write((u64)(uintptr_t)addr, v, 8);
}

#define readl readl_relaxed
#define writel writel_relaxed
#define writeq writeq_relaxed

#endif /* ISOHYP_FAKE_ASM_IO_H */
