"""`python -m motia serve DIST`: serve a built app (see `motia.web.serve.main`); `python -m motia zygote`:
the warm process `motia dev` forks servers from (see `motia.web.zygote`)."""

import sys

if sys.argv[1:2] == ["zygote"]:
    from motia.web.zygote import main as zygote

    zygote(sys.argv[2:])
else:
    from motia.web.serve import main

    main()
