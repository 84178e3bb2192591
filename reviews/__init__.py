"""Product reviews with photos and product Q&A."""
