// SPDX-License-Identifier: GPL-2.0-only
/*
 * DMA isolation seen from the host (ARCHITECTURE.md sections 5 and 6), with
 * QEMU's edu PCI device as the DMA master: its engine copies between RAM and
 * a 4 KiB buffer inside the device (at device address 0x40000). What the
 * host owns is DMA-able; donated pages, the carve-out and the SMMU's own
 * structures are not, in either direction, and every refused DMA shows up
 * in IOMMU_INFO's fault count and last faulting address.
 *
 * Reading a forbidden page into the device buffer must leave the buffer as
 * it was (or zero, as QEMU fills a failed read): it is copied out to a host
 * page afterwards and checked to hold none of the forbidden bytes.
 */
#include <efi.h>
#include <efilib.h>
#include <libfdt.h>
#include <string.h>

#include <asm/cache.h>
#include <isohyp/bits.h>
#include <isohyp/boot_info.h>
#include <uapi/isohyp.h>

#include "harness.h"
#include "payload.h"

#define EDU_VENDOR 0x1234
#define EDU_DEVICE 0x11e8
#define EDU_REG_ID 0x00
#define EDU_ID_MAGIC 0xed
#define EDU_REG_DMA_SRC 0x80
#define EDU_REG_DMA_DST 0x88
#define EDU_REG_DMA_CNT 0x90
#define EDU_REG_DMA_CMD 0x98
#define EDU_DMA_RUN BIT(0)
#define EDU_DMA_TO_RAM BIT(1)
#define EDU_BUF 0x40000ULL
#define PAGE 4096ULL

static EFI_GUID pci_io_guid = EFI_PCI_IO_PROTOCOL_GUID;
static EFI_PCI_IO_PROTOCOL *edu;

struct iommu_info {
	u64 nr, faults, last, strtab, cmdq, evtq, idmap_root;
};

static void iommu_info(struct iommu_info *i)
{
	u64 r[8];

	payload_hvc8(ISOHYP_FN_IOMMU_INFO, r);
	i->nr = r[0] ? ~0ULL : r[1];
	i->faults = r[2], i->last = r[3];
	i->strtab = r[4], i->cmdq = r[5], i->evtq = r[6], i->idmap_root = r[7];
}

static EFI_PCI_IO_PROTOCOL *find_edu(void)
{
	EFI_HANDLE *handles = NULL;
	UINTN n = 0, i;
	EFI_PCI_IO_PROTOCOL *found = NULL;

	if (EFI_ERROR(uefi_call_wrapper(BS->LocateHandleBuffer, 5, ByProtocol, &pci_io_guid, NULL,
					&n, &handles)))
		return NULL;
	for (i = 0; i < n && !found; i++) {
		EFI_PCI_IO_PROTOCOL *io;
		UINT32 id;

		if (EFI_ERROR(uefi_call_wrapper(BS->HandleProtocol, 3, handles[i], &pci_io_guid,
						(void **)&io)))
			continue;
		if (EFI_ERROR(uefi_call_wrapper(io->Pci.Read, 5, io, EfiPciIoWidthUint32, 0, 1,
						&id)))
			continue;
		if ((id & 0xffff) == EDU_VENDOR && (id >> 16) == EDU_DEVICE)
			found = io;
	}
	uefi_call_wrapper(BS->FreePool, 1, handles);
	return found;
}

static u64 edu_read(u64 off)
{
	UINT64 v = ~0ULL;

	uefi_call_wrapper(edu->Mem.Read, 6, edu, EfiPciIoWidthUint64, 0, off, 1, &v);
	return v;
}

/* Registers below 0x80 take 32-bit accesses only. */
static u32 edu_read32(u64 off)
{
	UINT32 v = ~0U;

	uefi_call_wrapper(edu->Mem.Read, 6, edu, EfiPciIoWidthUint32, 0, off, 1, &v);
	return v;
}

static void edu_write(u64 off, u64 v)
{
	uefi_call_wrapper(edu->Mem.Write, 6, edu, EfiPciIoWidthUint64, 0, off, 1, &v);
}

/* One transfer of @len bytes; false if the engine never finished (2 s). */
bool payload_edu_dma(u64 src, u64 dst, u64 len, bool to_ram)
{
	int i;

	edu_write(EDU_REG_DMA_SRC, src);
	edu_write(EDU_REG_DMA_DST, dst);
	edu_write(EDU_REG_DMA_CNT, len);
	edu_write(EDU_REG_DMA_CMD, EDU_DMA_RUN | (to_ram ? EDU_DMA_TO_RAM : 0));
	for (i = 0; i < 2000; i++) {
		if (!(edu_read(EDU_REG_DMA_CMD) & EDU_DMA_RUN))
			return true;
		uefi_call_wrapper(BS->Stall, 1, 1000);
	}
	return false;
}

/* RAM -> device buffer. */
bool dma_in(u64 pa)
{
	return payload_edu_dma(pa, EDU_BUF, PAGE, false);
}

/* Device buffer -> RAM. */
bool dma_out(u64 pa)
{
	return payload_edu_dma(EDU_BUF, pa, PAGE, true);
}

int edu_setup(void)
{
	return payload_edu_setup(NULL);
}

int payload_edu_setup(u32 *rid)
{
	UINTN seg, bus, dev, fn;

	if (!edu)
		edu = find_edu();
	if (!edu)
		return -1;
	if (rid) {
		if (EFI_ERROR(uefi_call_wrapper(edu->GetLocation, 5, edu, &seg, &bus, &dev, &fn)))
			return -1;
		*rid = bus << 8 | dev << 3 | fn; /* the PCI requester ID: QEMU's stream ID */
	}
	if (EFI_ERROR(uefi_call_wrapper(edu->Attributes, 4, edu, EfiPciIoAttributeOperationEnable,
					EFI_PCI_IO_ATTRIBUTE_MEMORY |
						EFI_PCI_IO_ATTRIBUTE_BUS_MASTER,
					NULL)))
		return -1;
	return (edu_read32(EDU_REG_ID) & 0xff) == EDU_ID_MAGIC ? 0 : -1;
}

/* The host's own pages: RAM -> device -> another page, bytes intact. */
TEST(dma_to_and_from_host_pages_works)
{
	u64 a = alloc_pages(2), b = a + PAGE;
	struct iommu_info info;

	ASSERT_EQ(0, edu_setup());
	ASSERT_NE(0u, a);
	iommu_info(&info);
	ASSERT_EQ(1u, info.nr);
	fill_page(a, 0xa1);
	fill_page(b, 0);
	ASSERT_TRUE(dma_in(a));
	ASSERT_TRUE(dma_out(b));
	EXPECT_TRUE(page_has(b, 0xa1));
	free_pages(a, 2);
}

/*
 * Read @victim into the device (preloaded from a host page with a known
 * pattern), then copy the device buffer out: it must still hold the pattern
 * or zeros -- never the victim's bytes. The fault must be recorded at
 * @victim. Then write the buffer to @victim: a fault there too.
 */
static void check_dma_refused(struct __test_metadata *_metadata, u64 victim, u64 scratch,
			      u64 out)
{
	struct iommu_info before, mid, after;
	const u64 *o = (const u64 *)(uintptr_t)out;

	fill_page(scratch, 0x5eed);
	fill_page(out, 0);
	ASSERT_TRUE(dma_in(scratch));
	iommu_info(&before);
	ASSERT_TRUE(dma_in(victim));
	iommu_info(&mid);
	EXPECT_GT(mid.faults, before.faults);
	EXPECT_EQ(victim, mid.last & ~(PAGE - 1)); /* QEMU reports the failing beat */
	ASSERT_TRUE(dma_out(out));
	EXPECT_TRUE(page_has(out, 0x5eed) || page_is_zero(out));
	EXPECT_NE(HYP_IMAGE_MAGIC, o[1]);
	ASSERT_TRUE(dma_out(victim));
	iommu_info(&after);
	EXPECT_GT(after.faults, mid.faults);
	EXPECT_EQ(victim, after.last & ~(PAGE - 1));
}

/* A donated page is out of DMA's reach both ways; reclaimed, it is back. */
TEST(dma_cannot_touch_donated_page)
{
	u64 base = alloc_pages(3), victim = base, scratch = base + PAGE, out = base + 2 * PAGE;
	struct iommu_info info;

	ASSERT_EQ(0, edu_setup());
	ASSERT_NE(0u, base);
	fill_page(victim, 0xd0d0);
	ASSERT_EQ(0, hcall(ISOHYP_FN_HOST_DONATE_HYP, victim >> 12, 1));
	check_dma_refused(_metadata, victim, scratch, out);
	EXPECT_FALSE(page_has(out, 0xd0d0));
	ASSERT_EQ(0, hcall(ISOHYP_FN_HOST_RECLAIM, victim >> 12, 1));
	/* Reclaimed: DMA reaches it again, both ways, without a new fault. */
	iommu_info(&info);
	fill_page(scratch, 0x7777);
	ASSERT_TRUE(dma_in(scratch));
	ASSERT_TRUE(dma_out(victim));
	EXPECT_TRUE(page_has(victim, 0x7777));
	fill_page(victim, 0x8888);
	ASSERT_TRUE(dma_in(victim));
	ASSERT_TRUE(dma_out(out));
	EXPECT_TRUE(page_has(out, 0x8888));
	{
		struct iommu_info now;

		iommu_info(&now);
		EXPECT_EQ(info.faults, now.faults);
	}
	free_pages(base, 3);
}

/* Sharing with the hypervisor keeps a page the host's: still DMA-able. */
TEST(dma_reaches_shared_page)
{
	u64 base = alloc_pages(2), s = base, out = base + PAGE;

	ASSERT_EQ(0, edu_setup());
	ASSERT_NE(0u, base);
	fill_page(s, 0x5a5a);
	ASSERT_EQ(0, hcall(ISOHYP_FN_HOST_SHARE_HYP, s >> 12, 1));
	ASSERT_TRUE(dma_in(s));
	ASSERT_TRUE(dma_out(out));
	EXPECT_TRUE(page_has(out, 0x5a5a));
	fill_page(out, 0x6b6b);
	ASSERT_TRUE(dma_in(out));
	ASSERT_TRUE(dma_out(s));
	EXPECT_TRUE(page_has(s, 0x6b6b));
	EXPECT_EQ(0, hcall(ISOHYP_FN_HOST_UNSHARE_HYP, s >> 12, 1));
	free_pages(base, 2);
}

/*
 * IOMMU_INFO tells where the SMMU's structures are (x4..x7) only with test
 * hooks: inside the carve-out then, and all 0 otherwise.
 */
TEST(iommu_info_layout_only_with_test_hooks)
{
	u64 cbase, csize, where[4];
	struct iommu_info info;
	unsigned int i;

	ASSERT_EQ(0, find_carveout(&cbase, &csize));
	iommu_info(&info);
	ASSERT_EQ(1u, info.nr);
	where[0] = info.strtab, where[1] = info.cmdq;
	where[2] = info.evtq, where[3] = info.idmap_root;
	for (i = 0; i < ARRAY_SIZE(where); i++) {
		TH_LOG("x%u %lx", 4 + i, (unsigned long)where[i]);
		if (payload_test_hooks)
			EXPECT_TRUE(where[i] >= cbase && where[i] < cbase + csize);
		else
			EXPECT_EQ(0u, where[i]);
	}
}

/*
 * The carve-out (its first page holds the hypervisor image's header), and
 * the SMMU's stream table, command queue, event queue and identity-map
 * root: no DMA either way. The SMMU still works afterwards. Where the
 * SMMU's structures are, only a hypervisor with test hooks says: without,
 * the carve-out's first and last pages are the victims.
 */
TEST(dma_cannot_touch_hypervisor_memory)
{
	u64 base = alloc_pages(3), scratch = base, out = base + PAGE, cbase, csize, i, n = 0;
	struct iommu_info info;
	u64 victims[6];

	ASSERT_EQ(0, edu_setup());
	ASSERT_NE(0u, base);
	ASSERT_EQ(0, find_carveout(&cbase, &csize));
	iommu_info(&info);
	victims[n++] = cbase;
	victims[n++] = cbase + csize - PAGE;
	if (payload_test_hooks) {
		victims[n++] = info.strtab;
		victims[n++] = info.cmdq;
		victims[n++] = info.evtq;
		victims[n++] = info.idmap_root;
	}
	for (i = 0; i < n; i++) {
		TH_LOG("victim %lx", (unsigned long)victims[i]);
		ASSERT_TRUE(victims[i] >= cbase && victims[i] < cbase + csize);
		check_dma_refused(_metadata, victims[i], scratch, out);
	}
	/* Nothing of the SMMU's was overwritten: a host page still round-trips. */
	fill_page(scratch, 0x9999);
	fill_page(base + 2 * PAGE, 0);
	ASSERT_TRUE(dma_in(scratch));
	ASSERT_TRUE(dma_out(base + 2 * PAGE));
	EXPECT_TRUE(page_has(base + 2 * PAGE, 0x9999));
	free_pages(base, 3);
}

/*
 * The SMMU's registers, from its node in the host's tree: disabled in hidden
 * mode, left as it was (enabled) in nested mode (payload_smmu_nested()).
 */
int payload_find_smmu(u64 *base, u64 *size)
{
	const void *fdt = host_fdt();
	const fdt32_t *reg;
	const char *status;
	int node, len;

	node = fdt ? fdt_node_offset_by_compatible(fdt, -1, "arm,smmu-v3") : -1;
	if (node < 0)
		return -1;
	status = fdt_getprop(fdt, node, "status", NULL);
	reg = fdt_getprop(fdt, node, "reg", &len);
	if (payload_smmu_nested() ? status && strcmp(status, "okay") :
				    !status || strcmp(status, "disabled"))
		return -1;
	if (!reg || len != 16)
		return -1;
	*base = (u64)fdt32_to_cpu(reg[0]) << 32 | fdt32_to_cpu(reg[1]);
	*size = (u64)fdt32_to_cpu(reg[2]) << 32 | fdt32_to_cpu(reg[3]);
	return 0;
}

bool payload_smmu_nested(void)
{
	const void *fdt = host_fdt();
	int node = fdt ? fdt_path_offset(fdt, "/isohyp") : -1;
	const char *mode = node >= 0 ? fdt_getprop(fdt, node, "iommu-mode", NULL) : NULL;

	return mode && !strcmp(mode, ISOHYP_DT_IOMMU_NESTED);
}

/*
 * The SMMU's registers are the hypervisor's MMIO: the host cannot touch them
 * (hidden mode), or touches only the emulation (nested: smmu_nested_tests.c).
 */
TEST(smmu_registers_are_the_hypervisors)
{
	u64 base, size, last;

	ASSERT_EQ(0, payload_find_smmu(&base, &size));
	last = base + size - 8;
	EXPECT_EQ(ISOHYP_PAGE_MMIO_HYP, page_state(base >> 12));
	EXPECT_EQ(ISOHYP_PAGE_MMIO_HYP, page_state(last >> 12));
	EXPECT_EQ(ISOHYP_PAGE_MMIO_HOST, page_state((base + size) >> 12));
	EXPECT_EQ(-22, hcall(ISOHYP_FN_HOST_DONATE_HYP, base >> 12, 1));
	if (payload_smmu_nested())
		return;
	EXPECT_EQ(1u, with_payload_vectors(read_once, (volatile u64 *)(uintptr_t)base));
	check_sea(_metadata, base, false);
	EXPECT_EQ(1u, with_payload_vectors(write_once, (volatile u64 *)(uintptr_t)last));
	check_sea(_metadata, last, true);
	/* Not RAM: no range call applies to it. */
	EXPECT_EQ(-22, hcall(ISOHYP_FN_HOST_RECLAIM, base >> 12, 1));
}

/* ---- HOST_BATCH (include/uapi/isohyp.h): many ranges in one call -------------- */

#define ABI_EINVAL (-22)
#define ABI_EPERM (-1)
#define ABI_EBUSY (-16)
#define BATCH_PAGES 16

static s64 batch(u64 op, u64 list_pa, u64 nr)
{
	struct smccc_res res;

	payload_hvc(ISOHYP_FN_HOST_BATCH, op, list_pa, nr, &res);
	return res.a0 == ISOHYP_SMCCC_SUCCESS ? (s64)res.a1 : CALL_FAILED;
}

/* Page i of the batch: every 4th page of @base, so none is next to another. */
static u64 batch_page(u64 base, unsigned int i)
{
	return base + (u64)i * 4 * PAGE;
}

static void batch_list(struct isohyp_batch_range *l, u64 base)
{
	unsigned int i;

	for (i = 0; i < BATCH_PAGES; i++)
		l[i] = (struct isohyp_batch_range){ batch_page(base, i) >> 12, 1 };
	dcache_clean_inval_poc(l, BATCH_PAGES * sizeof(*l));
}

/*
 * 16 scattered pages donated in one call: each is the hypervisor's for the
 * CPU (PAGE_STATE, an abort on read) and out of reach of edu's DMA, its
 * neighbours untouched; reclaimed in one call, each is the host's again,
 * zeroed, and DMA reaches it.
 */
TEST(batch_donates_and_reclaims_scattered_pages)
{
	u64 base = alloc_pages(4 * BATCH_PAGES), list = alloc_pages(1), scratch = alloc_pages(2);
	struct isohyp_batch_range *l = (struct isohyp_batch_range *)(uintptr_t)list;
	unsigned int i;

	ASSERT_EQ(0, edu_setup());
	ASSERT_NE(0u, base);
	ASSERT_NE(0u, list);
	ASSERT_NE(0u, scratch);
	for (i = 0; i < 4 * BATCH_PAGES; i++)
		fill_page(base + i * PAGE, 0xb000 + i);
	dcache_clean_inval_poc((void *)(uintptr_t)base, 4 * BATCH_PAGES * PAGE);
	batch_list(l, base);
	ASSERT_EQ(0, batch(ISOHYP_BATCH_DONATE_HYP, list, BATCH_PAGES));
	for (i = 0; i < BATCH_PAGES; i++) {
		u64 pa = batch_page(base, i);

		EXPECT_EQ(ISOHYP_PAGE_HYP_OWNED, page_state(pa >> 12));
		EXPECT_EQ(1u, reads_faulting(pa));
		EXPECT_EQ(ISOHYP_PAGE_HOST_OWNED, page_state((pa >> 12) + 1));
		EXPECT_TRUE(page_has(pa + PAGE, 0xb000 + 4 * i + 1));
	}
	check_dma_refused(_metadata, batch_page(base, 5), scratch, scratch + PAGE);
	check_dma_refused(_metadata, batch_page(base, BATCH_PAGES - 1), scratch, scratch + PAGE);
	/* A neighbour of a donated page still goes both ways. */
	ASSERT_TRUE(dma_in(batch_page(base, 5) + PAGE));
	ASSERT_TRUE(dma_out(scratch));
	EXPECT_TRUE(page_has(scratch, 0xb000 + 4 * 5 + 1));
	ASSERT_EQ(0, batch(ISOHYP_BATCH_RECLAIM, list, BATCH_PAGES));
	for (i = 0; i < BATCH_PAGES; i++) {
		u64 pa = batch_page(base, i);

		EXPECT_EQ(ISOHYP_PAGE_HOST_OWNED, page_state(pa >> 12));
		EXPECT_EQ(0u, reads_faulting(pa));
		EXPECT_TRUE(page_is_zero(pa));
	}
	fill_page(scratch, 0x4242);
	ASSERT_TRUE(dma_in(scratch));
	ASSERT_TRUE(dma_out(batch_page(base, 5)));
	EXPECT_TRUE(page_has(batch_page(base, 5), 0x4242));
	free_pages(scratch, 2);
	free_pages(list, 1);
	free_pages(base, 4 * BATCH_PAGES);
}

/* Every page of the batch is the host's, holds its bytes, and DMA reaches it. */
static void expect_batch_untouched(struct __test_metadata *_metadata, u64 base, u64 scratch)
{
	unsigned int i;

	for (i = 0; i < BATCH_PAGES; i++) {
		u64 pa = batch_page(base, i);

		EXPECT_EQ(ISOHYP_PAGE_HOST_OWNED, page_state(pa >> 12));
		EXPECT_EQ(0u, reads_faulting(pa));
		EXPECT_TRUE(page_has(pa, 0xc000 + i));
	}
	ASSERT_TRUE(dma_in(batch_page(base, 3)));
	ASSERT_TRUE(dma_out(scratch));
	EXPECT_TRUE(page_has(scratch, 0xc000 + 3));
}

/*
 * A bad batch changes nothing, whatever is wrong with it: a page in the
 * wrong state, overlapping ranges, the list's own page, a bad count or
 * list address, a list in a donated page. Then the same batch, fixed, works.
 */
TEST(bad_batches_change_nothing)
{
	u64 base = alloc_pages(4 * BATCH_PAGES), list = alloc_pages(1), scratch = alloc_pages(1);
	struct isohyp_batch_range *l = (struct isohyp_batch_range *)(uintptr_t)list;
	u64 odd = alloc_pages(1);
	unsigned int i;

	ASSERT_EQ(0, edu_setup());
	ASSERT_NE(0u, base);
	ASSERT_NE(0u, list);
	ASSERT_NE(0u, odd);
	for (i = 0; i < BATCH_PAGES; i++)
		fill_page(batch_page(base, i), 0xc000 + i);
	dcache_clean_inval_poc((void *)(uintptr_t)base, 4 * BATCH_PAGES * PAGE);
	/* One page already donated: -EPERM for the whole batch. */
	ASSERT_EQ(0, hcall(ISOHYP_FN_HOST_DONATE_HYP, odd >> 12, 1));
	batch_list(l, base);
	l[9] = (struct isohyp_batch_range){ odd >> 12, 1 };
	dcache_clean_inval_poc(l, BATCH_PAGES * sizeof(*l));
	EXPECT_EQ(ABI_EPERM, batch(ISOHYP_BATCH_DONATE_HYP, list, BATCH_PAGES));
	expect_batch_untouched(_metadata, base, scratch);
	/* Overlapping ranges: -EINVAL. */
	batch_list(l, base);
	l[9] = (struct isohyp_batch_range){ batch_page(base, 3) >> 12, 2 };
	dcache_clean_inval_poc(l, BATCH_PAGES * sizeof(*l));
	EXPECT_EQ(ABI_EINVAL, batch(ISOHYP_BATCH_DONATE_HYP, list, BATCH_PAGES));
	expect_batch_untouched(_metadata, base, scratch);
	/* The list's own page: pinned for the call, -EBUSY. */
	batch_list(l, base);
	l[9] = (struct isohyp_batch_range){ list >> 12, 1 };
	dcache_clean_inval_poc(l, BATCH_PAGES * sizeof(*l));
	EXPECT_EQ(ABI_EBUSY, batch(ISOHYP_BATCH_DONATE_HYP, list, BATCH_PAGES));
	expect_batch_untouched(_metadata, base, scratch);
	EXPECT_EQ(ISOHYP_PAGE_HOST_OWNED, page_state(list >> 12));
	/* Bad call, count, list address; a list in a donated page. */
	batch_list(l, base);
	EXPECT_EQ(ABI_EINVAL, batch(0, list, BATCH_PAGES));
	EXPECT_EQ(ABI_EINVAL, batch(ISOHYP_BATCH_DONATE_HYP, list, 0));
	EXPECT_EQ(ABI_EINVAL, batch(ISOHYP_BATCH_DONATE_HYP, list, ISOHYP_BATCH_MAX + 1));
	EXPECT_EQ(ABI_EINVAL, batch(ISOHYP_BATCH_DONATE_HYP, list + 8, BATCH_PAGES));
	EXPECT_EQ(ABI_EINVAL, batch(ISOHYP_BATCH_DONATE_HYP, list + PAGE - 16, 2));
	EXPECT_EQ(ABI_EPERM, batch(ISOHYP_BATCH_DONATE_HYP, odd, 1));
	expect_batch_untouched(_metadata, base, scratch);
	/* Fixed: works, and undone in one call too. */
	ASSERT_EQ(0, batch(ISOHYP_BATCH_DONATE_HYP, list, BATCH_PAGES));
	for (i = 0; i < BATCH_PAGES; i++)
		EXPECT_EQ(ISOHYP_PAGE_HYP_OWNED, page_state(batch_page(base, i) >> 12));
	ASSERT_EQ(0, batch(ISOHYP_BATCH_RECLAIM, list, BATCH_PAGES));
	ASSERT_EQ(0, hcall(ISOHYP_FN_HOST_RECLAIM, odd >> 12, 1));
	free_pages(odd, 1);
	free_pages(scratch, 1);
	free_pages(list, 1);
	free_pages(base, 4 * BATCH_PAGES);
}
