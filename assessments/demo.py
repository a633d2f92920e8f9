def seed(**kwargs):
    """Demo assessments: added with their pages."""
    return None
