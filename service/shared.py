"""The one Service the web app's pages share, opened on SCORECARD_DB like the command line."""

from functools import lru_cache

from service.application import Service


@lru_cache(maxsize=1)
def shared() -> Service:
    service = Service.open(None, create=True)
    service.sync_reference(attempts=5)  # gunicorn workers start together and may race to write it
    return service
