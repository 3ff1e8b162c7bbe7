unit_fw_cfg_test_srcs := drivers/fw_cfg/fw_cfg.c tests/unit/lib/fw_cfg_model.c tests/unit/lib/host_mem.c hyp/mmio.c hyp/mem_protect.c hyp/pgtable.c \
	hyp/page_alloc.c iommu/iommu.c hyp/lock.c tests/unit/lib/hyp_stubs.c
