"""The tenants' safety pulse (issue 25): one anonymous question on a building's tenant page,
"How safe do you feel here right now?" (1–5, with the time of day), at most once per phone,
building and ISO week. Its URLs (/t/<code>/pulse) belong to the tenants blueprint, so they
are public and in the tenant languages like every /t/ page; the figures staff see are in
app/reports/pulse.py."""
