"""The knowledge base (知识库): curated articles and answered cases, searchable (issue 17)."""
