"""Members' wishlists and "notify me" restock alerts on sold-out variants."""
