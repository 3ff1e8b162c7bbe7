unit_dma_policy_test_srcs := hyp/dma_policy.c tests/unit/lib/host_mem.c hyp/mem_protect.c hyp/pgtable.c iommu/iommu.c tests/unit/lib/hyp_stubs.c
