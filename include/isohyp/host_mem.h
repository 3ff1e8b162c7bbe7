/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypervisor's accesses to host RAM (ARCHITECTURE.md section 10, "EL2
 * maps only what it needs"): EL2 maps no host RAM; each access goes through
 * a short-lived per-CPU mapping (arm64: arch/arm64/hyp/host_mem.c, a
 * fixmap slot). The caller checked that the range is the host's, or the
 * hypervisor's to use (a donated page), and holds host_mmu.lock so that it
 * stays so. Ranges may cross pages.
 */
#ifndef ISOHYP_HOST_MEM_H
#define ISOHYP_HOST_MEM_H

#include <isohyp/types.h>

void host_mem_read(phys_addr_t pa, void *dst, u64 len);
void host_mem_write(phys_addr_t pa, const void *src, u64 len);
/* Zero [pa, pa + len) and clean it to the PoC: every observer, CPU or DMA, sees zeros. */
void host_mem_zero(phys_addr_t pa, u64 len);

#endif /* ISOHYP_HOST_MEM_H */
