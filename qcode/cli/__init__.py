"""The `qcode` command line."""
