{
  "targets": [
    {
      "target_name": "naskit_engine",
      "sources": [
        "src/addon.cc",
        "src/handle.cc",
        "src/creation.cc",
        "src/elementwise.cc",
        "src/reduction.cc",
        "src/shape.cc",
        "src/nn_ops.cc",
        "src/autograd.cc",
        "src/inplace.cc",
        "src/memory_probe.cc",
        "src/fast_calls.cc",
        "src/test_hooks.cc"
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "<!@(node torch-config.cjs include)",
        "<!@(node fast-calls-config.cjs include <(node_root_dir))"
      ],
      "libraries": ["<!@(node torch-config.cjs libs)"],
      "defines": ["NAPI_CPP_EXCEPTIONS", "NAPI_VERSION=8", "<!@(node fast-calls-config.cjs define <(node_root_dir))"],
      "cflags!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++14", "-std=gnu++17"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-frtti", "-O2", "-Wno-unused-parameter", "-Wno-deprecated-declarations"],
      "xcode_settings": {
        "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
        "GCC_ENABLE_CPP_RTTI": "YES",
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17"
      },
      "msvs_settings": {
        "VCCLCompilerTool": { "ExceptionHandling": 1, "RuntimeTypeInfo": "true", "AdditionalOptions": ["/std:c++17"] }
      }
    }
  ]
}
