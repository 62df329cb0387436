"""What an administrator configures: deadline rules and reply templates.

Users, departments and categories live in their own packages.
"""
