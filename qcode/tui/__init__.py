"""The terminal workbench (Textual). Only this package imports textual."""
