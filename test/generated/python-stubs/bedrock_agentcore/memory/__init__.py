"""Test double: package marker (see python-stubs/README.md)."""
