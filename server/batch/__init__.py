"""Batch renders: one workflow, many variants (prompts × seeds × parameters), run on a local
process pool or a Ray cluster, resumable by content key.

    variants.py   --vary / --prompts / --seeds → variants with content keys
    job.py        one variant, run wherever it lands (pool process, Ray task, Ray actor)
    executors.py  the local pool and the Ray executor (tasks for CPU, an actor per GPU)
    cluster.py    connecting to Ray (also used by ``serve --ray-address``)
    runner.py     resume, validation, scheduling with retries, cancel, results
    results.py    results.jsonl;  sheet.py  index.html;  progress.py  the batch's progress bar
"""

from .cluster import ClusterUnreachable
from .runner import BatchOutcome, BatchSpec, run_batch
from .variants import Variant, VariantError, expand

__all__ = ["BatchOutcome", "BatchSpec", "ClusterUnreachable", "Variant", "VariantError", "expand", "run_batch"]
