"""Server-rendered pages: the citizen portal and the staff side."""
