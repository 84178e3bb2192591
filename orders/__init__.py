"""Cart, checkout, orders, fulfilment, cancellation, returns, purchase confirmation."""
