"""Reading Dash component trees in tests, as a reader of the page would."""


def texts(component) -> str:
    """Every string in a Dash component tree, joined: what a reader would see."""
    found = []

    def walk(node):
        if node is None:
            return
        if isinstance(node, (str, int, float)):
            found.append(str(node))
        elif isinstance(node, (list, tuple)):
            for child in node:
                walk(child)
        elif hasattr(node, "children"):
            walk(node.children)

    walk(component)
    return " ".join(found)


def app_on(db):
    """The real app on a database (SCORECARD_DB, as in production), for a module fixture to
    yield from; the shared service is closed and forgotten after."""
    import os

    from service.shared import shared

    os.environ["SCORECARD_DB"] = str(db)
    shared.cache_clear()
    import app as app_module

    yield app_module
    shared().store.close()
    shared.cache_clear()
    del os.environ["SCORECARD_DB"]
