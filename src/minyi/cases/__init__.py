"""Cases: one or more messages handled together, with an append-only event log."""
