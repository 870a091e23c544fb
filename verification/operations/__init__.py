"""Operating a desk: backups of the whole desk and their restore (see docs/deploy.md)."""
