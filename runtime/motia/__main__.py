"""`python -m motia serve DIST`: serve a built app (see `motia.serve.main`)."""

from motia.serve import main

main()
