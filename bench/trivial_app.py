"""A trivial Dash page, the yardstick for bench/app.py: the same Dash, one heading, no callbacks
beyond Dash's own. Run by bench/app.py on a port of its choosing:

    python bench/trivial_app.py PORT
"""

import sys

import dash
from dash import html

app = dash.Dash(__name__)
app.layout = html.Div(html.Main(html.H1("A trivial Dash page"), id="main"))

if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(sys.argv[1]), debug=False)
