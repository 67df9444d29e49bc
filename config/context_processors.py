from . import roles


def role_flags(request):
    """What the page header needs to show each role its own menu."""
    user_roles = roles.user_roles(request.user)
    return {
        "is_staff_role": bool(user_roles & {roles.STAFF, roles.ADMINISTRATOR}),
        "is_admin_role": roles.ADMINISTRATOR in user_roles,
        "is_widyaiswara_role": roles.WIDYAISWARA in user_roles,
        "is_participant_role": roles.PARTICIPANT in user_roles,
        "is_mentor_role": roles.MENTOR in user_roles,
    }
