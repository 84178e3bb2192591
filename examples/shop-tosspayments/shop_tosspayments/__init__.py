"""Toss Payments (토스페이먼츠) for the shop, as a plugin: ``pip install`` it and it appears at checkout.

Everything it adds goes through the shop's public extension API (``shop.extend``,
``payments.extend``): the provider, its storefront return URLs, its sandbox emulator,
a checkout block and a background listener that keeps a receipt per paid order.
"""
