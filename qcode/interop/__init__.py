"""Exchange with other qualitative analysis programs (REFI-QDA: .qdpx projects, .qdc codebooks)."""
