# expect: MG103
SOMETHING = 1
