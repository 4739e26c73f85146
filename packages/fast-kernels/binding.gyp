{
  "variables": {
    # Set by scripts/build-addon.mjs: "true" links the system BLAS (OpenBLAS / Accelerate) next
    # to the built-in GEMM; "false" builds the built-in GEMM alone (no cblas.h needed).
    "use_blas%": "false"
  },
  "targets": [
    {
      "target_name": "fast_kernels",
      "sources": [
        "src/native/addon.c",
        "src/native/args.c",
        "src/native/threads.c",
        "src/native/gemm.c",
        "src/native/gemm_builtin.c",
        "src/native/gemm_kernels_x86.c",
        "src/native/gemm_kernels_neon.c",
        "src/native/gemm_kernels_generic.c",
        "src/native/transpose.c",
        "src/native/copy.c",
        "src/native/binary.c",
        "src/native/unary.c",
        "src/native/segment_sum.c",
        "src/native/cross_entropy.c",
        "src/native/rms_norm_rope.c",
        "src/native/optimizer.c",
        "src/native/polar_express.c",
        "src/native/activations.c"
      ],
      "cflags_c": ["-O3", "-std=gnu11", "-fno-math-errno", "-pthread"],
      "ldflags": ["-pthread"],
      "xcode_settings": {
        "GCC_OPTIMIZATION_LEVEL": "3",
        "OTHER_CFLAGS": ["-std=gnu11", "-fno-math-errno"]
      },
      "conditions": [
        ["use_blas=='true' and OS=='mac'", {
          "defines": ["FK_HAVE_BLAS"],
          "libraries": ["-framework Accelerate"]
        }],
        ["use_blas=='true' and OS!='mac'", {
          "defines": ["FK_HAVE_BLAS"],
          "include_dirs": ["/usr/include/openblas", "/usr/local/include", "/opt/OpenBLAS/include"],
          "library_dirs": ["/usr/local/lib", "/opt/OpenBLAS/lib"],
          "libraries": ["-lopenblas"]
        }],
        ["OS!='mac'", {
          "libraries": ["-lm"]
        }],
        ["OS=='linux' and (target_arch=='x64' or target_arch=='arm64')", {
          "cflags_c": ["-march=native"]
        }]
      ]
    }
  ]
}
