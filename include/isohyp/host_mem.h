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
/*
 * The same for host memory a non-coherent device also uses, which the host
 * may map Non-cacheable (nested mode with IDR0.COHACC = 0 offered): a read
 * first cleans and invalidates the lines, so it sees what is at the PoC and
 * not a stale line of the hypervisor's cacheable alias (clean too, so that a
 * dirty line of the host's own is never dropped); a write is cleaned and
 * invalidated to the PoC before the call returns, so a Non-cacheable reader
 * sees it. The maintenance is by line: the rest of each line is the host's
 * memory too (the caller checked the whole of [pa, pa + len) only).
 */
void host_mem_read_poc(phys_addr_t pa, void *dst, u64 len);
void host_mem_write_poc(phys_addr_t pa, const void *src, u64 len);

#endif /* ISOHYP_HOST_MEM_H */
