"""Coupons, discounts and points (적립금)."""
