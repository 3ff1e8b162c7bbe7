# SPDX-License-Identifier: GPL-2.0-only
#
# isohyp: one build entry point.
#
#   make              build build/isohyp.efi (and the ESP image)
#   make run          install what is missing, build, boot QEMU (console on stdio)
#   make check        install what is missing, build, run every test suite (in
#                     the test build, build/test/: see "the test build" below)
#   make bench        the benchmarks (also in build/test/)
#   make mutate       mutation testing of the unit tests (scripts/mutate.sh; not in check)
#   make fuzz         every libFuzzer target for FUZZ_SECONDS (default 60) each
#                     (tests/fuzz/; make check runs each for a few seconds)
#   make debug        gdb-multiarch attached to a QEMU started with `make run GDB=1`
#                     (BASE=, HYP_BASE=: where the loader and the hypervisor run)
#   make defconfig | menuconfig | savedefconfig
#   make deps         install/fetch dependencies only (scripts/deps.sh)
#   make clean        remove build/ except the downloaded sysroot; distclean: all
#
# Variables: BUILD (output folder), V=1 (show commands), and for `make run`:
# CPUS, MEM, CPU, SMMU_STAGE (1|2|nested), SMMU_MODE (nested|hidden: isohyp.conf's
# smmu_mode=, unset: the loader's default), GDB=1, QEMU_EXTRA="...".

BUILD		?= build
CROSS_COMPILE	?= aarch64-linux-gnu-
PYTHON		?= /usr/bin/python3
HOSTCC		?= gcc
KCONFIG_CONFIG	?= .config
export KCONFIG_CONFIG

CC		:= $(CROSS_COMPILE)gcc
LD		:= $(CROSS_COMPILE)ld
OBJCOPY		:= $(CROSS_COMPILE)objcopy

ifeq ($(V),1)
Q :=
else
Q := @
endif

# The test build (build/test/) shares the downloaded sysroot.
SYSROOT		?= $(BUILD)/sysroot
EFI_LIBDIR	:= $(SYSROOT)/usr/lib
FDT_LIBDIR	:= $(SYSROOT)/usr/lib/aarch64-linux-gnu
SYSROOT_STAMP	:= $(SYSROOT)/.manifest
AUTOCONF	:= $(BUILD)/include/generated/autoconf.h

.DEFAULT_GOAL := all
.PHONY: all run check debug deps defconfig menuconfig savedefconfig olddefconfig \
	clean distclean unit-tests target-images bench mutate soak fuzz fuzz-targets FORCE

# ---- dependencies and configuration ------------------------------------

deps:
	$(Q)scripts/deps.sh $(BUILD)

$(SYSROOT_STAMP):
	$(Q)scripts/deps.sh $(BUILD)

KCONFIGLIB := $(PYTHON) -m

defconfig:
	$(Q)$(KCONFIGLIB) defconfig --kconfig Kconfig configs/isohyp_defconfig

menuconfig:
	$(Q)$(KCONFIGLIB) menuconfig Kconfig

savedefconfig: $(KCONFIG_CONFIG)
	@mkdir -p $(BUILD)
	$(Q)$(KCONFIGLIB) savedefconfig --kconfig Kconfig --out $(BUILD)/defconfig.min
	$(Q){ echo '# isohyp default configuration (make savedefconfig writes this file)'; \
		cat $(BUILD)/defconfig.min; } > configs/isohyp_defconfig
	@echo "wrote configs/isohyp_defconfig"

olddefconfig:
	$(Q)$(KCONFIGLIB) olddefconfig Kconfig

$(KCONFIG_CONFIG):
	$(Q)$(KCONFIGLIB) defconfig --kconfig Kconfig configs/isohyp_defconfig

# autoconf.h follows .config and Kconfig; olddefconfig first so a .config
# from an older Kconfig gets the new options' defaults.
$(AUTOCONF): $(KCONFIG_CONFIG) Kconfig
	@mkdir -p $(dir $@)
	$(Q)$(KCONFIGLIB) olddefconfig Kconfig >/dev/null
	$(Q)$(KCONFIGLIB) genconfig --header-path $@ Kconfig

# ---- the UEFI loader (isohyp.efi) --------------------------------------

GCC_INCLUDE	= $(shell $(CC) -print-file-name=include)

# Freestanding C for EL2/EFI: no libc, no builtins turned into library calls,
# no FP/SIMD registers (the hypervisor does not save them), no unaligned
# accesses (parts run with the MMU off).
FREESTANDING_CFLAGS = -std=c11 -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter \
	-ffreestanding -fno-builtin -fno-common -fno-strict-aliasing \
	-fno-tree-loop-distribute-patterns -mgeneral-regs-only -mstrict-align \
	-nostdinc -isystem $(GCC_INCLUDE) -Iinclude -Iarch/arm64/include -Iinclude/libc \
	-include $(AUTOCONF) -MMD -MP

EFI_CFLAGS = $(FREESTANDING_CFLAGS) -fpic -fshort-wchar -fno-stack-protector \
	-isystem $(SYSROOT)/usr/include -isystem $(SYSROOT)/usr/include/efi \
	-isystem $(SYSROOT)/usr/include/efi/aarch64

LOADER_SRCS	:= arch/arm64/efi/main.c arch/arm64/efi/config.c arch/arm64/efi/fdt.c \
	arch/arm64/efi/dt_policy.c arch/arm64/efi/devices.c \
	arch/arm64/efi/memmap.c arch/arm64/efi/install.c arch/arm64/efi/next.c \
	arch/arm64/efi/cpus.c arch/arm64/efi/stack_chk.c hyp/string.c hyp/printf.c
LOADER_OBJS	:= $(LOADER_SRCS:%.c=$(BUILD)/loader/%.o) $(BUILD)/loader/hyp_image.o

# ---- the EL2 image (embedded in isohyp.efi) ------------------------------

# A static PIE linked at 0: the loader copies it to the carve-out and applies
# its R_AARCH64_RELATIVE relocations (arch/arm64/hyp/hyp.lds).
HYP_CFLAGS = $(FREESTANDING_CFLAGS) -fpie -fvisibility=hidden -fno-stack-protector -mno-outline-atomics \
	-fno-asynchronous-unwind-tables -fno-unwind-tables
SMMUV3_SRCS := drivers/smmuv3/smmuv3.c drivers/smmuv3/cmdq.c drivers/smmuv3/evtq.c \
	drivers/smmuv3/strtab.c drivers/smmuv3/io_pgtable.c drivers/smmuv3/nested.c \
	drivers/smmuv3/nested_ste.c drivers/smmuv3/nested_cmdq.c drivers/smmuv3/nested_evtq.c
GIC_SRCS := drivers/gic/its.c drivers/gic/its_cmd.c drivers/gic/gicr.c
HYP_SRCS := arch/arm64/hyp/entry.S arch/arm64/hyp/mmu.c arch/arm64/hyp/el2_setup.c \
	arch/arm64/hyp/inject.c arch/arm64/hyp/psci.c arch/arm64/hyp/psci_policy.c \
	arch/arm64/hyp/spectre.c arch/arm64/hyp/spectre_policy.c arch/arm64/hyp/scrub.c \
	arch/arm64/hyp/host_mem.c \
	arch/arm64/hyp/host_stage2.c \
	iommu/iommu.c $(SMMUV3_SRCS) $(GIC_SRCS) drivers/fw_cfg/fw_cfg.c \
	hyp/main.c hyp/console.c hyp/pl011.c hyp/lock.c hyp/printf.c hyp/page_alloc.c hyp/pgtable.c \
	hyp/mem_protect.c hyp/mmio.c hyp/trap.c hyp/hcall.c hyp/panic.c hyp/string.c \
	hyp/memcpy.c hyp/dma_policy.c
HYP_OBJS := $(patsubst %,$(BUILD)/hyp/%.o,$(basename $(HYP_SRCS)))

$(BUILD)/hyp/%.o: %.c $(AUTOCONF)
	@mkdir -p $(dir $@)
	@echo "  CC      $<  [EL2]"
	$(Q)$(CC) $(HYP_CFLAGS) -c $< -o $@

$(BUILD)/hyp/%.o: %.S $(AUTOCONF)
	@mkdir -p $(dir $@)
	@echo "  AS      $<  [EL2]"
	$(Q)$(CC) $(HYP_CFLAGS) -D__ASSEMBLER__ -c $< -o $@

$(BUILD)/hyp/isohyp-el2.elf: $(HYP_OBJS) arch/arm64/hyp/hyp.lds
	@echo "  LD      $@"
	$(Q)$(LD) -pie --no-dynamic-linker -z norelro -z noexecstack --no-warn-rwx-segments \
		-Bsymbolic -T arch/arm64/hyp/hyp.lds $(HYP_OBJS) -o $@.tmp
	@# The loader applies only what lies between __rela_start and __rela_end.
	$(Q)test $$((0x$$($(OBJCOPY:objcopy=objdump) -h $@.tmp | awk '$$2 == ".rela.dyn" { print $$3 }'))) \
		-eq $$((0x$$($(CROSS_COMPILE)nm $@.tmp | awk '$$3 == "__rela_size" { print $$1 }'))) || \
		{ echo "$@: relocations outside __rela_start..__rela_end (see hyp.lds)" >&2; exit 1; }
	$(Q)mv $@.tmp $@

$(BUILD)/hyp/isohyp-el2.bin: $(BUILD)/hyp/isohyp-el2.elf
	$(Q)$(OBJCOPY) -O binary $< $@

$(BUILD)/loader/hyp_image.o: arch/arm64/efi/hyp_image.S $(BUILD)/hyp/isohyp-el2.bin
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	$(Q)$(CC) -c -DHYP_IMAGE_BIN='"$(BUILD)/hyp/isohyp-el2.bin"' $< -o $@

# gnu-efi's aarch64 recipe: a PIE-like shared object laid out by the package's
# linker script, with the PE/COFF header supplied by its crt0, then flattened
# with objcopy -O binary (the package predates binutils' aarch64 PE target).
# Subsystem 0xa is an EFI application. The header's .data section runs to
# _edata (512-aligned) but objcopy stops at the last byte of the last section:
# pad the file so the section's raw data lies inside it, or firmware refuses
# the image as unsupported.
EFI_LDFLAGS = -nostdlib --no-undefined --warn-common --build-id=sha1 -shared -Bsymbolic \
	-znocombreloc --no-warn-rwx-segments --defsym=EFI_SUBSYSTEM=0xa
EFI_SECTIONS = -j .text -j .sdata -j .data -j .dynamic -j .rodata -j .rel -j .rela \
	-j '.rel.*' -j '.rela.*' -j '.rela*' -j .reloc

$(BUILD)/loader/%.o: %.c $(AUTOCONF) $(SYSROOT_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(EFI_CFLAGS) -c $< -o $@

# efi_link,OUTPUT,OBJECTS[,EXTRA_OBJCOPY_FLAGS[,LINKER_SCRIPT_OPTION]]
define efi_link
	@echo "  LD      $(1)"
	$(Q)$(LD) $(EFI_LDFLAGS) $(if $(4),$(4),-T $(EFI_LIBDIR)/elf_aarch64_efi.lds) \
		$(EFI_LIBDIR)/crt0-efi-aarch64.o $(2) \
		$(FDT_LIBDIR)/libfdt.a $(EFI_LIBDIR)/libefi.a $(EFI_LIBDIR)/libgnuefi.a \
		-o $(1:.efi=.so)
	$(Q)$(OBJCOPY) $(EFI_SECTIONS) $(3) -O binary $(1:.efi=.so) $(1)
	$(Q)truncate -s %4096 $(1)
endef

$(BUILD)/isohyp.efi: $(LOADER_OBJS)
	$(call efi_link,$@,$^)

# ---- boot images ----------------------------------------------------------

KERNEL = $(firstword $(wildcard $(SYSROOT)/boot/vmlinuz-*))
LINUX_DATA_BYTES := 1048576
LINUX_CMDLINE ?= console=ttyAMA0 panic=-1
LINUX_TEST_CMDLINE = console=ttyAMA0 panic=-1 isohyp.test=1 \
	isohyp.data_bytes=$(LINUX_DATA_BYTES)

# write_conf,FILE,CONTENT: rewrite FILE only when CONTENT changes.
define write_conf
	@mkdir -p $(dir $(1))
	@printf '%b' '$(2)' > $(1).tmp
	@cmp -s $(1).tmp $(1) && rm $(1).tmp || mv $(1).tmp $(1)
endef

# Static arm64 Linux programs in the initramfs, built against Debian's cross
# glibc (libc6-dev-arm64-cross): the user-space probes and attacks.
LINUX_TOOLS := edu-probe fwcfg-probe its-attack
LINUX_TOOL_BINS := $(LINUX_TOOLS:%=$(BUILD)/linux/%)

$(LINUX_TOOL_BINS): $(BUILD)/linux/%: tests/linux/%.c tests/linux/probe.h $(SYSROOT_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC      $<  [Linux]"
	$(Q)$(CROSS_COMPILE)gcc -std=gnu11 -O2 -Wall -Wextra -Werror -static -o $@ $<

$(BUILD)/linux/initrd.img: scripts/mkinitramfs.sh tests/linux/init $(LINUX_TOOL_BINS) \
		$(SYSROOT_STAMP)
	@echo "  CPIO    $@"
	$(Q)scripts/mkinitramfs.sh $@ $(SYSROOT) $(foreach t,$(LINUX_TOOLS),$(BUILD)/linux/$(t):bin/$(t))

$(BUILD)/linux/data.img:
	@mkdir -p $(dir $@)
	$(Q)head -c $(LINUX_DATA_BYTES) /dev/urandom > $@.tmp && mv $@.tmp $@

$(BUILD)/linux/isohyp.conf: FORCE
	$(call write_conf,$@,# Linux test boot (make check)\nnext=vmlinuz\ninitrd=initrd.img\ncmdline=$(LINUX_TEST_CMDLINE)\nsmmu_mode=hidden\n)

$(BUILD)/linux/esp.img: $(BUILD)/isohyp.efi $(BUILD)/linux/initrd.img $(BUILD)/linux/isohyp.conf
	@echo "  ESP     $@"
	$(Q)scripts/mkesp.sh $@ 128 $(BUILD)/isohyp.efi:EFI/BOOT/BOOTAA64.EFI \
		$(BUILD)/linux/isohyp.conf:EFI/BOOT/isohyp.conf \
		$(KERNEL):vmlinuz $(BUILD)/linux/initrd.img:initrd.img

$(BUILD)/linux-nested/isohyp.conf: FORCE
	$(call write_conf,$@,# Linux test boot with the SMMU in nested mode (make check)\nnext=vmlinuz\ninitrd=initrd.img\ncmdline=$(LINUX_TEST_CMDLINE)\nsmmu_mode=nested\n)

$(BUILD)/linux-nested/esp.img: $(BUILD)/isohyp.efi $(BUILD)/linux/initrd.img \
		$(BUILD)/linux-nested/isohyp.conf
	@echo "  ESP     $@"
	$(Q)scripts/mkesp.sh $@ 128 $(BUILD)/isohyp.efi:EFI/BOOT/BOOTAA64.EFI \
		$(BUILD)/linux-nested/isohyp.conf:EFI/BOOT/isohyp.conf \
		$(KERNEL):vmlinuz $(BUILD)/linux/initrd.img:initrd.img

$(BUILD)/run/isohyp.conf: FORCE
	$(call write_conf,$@,# make run: Linux with an interactive busybox shell\nnext=vmlinuz\ninitrd=initrd.img\ncmdline=$(LINUX_CMDLINE)\n$(if $(SMMU_MODE),smmu_mode=$(SMMU_MODE)\n))

# make run's image: Linux under isohyp with an interactive shell.
$(BUILD)/esp.img: $(BUILD)/isohyp.efi $(BUILD)/linux/initrd.img $(BUILD)/run/isohyp.conf
	@echo "  ESP     $@"
	$(Q)scripts/mkesp.sh $@ 128 $(BUILD)/isohyp.efi:EFI/BOOT/BOOTAA64.EFI \
		$(BUILD)/run/isohyp.conf:EFI/BOOT/isohyp.conf \
		$(KERNEL):vmlinuz $(BUILD)/linux/initrd.img:initrd.img

# The smoke test's image: isohyp.efi alone, nothing to start (install and return).
$(BUILD)/smoke/esp.img: $(BUILD)/isohyp.efi
	@echo "  ESP     $@"
	$(Q)scripts/mkesp.sh $@ 64 $(BUILD)/isohyp.efi:EFI/BOOT/BOOTAA64.EFI

all: $(BUILD)/isohyp.efi $(BUILD)/esp.img

# ---- running -----------------------------------------------------------

CPUS		?= 4
MEM		?= 2G
CPU		?= max,pauth-impdef=on
SMMU_STAGE	?= nested
QEMU_EXTRA	?=
RUN_FLAGS = --cpus $(CPUS) --mem $(MEM) --cpu $(CPU) --smmu-stage $(SMMU_STAGE) \
	$(if $(filter 1,$(GDB)),--gdb)

run: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)BUILD=$(BUILD) scripts/run-qemu $(RUN_FLAGS) -- $(QEMU_EXTRA)

# Both images are relocated at boot and say where: the loader prints
# "loader image at X" (pass BASE=0xX), the hypervisor "carve-out X-Y" (pass
# HYP_BASE=0xX: the EL2 image is linked at 0 and runs identity-mapped there).
debug:
	$(Q)gdb-multiarch -q -ex 'set architecture aarch64' \
		$(if $(BASE),-ex 'add-symbol-file $(BUILD)/isohyp.so -o $(BASE)') \
		$(if $(HYP_BASE),-ex 'add-symbol-file $(BUILD)/hyp/isohyp-el2.elf -o $(HYP_BASE)') \
		-ex 'target remote :1234'

# ---- tests -------------------------------------------------------------

# Host builds of hyp code (unit tests, fuzz targets, benchmarks): the lock
# order is always checked (hyp/lock.c), per-CPU state for CONFIG_MAX_CPUS.
HOST_HYP_CONFIG = -DCONFIG_DEBUG_LOCK_ORDER=1 -DCONFIG_MAX_CPUS=4
UNIT_CFLAGS = -std=c11 -g -O1 -Wall -Wextra -Werror -Wno-unused-parameter \
	-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
	-fno-toplevel-reorder -Itests/harness -Itests/unit/fake -Iinclude -Idrivers \
	-Iarch/arm64/include $(HOST_HYP_CONFIG)
UNIT_TESTS	:= $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/*.c))
UNIT_BINS	:= $(UNIT_TESTS:%=$(BUILD)/tests/unit/%)

# Per unit test, in tests/unit/<test>.mk: extra sources it links with
# (unit_<test>_srcs := ...), and optionally extra compiler flags
# (unit_<test>_cflags), libraries of the build machine (unit_<test>_ldlibs)
# and files it reads at run time, built first (unit_<test>_deps).
include $(wildcard tests/unit/*.mk)

ALL_HEADERS	:= $(shell find include arch hyp iommu drivers tests -name '*.h')

.SECONDEXPANSION:
$(BUILD)/tests/unit/%: tests/unit/%.c $$(unit_$$*_srcs) $$(unit_$$*_deps) $(ALL_HEADERS)
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $@"
	$(Q)$(HOSTCC) $(UNIT_CFLAGS) $(unit_$*_cflags) $< $(unit_$*_srcs) $(unit_$*_ldlibs) -o $@

# Device trees unit tests read (tests/unit/dts/), compiled by dtc; kept,
# although only prerequisites of a test.
.PRECIOUS: $(BUILD)/tests/dts/%.dtb
$(BUILD)/tests/dts/%.dtb: tests/unit/dts/%.dts
	@mkdir -p $(dir $@)
	@echo "  DTC     $<"
	$(Q)dtc -q -I dts -O dtb -o $@ $<

unit-tests: $(UNIT_BINS)

include tests/fuzz/fuzz.mk

# The EL1 test payload: an EFI application isohyp.efi starts as its next
# stage. Its tests register in the harness's own sections; the payload's
# linker script is gnu-efi's with those sections placed inside .data (so the
# PE header's data section covers them) between __start_/__stop_ symbols.
PAYLOAD_SRCS := tests/target/payload/main.c tests/target/payload/el1_tests.c \
	tests/target/payload/dma_policy_tests.c tests/target/payload/psci_tests.c \
	tests/target/payload/ownership_tests.c tests/target/payload/dma_tests.c \
	tests/target/payload/fw_cfg_tests.c tests/target/payload/outside.c \
	tests/target/payload/gic_tests.c tests/target/payload/smmu_nested_tests.c \
	tests/target/payload/enomem_tests.c tests/target/payload/preload.c \
	tests/target/payload/soak.c tests/target/payload/soak_boot.c \
	tests/target/payload/el1.S arch/arm64/efi/stack_chk.c hyp/string.c
PAYLOAD_OBJS := $(patsubst %,$(BUILD)/payload/%.o,$(basename $(PAYLOAD_SRCS)))
PAYLOAD_CFLAGS = $(EFI_CFLAGS) -Itests/harness -Itests/target/payload -fno-toplevel-reorder

$(BUILD)/payload/%.o: %.c $(AUTOCONF) $(SYSROOT_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC      $<  [payload]"
	$(Q)$(CC) $(PAYLOAD_CFLAGS) -c $< -o $@

$(BUILD)/payload/%.o: %.S $(AUTOCONF)
	@mkdir -p $(dir $@)
	@echo "  AS      $<  [payload]"
	$(Q)$(CC) $(PAYLOAD_CFLAGS) -D__ASSEMBLER__ -c $< -o $@

HARNESS_LDS_SECTIONS = . = ALIGN(8); \
	__start_harness_tests = .; KEEP(*(harness_tests)) __stop_harness_tests = .; \
	__start_harness_variants = .; KEEP(*(harness_variants)) __stop_harness_variants = .;

$(BUILD)/target/payload.lds: $(SYSROOT_STAMP) Makefile
	@mkdir -p $(dir $@)
	$(Q)sed '/^ *\*(\.data\.\*)$$/a $(HARNESS_LDS_SECTIONS)' \
		$(EFI_LIBDIR)/elf_aarch64_efi.lds > $@.tmp
	$(Q)grep -q __start_harness_tests $@.tmp || { echo "cannot extend gnu-efi's lds" >&2; exit 1; }
	$(Q)mv $@.tmp $@

$(BUILD)/target/payload.efi: $(PAYLOAD_OBJS) $(BUILD)/target/payload.lds
	@mkdir -p $(dir $@)
	$(call efi_link,$@,$(PAYLOAD_OBJS),,-T $(BUILD)/target/payload.lds)

$(BUILD)/target/isohyp.conf: FORCE
	$(call write_conf,$@,# EL1 test payload (make check)\nnext=EFI/isohyp/payload.efi\nlog=info\n# a small page pool: enomem_tests.c runs it dry\ncarveout_mb=4\n# test hooks: IOMMU_INFO x4..x7 for dma_tests.c and TEST_HOOK for\n# psci_tests.c (the payload learns of them from its load options)\ntest_hooks=1\ncmdline=test-hooks\nsmmu_mode=hidden\n)

$(BUILD)/target/esp.img: $(BUILD)/isohyp.efi $(BUILD)/target/payload.efi $(BUILD)/target/isohyp.conf
	@echo "  ESP     $@"
	$(Q)scripts/mkesp.sh $@ 64 $(BUILD)/isohyp.efi:EFI/BOOT/BOOTAA64.EFI \
		$(BUILD)/target/isohyp.conf:EFI/BOOT/isohyp.conf \
		$(BUILD)/target/payload.efi:EFI/isohyp/payload.efi

$(BUILD)/target-nc/isohyp.conf: FORCE
	$(call write_conf,$@,# EL1 test payload with every SMMU driven as non-coherent (make check)\nnext=EFI/isohyp/payload.efi\nlog=info\ncarveout_mb=4\nsmmu_noncoherent=1\nsmmu_mode=hidden\n)

$(BUILD)/target-nc/esp.img: $(BUILD)/isohyp.efi $(BUILD)/target/payload.efi $(BUILD)/target-nc/isohyp.conf
	@echo "  ESP     $@"
	$(Q)scripts/mkesp.sh $@ 64 $(BUILD)/isohyp.efi:EFI/BOOT/BOOTAA64.EFI \
		$(BUILD)/target-nc/isohyp.conf:EFI/BOOT/isohyp.conf \
		$(BUILD)/target/payload.efi:EFI/isohyp/payload.efi

$(BUILD)/target-nested/isohyp.conf: FORCE
	$(call write_conf,$@,# EL1 test payload with the SMMU in nested mode (make check)\nnext=EFI/isohyp/payload.efi\nlog=info\ncarveout_mb=4\ntest_hooks=1\ncmdline=test-hooks\nsmmu_mode=nested\n)

$(BUILD)/target-nested/esp.img: $(BUILD)/isohyp.efi $(BUILD)/target/payload.efi $(BUILD)/target-nested/isohyp.conf
	@echo "  ESP     $@"
	$(Q)scripts/mkesp.sh $@ 64 $(BUILD)/isohyp.efi:EFI/BOOT/BOOTAA64.EFI \
		$(BUILD)/target-nested/isohyp.conf:EFI/BOOT/isohyp.conf \
		$(BUILD)/target/payload.efi:EFI/isohyp/payload.efi

$(BUILD)/target-nested-nc/isohyp.conf: FORCE
	$(call write_conf,$@,# EL1 test payload with the SMMU in nested mode driven as non-coherent (make check)\nnext=EFI/isohyp/payload.efi\nlog=info\ncarveout_mb=4\ntest_hooks=1\ncmdline=test-hooks\nsmmu_mode=nested\nsmmu_noncoherent=1\n)

$(BUILD)/target-nested-nc/esp.img: $(BUILD)/isohyp.efi $(BUILD)/target/payload.efi $(BUILD)/target-nested-nc/isohyp.conf
	@echo "  ESP     $@"
	$(Q)scripts/mkesp.sh $@ 64 $(BUILD)/isohyp.efi:EFI/BOOT/BOOTAA64.EFI \
		$(BUILD)/target-nested-nc/isohyp.conf:EFI/BOOT/isohyp.conf \
		$(BUILD)/target/payload.efi:EFI/isohyp/payload.efi

# el2-crash.test: the payload asks the hypervisor (test_hooks=1) for an
# exception at EL2, one image per kind (tests/target/payload/main.c).
EL2_CRASHES := el2-crash el2-write-text el2-exec-data el2-stack-overflow el2-read-host
# reset-scrub.test: the same kind of image, the payload asking for a reset.
EL2_CRASHES += reset-scrub

$(BUILD)/crash/%/isohyp.conf: FORCE
	$(call write_conf,$@,# el2-crash.test: the payload asks for $*\nnext=EFI/isohyp/payload.efi\ncmdline=$*\ntest_hooks=1\nsmmu_mode=hidden\n)

.PRECIOUS: $(BUILD)/crash/%/isohyp.conf
$(BUILD)/crash/%/esp.img: $(BUILD)/isohyp.efi $(BUILD)/target/payload.efi $(BUILD)/crash/%/isohyp.conf
	@echo "  ESP     $@"
	$(Q)scripts/mkesp.sh $@ 64 $(BUILD)/isohyp.efi:EFI/BOOT/BOOTAA64.EFI \
		$(BUILD)/crash/$*/isohyp.conf:EFI/BOOT/isohyp.conf \
		$(BUILD)/target/payload.efi:EFI/isohyp/payload.efi

$(BUILD)/refuse/isohyp.conf: FORCE
	$(call write_conf,$@,# a carve-out no 1 GiB machine can give\ncarveout_mb=1024\n)

$(BUILD)/refuse/esp.img: $(BUILD)/isohyp.efi $(BUILD)/refuse/isohyp.conf
	@echo "  ESP     $@"
	$(Q)scripts/mkesp.sh $@ 64 $(BUILD)/isohyp.efi:EFI/BOOT/BOOTAA64.EFI \
		$(BUILD)/refuse/isohyp.conf:EFI/BOOT/isohyp.conf

$(BUILD)/refuse-pages/isohyp.conf: FORCE
	$(call write_conf,$@,# a host stage-2 in pages that a 4 MiB carve-out cannot hold\ncarveout_mb=4\nhost_stage2=pages\n)

$(BUILD)/refuse-pages/esp.img: $(BUILD)/isohyp.efi $(BUILD)/refuse-pages/isohyp.conf
	@echo "  ESP     $@"
	$(Q)scripts/mkesp.sh $@ 64 $(BUILD)/isohyp.efi:EFI/BOOT/BOOTAA64.EFI \
		$(BUILD)/refuse-pages/isohyp.conf:EFI/BOOT/isohyp.conf

# refusals.test: the payload, started by the firmware at EL2, makes machines
# the loader must refuse (preload.c) and starts isohyp.efi on them.
$(BUILD)/preload/esp.img: $(BUILD)/isohyp.efi $(BUILD)/target/payload.efi
	@echo "  ESP     $@"
	$(Q)scripts/mkesp.sh $@ 64 $(BUILD)/target/payload.efi:EFI/BOOT/BOOTAA64.EFI \
		$(BUILD)/isohyp.efi:EFI/isohyp/isohyp.efi

target-images: all $(BUILD)/smoke/esp.img $(BUILD)/refuse/esp.img $(BUILD)/refuse-pages/esp.img $(BUILD)/target/esp.img \
	$(BUILD)/preload/esp.img \
	$(BUILD)/target-nc/esp.img $(BUILD)/target-nested/esp.img $(BUILD)/target-nested-nc/esp.img \
	$(EL2_CRASHES:%=$(BUILD)/crash/%/esp.img) $(BUILD)/linux/esp.img \
	$(BUILD)/linux-nested/esp.img \
	$(BUILD)/linux/data.img

# ---- the test build (make check, make bench) ------------------------------
#
# The suites need the test-only isohyp.conf keys (test_hooks=1, install=0),
# which only a build with CONFIG_TEST_KEYS honours. make check and make bench
# therefore build a tree of their own, $(TEST_BUILD), configured as .config
# plus configs/test.config: `make` and `make run` never produce or boot it,
# and its loader says at every boot that it is a test build. make check also
# builds the production tree, boots make run's image from it (linux-shell)
# and shows that it ignores the test-only keys (target-test-keys).
TEST_BUILD	:= $(BUILD)/test
TEST_KCONFIG	:= $(TEST_BUILD)/.config
TEST_MAKE	= $(MAKE) --no-print-directory BUILD=$(TEST_BUILD) SYSROOT=$(SYSROOT) \
	KCONFIG_CONFIG=$(TEST_KCONFIG)

# Written only when it changes (kconfiglib): touch it, or this reruns each time.
$(TEST_KCONFIG): $(KCONFIG_CONFIG) configs/test.config Kconfig scripts/kconfig-merge
	@mkdir -p $(dir $@)
	$(Q)$(PYTHON) scripts/kconfig-merge $@ $(KCONFIG_CONFIG) configs/test.config
	@touch $@

# The production build given the test-only keys (tests/target/test-keys.test):
# the payload asks for an EL2 abort through TEST_HOOK, which must not exist.
$(BUILD)/test-keys/isohyp.conf: FORCE
	$(call write_conf,$@,# make check: a build without CONFIG_TEST_KEYS must ignore these\nnext=EFI/isohyp/payload.efi\ncmdline=el2-crash\ntest_hooks=1\ninstall=0\n)

$(BUILD)/test-keys/esp.img: $(BUILD)/isohyp.efi $(BUILD)/target/payload.efi \
		$(BUILD)/test-keys/isohyp.conf
	@echo "  ESP     $@"
	$(Q)scripts/mkesp.sh $@ 64 $(BUILD)/isohyp.efi:EFI/BOOT/BOOTAA64.EFI \
		$(BUILD)/test-keys/isohyp.conf:EFI/BOOT/isohyp.conf \
		$(BUILD)/target/payload.efi:EFI/isohyp/payload.efi

# ---- benchmarks (not part of check) --------------------------------------

BENCH_SRCS := bench/smmu_bench.c $(SMMUV3_SRCS) hyp/mem_protect.c hyp/mmio.c tests/unit/lib/host_mem.c tests/unit/lib/host_mem_poc.c \
	hyp/pgtable.c hyp/page_alloc.c iommu/iommu.c \
	hyp/lock.c tests/unit/lib/hyp_stubs.c tests/unit/lib/smmu_model.c tests/unit/lib/smmu_model_s1.c \
	tests/unit/lib/smmu_model_cache.c tests/unit/lib/poc_memory.c

# Functions, loops and jump targets aligned: where the code happens to fall
# otherwise moves the cycle figures by up to 17% between builds of the same
# algorithm (a refactoring that changed no instruction count did that here).
BENCH_ALIGN := -falign-functions=64 -falign-loops=32 -falign-jumps=32

$(BUILD)/bench/smmu_bench: $(BENCH_SRCS) $(ALL_HEADERS)
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $@"
	$(Q)$(HOSTCC) -std=c11 -O2 $(BENCH_ALIGN) -g -Wall -Wextra -Werror -Wno-unused-parameter \
		-Itests/unit/fake -Iinclude -Idrivers -Iarch/arm64/include $(HOST_HYP_CONFIG) $(BENCH_SRCS) -o $@

BENCH_CMDLINE := console=ttyAMA0 panic=-1 isohyp.bench=1

# host_stage2=pages: what auto picks on QEMU's max CPU, for the CPU model the bench runs
# (scripts/bench-qemu.sh: a real core's, whose MIDR does not say TCG; README, Configuration).
$(BUILD)/bench/hyp.conf: FORCE
	$(call write_conf,$@,# make bench: Linux under isohyp with the SMMU hidden\nnext=vmlinuz\ninitrd=initrd.img\ncmdline=$(BENCH_CMDLINE)\nsmmu_mode=hidden\nhost_stage2=pages\n)

$(BUILD)/bench/nested.conf: FORCE
	$(call write_conf,$@,# make bench: Linux under isohyp with the SMMU nested (its own arm-smmu-v3)\nnext=vmlinuz\ninitrd=initrd.img\ncmdline=$(BENCH_CMDLINE)\nsmmu_mode=nested\nhost_stage2=pages\n)

$(BUILD)/bench/nohyp.conf: FORCE
	$(call write_conf,$@,# make bench: the same Linux without isohyp\nnext=vmlinuz\ninitrd=initrd.img\ncmdline=$(BENCH_CMDLINE)\ninstall=0\n)

$(BUILD)/bench/esp-%.img: $(BUILD)/isohyp.efi $(BUILD)/linux/initrd.img $(BUILD)/bench/%.conf
	@echo "  ESP     $@"
	$(Q)scripts/mkesp.sh $@ 128 $(BUILD)/isohyp.efi:EFI/BOOT/BOOTAA64.EFI \
		$(BUILD)/bench/$*.conf:EFI/BOOT/isohyp.conf \
		$(KERNEL):vmlinuz $(BUILD)/linux/initrd.img:initrd.img

$(BUILD)/bench/data.img:
	@mkdir -p $(dir $@)
	$(Q)head -c 268435456 /dev/urandom > $@.tmp && mv $@.tmp $@

# The comparison runs need install=0: the test build. BENCH_QEMU=0: the host-built half only.
BENCH_QEMU ?= 1
bench: deps
	$(Q)$(MAKE) --no-print-directory $(TEST_KCONFIG)
	$(Q)$(TEST_MAKE) $(TEST_BUILD)/bench/smmu_bench $(TEST_BUILD)/bench/esp-hyp.img \
		$(TEST_BUILD)/bench/esp-nested.img $(TEST_BUILD)/bench/esp-nohyp.img \
		$(TEST_BUILD)/bench/data.img
	$(Q)$(TEST_BUILD)/bench/smmu_bench | tee $(TEST_BUILD)/bench/smmu.txt
	$(Q)if [ "$(BENCH_QEMU)" != 0 ]; then \
		BUILD=$(TEST_BUILD) scripts/bench-qemu.sh | tee $(TEST_BUILD)/bench/qemu.txt; fi

# The multi-CPU soak (tests/target/payload/soak.c): minutes, so not part of
# check. The production build, as make run boots it; the payload in soak mode.
SOAK_SECONDS	?= 300
SOAK_CPUS	?= 8
SOAK_SEED	?=
SOAK_TCG	?= multi

$(BUILD)/soak/isohyp.conf: FORCE
	$(call write_conf,$@,# make soak: the EL1 payload runs the ABI on every CPU at once\nnext=EFI/isohyp/payload.efi\nlog=info\ncmdline=soak soak-seconds=$(SOAK_SECONDS)$(if $(SOAK_SEED), soak-seed=$(SOAK_SEED))\nsmmu_mode=hidden\n)

$(BUILD)/soak/esp.img: $(BUILD)/isohyp.efi $(BUILD)/target/payload.efi $(BUILD)/soak/isohyp.conf
	@echo "  ESP     $@"
	$(Q)scripts/mkesp.sh $@ 64 $(BUILD)/isohyp.efi:EFI/BOOT/BOOTAA64.EFI \
		$(BUILD)/soak/isohyp.conf:EFI/BOOT/isohyp.conf \
		$(BUILD)/target/payload.efi:EFI/isohyp/payload.efi

soak: deps
	$(Q)$(MAKE) --no-print-directory all $(BUILD)/soak/esp.img
	$(Q)BUILD=$(BUILD) SOAK_SECONDS=$(SOAK_SECONDS) SOAK_CPUS=$(SOAK_CPUS) \
		SOAK_TCG=$(SOAK_TCG) scripts/soak.sh

# Mutation testing (tests/mutants/mutants.txt): minutes, so not part of check.
mutate:
	$(Q)scripts/mutate.sh

check: deps
	$(Q)$(MAKE) --no-print-directory all $(BUILD)/test-keys/esp.img $(TEST_KCONFIG)
	$(Q)$(TEST_MAKE) all unit-tests fuzz-targets target-images
	$(Q)BUILD=$(TEST_BUILD) PROD_BUILD=$(BUILD) scripts/check.sh $(TEST_BUILD)

# ---- housekeeping ------------------------------------------------------

clean:
	$(Q)find $(BUILD) -mindepth 1 -maxdepth 1 ! -name sysroot -exec rm -rf {} + 2>/dev/null || true

distclean:
	$(Q)rm -rf $(BUILD) $(KCONFIG_CONFIG) $(KCONFIG_CONFIG).old

-include $(shell find $(BUILD) -path $(SYSROOT) -prune -o -name '*.d' -type f -print 2>/dev/null)
