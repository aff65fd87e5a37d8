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
