// SPDX-License-Identifier: GPL-2.0-only
/*
 * isohyp.efi: the UEFI application that installs isohyp (ARCHITECTURE.md
 * section 2). Started by the firmware at EL2, it reads its configuration,
 * gathers the platform from the device tree and the memory map, reserves the
 * carve-out, installs the hypervisor, and continues at EL1 -- with the
 * firmware still running, now as the host -- to start the next stage or
 * return to its caller. Anything wrong before the install changes nothing
 * and is reported with a clear message.
 */
#include <efi.h>
#include <efilib.h>
#include <libfdt.h>
#include <string.h>

#include <asm/sysreg.h>
#include <isohyp/bits.h>
#include <isohyp/version.h>

#include "config.h"
#include "loader.h"

#define CONFIG_FILE_NAME L"isohyp.conf"

/* "\EFI\BOOT\BOOTAA64.EFI" -> "\EFI\BOOT\isohyp.conf" */
static CHAR16 *config_path(EFI_HANDLE image)
{
	EFI_LOADED_IMAGE *li = NULL;
	CHAR16 *self, *path, *slash = NULL, *p;

	uefi_call_wrapper(BS->HandleProtocol, 3, image, &LoadedImageProtocol, (void **)&li);
	self = li && li->FilePath ? DevicePathToStr(li->FilePath) : NULL;
	if (!self)
		return NULL;
	path = AllocateZeroPool((StrLen(self) + StrLen(CONFIG_FILE_NAME) + 2) * sizeof(CHAR16));
	if (path) {
		StrCpy(path, self);
		for (p = path; *p; p++)
			if (*p == L'\\' || *p == L'/')
				slash = p;
		StrCpy(slash ? slash + 1 : path, CONFIG_FILE_NAME);
	}
	FreePool(self);
	return path;
}

/* For `make debug BASE=...`: where the firmware put us. */
static void print_image_base(EFI_HANDLE image)
{
	EFI_LOADED_IMAGE *li = NULL;

	uefi_call_wrapper(BS->HandleProtocol, 3, image, &LoadedImageProtocol, (void **)&li);
	if (li)
		LOG(L"loader image at %lx\n", (UINT64)li->ImageBase);
}

/* The load options as ASCII, or NULL when there are none or they are not text. */
static char *load_options_text(EFI_HANDLE image)
{
	EFI_LOADED_IMAGE *li = NULL;
	const CHAR16 *w;
	UINTN i, n;
	char *text;

	uefi_call_wrapper(BS->HandleProtocol, 3, image, &LoadedImageProtocol, (void **)&li);
	if (!li || !li->LoadOptions || li->LoadOptionsSize < sizeof(CHAR16))
		return NULL;
	w = li->LoadOptions;
	n = li->LoadOptionsSize / sizeof(CHAR16);
	text = AllocateZeroPool(n + 1);
	if (!text)
		return NULL;
	for (i = 0; i < n && w[i]; i++) {
		/* Boot#### entries may carry binary optional data: not ours to parse. */
		if (w[i] > 0x7e || (w[i] < 0x20 && w[i] != '\t' && w[i] != '\n' && w[i] != '\r')) {
			FreePool(text);
			return NULL;
		}
		text[i] = (char)w[i];
	}
	return text;
}

#ifdef CONFIG_TEST_KEYS
#define TEST_KEYS_HONOURED true
#else
#define TEST_KEYS_HONOURED false
#endif

/*
 * The test-only keys (config_drop_test_keys): a production build says
 * loudly which it ignored; a test build says, at every boot, that it is one.
 */
static void apply_test_keys(struct isohyp_config *cfg)
{
	unsigned int ignored = config_drop_test_keys(cfg, TEST_KEYS_HONOURED);

	if (TEST_KEYS_HONOURED)
		WARN(L"test build (CONFIG_TEST_KEYS): test_hooks= and install= are honoured; "
		     L"never deploy it\n");
	if (ignored & CFG_TEST_HOOKS)
		WARN(L"ignoring test_hooks=1: a test-only key, honoured only by builds with "
		     L"CONFIG_TEST_KEYS\n");
	if (ignored & CFG_INSTALL)
		WARN(L"ignoring install=0: a test-only key, honoured only by builds with "
		     L"CONFIG_TEST_KEYS; installing the hypervisor\n");
}

static EFI_STATUS load_config(EFI_HANDLE image, struct isohyp_config *cfg)
{
	char err[160], *text = NULL;
	CHAR16 *path = config_path(image);
	UINTN size;
	EFI_STATUS status = EFI_SUCCESS;

	config_init_defaults(cfg, CONFIG_CARVEOUT_MB, CONFIG_LOG_LEVEL);
	if (path && !EFI_ERROR(efi_read_file(image, path, &text, &size))) {
		if (config_parse(cfg, text, size, "isohyp.conf", err, sizeof(err))) {
			ERR(L"%a\n", err);
			status = EFI_INVALID_PARAMETER;
		}
		FreePool(text);
	}
	text = load_options_text(image);
	if (text && !EFI_ERROR(status)) {
		if (config_parse_load_options(cfg, text, strlen(text), "load options", err,
					      sizeof(err))) {
			ERR(L"%a\n", err);
			status = EFI_INVALID_PARAMETER;
		}
	}
	if (text)
		FreePool(text);
	if (path)
		FreePool(path);
	if (!EFI_ERROR(status))
		apply_test_keys(cfg);
	return status;
}

/*
 * Each SMMU's mode (config_smmu_mode()). Its IDR0 is read only when the
 * answer depends on it (nested asked for, or nested by default): here, at
 * EL2 under the firmware's page tables, which map the platform's MMIO
 * (ArmVirtQemu maps everything below RAM as Device). A hidden-only
 * configuration touches no SMMU register before the hypervisor does.
 */
static EFI_STATUS smmus_pick_modes(const struct isohyp_config *cfg, struct boot_info *bi)
{
	bool need_idr0 = cfg->smmu_mode == CONFIG_SMMU_MODE_NESTED ||
			 (cfg->smmu_mode == CONFIG_SMMU_MODE_DEFAULT && CONFIG_SMMU_NESTED_DEFAULT);
	char err[160];
	UINT32 i, idr0;
	int mode;

	for (i = 0; i < bi->nr_smmus; i++) {
		idr0 = need_idr0 ? *(volatile UINT32 *)(UINTN)bi->smmu[i].base : 0;
		mode = config_smmu_mode(cfg, idr0, CONFIG_SMMU_NESTED_DEFAULT, err, sizeof(err));
		if (mode < 0) {
			ERR(L"smmu@%lx: %a\n", bi->smmu[i].base, err);
			return EFI_UNSUPPORTED;
		}
		bi->smmu[i].mode = mode;
		LOG(L"smmu@%lx: %a mode%a\n", bi->smmu[i].base, mode ? "nested" : "hidden",
		    mode ? ": the host's SMMU driver gets stage 1, stage 2 stays the hypervisor's" :
			   ": the host does not see it");
	}
	return EFI_SUCCESS;
}

static EFI_STATUS install(const struct isohyp_config *cfg, const void *fdt)
{
	static struct boot_info bi;
	static struct dt_policy policy;
	EFI_STATUS status;
	void *host_fdt;
	UINT32 i;

	bi.magic = BOOT_INFO_MAGIC;
	bi.log_level = cfg->log_level;
	bi.test_hooks = cfg->test_hooks;
	bi.host_s2_map = cfg->host_s2_map;
	bi.carveout_size = (UINT64)cfg->carveout_mb << 20;
	status = cpus_check_granule();
	if (EFI_ERROR(status))
		return status;
	if (fdt_gather_platform(fdt, &bi))
		return EFI_UNSUPPORTED;
	status = cpus_check_secondaries_off(&bi);
	if (EFI_ERROR(status))
		return status;
	for (i = 0; cfg->smmu_noncoherent && i < bi.nr_smmus; i++)
		bi.smmu[i].coherent = 0;
	status = smmus_pick_modes(cfg, &bi);
	if (EFI_ERROR(status))
		return status;
	policy.allow_dma = cfg->allow_dma;
	policy.allow_no_iommu = cfg->allow_no_iommu;
	if (fdt_gather_dma_policy(fdt, &bi, &policy))
		return EFI_UNSUPPORTED;
	status = hyp_image_check(bi.carveout_size);
	if (EFI_ERROR(status))
		return status;
	status = hyp_carveout_alloc(bi.carveout_size, &bi.carveout_base);
	if (EFI_ERROR(status))
		return status;
	status = memmap_gather_ram(&bi);
	host_fdt = EFI_ERROR(status) ? NULL : fdt_build_host_tree(fdt, &bi, &policy);
	if (!host_fdt) {
		hyp_carveout_free(bi.carveout_base, bi.carveout_size);
		return EFI_ERROR(status) ? status : EFI_LOAD_ERROR;
	}
	efi_release_removed_devices(&bi, true);
	status = hyp_install(&bi);
	if (EFI_ERROR(status)) {
		efi_release_removed_devices(&bi, false);
		fdt_free_host_tree(host_fdt);
		hyp_carveout_free(bi.carveout_base, bi.carveout_size);
		return status;
	}
	/* Past this point the hypervisor runs: a failure no longer undoes it. */
	LOG(L"hypervisor installed in %lx-%lx (%d MiB), %d CPUs; loader continues at EL%d\n",
	    bi.carveout_base, bi.carveout_base + bi.carveout_size - 1, cfg->carveout_mb,
	    bi.nr_cpus, current_el());
	return fdt_install_host_tree(host_fdt);
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	struct isohyp_config cfg;
	const void *fdt;
	EFI_STATUS status;

	InitializeLib(image, systab);
	Print(L"isohyp %a: loader running at EL%d\n", ISOHYP_VERSION_STRING, current_el());
	print_image_base(image);
	if (current_el() != 2) {
		ERR(L"started at EL%d, not EL2: there is nothing to protect from here\n",
		    current_el());
		return EFI_UNSUPPORTED;
	}
	status = load_config(image, &cfg);
	if (EFI_ERROR(status))
		return status;
	fdt = efi_find_fdt();
	if (!fdt) {
		ERR(L"the firmware offers no device tree (ACPI-only firmware is not supported)\n");
		return EFI_UNSUPPORTED;
	}
	if (!cfg.install) {
		/*
		 * make bench's comparison runs (test builds only, see
		 * apply_test_keys): the same path, minus the hypervisor.
		 */
		LOG(L"install=0: starting the next stage WITHOUT the hypervisor: nothing is "
		    L"protected\n");
		if (!cfg.next[0])
			return EFI_SUCCESS;
		return efi_start_next(image, cfg.next, cfg.cmdline, cfg.initrd);
	}
	status = install(&cfg, fdt);
	if (EFI_ERROR(status))
		return status;
	if (!cfg.next[0]) {
		LOG(L"no next stage configured: returning to the firmware at EL1\n");
		return EFI_SUCCESS;
	}
	return efi_start_next(image, cfg.next, cfg.cmdline, cfg.initrd);
}
