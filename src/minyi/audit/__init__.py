"""The audit trail: who viewed or exported personal data, who changed roles or keys.

Rows are only ever added. Any package may record an event (this one sits just above the
database layer and knows no other domain); admins read the trail.
"""
