"""Places: districts and their buildings, and the CSV import that fills them."""
