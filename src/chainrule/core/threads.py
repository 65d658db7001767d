"""How many BLAS threads a training loop should use.

A multithreaded matrix product returns only when every thread has finished; on a small product the
hand-offs cost more than the second thread saves, and when another process holds a core every product
waits a scheduler time slice. So: one thread for small products, all cores but one for large ones
(measured in docs/performance.md).
"""
import contextlib
import os

#: Below this many multiply-adds in one matrix product, a second BLAS thread costs more in hand-offs
#: than it saves: training then runs BLAS on one thread. Batch 32 on [784, 64, 10] is 1.6 million.
SMALL_PRODUCT = 8_000_000

_blas: dict = {}


def _cores():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def training_threads(batch_size, layer_sizes):
    """BLAS threads for a training loop: one for small products; for large ones every core but one,
    which stays free for Python's own work between the products and for whatever else the machine runs
    (a BLAS thread that has to wait for a busy core stalls every product: see docs/performance.md)."""
    largest = batch_size * max(n_in * n_out for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:]))
    return 1 if largest < SMALL_PRODUCT else max(1, _cores() - 1)


def blas_threads(batch_size, layer_sizes):
    """A context manager for a training loop: BLAS limited to ``training_threads(...)`` (never raised
    above what it is now, so OPENBLAS_NUM_THREADS=1 is respected). Does nothing without threadpoolctl."""
    if "controller" not in _blas:
        try:
            from threadpoolctl import ThreadpoolController
            _blas["controller"] = ThreadpoolController().select(user_api="blas")
        except Exception:  # threadpoolctl missing or unable to inspect this process: leave BLAS alone
            _blas["controller"] = None
    controller = _blas["controller"]
    if controller is None or not controller.lib_controllers:
        return contextlib.nullcontext()
    now = min(lib.num_threads for lib in controller.lib_controllers)
    threads = training_threads(batch_size, layer_sizes)
    return contextlib.nullcontext() if threads >= now else controller.limit(limits=threads)
