"""Run and store: executors (serial, processes, Dask, batch systems, job arrays), the
experiment folder (atomic run records, manifest, lock), provenance, progress."""
