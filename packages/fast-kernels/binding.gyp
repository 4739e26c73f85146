{
  "targets": [
    {
      "target_name": "fast_kernels",
      "sources": [
        "src/native/addon.c",
        "src/native/args.c",
        "src/native/gemm.c",
        "src/native/transpose.c",
        "src/native/copy.c",
        "src/native/binary.c",
        "src/native/segment_sum.c",
        "src/native/cross_entropy.c"
      ],
      "cflags_c": ["-O3", "-std=c11", "-fno-math-errno"],
      "conditions": [
        ["OS=='mac'", {
          "libraries": ["-framework Accelerate"],
          "xcode_settings": {
            "GCC_OPTIMIZATION_LEVEL": "3",
            "OTHER_CFLAGS": ["-std=c11", "-fno-math-errno"]
          }
        }, {
          "include_dirs": ["/usr/include/openblas", "/usr/local/include", "/opt/OpenBLAS/include"],
          "library_dirs": ["/usr/local/lib", "/opt/OpenBLAS/lib"],
          "cflags_c": ["-pthread"],
          "ldflags": ["-pthread"],
          "libraries": ["-lopenblas", "-lm"]
        }],
        ["OS=='linux' and (target_arch=='x64' or target_arch=='arm64')", {
          "cflags_c": ["-march=native"]
        }]
      ]
    }
  ]
}
