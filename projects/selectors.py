from .models import ChangeProject


def projects_coached_by(user):
    return (
        ChangeProject.objects.filter(enrolment__coach=user)
        .select_related("enrolment__participant__agency", "enrolment__cohort__program")
        .order_by("-enrolment__cohort__start_date", "enrolment__participant__name")
    )
