"""Routes: see the package docstring."""
