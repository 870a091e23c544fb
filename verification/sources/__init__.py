"""Sources: fetching through the address guard, text extraction, the archive of snapshots,
article import from a URL, and the services that add, fetch, retry and re-check sources."""
