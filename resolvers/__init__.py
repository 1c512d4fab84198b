"""What each query and mutation does, on an AsyncSession. Never imports strawberry."""
