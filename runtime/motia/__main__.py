"""`python -m motia serve DIST`: serve a built app (see `motia.web.serve.main`)."""

from motia.web.serve import main

main()
