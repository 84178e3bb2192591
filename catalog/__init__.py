"""Categories, products, options and variants, stock, product media, search."""
