"""Text pipeline stages, one module per stage, scikit-learn style."""
