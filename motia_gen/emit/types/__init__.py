"""`motia generate-types`: a package of types for the app's handlers, checked by `mypy --strict`."""
