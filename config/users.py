"""How people are named on pages and in exports."""


def user_label(user):
    """A user's full name, or their user name when they have none."""
    return user.get_full_name() or user.username
