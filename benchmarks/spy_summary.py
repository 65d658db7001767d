"""Sort a py-spy profile of training epochs into where the time goes.

    py-spy record --native -r 1000 -f raw -o epoch.txt -- python benchmarks/profile_epoch.py --sampled ...
    python benchmarks/spy_summary.py epoch.txt

Each sample's innermost frame decides its kind: a BLAS kernel (the matrix products), a NumPy inner
loop (the elementwise arithmetic), a memory copy (gathering a batch), NumPy's per-call machinery
(argument parsing, dtype resolution, iterator set-up), or the Python interpreter itself.
"""
import sys
from collections import Counter

KINDS = [
    ("matrix products (BLAS kernels and packing)", ("gemm", "gemv", "_copy_", "incopy", "oncopy", "itcopy",
                                                     "otcopy", "dot_k", "blas_thread", "exec_blas")),
    ("elementwise arithmetic (NumPy inner loops)", ("FLOAT_", "DOUBLE_", "_X86_", "_AVX", "npy_exp", "simd",
                                                    "BOOL_", "reduce_loop", "pairwise")),
    ("memory copies and gathers", ("memcpy", "memmove", "mapiter", "take", "_aligned_", "_strided_",
                                   "_contig_", "fancy", "PyArray_TakeFrom", "get_item_pointer")),
    ("NumPy per-call machinery", ("ufunc", "Ufunc", "UFunc", "NpyIter", "npyiter", "PyArray_", "array_",
                                  "npy_", "convert", "dtype", "descr", "Descr", "_multiarray_umath")),
]


def kind_of(frame):
    for kind, markers in KINDS:
        if any(marker in frame for marker in markers):
            return kind
    if ".py:" in frame or "(python" in frame or "libpython" in frame or "Py" in frame or "_Py" in frame:
        return "Python interpreter (calls, attribute lookups, loops)"
    return "other (libc, kernel, allocator)"


def main(path):
    kinds, leaves, total = Counter(), Counter(), 0
    for line in open(path):
        stack, _, count = line.rstrip().rpartition(" ")
        if not count.isdigit():
            continue
        frames = stack.split(";")
        if not any("train_epoch" in f for f in frames):
            continue   # data loading and set-up
        count = int(count)
        total += count
        kinds[kind_of(frames[-1])] += count
        leaves[frames[-1][:100]] += count
    print(f"{total} samples inside train_epoch\n")
    for kind, n in kinds.most_common():
        print(f"{100 * n / total:5.1f}%  {kind}")
    print("\ninnermost frames:")
    for frame, n in leaves.most_common(12):
        print(f"{100 * n / total:5.1f}%  {frame}")


if __name__ == "__main__":
    main(sys.argv[1])
