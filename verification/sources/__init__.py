"""Sources: fetching through the address guard (fetching.py, addresses.py, bodies.py,
errors.py), text extraction, the archive of snapshots, article import from a URL, and the
services that add, fetch, retry and re-check sources.
"""
