// SPDX-License-Identifier: GPL-2.0-only
/*
 * Installing the hypervisor (ARCHITECTURE.md section 2, steps 3 and 6): the
 * carve-out is allocated as EfiReservedMemoryType so neither firmware nor the
 * OS ever reuses it; the EL2 image embedded in this loader is copied to its
 * start and relocated for that address; the boot info follows the image; the
 * whole of it is cleaned to the point of coherency (secondary CPUs execute
 * and read it with their MMU off); then __hyp_install runs at EL2 and
 * returns here at EL1.
 */
#include <string.h>

#include <asm/cache.h>
#include <isohyp/bits.h>
#include <isohyp/errno.h>

#include "loader.h"

#define R_AARCH64_NONE 0
#define R_AARCH64_RELATIVE 1027

struct elf64_rela {
	UINT64 r_offset;
	UINT64 r_info;
	INT64 r_addend;
};

extern const char __hyp_image_start[], __hyp_image_end[];

/* EFI_MEMORY_ATTRIBUTE_PROTOCOL (UEFI 2.10 section 37.7). */
static EFI_GUID mem_attr_guid = { 0xf4560cf6, 0x40ec, 0x4b4a,
				  { 0xa1, 0x92, 0xbf, 0x1d, 0x57, 0xd0, 0xb1, 0x89 } };
/* EFI_CPU_ARCH_PROTOCOL (PI 1.7 volume 2, section 12.3), for older firmware. */
static EFI_GUID cpu_arch_guid = { 0x26baccb1, 0x6f42, 0x11d4,
				  { 0xbc, 0xe7, 0x00, 0x80, 0xc7, 0x3c, 0x88, 0x81 } };

struct efi_memory_attribute_protocol {
	EFI_STATUS (*get)(void *this, EFI_PHYSICAL_ADDRESS base, UINT64 len, UINT64 *attrs);
	EFI_STATUS (*set)(void *this, EFI_PHYSICAL_ADDRESS base, UINT64 len, UINT64 attrs);
	EFI_STATUS (*clear)(void *this, EFI_PHYSICAL_ADDRESS base, UINT64 len, UINT64 attrs);
};

struct efi_cpu_arch_protocol {
	void *flush_data_cache, *enable_interrupt, *disable_interrupt, *get_interrupt_state;
	void *init, *register_interrupt_handler, *get_timer_value;
	EFI_STATUS (*set_memory_attributes)(void *this, EFI_PHYSICAL_ADDRESS base, UINT64 len,
					    UINT64 attrs);
};

/*
 * Firmware with memory protection maps EfiReservedMemoryType never-executable;
 * the EL2 image runs from the carve-out under the firmware's tables until it
 * switches to its own, so lift that for the image.
 */
static EFI_STATUS carveout_make_executable(UINT64 base, UINT64 size)
{
	struct efi_memory_attribute_protocol *ma = NULL;
	struct efi_cpu_arch_protocol *cpu = NULL;
	EFI_STATUS status;

	status = uefi_call_wrapper(BS->LocateProtocol, 3, &mem_attr_guid, NULL, (void **)&ma);
	if (!EFI_ERROR(status) && ma)
		return ma->clear(ma, base, size, EFI_MEMORY_XP | 0x20000ULL /* RO */);
	status = uefi_call_wrapper(BS->LocateProtocol, 3, &cpu_arch_guid, NULL, (void **)&cpu);
	if (!EFI_ERROR(status) && cpu)
		return cpu->set_memory_attributes(cpu, base, size, EFI_MEMORY_WB);
	return EFI_UNSUPPORTED;
}

static const struct hyp_image_header *hyp_header(void)
{
	return (const struct hyp_image_header *)__hyp_image_start;
}

/* The EL2 image plus the boot info, page aligned: what precedes the pool. */
static UINT64 hyp_footprint(void)
{
	return ALIGN_UP(hyp_header()->mem_size + sizeof(struct boot_info), SZ_4K);
}

EFI_STATUS hyp_image_check(UINT64 carveout_size)
{
	const struct hyp_image_header *h = hyp_header();
	UINT64 len = __hyp_image_end - __hyp_image_start;

	if (h->magic != HYP_IMAGE_MAGIC || h->image_size > len || h->mem_size < h->image_size ||
	    h->rela_offset + h->rela_size > h->image_size || h->install_offset >= h->image_size) {
		ERR(L"the embedded EL2 image is corrupt\n");
		return EFI_LOAD_ERROR;
	}
	/* Room for the image and at least 1 MiB of page pool (tables, stacks). */
	if (carveout_size < hyp_footprint() + SZ_1M) {
		ERR(L"carve-out of %ld KiB is too small for the %ld KiB image\n",
		    carveout_size >> 10, hyp_footprint() >> 10);
		return EFI_BUFFER_TOO_SMALL;
	}
	return EFI_SUCCESS;
}

/* @size bytes, 2 MiB aligned (so EL2 and stage-2 can use block mappings). */
EFI_STATUS hyp_carveout_alloc(UINT64 size, UINT64 *base)
{
	UINTN pages = EFI_SIZE_TO_PAGES(size + SZ_2M);
	EFI_PHYSICAL_ADDRESS addr;
	UINT64 aligned, tail;
	EFI_STATUS status;

	status = uefi_call_wrapper(BS->AllocatePages, 4, AllocateAnyPages, EfiReservedMemoryType,
				   pages, &addr);
	if (EFI_ERROR(status)) {
		ERR(L"cannot allocate a %ld MiB carve-out: %r\n", size >> 20, status);
		return status;
	}
	aligned = ALIGN_UP((UINT64)addr, SZ_2M);
	tail = addr + pages * EFI_PAGE_SIZE - (aligned + size);
	if (aligned > addr)
		uefi_call_wrapper(BS->FreePages, 2, addr, EFI_SIZE_TO_PAGES(aligned - addr));
	if (tail)
		uefi_call_wrapper(BS->FreePages, 2, aligned + size, EFI_SIZE_TO_PAGES(tail));
	*base = aligned;
	return EFI_SUCCESS;
}

void hyp_carveout_free(UINT64 base, UINT64 size)
{
	uefi_call_wrapper(BS->FreePages, 2, base, EFI_SIZE_TO_PAGES(size));
}

static EFI_STATUS hyp_relocate(UINT64 base)
{
	const struct hyp_image_header *h = hyp_header();
	const struct elf64_rela *r = (const void *)(base + h->rela_offset);
	UINT64 i, n = h->rela_size / sizeof(*r);

	for (i = 0; i < n; i++) {
		/* ld leaves NONE entries where it reserved a slot it did not need. */
		if ((r[i].r_info & 0xffffffff) == R_AARCH64_NONE)
			continue;
		if ((r[i].r_info & 0xffffffff) != R_AARCH64_RELATIVE ||
		    r[i].r_offset + 8 > h->mem_size) {
			ERR(L"EL2 image: unexpected relocation %ld\n", r[i].r_info);
			return EFI_LOAD_ERROR;
		}
		*(UINT64 *)(base + r[i].r_offset) = base + r[i].r_addend;
	}
	return EFI_SUCCESS;
}

/*
 * Call __hyp_install(@bi) at @fn and keep the general-purpose registers it
 * hands back: @regs[0..16] = x1..x17 on return, @regs[17] = x18 on return,
 * @regs[18] = x18 before the call. x19 (holding @regs) is callee-saved, so
 * it survives the call; everything the callee may change is a clobber.
 */
static int hyp_install_call(void *fn, struct boot_info *bi, UINT64 regs[19])
{
	register UINT64 x0 __asm__("x0") = (UINT64)bi;
	register UINT64 *out __asm__("x19") = regs;

	__asm__ __volatile__("str	x18, [x19, #144]\n"
			     "blr	%[fn]\n"
			     "stp	x1, x2, [x19, #0]\n"
			     "stp	x3, x4, [x19, #16]\n"
			     "stp	x5, x6, [x19, #32]\n"
			     "stp	x7, x8, [x19, #48]\n"
			     "stp	x9, x10, [x19, #64]\n"
			     "stp	x11, x12, [x19, #80]\n"
			     "stp	x13, x14, [x19, #96]\n"
			     "stp	x15, x16, [x19, #112]\n"
			     "stp	x17, x18, [x19, #128]\n"
			     : "+r"(x0)
			     : [fn] "r"(fn), "r"(out)
			     : "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11",
			       "x12", "x13", "x14", "x15", "x16", "x17", "x30", "cc", "memory");
	return (int)x0;
}

/*
 * The contract of __hyp_install (arch/arm64/hyp/entry.S): back at EL1, no
 * register but the callee-saved ones and x18 (the caller's) holds anything,
 * so no hypervisor address reaches the host. Checked on every install: a
 * broken promise is reported (the hypervisor is in place by then; it stays).
 */
static void hyp_install_check_regs(const UINT64 regs[19])
{
	int i;

	for (i = 0; i < 17; i++)
		if (regs[i])
			ERR(L"__hyp_install returned %lx in x%d: it must return x1-x17 zero\n",
			    regs[i], i + 1);
	if (regs[17] != regs[18])
		ERR(L"__hyp_install changed x18 from %lx to %lx\n", regs[18], regs[17]);
}

/*
 * What __hyp_install's error means, as hyp_boot_init() and the drivers it
 * runs return them (the hypervisor logs details on its own console when it
 * got that far). The loader checks the platform against the hypervisor's
 * limits first, so these should not be seen.
 */
static const char *hyp_install_strerror(int ret)
{
	switch (-ret) {
	case E2BIG:
		return "more CPUs than the hypervisor is built for (CONFIG_MAX_CPUS)";
	case ENOMEM:
		return "the carve-out is too small for its tables and stacks (carveout_mb=)";
	case ENODEV:
		return "a CPU feature or device it needs is missing";
	case EINVAL:
		return "it rejected the platform description";
	case ETIMEDOUT:
		return "a device did not answer in time";
	default:
		return "see its log above";
	}
}

EFI_STATUS hyp_install(struct boot_info *bi)
{
	const struct hyp_image_header *h = hyp_header();
	UINT64 base = bi->carveout_base;
	struct boot_info *dst = (void *)(base + h->mem_size);
	UINT64 regs[19];
	EFI_STATUS status;
	void *install;
	int ret;

	memcpy((void *)base, h, h->image_size);
	memset((void *)(base + h->image_size), 0, h->mem_size - h->image_size);
	status = hyp_relocate(base);
	if (EFI_ERROR(status))
		return status;
	bi->image_size = hyp_footprint();
	*dst = *bi;
	/* The hypervisor's code and data as secondary CPUs see them: MMU off. */
	dcache_clean_poc((void *)base, bi->image_size);
	icache_inval_all();

	status = carveout_make_executable(base, bi->image_size);
	if (EFI_ERROR(status)) {
		ERR(L"cannot make the EL2 image executable: %r\n", status);
		return status;
	}
	install = (void *)(base + h->install_offset);
	ret = hyp_install_call(install, dst, regs);
	if (ret) {
		ERR(L"the hypervisor refused to install: error %d (%a)\n", ret,
		    hyp_install_strerror(ret));
		return EFI_LOAD_ERROR;
	}
	hyp_install_check_regs(regs);
	return EFI_SUCCESS;
}
