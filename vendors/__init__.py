"""Marketplace sellers: vendors, staff membership, commission, settlements, seller center."""
