"""Media: the photo pipeline (limits, decoding, the stored copy) and face blurring."""
