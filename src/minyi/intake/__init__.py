"""Intake: every channel hands messages to :func:`minyi.intake.services.accept`."""
