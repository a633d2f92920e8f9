"""The documents app's pages: incoming (收文), outgoing (发文), registers and issuing bodies."""

from . import citations, incoming, outgoing
from . import print as print_urls

app_name = "documents"

urlpatterns = incoming.urlpatterns + outgoing.urlpatterns + citations.urlpatterns + print_urls.urlpatterns
