"""The desk's small shared core, below every app: roles and permissions, the errors services
raise, and the API plumbing that turns them into answers. It imports nothing else of the
project (an import-linter contract in pyproject.toml holds it), so annotations and verification
can both use it.
"""
