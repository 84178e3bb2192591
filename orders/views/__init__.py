"""Storefront pages of orders: cart, checkout, order complete, guest lookup and my orders.

Split by page group (``cart``, ``checkout``, ``guest``, ``my_orders``); ``session`` finds
the shopper's cart and the guest orders this browser proved it may see, ``common`` turns
service errors into form errors and messages. Views stay thin: every write is one call
to ``orders.services``, every read goes through ``orders.selectors``.
"""
