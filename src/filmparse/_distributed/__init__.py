"""The distributed engine behind ``filmparse.dask``: listing fsspec URLs lazily,
cutting the listing into numbered partitions, converting a partition on a
worker and writing its parts, and the client's bounded submission loop."""
