"""How people are named on pages and in exports."""

# Django's User keeps a name in two fields of 150 characters each.
NAME_PART = 150


def user_label(user):
    """A user's full name, or their user name when they have none."""
    return user.get_full_name() or user.username


def name_fields(name):
    """`first_name` and `last_name` for a person's full name with titles, split so that
    get_full_name() gives the name back as written: all of it in `first_name` when it fits,
    else cut at the last space that fits."""
    name = " ".join((name or "").split())
    if len(name) <= NAME_PART:
        return name, ""
    cut = name.rfind(" ", 0, NAME_PART + 1)
    cut = cut if cut > 0 else NAME_PART
    return name[:cut], name[cut:].strip()[:NAME_PART]
