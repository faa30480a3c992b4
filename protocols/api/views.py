from rest_framework import viewsets
from rest_framework.permissions import IsAuthenticated

from protocols.selectors import catalyst_ingredients, protocols_with_formulations

from .serializers import ProtocolSerializer


class ProtocolViewSet(viewsets.ReadOnlyModelViewSet):
    """Course protocols and their formulations: network-wide reference data, the same
    for every practice."""

    serializer_class = ProtocolSerializer
    permission_classes = [IsAuthenticated]
    lookup_field = "code"

    def get_queryset(self):
        return protocols_with_formulations()

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "catalyst": catalyst_ingredients()}
