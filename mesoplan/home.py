"""What each role sees first after signing in."""

from mesoplan.roles import Role


def home_context(user) -> dict:
    template = {
        Role.CLINICIAN: "mesoplan/home_clinician.html",
        Role.PRACTICE_MANAGER: "mesoplan/home_manager.html",
        Role.NETWORK_ADMIN: "mesoplan/home_network.html",
    }.get(user.role, "mesoplan/home_clinician.html")
    context: dict = {"template": template, "practice": user.practice}
    if user.role == Role.NETWORK_ADMIN and user.network_id:
        context["network"] = user.network
        context["practices"] = list(user.network.practices.order_by("name"))
    return context
