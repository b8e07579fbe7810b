"""The store: models, engine and migrations glue. Imports nothing of the UI."""
