from config import roles

from ..factories import UserFactory


def admin_user(**kwargs):
    return UserFactory(role=roles.ADMINISTRATOR, **kwargs)
