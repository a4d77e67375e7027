config = {
    "type": "api",
    "name": "Broken"
    "path": "/broken",  # expect: MG101
}
