from motia import Motia, StreamConfig

app = Motia()
config = StreamConfig(name="chat")


async def check(input, ctx, session):  # expect: MG230:11
    return True


app.set_authenticate(check)  # expect: MG231:1
