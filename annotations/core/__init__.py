"""The desk's small shared core, below every app: roles and permissions, the errors services
raise, the API plumbing that turns them into answers, and the migration operations that build
indexes without locking a table. It imports nothing else of the project (an import-linter
contract in pyproject.toml holds it), so annotations and verification can both use it.
"""
