"""motia-gen, the compiler: reads a Motia app's step and stream files statically, checks the whole app and
generates what the runtime (`motia`) serves. The stages, in order, are the packages; see
docs/architecture.md."""
