"""Hot issues: group messages about one concrete problem, rank the groups by heat."""
