"""The service: Scorecard's application. The pages (layouts/), the command line (service.cli)
and scripts call it and nothing below it; it works with the domain and the store (scorecard/)
and loads files through loaders/. See ../shared/DESIGN.md, "Architecture"."""
