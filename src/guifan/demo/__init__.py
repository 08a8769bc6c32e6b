"""The demo company 示例公司: a year of realistic operational data and the standards pack measured on it."""

from guifan.demo.generator import generate_demo

__all__ = ["generate_demo"]
