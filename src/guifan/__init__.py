"""Guifan (规范): operational business standards, measured on a company's own data."""

__version__ = "0.1.0"
