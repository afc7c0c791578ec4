"""Seed data: the demo (`flask seed-demo`) and the scale data set (`flask seed-scale`)."""
