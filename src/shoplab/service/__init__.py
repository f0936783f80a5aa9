"""Service report package."""
