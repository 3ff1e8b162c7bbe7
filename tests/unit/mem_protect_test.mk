unit_mem_protect_test_srcs := tests/unit/lib/host_mem.c hyp/mem_protect.c hyp/pgtable.c iommu/iommu.c tests/unit/lib/hyp_stubs.c
