from rest_framework.routers import SimpleRouter


class OptionalSlashRouter(SimpleRouter):
    """Routes match with or without a trailing slash: calendar apps ask for
    `.../calendar.ics` exactly, and clients should not depend on a redirect."""

    def __init__(self) -> None:
        super().__init__()
        self.trailing_slash = "/?"
