// SPDX-License-Identifier: GPL-2.0-only
/*
 * The platform DMA policy, default deny (ARCHITECTURE.md section 9): every
 * device-tree node with registers is classified (dt_policy.h says how), the
 * register pages of the removed ones go to the hypervisor through boot_info,
 * and the host's copy of the tree says what was done.
 *
 * Runs on the firmware's tree, before the loader hides the SMMUs from the
 * host (that deletes the "iommus" / "iommu-map" references this reads).
 * Pure C over libfdt: the loader and the host unit tests run the same code.
 * Every property is read with its length; nothing here trusts the tree.
 *
 * It does not mediate anything: the hypervisor's GIC, ITS and fw_cfg
 * drivers do, from the ranges this puts into boot_info.
 *
 * Bindings: Devicetree Specification v0.4 section 2.3.5 (#address-cells,
 * #size-cells), 2.3.6 (reg), 2.3.8 (ranges); Linux
 * Documentation/devicetree/bindings/iommu/iommu.txt (iommus),
 * pci/pci-iommu.txt (iommu-map).
 */
#include <libfdt.h>
#include <stdarg.h>
#include <string.h>

#include <isohyp/bits.h>
#include <isohyp/errno.h>
#include <isohyp/printf.h>
#include <uapi/isohyp.h>

#include "dt_policy.h"

/*
 * Devices that cannot master memory, matched against any string of a node's
 * "compatible" (a fallback compatible promises that programming model, and
 * none of these models has a bus-master interface). The one table of them:
 * a device missing here is removed unless allow_dma= names it.
 */
static const char *const not_dma_compatibles[] = {
	/*
	 * PL011 UART: registers and a FIFO the CPU reads. A board may wire its
	 * DMA request lines to a PL330: then the PL330 masters memory (and is
	 * classified by its own node), never the UART.
	 */
	"arm,pl011",
	/* SBSA generic UART: a PL011 subset without even the DMA request lines. */
	"arm,sbsa-uart",
	/* PL031 real-time clock: a counter and a match register. */
	"arm,pl031",
	/* PL061 GPIO: pin data and interrupt registers. */
	"arm,pl061",
	/* CFI NOR flash: memory the CPU reads and commands; a bus slave only. */
	"cfi-flash",
	/* The generic timer: system registers; it has no bus interface. */
	"arm,armv8-timer",
	"arm,armv7-timer",
	/* Memory-mapped generic timer frames (CNTCTLBase/CNTBase): counters only. */
	"arm,armv7-timer-mem",
	/* PSCI: a firmware call interface, no hardware of its own. */
	"arm,psci",
	"arm,psci-0.2",
	"arm,psci-1.0",
	/* gpio-keys: GPIO lines described as keys; the GPIO controller is the device. */
	"gpio-keys",
	/* The CPU's PMU: system registers and an interrupt. */
	"arm,armv8-pmuv3",
	/*
	 * GICv2: distributor and CPU interface registers; it reads no memory.
	 * (A GICv3's distributor is no master either, but its redistributors
	 * and ITS write LPI tables: "arm,gic-v3" is mediated, see below.)
	 */
	"arm,gic-400",
	"arm,cortex-a15-gic",
	/* GICv2m MSI frame: a doorbell that devices write; it writes nothing. */
	"arm,gic-v2m-frame",
	/* SP805 watchdog: a counter that resets the system. */
	"arm,sp805",
	/* A fixed clock: a frequency, no registers. */
	"fixed-clock",
};

/* Devices whose DMA the hypervisor mediates (ARCHITECTURE.md section 9). */
static const char *const mediated_compatibles[] = {
	"arm,gic-v3", /* redistributors: PROPBASER/PENDBASER are trapped */
	"arm,gic-v3-its", /* command queue copied and checked; boot_info its[] */
	"qemu,fw-cfg-mmio", /* DMA interface through the hypervisor; boot_info fw_cfg */
};

static const char *const class_names[DT_CLASS_COUNT] = {
	[DT_CLASS_IOMMU] = "iommu",
	[DT_CLASS_BEHIND_IOMMU] = "behind-iommu",
	[DT_CLASS_NOT_DMA] = "not-dma",
	[DT_CLASS_MEDIATED] = "mediated",
	[DT_CLASS_UNISOLATED] = "unisolated",
	[DT_CLASS_REMOVED] = "removed",
};

/* The /isohyp string list each class is published in, if any. */
static const char *const class_props[DT_CLASS_COUNT] = {
	[DT_CLASS_IOMMU] = ISOHYP_DT_DMA_ISOLATED_BY,
	[DT_CLASS_MEDIATED] = ISOHYP_DT_DMA_MEDIATED,
	[DT_CLASS_UNISOLATED] = ISOHYP_DT_DMA_UNISOLATED,
	[DT_CLASS_REMOVED] = ISOHYP_DT_DMA_REMOVED,
};

/* Page-aligned register ranges of removed devices, [base, end). */
struct range_set {
	unsigned int n;
	struct {
		u64 base, end;
	} r[DT_POLICY_MAX_RANGES];
};

const char *dt_class_name(enum dt_class cls)
{
	return cls < DT_CLASS_COUNT ? class_names[cls] : "?";
}

static void dt_log(const struct dt_policy *p, enum dt_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void dt_log(const struct dt_policy *p, enum dt_log_level level, const char *fmt, ...)
{
	char line[DT_POLICY_PATH_MAX + 200];
	va_list ap;

	if (!p->log)
		return;
	va_start(ap, fmt);
	hyp_vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	p->log(p->log_arg, level, line);
}

/* @node's path for messages; a placeholder when it does not fit. */
static const char *node_path(const void *fdt, int node, char *buf)
{
	if (fdt_get_path(fdt, node, buf, DT_POLICY_PATH_MAX))
		return "(path too long)";
	return buf;
}

/* ---- properties, read with their lengths --------------------------------- */

/* A string list property that is non-empty and NUL-terminated, else NULL. */
static const char *prop_strings(const void *fdt, int node, const char *name, int *len)
{
	const char *s = fdt_getprop(fdt, node, name, len);

	if (!s || *len <= 0 || s[*len - 1] != '\0')
		return NULL;
	return s;
}

/* The length of the string at @s, NUL included, bounded by @len. */
static int string_len(const char *s, int len)
{
	const char *nul = memchr(s, '\0', len);

	return nul ? nul - s + 1 : len;
}

static bool strings_have(const char *list, int len, const char *want)
{
	size_t n = strlen(want) + 1;

	while (len > 0) {
		int l = string_len(list, len);

		if ((size_t)l == n && !memcmp(list, want, n))
			return true;
		list += l;
		len -= l;
	}
	return false;
}

static bool prop_is(const void *fdt, int node, const char *name, const char *want)
{
	int len;
	const char *s = prop_strings(fdt, node, name, &len);

	return s && (size_t)len == strlen(want) + 1 && !memcmp(s, want, len);
}

/* Is any string of @node's well-formed "compatible" in @table? */
static bool compat_in(const void *fdt, int node, const char *const *table, size_t n)
{
	int len;
	const char *c = prop_strings(fdt, node, "compatible", &len);
	size_t i;

	for (i = 0; c && i < n; i++)
		if (strings_have(c, len, table[i]))
			return true;
	return false;
}

static bool compat_is(const void *fdt, int node, const char *want)
{
	return compat_in(fdt, node, &want, 1);
}

bool dt_node_is_okay(const void *fdt, int node)
{
	int len;

	if (!fdt_getprop(fdt, node, "status", &len))
		return len == -FDT_ERR_NOTFOUND;
	return prop_is(fdt, node, "status", "okay") || prop_is(fdt, node, "status", "ok");
}

/* A one-cell property of @node, or @dflt when absent; -EINVAL if malformed or > @max. */
static int prop_cell(const void *fdt, int node, const char *name, int dflt, int max)
{
	const fdt32_t *c;
	int len;
	u32 v;

	c = fdt_getprop(fdt, node, name, &len);
	if (!c)
		return len == -FDT_ERR_NOTFOUND ? dflt : -EINVAL;
	if (len != 4)
		return -EINVAL;
	v = fdt32_to_cpu(*c);
	return v > (u32)max ? -EINVAL : (int)v;
}

static u64 cells_get(const fdt32_t *p, int n)
{
	u64 v = 0;

	while (n-- > 0)
		v = v << 32 | fdt32_to_cpu(*p++);
	return v;
}

/* ---- addresses ----------------------------------------------------------------- */

/*
 * Translate [*addr, *addr + size) of @bus's children (@ac address and @sc
 * size cells) to the root's address space through each "ranges" on the way.
 */
static int translate_up(const void *fdt, int bus, int ac, int sc, u64 *addr, u64 size)
{
	while (bus > 0) {
		int up = fdt_parent_offset(fdt, bus), pac, entry, len, i, n;
		const fdt32_t *r;

		if (up < 0)
			return -EINVAL;
		if (sc == 0)
			return -ENODEV; /* addresses without sizes: not a memory bus */
		r = fdt_getprop(fdt, bus, "ranges", &len);
		if (!r)
			return len == -FDT_ERR_NOTFOUND ? -ENODEV : -EINVAL;
		pac = prop_cell(fdt, up, "#address-cells", 2, 2);
		if (pac < 1)
			return -EINVAL;
		entry = ac + pac + sc;
		if (len % (entry * 4))
			return -EINVAL;
		n = len / (entry * 4);
		/* An empty "ranges": the bus's addresses are its parent's. */
		for (i = 0; i < n; i++) {
			const fdt32_t *e = r + i * entry;
			u64 cbase = cells_get(e, ac), pbase = cells_get(e + ac, pac);
			u64 wsize = cells_get(e + ac + pac, sc), off = *addr - cbase;

			if (*addr < cbase || off >= wsize || size > wsize - off)
				continue;
			if (pbase + off < pbase || (size && pbase + off + size - 1 < pbase))
				return -EINVAL;
			*addr = pbase + off;
			break;
		}
		if (n && i == n)
			return -ERANGE;
		ac = pac;
		sc = prop_cell(fdt, up, "#size-cells", 1, 2);
		if (sc < 0)
			return -EINVAL;
		bus = up;
	}
	return 0;
}

int dt_reg_translate(const void *fdt, int node, int idx, u64 *base, u64 *size)
{
	int bus = fdt_parent_offset(fdt, node), ac, sc, len, cells;
	const fdt32_t *reg;
	u64 addr, sz;
	int ret;

	if (bus < 0 || idx < 0)
		return -EINVAL;
	ac = prop_cell(fdt, bus, "#address-cells", 2, 2);
	sc = prop_cell(fdt, bus, "#size-cells", 1, 2);
	if (ac < 1 || sc < 0)
		return -EINVAL;
	reg = fdt_getprop(fdt, node, "reg", &len);
	if (!reg)
		return len == -FDT_ERR_NOTFOUND ? -ENOENT : -EINVAL;
	if (sc == 0)
		return -ENODEV;
	cells = ac + sc;
	if (len <= 0 || len % (cells * 4))
		return -EINVAL;
	if (idx >= len / (cells * 4))
		return -ENOENT;
	addr = cells_get(reg + idx * cells, ac);
	sz = cells_get(reg + idx * cells + ac, sc);
	if (sz && addr + sz - 1 < addr)
		return -EINVAL;
	ret = translate_up(fdt, bus, ac, sc, &addr, sz);
	if (ret)
		return ret;
	*base = addr;
	*size = sz;
	return 0;
}

/* The 4 KiB pages [*base, *end) that hold [base, base + size); size 0 is one byte. */
static int page_span(u64 base, u64 size, u64 *pbase, u64 *pend)
{
	u64 last = base + (size ? size - 1 : 0);

	if (last < base || last >= ~0ULL - SZ_4K)
		return -EINVAL;
	*pbase = ALIGN_DOWN(base, SZ_4K);
	*pend = ALIGN_DOWN(last, SZ_4K) + SZ_4K;
	return 0;
}

/* ---- the removed ranges ---------------------------------------------------------- */

/* Sort by base and merge overlapping or adjacent ranges, in place. */
static void ranges_merge(struct range_set *s)
{
	unsigned int i, j, n = 0;

	for (i = 1; i < s->n; i++) {
		u64 b = s->r[i].base, e = s->r[i].end;

		for (j = i; j > 0 && s->r[j - 1].base > b; j--)
			s->r[j] = s->r[j - 1];
		s->r[j].base = b;
		s->r[j].end = e;
	}
	for (i = 0; i < s->n; i++) {
		if (n && s->r[i].base <= s->r[n - 1].end) {
			if (s->r[i].end > s->r[n - 1].end)
				s->r[n - 1].end = s->r[i].end;
			continue;
		}
		s->r[n++] = s->r[i];
	}
	s->n = n;
}

static int ranges_add(struct range_set *s, u64 base, u64 end)
{
	if (s->n == DT_POLICY_MAX_RANGES)
		ranges_merge(s);
	if (s->n == DT_POLICY_MAX_RANGES)
		return -E2BIG;
	s->r[s->n].base = base;
	s->r[s->n].end = end;
	s->n++;
	return 0;
}

/* ---- classification --------------------------------------------------------------- */

/* An SMMUv3 node that the loader handed to the hypervisor (boot_info smmu[]). */
static bool smmu_is_driven(const void *fdt, int node, const struct boot_info *bi)
{
	u64 base, size;
	unsigned int i;

	if (!compat_is(fdt, node, "arm,smmu-v3") || !dt_node_is_okay(fdt, node) ||
	    dt_reg_translate(fdt, node, 0, &base, &size))
		return false;
	for (i = 0; i < bi->nr_smmus && i < BOOT_INFO_MAX_SMMUS; i++)
		if (bi->smmu[i].base == base)
			return true;
	return false;
}

/* The IOMMU @ph names, if it is a driven SMMUv3; its #iommu-cells, else -1. */
static int driven_iommu_cells(const void *fdt, u32 ph, const struct boot_info *bi)
{
	int node = fdt_node_offset_by_phandle(fdt, ph);

	if (node < 0 || !smmu_is_driven(fdt, node, bi))
		return -1;
	return prop_cell(fdt, node, "#iommu-cells", -1, 8);
}

/*
 * "iommus" = <phandle specifier...>...: 1 when every entry names a driven
 * SMMUv3, 0 when there is no such property, -1 otherwise (malformed too).
 */
static int iommus_driven(const void *fdt, int node, const struct boot_info *bi)
{
	const fdt32_t *p = NULL;
	int len, n, i = 0;

	p = fdt_getprop(fdt, node, "iommus", &len);
	if (!p)
		return len == -FDT_ERR_NOTFOUND ? 0 : -1;
	n = len / 4;
	if (len <= 0 || len % 4)
		return -1;
	while (i < n) {
		int cells = driven_iommu_cells(fdt, fdt32_to_cpu(p[i]), bi);

		if (cells < 0 || i + 1 + cells > n)
			return -1;
		i += 1 + cells;
	}
	return 1;
}

/*
 * "iommu-map" = <rid-base iommu-phandle iommu-base length>...: the same for
 * a bus whose masters are named by requester ID (a PCIe host bridge). The
 * entry layout assumes #iommu-cells = 1, as the binding does.
 */
static int iommu_map_driven(const void *fdt, int node, const struct boot_info *bi)
{
	const fdt32_t *p;
	int len, i;

	p = fdt_getprop(fdt, node, "iommu-map", &len);
	if (!p)
		return len == -FDT_ERR_NOTFOUND ? 0 : -1;
	if (len <= 0 || len % 16)
		return -1;
	for (i = 0; i < len / 4; i += 4)
		if (driven_iommu_cells(fdt, fdt32_to_cpu(p[i + 1]), bi) != 1)
			return -1;
	return 1;
}

/*
 * Does @list ("a,b,c,d") hold @want as whole comma-separated items? A
 * compatible has commas of its own ("virtio,mmio"), so @want matches
 * where it starts and ends at the list's ends or at a comma.
 */
static bool allow_list_has(const char *list, const char *want)
{
	size_t n = strlen(want), l = list ? strlen(list) : 0, i;

	for (i = 0; n && i + n <= l; i++)
		if ((i == 0 || list[i - 1] == ',') && !memcmp(list + i, want, n) &&
		    (i + n == l || list[i + n] == ','))
			return true;
	return false;
}

/* The compatible of @node that allow_dma= names, or NULL. */
static const char *allowed_dma(const struct dt_policy *p, const void *fdt, int node)
{
	int len;
	const char *c = prop_strings(fdt, node, "compatible", &len);

	while (c && len > 0) {
		int l = string_len(c, len);

		if (allow_list_has(p->allow_dma, c))
			return c;
		c += l;
		len -= l;
	}
	return NULL;
}

static enum dt_class classify_node(const struct dt_policy *p, const void *fdt, int node,
				   const struct boot_info *bi, const char **why)
{
	int by_iommus = iommus_driven(fdt, node, bi), by_map = iommu_map_driven(fdt, node, bi);
	int len;

	*why = "";
	if (smmu_is_driven(fdt, node, bi))
		return DT_CLASS_IOMMU;
	if (by_iommus >= 0 && by_map >= 0 && (by_iommus || by_map)) {
		*why = by_iommus ? " (iommus)" : " (iommu-map)";
		return DT_CLASS_BEHIND_IOMMU;
	}
	if (compat_in(fdt, node, mediated_compatibles, ARRAY_SIZE(mediated_compatibles)))
		return DT_CLASS_MEDIATED;
	if (compat_in(fdt, node, not_dma_compatibles, ARRAY_SIZE(not_dma_compatibles)))
		return DT_CLASS_NOT_DMA;
	if (allowed_dma(p, fdt, node))
		return DT_CLASS_UNISOLATED;
	if (by_iommus < 0 || by_map < 0)
		*why = " (its iommus/iommu-map name an IOMMU isohyp does not drive)";
	else if (fdt_getprop(fdt, node, "#iommu-cells", &len))
		*why = " (an IOMMU isohyp does not drive)";
	else if (!prop_strings(fdt, node, "compatible", &len))
		*why = " (no well-formed compatible)";
	else
		*why = " (may master DMA, no IOMMU in front)";
	return DT_CLASS_REMOVED;
}

/* Not devices: the subtrees of these top-level nodes, and CPUs and memory. */
static bool not_a_device(const void *fdt, int node, int depth)
{
	static const char *const top[] = { "cpus", "memory", "reserved-memory", "chosen",
					   "aliases" };
	const char *name;
	int len;
	size_t i, n;

	if (prop_is(fdt, node, "device_type", "cpu") || prop_is(fdt, node, "device_type", "memory"))
		return true;
	if (depth != 2)
		return false;
	name = fdt_get_name(fdt, node, &len);
	if (!name || len < 0)
		return true;
	for (n = 0; n < (size_t)len && name[n] != '@'; n++)
		;
	for (i = 0; i < ARRAY_SIZE(top); i++)
		if (strlen(top[i]) == n && !memcmp(name, top[i], n))
			return true;
	return false;
}

/* ITS and fw_cfg registers go to the hypervisor's mediators. */
static int mediate(struct dt_policy *p, const void *fdt, int node, struct boot_info *bi,
		   const char *path)
{
	bool its = compat_is(fdt, node, "arm,gic-v3-its");
	u64 base, size;
	int ret;

	if (!its && !compat_is(fdt, node, "qemu,fw-cfg-mmio"))
		return 0; /* the GIC: gicd/gicr are already in boot_info */
	ret = dt_reg_translate(fdt, node, 0, &base, &size);
	if (ret) {
		dt_log(p, DT_LOG_ERR, "dma policy: %s: cannot locate its registers (%d)", path,
		       ret);
		return -EINVAL;
	}
	if (its) {
		if (bi->nr_its == BOOT_INFO_MAX_ITS) {
			dt_log(p, DT_LOG_ERR, "dma policy: more than %d GICv3 ITSs",
			       BOOT_INFO_MAX_ITS);
			return -E2BIG;
		}
		bi->its[bi->nr_its].base = base;
		bi->its[bi->nr_its++].size = size;
		return 0;
	}
	if (bi->fw_cfg.size) {
		dt_log(p, DT_LOG_ERR, "dma policy: %s: a second fw_cfg device", path);
		return -E2BIG;
	}
	bi->fw_cfg.base = base;
	bi->fw_cfg.size = size ?: 1;
	return 0;
}

/* Every register range of a removed device, page aligned outward, into @s. */
static int remove_regs(struct dt_policy *p, const void *fdt, int node, struct range_set *s,
		       const char *path)
{
	u64 base, size, pbase, pend;
	int idx, ret;

	for (idx = 0;; idx++) {
		ret = dt_reg_translate(fdt, node, idx, &base, &size);
		if (ret == -ENOENT && idx > 0)
			return 0;
		ret = ret ?: page_span(base, size, &pbase, &pend);
		if (ret) {
			dt_log(p, DT_LOG_ERR,
			       "dma policy: %s: cannot locate register range %d to remove it (%d)",
			       path, idx, ret);
			return -EINVAL;
		}
		if (ranges_add(s, pbase, pend)) {
			dt_log(p, DT_LOG_ERR, "dma policy: more than %d register ranges to remove",
			       DT_POLICY_MAX_RANGES);
			return -E2BIG;
		}
	}
}

/*
 * Removing pages from the host removes every register in them: refuse when
 * a device the host keeps has registers in a removed page.
 */
static int check_kept_outside(struct dt_policy *p, const void *fdt, const struct range_set *s)
{
	char path[DT_POLICY_PATH_MAX];
	u64 base, size, pbase, pend;
	unsigned int i, j;
	int idx;

	for (i = 0; i < p->nr_nodes; i++) {
		if (p->node[i].cls == DT_CLASS_REMOVED)
			continue;
		for (idx = 0; !dt_reg_translate(fdt, p->node[i].offset, idx, &base, &size); idx++) {
			if (page_span(base, size, &pbase, &pend))
				continue;
			for (j = 0; j < s->n; j++) {
				if (pbase >= s->r[j].end || s->r[j].base >= pend)
					continue;
				dt_log(p, DT_LOG_ERR,
				       "dma policy: %s (%s) has registers in removed page(s) "
				       "%llx-%llx: the host cannot keep it and lose its neighbour",
				       node_path(fdt, p->node[i].offset, path),
				       dt_class_name(p->node[i].cls),
				       (unsigned long long)s->r[j].base,
				       (unsigned long long)s->r[j].end - 1);
				return -EBUSY;
			}
		}
	}
	return 0;
}

static int classify_one(struct dt_policy *p, const void *fdt, int node, struct boot_info *bi,
			struct range_set *s)
{
	char path[DT_POLICY_PATH_MAX];
	enum dt_class cls;
	const char *why, *allowed;

	node_path(fdt, node, path);
	if (p->nr_nodes == DT_POLICY_MAX_NODES) {
		dt_log(p, DT_LOG_ERR, "dma policy: more than %d devices in the device tree",
		       DT_POLICY_MAX_NODES);
		return -E2BIG;
	}
	cls = classify_node(p, fdt, node, bi, &why);
	p->node[p->nr_nodes].offset = node;
	p->node[p->nr_nodes++].cls = cls;
	p->nr_class[cls]++;
	dt_log(p, DT_LOG_INFO, "dma policy: %s: %s%s", path, class_names[cls], why);
	switch (cls) {
	case DT_CLASS_MEDIATED:
		return mediate(p, fdt, node, bi, path);
	case DT_CLASS_UNISOLATED:
		allowed = allowed_dma(p, fdt, node);
		dt_log(p, DT_LOG_WARN,
		       "DMA NOT ISOLATED: allow_dma=%s keeps %s: it can read and write ALL "
		       "memory, the hypervisor's included",
		       allowed, path);
		return 0;
	case DT_CLASS_REMOVED:
		return remove_regs(p, fdt, node, s, path);
	default:
		return 0;
	}
}

/* The node's parent is a PCI bus: its DMA is its host bridge's, classified there. */
static bool on_pci_bus(const void *fdt, int node)
{
	int parent = fdt_parent_offset(fdt, node);

	return parent > 0 && prop_is(fdt, parent, "device_type", "pci");
}

static int classify_all(struct dt_policy *p, const void *fdt, struct boot_info *bi,
			struct range_set *s)
{
	char path[DT_POLICY_PATH_MAX];
	int node, depth = 0, skip = -1, len, ret;
	u64 base, size;

	for (node = fdt_next_node(fdt, -1, &depth); node >= 0;
	     node = fdt_next_node(fdt, node, &depth)) {
		if (skip >= 0 && depth > skip)
			continue;
		skip = -1;
		if (depth < 2)
			continue; /* the root */
		if (not_a_device(fdt, node, depth) || on_pci_bus(fdt, node)) {
			skip = depth;
			continue;
		}
		if (!fdt_getprop(fdt, node, "reg", &len) && len == -FDT_ERR_NOTFOUND)
			continue;
		if (dt_reg_translate(fdt, node, 0, &base, &size) == -ENODEV) {
			dt_log(p, DT_LOG_INFO, "dma policy: %s: skipped: not memory-mapped",
			       node_path(fdt, node, path));
			continue;
		}
		ret = classify_one(p, fdt, node, bi, s);
		if (ret)
			return ret;
	}
	if (node != -FDT_ERR_NOTFOUND) {
		dt_log(p, DT_LOG_ERR, "dma policy: bad device tree: %s", fdt_strerror(node));
		return -EINVAL;
	}
	return 0;
}

/* ---- the tree as a whole ---------------------------------------------------- */

#define ALIGN4(x) (((u64)(x) + 3) & ~3ULL)

static u32 be32_at(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

/*
 * One pass over the structure block (Devicetree Specification v0.4, 5.4):
 * each token moves forward and stays inside the block, END_NODEs match
 * BEGIN_NODEs, FDT_END closes the root. 0 or -FDT_ERR_*.
 */
static int dt_check_struct(const void *fdt)
{
	const u8 *s = (const u8 *)fdt + fdt_off_dt_struct(fdt);
	u64 size = fdt_size_dt_struct(fdt), off = 0, len;
	const u8 *nul;
	int depth = 0;

	for (;;) {
		if (size - off < FDT_TAGSIZE)
			return -FDT_ERR_TRUNCATED;
		off += FDT_TAGSIZE;
		switch (be32_at(s + off - FDT_TAGSIZE)) {
		case FDT_BEGIN_NODE:
			nul = memchr(s + off, '\0', size - off);
			if (!nul)
				return -FDT_ERR_TRUNCATED;
			off = ALIGN4(nul + 1 - s);
			depth++;
			break;
		case FDT_PROP:
			if (size - off < 8)
				return -FDT_ERR_TRUNCATED;
			len = be32_at(s + off);
			off += 8;
			if (len > size - off)
				return -FDT_ERR_TRUNCATED;
			off = ALIGN4(off + len);
			break;
		case FDT_END_NODE:
			if (!depth--)
				return -FDT_ERR_BADSTRUCTURE;
			break;
		case FDT_NOP:
			break;
		case FDT_END:
			return depth ? -FDT_ERR_BADSTRUCTURE : 0;
		default:
			return -FDT_ERR_BADSTRUCTURE;
		}
		if (off > size)
			return -FDT_ERR_TRUNCATED;
	}
}

int dt_check_tree(const void *fdt)
{
	int err = fdt_check_header(fdt);

	if (err)
		return err;
	/* Version 17 has the structure block's size (5.2); firmware writes 17. */
	if (fdt_version(fdt) < 17)
		return -FDT_ERR_BADVERSION;
	return dt_check_struct(fdt) ?: fdt_check_full(fdt, fdt_totalsize(fdt));
}

int dt_policy_classify(struct dt_policy *p, const void *fdt, struct boot_info *bi)
{
	static struct range_set removed; /* 8 KiB: not on the firmware's stack */
	unsigned int i;
	int ret;

	p->nr_nodes = 0;
	memset(p->nr_class, 0, sizeof(p->nr_class));
	p->no_iommu = !bi->nr_smmus;
	bi->nr_its = bi->nr_removed = 0;
	memset(bi->its, 0, sizeof(bi->its));
	memset(&bi->fw_cfg, 0, sizeof(bi->fw_cfg));
	memset(bi->removed, 0, sizeof(bi->removed));
	removed.n = 0;
	if (p->no_iommu && !p->allow_no_iommu) {
		dt_log(p, DT_LOG_ERR,
		       "no SMMUv3 to isolate DMA: any DMA master could write the hypervisor's "
		       "memory; not installing (allow_no_iommu=1 installs without DMA isolation)");
		return -ENODEV;
	}
	ret = dt_check_tree(fdt);
	if (ret) {
		dt_log(p, DT_LOG_ERR, "dma policy: bad device tree: %s", fdt_strerror(ret));
		return -EINVAL;
	}
	ret = classify_all(p, fdt, bi, &removed);
	if (ret)
		return ret;
	ranges_merge(&removed);
	if (removed.n > BOOT_INFO_MAX_REMOVED) {
		dt_log(p, DT_LOG_ERR,
		       "dma policy: %u register ranges to remove, the hypervisor takes at most "
		       "%d: not installing",
		       removed.n, BOOT_INFO_MAX_REMOVED);
		return -E2BIG;
	}
	ret = check_kept_outside(p, fdt, &removed);
	if (ret)
		return ret;
	for (i = 0; i < removed.n; i++) {
		bi->removed[i].base = removed.r[i].base;
		bi->removed[i].size = removed.r[i].end - removed.r[i].base;
	}
	bi->nr_removed = removed.n;
	dt_log(p, DT_LOG_INFO,
	       "dma policy: %u devices: %u iommu, %u behind-iommu, %u not-dma, %u mediated, "
	       "%u unisolated, %u removed (register ranges: %u)",
	       p->nr_nodes, p->nr_class[DT_CLASS_IOMMU], p->nr_class[DT_CLASS_BEHIND_IOMMU],
	       p->nr_class[DT_CLASS_NOT_DMA], p->nr_class[DT_CLASS_MEDIATED],
	       p->nr_class[DT_CLASS_UNISOLATED], p->nr_class[DT_CLASS_REMOVED], removed.n);
	if (p->no_iommu)
		dt_log(p, DT_LOG_WARN,
		       "DMA NOT ISOLATED: no IOMMU (allow_no_iommu=1): a DMA master the host "
		       "keeps can write the hypervisor's memory");
	return 0;
}

/* Append @s to the /isohyp string list @name. */
static int isohyp_append(void *host_fdt, const char *name, const char *s)
{
	int node = fdt_path_offset(host_fdt, "/isohyp");

	return node < 0 ? node : fdt_appendprop_string(host_fdt, node, name, s);
}

int dt_policy_publish(const struct dt_policy *p, const void *fdt, void *host_fdt)
{
	char path[DT_POLICY_PATH_MAX];
	unsigned int i;
	int node, err;

	node = fdt_path_offset(host_fdt, "/isohyp");
	if (node < 0)
		return node;
	err = fdt_setprop_string(host_fdt, node, ISOHYP_DT_DMA_ISOLATION,
				 p->no_iommu ? ISOHYP_DT_DMA_ISOLATION_NONE :
					       ISOHYP_DT_DMA_ISOLATION_IOMMU);
	for (i = 0; !err && i < p->nr_nodes; i++) {
		const char *prop = class_props[p->node[i].cls];

		if (!prop)
			continue;
		err = fdt_get_path(fdt, p->node[i].offset, path, sizeof(path));
		if (!err && p->node[i].cls == DT_CLASS_REMOVED) {
			node = fdt_path_offset(host_fdt, path);
			err = node < 0 ? node :
					 fdt_setprop_string(host_fdt, node, "status", "disabled");
		}
		err = err ?: isohyp_append(host_fdt, prop, path);
	}
	return err;
}
