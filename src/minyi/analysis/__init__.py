"""What the pipeline derived from each message, and the registry of trained models."""
