"""Departments and the category tree that routes messages to them."""
