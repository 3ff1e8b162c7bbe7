// SPDX-License-Identifier: GPL-2.0-only
/*
 * The device tree, through libfdt: read the platform the hypervisor needs
 * (CPUs, PSCI conduit, console UART, GICv3, SMMUv3s) from the firmware's
 * tree, classify its DMA masters (dt_policy.c), and install a patched copy
 * for the host with the carve-out reserved (/reserved-memory/hypervisor@ADDR,
 * no-map), an /isohyp node and the removed devices disabled
 * (ARCHITECTURE.md section 2, steps 4 and 5, and section 9). Bindings: Linux
 * Documentation/devicetree/bindings (cpus.yaml, arm/psci.yaml,
 * reserved-memory/reserved-memory.yaml, iommu/arm,smmu-v3.yaml).
 */
#include <libfdt.h>
#include <string.h>

#include <asm/sysreg.h>
#include <isohyp/version.h>
#include <uapi/isohyp.h>

#include "loader.h"

/* EFI_DTB_TABLE_GUID (UEFI spec, "Devicetree Tables"). */
static EFI_GUID fdt_table_guid = { 0xb1b621d5, 0xf19c, 0x41a5,
				   { 0x83, 0x0b, 0xd9, 0x15, 0x2c, 0x69, 0xaa, 0xe0 } };

#define FDT_EXTRA_SPACE 0x4000

const void *efi_find_fdt(void)
{
	UINTN i;

	for (i = 0; i < ST->NumberOfTableEntries; i++) {
		EFI_CONFIGURATION_TABLE *t = &ST->ConfigurationTable[i];

		if (!CompareGuid(&t->VendorGuid, &fdt_table_guid))
			return t->VendorTable;
	}
	return NULL;
}

static UINT64 read_cells(const fdt32_t *p, int cells)
{
	UINT64 v = 0;

	while (cells-- > 0)
		v = (v << 32) | fdt32_to_cpu(*p++);
	return v;
}

/* Entry @idx of a node's "reg", with the parent's #address-/#size-cells. */
static int fdt_read_reg(const void *fdt, int node, int idx, UINT64 *base, UINT64 *size)
{
	int parent = fdt_parent_offset(fdt, node);
	int ac = fdt_address_cells(fdt, parent), sc = fdt_size_cells(fdt, parent);
	const fdt32_t *reg;
	int len;

	if (parent < 0 || ac < 1 || ac > 2 || sc < 0 || sc > 2)
		return -1;
	reg = fdt_getprop(fdt, node, "reg", &len);
	if (!reg || len < (idx + 1) * (ac + sc) * 4)
		return -1;
	reg += idx * (ac + sc);
	*base = read_cells(reg, ac);
	*size = read_cells(reg + ac, sc);
	return 0;
}

/*
 * Every CPU is started through PSCI (Linux Documentation/devicetree/bindings/
 * arm/cpus.yaml, "enable-method"): that is the one way in that the
 * hypervisor relays. A "spin-table" CPU waits in firmware memory for a write
 * to its release address, which the host could make behind the hypervisor's
 * back: that CPU would run outside it. Only the CPU running this loader may
 * have no enable-method at all (it is started already).
 */
static int fdt_check_enable_method(const void *fdt, int node, UINT64 mpidr, bool is_self)
{
	const char *method;
	int len;

	method = fdt_getprop(fdt, node, "enable-method", &len);
	if (method && len == sizeof("psci") && !memcmp(method, "psci", len))
		return 0;
	if (!method && is_self)
		return 0;
	ERR(L"CPU %lx: enable-method \"%a\", not \"psci\": the hypervisor could not keep it\n",
	    mpidr, method && len > 0 && !method[len - 1] ? method : "(none)");
	return -1;
}

/*
 * The hypervisor keeps per-CPU state for CONFIG_MAX_CPUS CPUs (hyp/main.c
 * refuses more with -E2BIG): a larger machine is refused here, where the
 * message can say what to change, after counting every CPU node.
 */
static int fdt_gather_cpus(const void *fdt, struct boot_info *bi)
{
	UINT64 self = read_sysreg(mpidr_el1) & 0xff00ffffffULL;
	int cpus = fdt_path_offset(fdt, "/cpus"), node, ac;
	bool found_self = false, is_self;
	UINT32 nr_nodes = 0;

	if (cpus < 0) {
		ERR(L"device tree has no /cpus\n");
		return -1;
	}
	ac = fdt_address_cells(fdt, cpus);
	bi->nr_cpus = 0;
	fdt_for_each_subnode(node, fdt, cpus) {
		const char *type = fdt_getprop(fdt, node, "device_type", NULL);
		const fdt32_t *reg;
		int len;

		if (!type || strcmp(type, "cpu"))
			continue;
		reg = fdt_getprop(fdt, node, "reg", &len);
		if (!reg || len < ac * 4 || ac < 1 || ac > 2)
			continue;
		if (nr_nodes++ >= CONFIG_MAX_CPUS)
			continue;
		bi->mpidr[bi->nr_cpus] = read_cells(reg, ac);
		is_self = bi->mpidr[bi->nr_cpus] == self;
		if (fdt_check_enable_method(fdt, node, bi->mpidr[bi->nr_cpus], is_self))
			return -1;
		if (is_self) {
			bi->boot_cpu = bi->nr_cpus;
			found_self = true;
		}
		bi->nr_cpus++;
	}
	if (nr_nodes > CONFIG_MAX_CPUS) {
		ERR(L"the device tree has %d CPUs, more than the %d this hypervisor is built for "
		    L"(CONFIG_MAX_CPUS, at most %d): not installing\n", nr_nodes, CONFIG_MAX_CPUS,
		    BOOT_INFO_MAX_CPUS);
		return -1;
	}
	if (!found_self) {
		ERR(L"the boot CPU (MPIDR %lx) is not in the device tree\n", self);
		return -1;
	}
	return 0;
}

static int fdt_gather_psci(const void *fdt, struct boot_info *bi)
{
	int node = fdt_node_offset_by_compatible(fdt, -1, "arm,psci-0.2");
	const char *method;

	if (node < 0)
		node = fdt_node_offset_by_compatible(fdt, -1, "arm,psci-1.0");
	method = node >= 0 ? fdt_getprop(fdt, node, "method", NULL) : NULL;
	if (!method) {
		ERR(L"no PSCI 0.2+ node with a method in the device tree\n");
		return -1;
	}
	if (strcmp(method, "smc")) {
		/* PSCI over HVC lives at EL2, where we are going: nothing to forward to. */
		ERR(L"PSCI method \"%a\" is not supported: isohyp needs PSCI over SMC\n", method);
		return -1;
	}
	bi->psci_conduit = BOOT_PSCI_SMC;
	return 0;
}

static void fdt_gather_uart(const void *fdt, struct boot_info *bi)
{
	int chosen = fdt_path_offset(fdt, "/chosen"), node = -1, len;
	const char *path = chosen >= 0 ? fdt_getprop(fdt, chosen, "stdout-path", &len) : NULL;

	if (path) {
		const char *colon = memchr(path, ':', len);

		node = fdt_path_offset_namelen(fdt, path, colon ? colon - path : (int)strlen(path));
	}
	if (node < 0 || fdt_node_check_compatible(fdt, node, "arm,pl011"))
		node = fdt_node_offset_by_compatible(fdt, -1, "arm,pl011");
	if (node < 0 || fdt_read_reg(fdt, node, 0, &bi->uart_base, &bi->uart_size))
		bi->uart_base = bi->uart_size = 0;
}

static void fdt_gather_gic(const void *fdt, struct boot_info *bi)
{
	int node = fdt_node_offset_by_compatible(fdt, -1, "arm,gic-v3");

	if (node < 0 || fdt_read_reg(fdt, node, 0, &bi->gicd_base, &bi->gicd_size) ||
	    fdt_read_reg(fdt, node, 1, &bi->gicr_base, &bi->gicr_size))
		bi->gicd_base = bi->gicd_size = bi->gicr_base = bi->gicr_size = 0;
}

static int fdt_gather_smmus(const void *fdt, struct boot_info *bi)
{
	int node;

	bi->nr_smmus = 0;
	for (node = fdt_node_offset_by_compatible(fdt, -1, "arm,smmu-v3"); node >= 0;
	     node = fdt_node_offset_by_compatible(fdt, node, "arm,smmu-v3")) {
		struct boot_smmu *s;

		if (!dt_node_is_okay(fdt, node))
			continue;
		if (bi->nr_smmus == BOOT_INFO_MAX_SMMUS) {
			ERR(L"more than %d SMMUv3s in the device tree\n", BOOT_INFO_MAX_SMMUS);
			return -1;
		}
		s = &bi->smmu[bi->nr_smmus];
		/* A CPU address, as the DMA policy matches SMMU nodes by it. */
		if (dt_reg_translate(fdt, node, 0, &s->base, &s->size)) {
			ERR(L"SMMUv3 node without a usable reg\n");
			return -1;
		}
		s->coherent = fdt_getprop(fdt, node, "dma-coherent", NULL) != NULL;
		bi->nr_smmus++;
	}
	return 0;
}

int fdt_gather_platform(const void *fdt, struct boot_info *bi)
{
	/* The whole tree, not only its header: libfdt's walkers trust it. */
	int err = dt_check_tree(fdt);

	if (err) {
		ERR(L"bad device tree: %a\n", fdt_strerror(err));
		return -1;
	}
	if (fdt_gather_cpus(fdt, bi) || fdt_gather_psci(fdt, bi) || fdt_gather_smmus(fdt, bi))
		return -1;
	fdt_gather_uart(fdt, bi);
	fdt_gather_gic(fdt, bi);
	LOG(L"platform \"%a\": %d CPUs, PSCI over SMC, UART %lx, GICv3 %lx, %d SMMUv3\n",
	    (const char *)fdt_getprop(fdt, 0, "compatible", NULL) ?: "?", bi->nr_cpus,
	    bi->uart_base, bi->gicd_base, bi->nr_smmus);
	return 0;
}

static void dt_policy_print(void *arg, enum dt_log_level level, const char *line)
{
	if (level == DT_LOG_ERR)
		ERR(L"%a\n", line);
	else if (level == DT_LOG_WARN)
		LOG(L"warning: %a\n", line);
	else
		LOG(L"%a\n", line);
}

/*
 * The DMA policy on the firmware's tree, after fdt_gather_platform() found
 * the SMMUs: before fdt_hide_smmus() drops the references it follows.
 */
int fdt_gather_dma_policy(const void *fdt, struct boot_info *bi, struct dt_policy *policy)
{
	policy->log = dt_policy_print;
	policy->log_arg = NULL;
	return dt_policy_classify(policy, fdt, bi);
}

/* /reserved-memory, created with the binding's cells and ranges if absent. */
static int fdt_reserved_memory(void *fdt)
{
	int node = fdt_path_offset(fdt, "/reserved-memory"), err;

	if (node >= 0)
		return node;
	node = fdt_add_subnode(fdt, 0, "reserved-memory");
	if (node < 0)
		return node;
	err = fdt_setprop_u32(fdt, node, "#address-cells", 2);
	err = err ?: fdt_setprop_u32(fdt, node, "#size-cells", 2);
	err = err ?: fdt_setprop(fdt, node, "ranges", NULL, 0);
	return err ?: node;
}

/* "<prefix><addr in lower-case hex, no leading zeros>", the unit-address form. */
static void unit_name(char *buf, const char *prefix, UINT64 addr)
{
	int n = strlen(prefix), shift = 60;

	memcpy(buf, prefix, n);
	while (shift > 0 && !((addr >> shift) & 0xf))
		shift -= 4;
	for (; shift >= 0; shift -= 4)
		buf[n++] = "0123456789abcdef"[(addr >> shift) & 0xf];
	buf[n] = '\0';
}

static int fdt_add_carveout(void *fdt, const struct boot_info *bi)
{
	int parent = fdt_reserved_memory(fdt), node, ac, sc, err;
	char name[40];
	fdt32_t reg[4];

	if (parent < 0)
		return parent;
	ac = fdt_address_cells(fdt, parent);
	sc = fdt_size_cells(fdt, parent);
	if (ac != 2 || sc != 2)
		return -FDT_ERR_BADNCELLS; /* the binding's usual layout; anything else is rare */
	reg[0] = cpu_to_fdt32(bi->carveout_base >> 32);
	reg[1] = cpu_to_fdt32(bi->carveout_base);
	reg[2] = cpu_to_fdt32(bi->carveout_size >> 32);
	reg[3] = cpu_to_fdt32(bi->carveout_size);
	unit_name(name, "hypervisor@", bi->carveout_base);
	node = fdt_add_subnode(fdt, parent, name);
	if (node < 0)
		return node;
	err = fdt_setprop_string(fdt, node, "compatible", ISOHYP_DT_CARVEOUT_COMPATIBLE);
	err = err ?: fdt_setprop(fdt, node, "reg", reg, sizeof(reg));
	err = err ?: fdt_setprop(fdt, node, "no-map", NULL, 0);
	return err;
}

/* The mode the hypervisor drives the SMMU at @node in, or -1 if it does not drive it. */
static int smmu_node_mode(const void *fdt, int node, const struct boot_info *bi)
{
	u64 base, size;
	UINT32 i;

	if (!dt_node_is_okay(fdt, node) || dt_reg_translate(fdt, node, 0, &base, &size))
		return -1;
	for (i = 0; i < bi->nr_smmus && i < BOOT_INFO_MAX_SMMUS; i++)
		if (bi->smmu[i].base == base)
			return bi->smmu[i].mode;
	return -1;
}

static const char *iommu_mode_name(const struct boot_info *bi)
{
	UINT32 i, nested = 0;

	for (i = 0; i < bi->nr_smmus; i++)
		nested += bi->smmu[i].mode == BOOT_SMMU_NESTED;
	if (!bi->nr_smmus)
		return ISOHYP_DT_IOMMU_NONE;
	if (!nested)
		return ISOHYP_DT_IOMMU_HIDDEN;
	return nested == bi->nr_smmus ? ISOHYP_DT_IOMMU_NESTED : ISOHYP_DT_IOMMU_MIXED;
}

/* /isohyp iommu-hidden and iommu-nested: each driven SMMU's path, by its mode. */
static int fdt_publish_smmu_modes(void *fdt, const struct boot_info *bi)
{
	char path[256];
	int node, mode, isohyp, err;

	for (node = fdt_node_offset_by_compatible(fdt, -1, "arm,smmu-v3"); node >= 0;
	     node = fdt_node_offset_by_compatible(fdt, node, "arm,smmu-v3")) {
		mode = smmu_node_mode(fdt, node, bi);
		if (mode < 0)
			continue;
		err = fdt_get_path(fdt, node, path, sizeof(path));
		isohyp = fdt_path_offset(fdt, "/isohyp");
		err = err ?: isohyp < 0 ? isohyp : 0;
		/* Appending may move nodes, not their order: the walk goes on from @node. */
		err = err ?: fdt_appendprop_string(fdt, isohyp,
						   mode == BOOT_SMMU_NESTED ?
							   ISOHYP_DT_IOMMU_NESTED_LIST :
							   ISOHYP_DT_IOMMU_HIDDEN_LIST, path);
		if (err)
			return err;
		node = fdt_path_offset(fdt, path);
		if (node < 0)
			return node;
	}
	return 0;
}

static int fdt_add_isohyp_node(void *fdt, const struct boot_info *bi)
{
	int node = fdt_add_subnode(fdt, 0, "isohyp"), err;

	if (node < 0)
		return node;
	err = fdt_setprop_string(fdt, node, "compatible", ISOHYP_DT_NODE_COMPATIBLE);
	err = err ?: fdt_setprop_u32(fdt, node, "version",
				     ISOHYP_VERSION_MAJOR << 16 | ISOHYP_VERSION_MINOR);
	err = err ?: fdt_setprop_string(fdt, node, "iommu-mode", iommu_mode_name(bi));
	return err ?: fdt_publish_smmu_modes(fdt, bi);
}

static bool is_hidden_smmu(const uint32_t *phandles, int n, uint32_t ph)
{
	int i;

	for (i = 0; i < n; i++)
		if (phandles[i] == ph)
			return true;
	return false;
}

/* #iommu-cells of the IOMMU @ph, or -1. */
static int iommu_cells(const void *fdt, uint32_t ph)
{
	int node = fdt_node_offset_by_phandle(fdt, ph), len;
	const fdt32_t *c = node >= 0 ? fdt_getprop(fdt, node, "#iommu-cells", &len) : NULL;

	return c && len == 4 ? (int)fdt32_to_cpu(*c) : -1;
}

/*
 * Does @node point at a hidden SMMU through "iommus" (<phandle args...>...,
 * iommu/iommu.txt) or "iommu-map" (<rid-base phandle iommu-base length>...,
 * pci/pci-iommu.txt)? Then the property goes: malformed lists go too.
 */
static const char *node_iommu_ref(const void *fdt, int node, const uint32_t *ph, int nph)
{
	const fdt32_t *p;
	int len, i;

	p = fdt_getprop(fdt, node, "iommus", &len);
	for (i = 0; p && i < len / 4;) {
		uint32_t h = fdt32_to_cpu(p[i]);
		int cells = iommu_cells(fdt, h);

		if (cells < 0 || is_hidden_smmu(ph, nph, h))
			return "iommus";
		i += 1 + cells;
	}
	p = fdt_getprop(fdt, node, "iommu-map", &len);
	for (i = 0; p && i + 4 <= len / 4; i += 4)
		if (is_hidden_smmu(ph, nph, fdt32_to_cpu(p[i + 1])))
			return "iommu-map";
	return NULL;
}

/*
 * Hidden mode (ARCHITECTURE.md section 6): the host sees no SMMU. Each one
 * the hypervisor drives in hidden mode is disabled, and no device points at
 * it any more, so the host treats its DMA masters as untranslated -- which,
 * through the hypervisor's stage-2, they are. An SMMU in nested mode stays
 * as it is: the host's driver probes the SMMU the hypervisor emulates there.
 */
static int fdt_hide_smmus(void *fdt, const struct boot_info *bi)
{
	uint32_t ph[BOOT_INFO_MAX_SMMUS];
	int node, nph = 0, err;
	bool again = true;

	for (node = fdt_node_offset_by_compatible(fdt, -1, "arm,smmu-v3"); node >= 0;
	     node = fdt_node_offset_by_compatible(fdt, node, "arm,smmu-v3")) {
		uint32_t h = fdt_get_phandle(fdt, node);

		if (!dt_node_is_okay(fdt, node) || smmu_node_mode(fdt, node, bi) == BOOT_SMMU_NESTED)
			continue;
		if (h && nph < BOOT_INFO_MAX_SMMUS)
			ph[nph++] = h;
		err = fdt_setprop_string(fdt, node, "status", "disabled");
		if (err)
			return err;
	}
	/* Deleting a property moves what follows: rescan after each one. */
	while (again) {
		again = false;
		for (node = fdt_next_node(fdt, -1, NULL); node >= 0;
		     node = fdt_next_node(fdt, node, NULL)) {
			const char *prop = node_iommu_ref(fdt, node, ph, nph);

			if (!prop)
				continue;
			err = fdt_delprop(fdt, node, prop);
			if (!err && !strcmp(prop, "iommu-map"))
				fdt_delprop(fdt, node, "iommu-map-mask");
			if (err)
				return err;
			again = true;
			break;
		}
	}
	return 0;
}

/*
 * A copy of the firmware's tree with the carve-out reserved, /isohyp added,
 * the DMA policy applied (@policy, from fdt_gather_dma_policy()) and the
 * SMMUs hidden, in ACPI reclaim memory like other loaders use (the OS keeps
 * it until it has copied it). Not installed yet: see fdt_install_host_tree().
 */
void *fdt_build_host_tree(const void *fdt, const struct boot_info *bi,
			  const struct dt_policy *policy)
{
	UINTN size = fdt_totalsize(fdt) + FDT_EXTRA_SPACE;
	EFI_PHYSICAL_ADDRESS buf;
	EFI_STATUS status;
	int err;

	status = uefi_call_wrapper(BS->AllocatePages, 4, AllocateAnyPages, EfiACPIReclaimMemory,
				   EFI_SIZE_TO_PAGES(size), &buf);
	if (EFI_ERROR(status)) {
		ERR(L"cannot allocate the host's device tree: %r\n", status);
		return NULL;
	}
	err = fdt_open_into(fdt, (void *)buf, size);
	err = err ?: fdt_add_carveout((void *)buf, bi);
	err = err ?: fdt_add_isohyp_node((void *)buf, bi);
	err = err ?: dt_policy_publish(policy, fdt, (void *)buf);
	err = err ?: fdt_hide_smmus((void *)buf, bi);
	if (err) {
		ERR(L"cannot patch the device tree: %a\n", fdt_strerror(err));
		uefi_call_wrapper(BS->FreePages, 2, buf, EFI_SIZE_TO_PAGES(size));
		return NULL;
	}
	return (void *)buf;
}

/* Only for a tree fdt_build_host_tree() returned: its totalsize is the buffer's. */
void fdt_free_host_tree(void *fdt)
{
	uefi_call_wrapper(BS->FreePages, 2, (EFI_PHYSICAL_ADDRESS)fdt,
			  EFI_SIZE_TO_PAGES(fdt_totalsize(fdt)));
}

EFI_STATUS fdt_install_host_tree(void *fdt)
{
	EFI_STATUS status;

	status = uefi_call_wrapper(BS->InstallConfigurationTable, 2, &fdt_table_guid, fdt);
	if (EFI_ERROR(status))
		ERR(L"cannot install the host's device tree: %r\n", status);
	return status;
}
