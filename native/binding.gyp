{
  "targets": [
    {
      "target_name": "ganstream_blas",
      "sources": ["src/blas.c"],
      "cflags": ["-O3", "-std=c11"],
      "libraries": ["-ldl", "-lpthread"]
    }
  ]
}
