"""Shipping fee policies per vendor and shipping quotes."""
